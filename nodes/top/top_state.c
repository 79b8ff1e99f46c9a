/* top_state.c: what symphony-top knows of each node, from its stats
 * records: counters, rates, health and restarts.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "top_state.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sym_err.h"

struct top_state_t {
    size_t count;
    top_node_t nodes[TOP_MAX_NODES];
};

top_state_t *
top_state_new(void)
{
    return calloc(1, sizeof(top_state_t));
}

void
top_state_destroy(top_state_t **self_p)
{
    if (self_p == NULL || *self_p == NULL) {
        return;
    }
    free(*self_p);
    *self_p = NULL;
}

/* The index of the node of stream, or count when there is none. */
static size_t
s_index(const top_state_t *self, const char *stream)
{
    size_t i = 0;
    while (i < self->count && strcmp(self->nodes[i].stream, stream) != 0) {
        i++;
    }
    return i;
}

/* The node of stream "<kind>.<name>", added DOWN when new, or NULL when
 * the table is full. */
static top_node_t *
s_get(top_state_t *self, const char *stream)
{
    size_t i = s_index(self, stream);
    if (i < self->count) {
        return &self->nodes[i];
    }
    if (self->count == TOP_MAX_NODES) {
        return NULL;
    }
    top_node_t *node = &self->nodes[self->count++];
    memset(node, 0, sizeof *node);
    snprintf(node->stream, sizeof node->stream, "%s", stream);
    const char *dot = strchr(stream, '.');
    if (dot) {
        snprintf(node->kind, sizeof node->kind, "%.*s", (int) (dot - stream),
                 stream);
        snprintf(node->name, sizeof node->name, "%s", dot + 1);
    } else {
        snprintf(node->kind, sizeof node->kind, "?");
        snprintf(node->name, sizeof node->name, "%s", stream);
    }
    node->health = TOP_DOWN;
    node->down_ms = -1;
    return node;
}

int
top_state_expect(top_state_t *self, const char *kind, const char *name)
{
    assert(self);
    char stream[sizeof self->nodes[0].stream];
    snprintf(stream, sizeof stream, "%s.%s", kind, name);
    return s_get(self, stream) ? SYM_OK : SYM_ETOOBIG;
}

/* The numeric field name of rec, or fallback when it has none. */
static double
s_num(const sym_rec_t *rec, const char *name, double fallback)
{
    const sym_val_t *val = sym_rec_get_const(rec, name, strlen(name));
    double value = fallback;
    if (val == NULL || !sym_val_to_double(val, &value)) {
        return fallback;
    }
    return value;
}

static int64_t
s_int(const sym_rec_t *rec, const char *name)
{
    return (int64_t) s_num(rec, name, 0.0);
}

/* Field "<label>.<what>" of rec. */
static int64_t
s_out_int(const sym_rec_t *rec, const char *label, const char *what)
{
    char name[64];
    snprintf(name, sizeof name, "%s.%s", label, what);
    return s_int(rec, name);
}

/* Refresh one output from rec; its rate comes from the change of sent
 * over the node's own uptime, so top's receive jitter does not count. */
static void
s_update_out(top_out_t *out, const sym_rec_t *rec, int64_t span_ms)
{
    int64_t sent = s_out_int(rec, out->label, "sent");
    out->has_rate = span_ms > 0 && sent >= out->sent;
    out->rate = out->has_rate
                    ? (double) (sent - out->sent) * 1000.0 / (double) span_ms
                    : 0.0;
    out->sent = sent;
    out->drop_full = s_out_int(rec, out->label, "drop_full");
    out->drop_no_peer = s_out_int(rec, out->label, "drop_no_peer");
    out->pending = s_out_int(rec, out->label, "pending");
    out->hwm = s_out_int(rec, out->label, "hwm");
    out->peers = s_out_int(rec, out->label, "peers");
}

static top_out_t *
s_out_slot(top_node_t *node, const char *label, size_t len)
{
    for (size_t i = 0; i < node->out_count; i++) {
        if (strlen(node->outs[i].label) == len &&
            memcmp(node->outs[i].label, label, len) == 0) {
            return &node->outs[i];
        }
    }
    if (node->out_count == TOP_MAX_OUTS || len >= sizeof node->outs[0].label) {
        return NULL;
    }
    top_out_t *out = &node->outs[node->out_count++];
    memset(out, 0, sizeof *out);
    memcpy(out->label, label, len);
    return out;
}

/* Every "<label>.sent" field names an output. A new epoch starts the
 * outputs afresh (span_ms < 0): their counters began again. */
static void
s_update_outs(top_node_t *node, const sym_rec_t *rec, int64_t span_ms)
{
    if (span_ms < 0) {
        node->out_count = 0;
    }
    static const char suffix[] = ".sent";
    const size_t suffix_len = sizeof suffix - 1;
    for (uint32_t i = 0; i < rec->field_count; i++) {
        sym_str_t name = rec->fields[i].name;
        if (name.len <= suffix_len ||
            memcmp(name.ptr + name.len - suffix_len, suffix, suffix_len)) {
            continue;
        }
        top_out_t *out = s_out_slot(node, name.ptr, name.len - suffix_len);
        if (out) {
            s_update_out(out, rec, span_ms);
        }
    }
}

static void
s_update_counters(top_node_t *node, const sym_rec_t *rec)
{
    for (int i = 0; i < SYM_CTR_COUNT; i++) {
        node->counters[i] = s_int(rec, sym_ctr_name((sym_ctr_t) i));
    }
    node->rate_in = s_num(rec, "rate_in", 0.0);
    node->rate_out = s_num(rec, "rate_out", 0.0);
    /* A record without an interval is taken to use the default. */
    node->interval_ms = s_int(rec, "interval_ms");
    if (node->interval_ms <= 0) {
        node->interval_ms = 1000;
    }
    node->has_lag = s_int(rec, "latency_count") > 0;
    node->lag_p50_ms = s_num(rec, "latency_p50_ms", 0.0);
    node->lag_p99_ms = s_num(rec, "latency_p99_ms", 0.0);
}

/* Epoch and report number bookkeeping. Returns false for a report of
 * an older run, which is ignored. */
static bool
s_update_epoch(top_node_t *node, const sym_rec_t *rec)
{
    if (node->is_seen && rec->epoch < node->epoch) {
        return false;
    }
    if (node->is_seen && rec->epoch > node->epoch) {
        node->restarts++;
        node->is_changed = true;
    }
    if (node->is_seen && rec->epoch == node->epoch && rec->seq > node->seq) {
        node->missed += rec->seq - node->seq - 1;
    }
    node->epoch = rec->epoch;
    node->seq = rec->seq;
    return true;
}

int
top_state_update(top_state_t *self, const sym_rec_t *rec, int source,
                 int64_t now_ms)
{
    assert(self);
    assert(rec);
    if (rec->kind != SYM_KIND_STATS || rec->stream.len == 0) {
        return SYM_EINVAL;
    }
    char stream[sizeof self->nodes[0].stream];
    snprintf(stream, sizeof stream, "%.*s", (int) rec->stream.len,
             rec->stream.ptr);
    top_node_t *node = s_get(self, stream);
    if (node == NULL) {
        return SYM_ETOOBIG;
    }
    bool is_same_run = node->is_seen && rec->epoch == node->epoch;
    int64_t uptime_ms = s_int(rec, "uptime_ms");
    if (!s_update_epoch(node, rec)) {
        return SYM_OK;
    }
    s_update_outs(node, rec, is_same_run ? uptime_ms - node->uptime_ms : -1);
    s_update_counters(node, rec);
    node->uptime_ms = uptime_ms;
    node->heard_ms = now_ms;
    node->source = source;
    top_health_t health = s_int(rec, "stopping") ? TOP_STOPPED : TOP_UP;
    if (health != node->health || !node->is_seen) {
        node->is_changed = true;
    }
    node->health = health;
    node->down_ms = -1;
    node->is_seen = true;
    return SYM_OK;
}

static void
s_down(top_node_t *node, int64_t now_ms)
{
    node->health = TOP_DOWN;
    node->down_ms = now_ms;
    node->is_changed = true;
}

size_t
top_state_check(top_state_t *self, int64_t now_ms)
{
    assert(self);
    size_t went_down = 0;
    for (size_t i = 0; i < self->count; i++) {
        top_node_t *node = &self->nodes[i];
        if (node->health == TOP_UP &&
            now_ms - node->heard_ms >= TOP_DOWN_INTERVALS * node->interval_ms) {
            s_down(node, now_ms);
            went_down++;
        }
    }
    return went_down;
}

size_t
top_state_lost(top_state_t *self, int source, int64_t now_ms)
{
    assert(self);
    size_t went_down = 0;
    for (size_t i = 0; i < self->count; i++) {
        top_node_t *node = &self->nodes[i];
        if (node->health == TOP_UP && node->source == source) {
            s_down(node, now_ms);
            went_down++;
        }
    }
    return went_down;
}

size_t
top_state_count(const top_state_t *self)
{
    return self->count;
}

const top_node_t *
top_state_node(const top_state_t *self, size_t i)
{
    return i < self->count ? &self->nodes[i] : NULL;
}

const top_node_t *
top_state_find(const top_state_t *self, const char *stream)
{
    size_t i = s_index(self, stream);
    return i < self->count ? &self->nodes[i] : NULL;
}

bool
top_state_has_changes(const top_state_t *self)
{
    for (size_t i = 0; i < self->count; i++) {
        if (self->nodes[i].is_changed) {
            return true;
        }
    }
    return false;
}

void
top_state_clear_changes(top_state_t *self)
{
    for (size_t i = 0; i < self->count; i++) {
        self->nodes[i].is_changed = false;
    }
}

const char *
top_health_name(top_health_t health)
{
    switch (health) {
    case TOP_UP:
        return "UP";
    case TOP_STOPPED:
        return "STOPPED";
    default:
        return "DOWN";
    }
}

int64_t
top_node_drops(const top_node_t *node)
{
    int64_t total = 0;
    for (int i = SYM_CTR_DROP_FULL; i <= SYM_CTR_DROP_WRITE; i++) {
        total += node->counters[i];
    }
    return total;
}
