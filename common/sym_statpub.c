/* sym_statpub.c: a node's counters, published as a stats record once per
 * interval on its own PUB socket.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "sym_statpub.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sym_err.h"
#include "sym_sock.h"
#include "sym_time.h"
#include "sym_wire.h"

#define S_OUTPUTS 2

typedef struct {
    char label[16]; /* "push" or "pub" */
    sym_out_t *out; /* the output, owned by the node */
    int hwm;        /* its send high-water mark */
} s_output_t;

struct sym_statpub_t {
    zsock_t *sock;       /* the PUB the reports go to */
    char topic[256];     /* stats.<node>.<name> */
    char stream[256];    /* <node>.<name> */
    uint64_t epoch;      /* the node's run id */
    uint64_t seq;        /* reports sent */
    int64_t interval_ms; /* between reports */
    int64_t started_ms;  /* monotonic start, for uptime */
    int64_t last_ms;     /* monotonic time of the last report */
    uint64_t last_in;    /* records in at the last report */
    uint64_t last_out;   /* records out at the last report */
    s_output_t outs[S_OUTPUTS];
    size_t out_count;
    sym_statpub_extra_fn extra; /* adds the node's own fields, or NULL */
    void *extra_arg;            /* passed to extra */
    sym_rec_t *rec;             /* the report, reused */
    msgpack_sbuffer buf;        /* its encoding */
};

sym_statpub_t *
sym_statpub_new(const sym_opt_common_t *common, const char *node,
                uint64_t epoch, int *rc, char *err, size_t err_size)
{
    *rc = SYM_OK;
    if (common->stats_pub == NULL) {
        return NULL;
    }
    if (common->stats_ms < SYM_STATPUB_MIN_MS ||
        common->stats_ms > SYM_STATPUB_MAX_MS) {
        snprintf(err, err_size, "option '--stats-ms': expected %d-%d",
                 SYM_STATPUB_MIN_MS, SYM_STATPUB_MAX_MS);
        *rc = SYM_EINVAL;
        return NULL;
    }
    sym_statpub_t *self = calloc(1, sizeof *self);
    if (self == NULL || (self->rec = sym_rec_new()) == NULL) {
        free(self);
        snprintf(err, err_size, "out of memory");
        *rc = SYM_ENOMEM;
        return NULL;
    }
    msgpack_sbuffer_init(&self->buf);
    const char *name = common->name ? common->name : node;
    snprintf(self->stream, sizeof self->stream, "%s.%s", node, name);
    snprintf(self->topic, sizeof self->topic, "stats.%.240s", self->stream);
    self->epoch = epoch;
    self->interval_ms = common->stats_ms;
    self->started_ms = sym_time_mono_ms();
    self->last_ms = self->started_ms;
    sym_sock_policy_t policy;
    sym_sock_policy_default(&policy);
    char reason[256] = "";
    self->sock = sym_sock_open(ZMQ_PUB, common->stats_pub, &policy, rc, reason,
                               sizeof reason);
    if (self->sock == NULL) {
        snprintf(err, err_size, "option '--stats-pub': %s", reason);
        sym_statpub_destroy(&self);
    }
    return self;
}

void
sym_statpub_destroy(sym_statpub_t **self_p)
{
    if (self_p == NULL || *self_p == NULL) {
        return;
    }
    sym_statpub_t *self = *self_p;
    zsock_destroy(&self->sock);
    sym_rec_destroy(&self->rec);
    msgpack_sbuffer_destroy(&self->buf);
    free(self);
    *self_p = NULL;
}

int
sym_statpub_add_out(sym_statpub_t *self, const char *label, sym_out_t *out,
                    int hwm)
{
    if (self == NULL || out == NULL) {
        return SYM_OK;
    }
    if (self->out_count == S_OUTPUTS) {
        return SYM_ETOOBIG;
    }
    s_output_t *slot = &self->outs[self->out_count++];
    snprintf(slot->label, sizeof slot->label, "%s", label);
    slot->out = out;
    slot->hwm = hwm;
    return SYM_OK;
}

/* Add "<label>.<what>" = value. */
static void
s_set_out(sym_rec_t *rec, const char *label, const char *what, int64_t value)
{
    char name[64];
    snprintf(name, sizeof name, "%s.%s", label, what);
    sym_rec_set_int(rec, name, value);
}

static void
s_add_outputs(sym_statpub_t *self)
{
    for (size_t i = 0; i < self->out_count; i++) {
        const s_output_t *slot = &self->outs[i];
        sym_out_counts_t counts;
        sym_out_counts(slot->out, &counts);
        s_set_out(self->rec, slot->label, "sent", (int64_t) counts.sent);
        s_set_out(self->rec, slot->label, "drop_full",
                  (int64_t) counts.drop_full);
        s_set_out(self->rec, slot->label, "drop_no_peer",
                  (int64_t) counts.drop_no_peer);
        s_set_out(self->rec, slot->label, "pending", (int64_t) counts.pending);
        s_set_out(self->rec, slot->label, "hwm", slot->hwm);
        s_set_out(self->rec, slot->label, "peers", counts.peers);
    }
}

/* Every counter, zero or not, so a reader sees the same fields always. */
static void
s_add_counters(sym_statpub_t *self, const sym_stats_t *stats, int64_t now_ms)
{
    for (int i = 0; i < SYM_CTR_COUNT; i++) {
        sym_rec_set_int(self->rec, sym_ctr_name((sym_ctr_t) i),
                        (int64_t) stats->values[i]);
    }
    const uint64_t *v = stats->values;
    uint64_t in = v[SYM_CTR_READ] + v[SYM_CTR_RECEIVED];
    uint64_t out = v[SYM_CTR_SENT] + v[SYM_CTR_STORED];
    int64_t span_ms = now_ms - self->last_ms;
    double span_s = span_ms > 0 ? (double) span_ms / 1000.0 : 1.0;
    sym_rec_set_double(self->rec, "rate_in",
                       (double) (in - self->last_in) / span_s);
    sym_rec_set_double(self->rec, "rate_out",
                       (double) (out - self->last_out) / span_s);
    sym_rec_set_int(self->rec, "uptime_ms", now_ms - self->started_ms);
    sym_rec_set_int(self->rec, "interval_ms", self->interval_ms);
    self->last_in = in;
    self->last_out = out;
}

void
sym_statpub_set_extra(sym_statpub_t *self, sym_statpub_extra_fn fn, void *arg)
{
    if (self) {
        self->extra = fn;
        self->extra_arg = arg;
    }
}

static void
s_publish(sym_statpub_t *self, const sym_stats_t *stats, bool is_last)
{
    int64_t now_ms = sym_time_mono_ms();
    sym_rec_t *rec = self->rec;
    sym_rec_reset(rec);
    sym_rec_set_stream(rec, self->stream, strlen(self->stream));
    rec->kind = SYM_KIND_STATS;
    rec->epoch = self->epoch;
    rec->seq = ++self->seq;
    rec->event_ns = sym_time_now_ns();
    rec->ingest_ns = rec->event_ns;
    s_add_counters(self, stats, now_ms);
    s_add_outputs(self);
    if (self->extra) {
        self->extra(self->extra_arg, rec);
    }
    if (is_last) {
        sym_rec_set_int(rec, "stopping", 1);
    }
    self->last_ms = now_ms;
    msgpack_sbuffer_clear(&self->buf);
    if (sym_wire_encode(rec, &self->buf) != SYM_OK) {
        return;
    }
    void *handle = zsock_resolve(self->sock);
    if (zmq_send(handle, self->topic, strlen(self->topic),
                 ZMQ_DONTWAIT | ZMQ_SNDMORE) >= 0) {
        zmq_send(handle, self->buf.data, self->buf.size, ZMQ_DONTWAIT);
    }
}

void
sym_statpub_publish(sym_statpub_t *self, const sym_stats_t *stats)
{
    if (self) {
        s_publish(self, stats, true);
    }
}

/* A tick up to a tenth of the interval early still reports: a node whose
 * loop ticks at the interval would otherwise skip every other report,
 * and a reader judging liveness by the interval would see gaps. */
void
sym_statpub_tick(sym_statpub_t *self, const sym_stats_t *stats)
{
    if (self == NULL) {
        return;
    }
    int64_t due_ms = self->interval_ms - self->interval_ms / 10;
    if (sym_time_mono_ms() - self->last_ms >= due_ms) {
        s_publish(self, stats, false);
    }
}
