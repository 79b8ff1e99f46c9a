/* transform.c: the transform node: inputs, a chain of steps, outputs.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "transform.h"

#include <assert.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <czmq.h>

#include "sym_err.h"
#include "sym_in.h"
#include "sym_log.h"
#include "sym_loop.h"
#include "sym_service.h"
#include "sym_out.h"
#include "sym_sock.h"
#include "sym_statpub.h"
#include "sym_time.h"
#include "sym_track.h"
#include "sym_wire.h"

#define S_TICK_MS 100  /* resolution of stale and window timeouts */
#define S_LOG_TICKS 10 /* debug counters once a second */
#define S_WARN_INTERVAL_MS 10000
#define S_BLOCKED_WARN_MS 2000 /* a blocked send this long is worth a WARN */
#define S_MAX_BATCH_BYTES (64 * 1024 * 1024)
#define S_MAX_LINGER_MS 60000
#define S_STOP_SEND_MS 500 /* last flush after a stop, so exit takes < 2 s */

#define S_TEXT(x) S_TEXT_(x)
#define S_TEXT_(x) #x

const sym_opt_t transform_options[] = {
    SYM_OPT_COMMON(transform_cfg_t, common, "transform"),
    SYM_OPT_LIMITS(transform_cfg_t, auth),
    SYM_OPT_CURVE(transform_cfg_t, auth),
    {"sub", SYM_OPT_LIST, NULL, "SUB input endpoints (connect by default)",
     offsetof(transform_cfg_t, sub)},
    {"topic", SYM_OPT_LIST, NULL,
     "topic prefix the SUB inputs subscribe to (default: all)",
     offsetof(transform_cfg_t, topic)},
    {"pull", SYM_OPT_LIST, NULL, "PULL input endpoints (bind by default)",
     offsetof(transform_cfg_t, pull)},
    {"pub", SYM_OPT_STR, NULL,
     "PUB output endpoints for taps (bind by default)",
     offsetof(transform_cfg_t, pub)},
    {"push", SYM_OPT_STR, NULL, "PUSH output endpoints (connect by default)",
     offsetof(transform_cfg_t, push)},
    {"on-full", SYM_OPT_STR, "block",
     "PUSH with every peer full: block, drop-newest or drop-oldest",
     offsetof(transform_cfg_t, on_full)},
    {"steps", SYM_OPT_STR, NULL, "file of steps, one per line (none: relay)",
     offsetof(transform_cfg_t, steps)},
    {"sndhwm", SYM_OPT_INT, S_TEXT(SYM_DEFAULT_SNDHWM),
     "messages queued per peer for sending", offsetof(transform_cfg_t, sndhwm)},
    {"rcvhwm", SYM_OPT_INT, S_TEXT(SYM_DEFAULT_RCVHWM),
     "messages queued per peer for receiving",
     offsetof(transform_cfg_t, rcvhwm)},
    {"sndbuf", SYM_OPT_INT, "0",
     "kernel send buffer per output connection, bytes; 0: the system's",
     offsetof(transform_cfg_t, sndbuf)},
    {"batch-bytes", SYM_OPT_INT, "32768",
     "send a batch once it reaches this many bytes",
     offsetof(transform_cfg_t, batch_bytes)},
    {"linger-ms", SYM_OPT_INT, S_TEXT(SYM_DEFAULT_LINGER_MS),
     "how long closing may keep delivering, ms",
     offsetof(transform_cfg_t, linger_ms)},
    {NULL},
};

struct transform_t {
    const transform_cfg_t *cfg;    /* settings, for the start line */
    sym_stats_t stats;             /* the node's counters */
    sym_stats_t pub_stats;         /* the PUB's, when a PUSH is primary */
    sym_in_t *in;                  /* SUB and PULL inputs */
    sym_service_t *service;        /* systemd, metrics and health */
    sym_out_t *push;               /* PUSH output, or NULL */
    sym_out_t *pub;                /* PUB output, or NULL */
    transform_chain_t *chain;      /* the steps */
    sym_wire_decoder_t *decoder;   /* reused for every record */
    sym_rec_t *rec;                /* the record being handled */
    sym_track_t *track;            /* duplicates and epochs seen */
    sym_statpub_t *statpub;        /* stats records, or NULL */
    uint64_t epoch;                /* run id: start time, ns */
    volatile bool is_stopping;     /* set by transform_stop */
    uint64_t ticks;                /* on_tick calls, for the debug lines */
    sym_log_limit_t decode_limit;  /* malformed payloads */
    sym_log_limit_t frame_limit;   /* malformed messages */
    sym_log_limit_t blocked_limit; /* sends waiting for room */
    sym_auth_t auth;               /* keys and allow-lists loaded */
    sym_wire_limits_t limits;      /* what a record may hold */
};

/* Check the settings that sym_opt cannot. */
static int
s_check_cfg(const transform_cfg_t *cfg, char *err, size_t err_size)
{
    if (cfg->sub.count + cfg->pull.count == 0) {
        snprintf(err, err_size, "expected an input: --sub or --pull");
    } else if (cfg->pub == NULL && cfg->push == NULL) {
        snprintf(err, err_size, "expected an output: --pub or --push");
    } else if (cfg->topic.count > 0 && cfg->sub.count == 0) {
        snprintf(err, err_size, "option '--topic' needs a --sub input");
    } else if (cfg->sndhwm < 0 || cfg->sndhwm > INT32_MAX) {
        snprintf(err, err_size, "option '--sndhwm': expected 0 or more");
    } else if (cfg->rcvhwm < 0 || cfg->rcvhwm > INT32_MAX) {
        snprintf(err, err_size, "option '--rcvhwm': expected 0 or more");
    } else if (cfg->sndbuf < 0 || cfg->sndbuf > INT32_MAX) {
        snprintf(err, err_size, "option '--sndbuf': expected 0 or more");
    } else if (cfg->batch_bytes < 1 || cfg->batch_bytes > S_MAX_BATCH_BYTES) {
        snprintf(err, err_size, "option '--batch-bytes': expected 1-%d",
                 S_MAX_BATCH_BYTES);
    } else if (cfg->linger_ms < 0 || cfg->linger_ms > S_MAX_LINGER_MS) {
        snprintf(err, err_size, "option '--linger-ms': expected 0-%d",
                 S_MAX_LINGER_MS);
    } else {
        return SYM_OK;
    }
    return SYM_EINVAL;
}

static int
s_emit(void *arg, const char *topic, const sym_rec_t *rec)
{
    transform_t *self = arg;
    int rc = SYM_OK;
    if (self->push) {
        rc = sym_out_write(self->push, topic, rec);
    }
    if (rc == SYM_OK && self->pub) {
        rc = sym_out_write(self->pub, topic, rec);
    }
    return rc;
}

static int
s_open_chain(transform_t *self, const transform_cfg_t *cfg, char *err,
             size_t err_size)
{
    if (cfg->steps) {
        self->chain = transform_chain_load(cfg->steps, err, err_size);
    } else {
        self->chain = transform_chain_parse("(no steps)", "", err, err_size);
    }
    if (self->chain == NULL) {
        return SYM_EINVAL;
    }
    const char *name = cfg->common.name ? cfg->common.name : "transform";
    if (transform_chain_set_origin(self->chain, name, self->epoch) != SYM_OK) {
        snprintf(err, err_size, "option '--name': too long");
        return SYM_EINVAL;
    }
    transform_chain_set_emit(self->chain, s_emit, self);
    return SYM_OK;
}

static void s_on_wait(void *arg, sym_out_t *out, int64_t waited_ms);

/* Open one output; its counters go to stats. */
static int
s_open_output(sym_out_t **out, int type, const char *endpoints,
              sym_full_t on_full, const transform_cfg_t *cfg,
              const sym_sock_policy_t *policy, sym_stats_t *stats, char *err,
              size_t err_size)
{
    sym_out_opts_t opts = {
        .type = type,
        .endpoints = endpoints,
        .on_full = on_full,
        .batch_bytes = (size_t) cfg->batch_bytes,
    };
    int rc = SYM_OK;
    char reason[256] = "";
    *out = sym_out_new(&opts, policy, stats, &rc, reason, sizeof reason);
    if (*out == NULL) {
        snprintf(err, err_size, "option '--%s': %s", sym_sock_type_name(type),
                 reason);
    }
    return rc;
}

static int
s_open_outputs(transform_t *self, const transform_cfg_t *cfg,
               const sym_sock_policy_t *policy, char *err, size_t err_size)
{
    sym_full_t on_full = SYM_FULL_BLOCK;
    if (sym_full_parse(cfg->on_full ? cfg->on_full : "block", &on_full) !=
        SYM_OK) {
        snprintf(err, err_size,
                 "option '--on-full': expected block, drop-newest or "
                 "drop-oldest, got '%s'",
                 cfg->on_full);
        return SYM_EINVAL;
    }
    int rc = SYM_OK;
    if (cfg->push) {
        rc = s_open_output(&self->push, ZMQ_PUSH, cfg->push, on_full, cfg,
                           policy, &self->stats, err, err_size);
    }
    if (rc == SYM_OK && self->push) {
        sym_out_on_wait(self->push, s_on_wait, self);
    }
    /* A PUB never waits for its subscribers; when a PUSH is there too,
     * the PUB's sends are counted apart so "sent" is not doubled. */
    sym_stats_t *pub_stats = cfg->push ? &self->pub_stats : &self->stats;
    if (rc == SYM_OK && cfg->pub) {
        rc = s_open_output(&self->pub, ZMQ_PUB, cfg->pub, SYM_FULL_DROP_NEWEST,
                           cfg, policy, pub_stats, err, err_size);
    }
    return rc;
}

static int
s_open_inputs(transform_t *self, const transform_cfg_t *cfg,
              const sym_sock_policy_t *policy, char *err, size_t err_size)
{
    char reason[256] = "";
    int rc = SYM_OK;
    for (size_t i = 0; i < cfg->sub.count && rc == SYM_OK; i++) {
        rc = sym_in_add(self->in, ZMQ_SUB, cfg->sub.items[i], &cfg->topic,
                        policy, reason, sizeof reason);
        if (rc != SYM_OK) {
            snprintf(err, err_size, "option '--sub': %s", reason);
        }
    }
    for (size_t i = 0; i < cfg->pull.count && rc == SYM_OK; i++) {
        rc = sym_in_add(self->in, ZMQ_PULL, cfg->pull.items[i], NULL, policy,
                        reason, sizeof reason);
        if (rc != SYM_OK) {
            snprintf(err, err_size, "option '--pull': %s", reason);
        }
    }
    return rc;
}

static int
s_open_sockets(transform_t *self, const transform_cfg_t *cfg, char *err,
               size_t err_size)
{
    sym_sock_policy_t policy;
    sym_sock_policy_default(&policy);
    policy.sndhwm = (int) cfg->sndhwm;
    policy.rcvhwm = (int) cfg->rcvhwm;
    policy.sndbuf = (int) cfg->sndbuf;
    policy.linger_ms = (int) cfg->linger_ms;
    policy.auth = &self->auth;
    sym_sock_apply_limits(&cfg->auth, &policy, &self->limits);
    int rc = s_open_outputs(self, cfg, &policy, err, err_size);
    if (rc == SYM_OK) {
        rc = s_open_inputs(self, cfg, &policy, err, err_size);
    }
    return rc;
}

/* Count the peers of every socket for /health, inputs in the order
 * s_open_inputs added them. */
static int
s_watch_sockets(transform_t *self, const transform_cfg_t *cfg, char *err,
                size_t err_size)
{
    int rc = SYM_OK;
    size_t input = 0;
    for (size_t i = 0; i < cfg->sub.count && rc == SYM_OK; i++, input++) {
        rc = sym_service_watch(self->service, sym_in_sock(self->in, input),
                               "sub", cfg->sub.items[i], false);
    }
    for (size_t i = 0; i < cfg->pull.count && rc == SYM_OK; i++, input++) {
        rc = sym_service_watch(self->service, sym_in_sock(self->in, input),
                               "pull", cfg->pull.items[i], true);
    }
    if (rc == SYM_OK && self->push) {
        rc = sym_service_watch(self->service, sym_out_sock(self->push), "push",
                               cfg->push, false);
    }
    if (rc == SYM_OK && self->pub) {
        rc = sym_service_watch(self->service, sym_out_sock(self->pub), "pub",
                               cfg->pub, true);
    }
    if (rc != SYM_OK) {
        snprintf(err, err_size, "cannot watch the sockets");
    }
    return rc;
}

transform_t *
transform_new(const transform_cfg_t *cfg, int *rc, char *err, size_t err_size)
{
    assert(cfg);
    assert(rc);

    transform_t *self = calloc(1, sizeof *self);
    *rc = SYM_ENOMEM;
    if (self == NULL || (self->in = sym_in_new(&self->stats)) == NULL ||
        (self->rec = sym_rec_new()) == NULL ||
        (self->track = sym_track_new(false)) == NULL) {
        snprintf(err, err_size, "out of memory");
        goto fail;
    }
    self->cfg = cfg;
    self->epoch = (uint64_t) sym_time_now_ns();
    self->decode_limit.interval_ms = S_WARN_INTERVAL_MS;
    self->frame_limit.interval_ms = S_WARN_INTERVAL_MS;
    self->blocked_limit.interval_ms = S_WARN_INTERVAL_MS;
    *rc = s_check_cfg(cfg, err, err_size);
    if (*rc == SYM_OK) {
        *rc = sym_auth_load(&cfg->auth, &self->auth, err, err_size);
    }
    if (*rc == SYM_OK) {
        *rc = s_open_chain(self, cfg, err, err_size);
    }
    if (*rc == SYM_OK) {
        self->service = sym_service_new("transform", &cfg->common, &self->stats,
                                        rc, err, err_size);
    }
    if (*rc == SYM_OK) {
        *rc = s_open_sockets(self, cfg, err, err_size);
    }
    if (*rc == SYM_OK) {
        self->statpub = sym_statpub_new(&cfg->common, "transform", self->epoch,
                                        rc, err, err_size);
        sym_statpub_add_out(self->statpub, "push", self->push,
                            (int) cfg->sndhwm);
        sym_statpub_add_out(self->statpub, "pub", self->pub, (int) cfg->sndhwm);
        if (*rc == SYM_OK) {
            *rc = s_watch_sockets(self, cfg, err, err_size);
        }
    }
    if (*rc == SYM_OK &&
        (self->decoder = sym_wire_decoder_new(&self->limits)) == NULL) {
        *rc = SYM_ENOMEM;
        snprintf(err, err_size, "out of memory");
    }
    if (*rc != SYM_OK) {
        goto fail;
    }
    return self;

fail:
    transform_destroy(&self);
    return NULL;
}

void
transform_destroy(transform_t **self_p)
{
    if (self_p == NULL || *self_p == NULL) {
        return;
    }
    transform_t *self = *self_p;
    sym_service_destroy(&self->service);
    sym_in_destroy(&self->in);
    sym_out_destroy(&self->push);
    sym_out_destroy(&self->pub);
    transform_chain_destroy(&self->chain);
    sym_wire_decoder_destroy(&self->decoder);
    sym_rec_destroy(&self->rec);
    sym_track_destroy(&self->track);
    sym_statpub_destroy(&self->statpub);
    free(self);
    *self_p = NULL;
}

void
transform_stop(transform_t *self)
{
    assert(self);
    self->is_stopping = true;
}

const sym_stats_t *
transform_stats(const transform_t *self)
{
    return &self->stats;
}

const transform_chain_t *
transform_get_chain(const transform_t *self)
{
    return self->chain;
}

static void
s_warn_decode(transform_t *self, const sym_in_msg_t *msg, size_t offset,
              const char *reason)
{
    uint64_t repeats = 0;
    if (sym_log_limit_pass(&self->decode_limit, &repeats)) {
        sym_log_warn("input",
                     "dropped rest of malformed payload input=%d peer=%s "
                     "topic=%s offset=%zu reason=\"%s\" drop_decode=%" PRIu64
                     " repeats=%" PRIu64,
                     msg->source, msg->peer, msg->topic, offset, reason,
                     self->stats.values[SYM_CTR_DROP_DECODE], repeats);
    }
}

/* Account for one decoded record and run it through the chain. Tracking
 * only counts duplicates: a worker behind a load-balancing PUSH sees a
 * share of each stream, so a missing sequence is not a loss it could
 * prove. End-to-end loss is counted at the sink. */
static int
s_handle(transform_t *self, const char *topic, sym_rec_t *rec, int64_t now_ns)
{
    self->stats.values[SYM_CTR_RECEIVED]++;
    if (rec->kind == SYM_KIND_EOS) {
        self->stats.values[SYM_CTR_EOS]++;
    }
    int rc = sym_track_record(self->track, rec, NULL);
    if (rc == SYM_EAGAIN) {
        self->stats.values[SYM_CTR_DUPLICATES]++;
    } else if (rc != SYM_OK) {
        return rc;
    }
    return transform_chain_apply_at(self->chain, topic, rec, now_ns);
}

static int
s_on_message(void *arg, const sym_in_msg_t *msg)
{
    transform_t *self = arg;
    if (msg->payload_len == 0) {
        self->stats.values[SYM_CTR_DROP_DECODE]++;
        s_warn_decode(self, msg, 0, "empty payload");
        return SYM_OK;
    }
    int64_t now_ns = transform_chain_now(self->chain);
    size_t offset = 0;
    while (offset < msg->payload_len) {
        size_t used = 0;
        int rc = sym_wire_decode(self->decoder, msg->payload + offset,
                                 msg->payload_len - offset, self->rec, &used);
        if (rc != SYM_OK) {
            /* Nothing after a bad record can be trusted. */
            self->stats.values[SYM_CTR_DROP_DECODE]++;
            s_warn_decode(self, msg, offset,
                          sym_wire_last_error(self->decoder));
            return SYM_OK;
        }
        offset += used;
        rc = s_handle(self, msg->topic, self->rec, now_ns);
        if (rc != SYM_OK) {
            return rc;
        }
    }
    return SYM_OK;
}

static void
s_on_bad_message(void *arg, const sym_in_msg_t *msg)
{
    transform_t *self = arg;
    uint64_t repeats = 0;
    if (sym_log_limit_pass(&self->frame_limit, &repeats)) {
        sym_log_warn("input",
                     "dropped malformed message input=%d peer=%s "
                     "reason=\"%s\" drop_frames=%" PRIu64 " repeats=%" PRIu64,
                     msg->source, msg->peer, msg->error,
                     self->stats.values[SYM_CTR_DROP_FRAMES], repeats);
    }
}

static int
s_flush(void *arg)
{
    transform_t *self = arg;
    int rc = self->push ? sym_out_flush(self->push) : SYM_OK;
    if (rc == SYM_OK && self->pub) {
        rc = sym_out_flush(self->pub);
    }
    return rc;
}

static void
s_update_counters(transform_t *self)
{
    transform_chain_stats_t chain;
    transform_chain_stats(self->chain, &chain);
    self->stats.values[SYM_CTR_REMOVED] = chain.removed;
    self->stats.values[SYM_CTR_ALARMS] = chain.alarms;
}

static void
s_log_steps(const transform_t *self)
{
    for (size_t i = 0; i < transform_chain_size(self->chain); i++) {
        const char *name = NULL;
        int lineno = 0;
        uint64_t counts[3];
        transform_chain_step_counts(self->chain, i, &name, &lineno, counts);
        sym_log_debug("step",
                      "counters step=%s line=%d seen=%" PRIu64
                      " removed=%" PRIu64 " skipped=%" PRIu64,
                      name, lineno, counts[0], counts[1], counts[2]);
    }
}

static size_t
s_pending(const transform_t *self)
{
    return (self->push ? sym_out_pending(self->push) : 0) +
           (self->pub ? sym_out_pending(self->pub) : 0);
}

/* A send under --on-full block waits for room: the stats, the metrics
 * and the watchdog go on, and the log says which output is stuck. */
static void
s_on_wait(void *arg, sym_out_t *out, int64_t waited_ms)
{
    transform_t *self = arg;
    s_update_counters(self);
    sym_statpub_tick(self->statpub, &self->stats);
    sym_service_tick(self->service, s_pending(self));
    char line[768];
    if (sym_out_wait_warning(out, waited_ms, S_BLOCKED_WARN_MS,
                             &self->blocked_limit, line, sizeof line)) {
        sym_log_warn("output", "%s", line);
    }
}

static int
s_on_tick(void *arg)
{
    transform_t *self = arg;
    int rc = transform_chain_tick(self->chain, sym_time_now_ns());
    if (rc != SYM_OK) {
        return rc;
    }
    /* A drop-oldest queue is retried here too: with no input coming, the
     * idle flush never runs, and the end of a stream would stay queued. */
    if (s_pending(self) > 0) {
        rc = s_flush(self);
        if (rc != SYM_OK) {
            return rc;
        }
    }
    s_update_counters(self);
    sym_statpub_tick(self->statpub, &self->stats);
    if (++self->ticks % S_LOG_TICKS != 0) {
        return SYM_OK;
    }
    const uint64_t *v = self->stats.values;
    sym_log_debug("node",
                  "counters received=%" PRIu64 " sent=%" PRIu64
                  " removed=%" PRIu64 " alarms=%" PRIu64 " gaps=%" PRIu64
                  " duplicates=%" PRIu64 " drop_decode=%" PRIu64,
                  v[SYM_CTR_RECEIVED], v[SYM_CTR_SENT], v[SYM_CTR_REMOVED],
                  v[SYM_CTR_ALARMS], v[SYM_CTR_GAPS], v[SYM_CTR_DUPLICATES],
                  v[SYM_CTR_DROP_DECODE]);
    s_log_steps(self);
    sym_service_tick(self->service, s_pending(self));
    return SYM_OK;
}

/* The list's items joined with commas, or "-" when it is empty. */
static const char *
s_join(const sym_strlist_t *list, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < list->count && used < size; i++) {
        int len = snprintf(buf + used, size - used, "%s%s", i ? "," : "",
                           list->items[i]);
        used += len > 0 ? (size_t) len : 0;
    }
    return list->count ? buf : "-";
}

static void
s_log_start(const transform_t *self)
{
    const transform_cfg_t *cfg = self->cfg;
    char sub[512];
    char topics[512];
    char pull[512];
    sym_log_info(
        "node",
        "started version=%s epoch=%" PRIu64 " sub=%s topics=%s "
        "pull=%s push=%s pub=%s on_full=%s steps=%zu steps_file=%s "
        "sndhwm=%" PRId64 " rcvhwm=%" PRId64 " batch_bytes=%" PRId64
        " linger_ms=%" PRId64,
        SYM_VERSION, self->epoch, s_join(&cfg->sub, sub, sizeof sub),
        s_join(&cfg->topic, topics, sizeof topics),
        s_join(&cfg->pull, pull, sizeof pull), cfg->push ? cfg->push : "-",
        cfg->pub ? cfg->pub : "-", cfg->on_full ? cfg->on_full : "block",
        transform_chain_size(self->chain), cfg->steps ? cfg->steps : "-",
        cfg->sndhwm, cfg->rcvhwm, cfg->batch_bytes, cfg->linger_ms);
}

static void
s_log_stop(const transform_t *self, int rc)
{
    const uint64_t *v = self->stats.values;
    transform_chain_stats_t chain;
    transform_chain_stats(self->chain, &chain);
    sym_log_info(
        "node",
        "stopped received=%" PRIu64 " sent=%" PRIu64 " sent_pub=%" PRIu64
        " removed=%" PRIu64 " removed_filter=%" PRIu64
        " removed_dedupe=%" PRIu64 " alarms=%" PRIu64 " aggregates=%" PRIu64
        " gaps=%" PRIu64 " duplicates=%" PRIu64 " eos=%" PRIu64
        " drop_decode=%" PRIu64 " drop_frames=%" PRIu64 " drop_full=%" PRIu64
        " drop_no_peer=%" PRIu64 " skipped=%" PRIu64 " status=\"%s\"",
        v[SYM_CTR_RECEIVED], v[SYM_CTR_SENT],
        self->pub_stats.values[SYM_CTR_SENT], v[SYM_CTR_REMOVED],
        transform_chain_removed_by(self->chain, "filter"),
        transform_chain_removed_by(self->chain, "dedupe"), v[SYM_CTR_ALARMS],
        chain.aggs, v[SYM_CTR_GAPS], v[SYM_CTR_DUPLICATES], v[SYM_CTR_EOS],
        v[SYM_CTR_DROP_DECODE], v[SYM_CTR_DROP_FRAMES],
        v[SYM_CTR_DROP_FULL] + self->pub_stats.values[SYM_CTR_DROP_FULL],
        v[SYM_CTR_DROP_NO_PEER], chain.skipped, sym_strerror(rc));
    s_log_steps(self);
}

/* After a stop, a blocked peer must not hold the process: the last
 * flush waits a little, then what is left counts as dropped. */
static void
s_bound_last_send(transform_t *self)
{
    sym_out_t *outs[] = {self->push, self->pub};
    for (size_t i = 0; i < 2; i++) {
        if (outs[i]) {
            zsock_set_sndtimeo(sym_out_sock(outs[i]), S_STOP_SEND_MS);
            zsock_set_linger(sym_out_sock(outs[i]), S_STOP_SEND_MS);
        }
    }
}

int
transform_run(transform_t *self)
{
    assert(self);

    s_log_start(self);
    sym_loop_ops_t ops = {
        .on_message = s_on_message,
        .on_bad_message = s_on_bad_message,
        .on_idle = s_flush,
        .on_tick = s_on_tick,
    };
    int tick_ms = S_TICK_MS;
    if (self->statpub && self->cfg->common.stats_ms < tick_ms) {
        tick_ms = (int) self->cfg->common.stats_ms;
    }
    sym_service_ready(self->service);
    int rc = sym_loop_run(self->in, &ops, self, tick_ms, &self->is_stopping);
    sym_service_stopping(self->service);
    s_bound_last_send(self);
    int flush_rc = s_flush(self);
    if (rc == SYM_OK && flush_rc != SYM_OK && flush_rc != SYM_ECLOSED) {
        rc = flush_rc;
    }
    s_update_counters(self);
    sym_statpub_publish(self->statpub, &self->stats);
    if (rc != SYM_OK) {
        sym_log_error("node", "run failed err=\"%s\"", sym_strerror(rc));
    }
    s_log_stop(self, rc);
    return rc;
}
