/* top.c: symphony-top, a live view of a whole pipeline from the stats
 * records its nodes publish.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "top.h"

#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>

#include <czmq.h>

#include "sym_err.h"
#include "sym_in.h"
#include "sym_log.h"
#include "sym_loop.h"
#include "sym_peers.h"
#include "sym_sock.h"
#include "sym_time.h"
#include "sym_wire.h"
#include "top_cluster.h"
#include "top_view.h"

/* At most one malformed-message warning per this many ms. */
#define TOP_WARN_MS 5000

struct top_t {
    FILE *out;                   /* where the view goes */
    bool is_terminal;            /* redrawn table, else key=value lines */
    int64_t refresh_ms;          /* between two views */
    uint64_t count;              /* stop after this many views, 0: never */
    uint64_t shown;              /* views shown so far */
    int64_t next_view_ms;        /* monotonic time of the next view */
    volatile bool stop;          /* set by top_stop */
    top_state_t *state;          /* what is known of every node */
    sym_stats_t stats;           /* top's own counters, fed by the input */
    sym_in_t *in;                /* one SUB per endpoint */
    sym_strlist_t endpoints;     /* what the SUBs attach to */
    sym_peers_t **peers;         /* per SUB that connects: its peers */
    int *peer_counts;            /* per SUB: peers at the last tick */
    sym_wire_decoder_t *decoder; /* reused for every record */
    sym_rec_t *rec;              /* the record being read */
    sym_log_limit_t warn_limit;  /* malformed-message warnings */
};

static int
s_check_cfg(const top_cfg_t *cfg, char *err, size_t err_size)
{
    if (cfg->connect.count == 0 && cfg->cluster == NULL) {
        snprintf(err, err_size,
                 "nothing to watch: give --connect ENDPOINT or "
                 "--cluster FILE");
        return SYM_EINVAL;
    }
    if (cfg->refresh_ms < 50 || cfg->refresh_ms > 3600000) {
        snprintf(err, err_size, "option '--refresh-ms': expected 50-3600000");
        return SYM_EINVAL;
    }
    if (cfg->count < 0) {
        snprintf(err, err_size, "option '--count': expected 0 or more");
        return SYM_EINVAL;
    }
    if (cfg->run_dir && cfg->cluster == NULL) {
        snprintf(err, err_size, "option '--run-dir' applies to --cluster");
        return SYM_EINVAL;
    }
    return SYM_OK;
}

/* Every --connect value, then the endpoints of the cluster file. */
static int
s_gather(top_t *self, const top_cfg_t *cfg, char *err, size_t err_size)
{
    for (size_t i = 0; i < cfg->connect.count; i++) {
        if (sym_strlist_append(&self->endpoints, cfg->connect.items[i])) {
            snprintf(err, err_size, "out of memory");
            return SYM_ENOMEM;
        }
    }
    if (cfg->cluster == NULL) {
        return SYM_OK;
    }
    size_t without_stats = 0;
    int rc = top_cluster_load(cfg->cluster, cfg->run_dir, self->state,
                              &self->endpoints, &without_stats, err, err_size);
    if (rc == SYM_OK && without_stats > 0) {
        sym_log_warn("cluster",
                     "nodes without --stats-pub are not shown file=%s "
                     "nodes=%zu",
                     cfg->cluster, without_stats);
    }
    if (rc == SYM_OK && self->endpoints.count == 0) {
        snprintf(err, err_size,
                 "option '--cluster': no node in %s has --stats-pub",
                 cfg->cluster);
        rc = SYM_EINVAL;
    }
    return rc;
}

/* A SUB that connects to one endpoint has one publisher: when its
 * connection closes, that process is gone, which is known long before
 * its silence says so. Bound SUBs and lists are left to the silence. */
static void
s_watch_peers(top_t *self, size_t i)
{
    const char *endpoint = self->endpoints.items[i];
    if (*endpoint != '@' && strchr(endpoint, ',') == NULL) {
        self->peers[i] = sym_peers_new(sym_in_sock(self->in, i));
    }
}

/* One SUB per endpoint, subscribed to stats records only. */
static int
s_attach(top_t *self, char *err, size_t err_size)
{
    size_t count = self->endpoints.count;
    self->peers = calloc(count, sizeof *self->peers);
    self->peer_counts = calloc(count, sizeof *self->peer_counts);
    if (self->peers == NULL || self->peer_counts == NULL) {
        snprintf(err, err_size, "out of memory");
        return SYM_ENOMEM;
    }
    sym_sock_policy_t policy;
    sym_sock_policy_default(&policy);
    sym_strlist_t topics = {0};
    char *prefix = "stats.";
    topics.count = 1;
    topics.items = &prefix;
    for (size_t i = 0; i < self->endpoints.count; i++) {
        char reason[256] = "";
        int rc = sym_in_add(self->in, ZMQ_SUB, self->endpoints.items[i],
                            &topics, &policy, reason, sizeof reason);
        if (rc != SYM_OK) {
            snprintf(err, err_size, "endpoint '%s': %s",
                     self->endpoints.items[i],
                     *reason ? reason : sym_strerror(rc));
            return rc;
        }
        s_watch_peers(self, i);
    }
    return SYM_OK;
}

static void
s_log_start(const top_t *self)
{
    char list[1024] = "";
    size_t used = 0;
    for (size_t i = 0; i < self->endpoints.count && used < sizeof list; i++) {
        int n = snprintf(list + used, sizeof list - used, "%s%s", i ? "," : "",
                         self->endpoints.items[i]);
        used += n > 0 ? (size_t) n : 0;
    }
    sym_log_info("node",
                 "started version=%s endpoints=%s nodes_listed=%zu "
                 "view=%s refresh_ms=%" PRId64,
                 SYM_VERSION, list, top_state_count(self->state),
                 self->is_terminal ? "table" : "plain", self->refresh_ms);
}

top_t *
top_new(const top_cfg_t *cfg, FILE *out, bool is_terminal, int *rc, char *err,
        size_t err_size)
{
    assert(cfg);
    assert(out);
    assert(rc);

    *rc = s_check_cfg(cfg, err, err_size);
    if (*rc != SYM_OK) {
        return NULL;
    }
    top_t *self = calloc(1, sizeof *self);
    if (self == NULL) {
        *rc = SYM_ENOMEM;
        snprintf(err, err_size, "out of memory");
        return NULL;
    }
    self->out = out;
    self->is_terminal = is_terminal;
    self->refresh_ms = cfg->refresh_ms;
    self->count = (uint64_t) cfg->count;
    self->warn_limit.interval_ms = TOP_WARN_MS;
    sym_wire_limits_t limits;
    sym_wire_limits_default(&limits);
    self->state = top_state_new();
    self->in = sym_in_new(&self->stats);
    self->decoder = sym_wire_decoder_new(&limits);
    self->rec = sym_rec_new();
    if (!self->state || !self->in || !self->decoder || !self->rec) {
        *rc = SYM_ENOMEM;
        snprintf(err, err_size, "out of memory");
        goto fail;
    }
    *rc = s_gather(self, cfg, err, err_size);
    if (*rc == SYM_OK) {
        *rc = s_attach(self, err, err_size);
    }
    if (*rc != SYM_OK) {
        goto fail;
    }
    s_log_start(self);
    return self;

fail:
    top_destroy(&self);
    return NULL;
}

void
top_destroy(top_t **self_p)
{
    if (self_p == NULL || *self_p == NULL) {
        return;
    }
    top_t *self = *self_p;
    for (size_t i = 0; self->peers && i < self->endpoints.count; i++) {
        sym_peers_destroy(&self->peers[i]);
    }
    free(self->peers);
    free(self->peer_counts);
    sym_in_destroy(&self->in);
    sym_strlist_clear(&self->endpoints);
    sym_wire_decoder_destroy(&self->decoder);
    sym_rec_destroy(&self->rec);
    top_state_destroy(&self->state);
    free(self);
    *self_p = NULL;
}

static void
s_warn_malformed(top_t *self, const sym_in_msg_t *msg, const char *reason)
{
    uint64_t repeats = 0;
    if (!sym_log_limit_pass(&self->warn_limit, &repeats)) {
        return;
    }
    const char *from =
        msg->source >= 0 && (size_t) msg->source < self->endpoints.count
            ? self->endpoints.items[msg->source]
            : "?";
    sym_log_warn("input",
                 "dropped malformed message reason=\"%s\" topic=%s "
                 "source=%s repeats=%" PRIu64,
                 reason, msg->topic ? msg->topic : "-", from, repeats);
}

static void
s_on_bad_message(void *arg, const sym_in_msg_t *msg)
{
    s_warn_malformed(arg, msg, msg->error);
}

/* Take every stats record of the message; anything else is ignored. */
static int
s_on_message(void *arg, const sym_in_msg_t *msg)
{
    top_t *self = arg;
    const char *data = msg->payload;
    size_t left = msg->payload_len;
    int64_t now_ms = sym_time_mono_ms();
    while (left > 0) {
        size_t used = 0;
        if (sym_wire_decode(self->decoder, data, left, self->rec, &used) !=
            SYM_OK) {
            self->stats.values[SYM_CTR_DROP_DECODE]++;
            s_warn_malformed(self, msg, sym_wire_last_error(self->decoder));
            return SYM_OK;
        }
        self->stats.values[SYM_CTR_RECEIVED]++;
        if (top_state_update(self->state, self->rec, msg->source, now_ms) ==
            SYM_ETOOBIG) {
            self->stats.values[SYM_CTR_DROP_TOO_BIG]++;
        }
        data += used;
        left -= used;
    }
    return SYM_OK;
}

/* Hand the view to its reader. A reader that went away (`| head`) is an
 * orderly stop; any other failure is an error. */
static int
s_flush(top_t *self)
{
    if (fflush(self->out) == 0 && !ferror(self->out)) {
        return SYM_OK;
    }
    int error = errno;
    clearerr(self->out);
    __fpurge(self->out);
    if (error == EPIPE || error == EINTR) {
        return SYM_ECLOSED;
    }
    sym_log_error("output", "write failed err=\"%s\"", strerror(error));
    return SYM_EIO;
}

/* Nodes whose connection closed go DOWN at once. */
static void
s_check_peers(top_t *self, int64_t now_ms)
{
    for (size_t i = 0; i < self->endpoints.count; i++) {
        if (self->peers[i] == NULL) {
            continue;
        }
        int count = sym_peers_count(self->peers[i]);
        if (count == 0 && self->peer_counts[i] > 0) {
            top_state_lost(self->state, (int) i, now_ms);
        }
        self->peer_counts[i] = count;
    }
}

/* Silent nodes go DOWN; the view is shown every refresh_ms, and at once
 * for the nodes that changed. */
static int
s_on_tick(void *arg)
{
    top_t *self = arg;
    int64_t now_ms = sym_time_mono_ms();
    s_check_peers(self, now_ms);
    top_state_check(self->state, now_ms);
    bool is_due = now_ms >= self->next_view_ms;
    if (!is_due && !top_state_has_changes(self->state)) {
        return SYM_OK;
    }
    if (self->is_terminal) {
        top_view_table(self->out, self->state, now_ms);
    } else {
        top_view_plain(self->out, self->state, now_ms, !is_due);
    }
    top_state_clear_changes(self->state);
    if (is_due) {
        self->shown++;
        self->next_view_ms += self->refresh_ms;
        if (self->next_view_ms <= now_ms) {
            self->next_view_ms = now_ms + self->refresh_ms;
        }
    }
    return s_flush(self);
}

static bool
s_is_done(void *arg)
{
    top_t *self = arg;
    return self->count > 0 && self->shown >= self->count;
}

int
top_run(top_t *self)
{
    assert(self);

    const sym_loop_ops_t ops = {
        .on_message = s_on_message,
        .on_bad_message = s_on_bad_message,
        .on_tick = s_on_tick,
        .is_done = s_is_done,
    };
    self->next_view_ms = sym_time_mono_ms() + self->refresh_ms;
    int rc = sym_loop_run(self->in, &ops, self, TOP_TICK_MS, &self->stop);
    sym_log_info("node",
                 "stopped views=%" PRIu64 " reports=%" PRIu64
                 " malformed=%" PRIu64,
                 self->shown, self->stats.values[SYM_CTR_RECEIVED],
                 self->stats.values[SYM_CTR_DROP_DECODE] +
                     self->stats.values[SYM_CTR_DROP_FRAMES]);
    return rc == SYM_ECLOSED ? SYM_OK : rc;
}

void
top_stop(top_t *self)
{
    assert(self);
    self->stop = true;
}

const top_state_t *
top_state(const top_t *self)
{
    return self->state;
}
