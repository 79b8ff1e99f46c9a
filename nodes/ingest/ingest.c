/* ingest.c: the ingest node: options checked, source and outputs opened.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "ingest.h"

#include <assert.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

#include "ingest_node.h"
#include "sym_err.h"
#include "sym_time.h"

#define S_BAD_LOG_INTERVAL_MS 5000

static int
s_invalid(char *err, size_t err_size, const char *option, const char *what)
{
    snprintf(err, err_size, "option '--%s': %s", option, what);
    return SYM_EINVAL;
}

/* Numeric options that need a range. */
static int
s_check_numbers(const ingest_cfg_t *cfg, char *err, size_t err_size)
{
    if (cfg->max_wait_ms < 0) {
        return s_invalid(err, err_size, "max-wait-ms", "expected >= 0");
    }
    if (cfg->sndhwm < 0 || cfg->sndhwm > INT_MAX) {
        return s_invalid(err, err_size, "sndhwm", "expected 0 or more");
    }
    if (cfg->batch_bytes < 1 || cfg->batch_bytes > 64 * 1024 * 1024) {
        return s_invalid(err, err_size, "batch-bytes",
                         "expected 1 to 67108864");
    }
    if (cfg->linger_ms < -1 || cfg->linger_ms > INT_MAX) {
        return s_invalid(err, err_size, "linger-ms", "expected -1 or more");
    }
    if (cfg->reconnect_max_ms < 100) {
        return s_invalid(err, err_size, "reconnect-max-ms",
                         "expected 100 or more");
    }
    if (cfg->epoch < 0) {
        return s_invalid(err, err_size, "epoch", "expected 0 or more");
    }
    if (cfg->sim_expeditions < 1 || cfg->sim_channels < 1) {
        return s_invalid(err, err_size,
                         cfg->sim_channels < 1 ? "sim-channels"
                                               : "sim-expeditions",
                         "expected 1 or more");
    }
    if (cfg->sim_rate < 0.0 || cfg->sim_count < 0) {
        return s_invalid(err, err_size,
                         cfg->sim_count < 0 ? "sim-count" : "sim-rate",
                         "expected 0 or more");
    }
    if (cfg->partitions < 1 || cfg->partitions > SYM_PART_MAX) {
        return s_invalid(err, err_size, "partitions", "expected 1 to 64");
    }
    if (cfg->pub == NULL && cfg->push == NULL) {
        snprintf(err, err_size, "give --pub or --push (or both)");
        return SYM_EINVAL;
    }
    return SYM_OK;
}

/* The format a file name implies, or NULL. */
static const ingest_source_ops_t *
s_format_of_path(const char *path)
{
    const char *dot = strrchr(path, '.');
    if (dot == NULL || strchr(dot, '/')) {
        return NULL;
    }
    if (strcmp(dot, ".csv") == 0) {
        return &ingest_csv_ops;
    }
    if (strcmp(dot, ".jsonl") == 0 || strcmp(dot, ".json") == 0 ||
        strcmp(dot, ".ndjson") == 0) {
        return &ingest_jsonl_ops;
    }
    return NULL;
}

/* Where the input comes from: sets ops for the sources that read any
 * format (udp, tcp, zmq, sim), and args. */
static int
s_pick_input(ingest_t *self, ingest_source_args_t *args, char *err,
             size_t err_size)
{
    const ingest_cfg_t *cfg = self->cfg;
    const char *source = cfg->source;
    if (cfg->from_sub && cfg->from_pull) {
        snprintf(err, err_size, "give --from-sub or --from-pull, not both");
        return SYM_EINVAL;
    }
    if (cfg->from_sub || cfg->from_pull) {
        self->ops = &ingest_zmq_ops;
        args->zmq_type = cfg->from_sub ? ZMQ_SUB : ZMQ_PULL;
        args->endpoints = cfg->from_sub ? cfg->from_sub : cfg->from_pull;
        args->topics = &cfg->from_topic;
        self->input = args->endpoints;
    } else if (strcmp(source, "sim") == 0) {
        self->ops = &ingest_sim_ops;
        self->input = "sim";
    } else if (strcmp(source, "stdin") == 0) {
        self->input = "stdin";
    } else if (strncmp(source, "file:", 5) == 0 && source[5]) {
        args->path = self->input = source + 5;
    } else if (strncmp(source, "udp://", 6) == 0 ||
               strncmp(source, "tcp://", 6) == 0) {
        self->ops = source[0] == 'u' ? &ingest_udp_ops : &ingest_tcp_ops;
        args->address = source + 6;
        self->input = source;
    } else {
        return s_invalid(err, err_size, "source",
                         "expected file:PATH, stdin, udp://HOST:PORT, "
                         "tcp://HOST:PORT or sim");
    }
    return SYM_OK;
}

/* The payload parser with its options. */
static int
s_new_payload(ingest_t *self, ingest_payload_kind_t kind, char *err,
              size_t err_size)
{
    const ingest_cfg_t *cfg = self->cfg;
    self->payload = ingest_payload_new(kind, &self->stats);
    if (self->payload == NULL) {
        snprintf(err, err_size, "out of memory");
        return SYM_ENOMEM;
    }
    bool is_ccsds = kind == INGEST_PAYLOAD_CCSDS;
    if ((cfg->ccsds_dict.count || cfg->ccsds_stride.count) && !is_ccsds) {
        return s_invalid(err, err_size,
                         cfg->ccsds_dict.count ? "ccsds-dict" : "ccsds-stride",
                         "needs --format ccsds");
    }
    if (cfg->csv_header && kind == INGEST_PAYLOAD_CSV &&
        ingest_payload_set_header(self->payload, cfg->csv_header)) {
        return s_invalid(err, err_size, "csv-header", "expected CSV names");
    }
    char reason[256] = "";
    for (size_t i = 0; i < cfg->ccsds_dict.count; i++) {
        if (ingest_payload_add_dict(self->payload, cfg->ccsds_dict.items[i],
                                    reason, sizeof reason)) {
            return s_invalid(err, err_size, "ccsds-dict", reason);
        }
    }
    for (size_t i = 0; i < cfg->ccsds_stride.count; i++) {
        if (ingest_payload_add_stride(self->payload, cfg->ccsds_stride.items[i],
                                      reason, sizeof reason)) {
            return s_invalid(err, err_size, "ccsds-stride", reason);
        }
    }
    return SYM_OK;
}

/* Foreign ZeroMQ messages: --from-format and --from-payload. */
static int
s_pick_zmq_format(ingest_t *self, ingest_source_args_t *args, char *err,
                  size_t err_size)
{
    const ingest_cfg_t *cfg = self->cfg;
    const char *format = cfg->from_format;
    args->is_envelope = strcmp(format, "envelope") == 0;
    if (args->is_envelope) {
        format = cfg->from_payload;
    }
    ingest_payload_kind_t kind = INGEST_PAYLOAD_TEXT;
    if (ingest_payload_kind_parse(format, &kind) != SYM_OK ||
        (kind != INGEST_PAYLOAD_TEXT && kind != INGEST_PAYLOAD_JSONL &&
         kind != INGEST_PAYLOAD_RAW)) {
        return s_invalid(
            err, err_size, args->is_envelope ? "from-payload" : "from-format",
            args->is_envelope ? "expected text, json or raw"
                              : "expected text, json, raw or envelope");
    }
    return s_new_payload(self, kind, err, err_size);
}

/* What the bytes are: --format, else the file name, else JSON lines. */
static int
s_pick_format(ingest_t *self, ingest_source_args_t *args, char *err,
              size_t err_size)
{
    const ingest_cfg_t *cfg = self->cfg;
    ingest_payload_kind_t kind = INGEST_PAYLOAD_JSONL;
    const ingest_source_ops_t *by_name =
        args->path ? s_format_of_path(args->path) : NULL;
    if (strcmp(cfg->format, "auto") == 0) {
        if (args->path && by_name == NULL) {
            return s_invalid(err, err_size, "format",
                             "cannot tell from the file name; give one");
        }
        kind = by_name == &ingest_csv_ops ? INGEST_PAYLOAD_CSV : kind;
    } else if (ingest_payload_kind_parse(cfg->format, &kind) != SYM_OK) {
        return s_invalid(err, err_size, "format",
                         "expected csv, jsonl, ccsds, raw, text or auto");
    }
    ingest_framing_t framing = INGEST_FRAMING_LINES;
    if (ingest_framing_parse(cfg->framing, &framing) != SYM_OK ||
        framing == INGEST_FRAMING_CCSDS) {
        return s_invalid(err, err_size, "framing",
                         "expected lines or length32");
    }
    args->framing =
        kind == INGEST_PAYLOAD_CCSDS ? INGEST_FRAMING_CCSDS : (int) framing;
    bool is_lines = args->framing == INGEST_FRAMING_LINES;
    if (self->ops == NULL && is_lines && kind == INGEST_PAYLOAD_CSV) {
        self->ops = &ingest_csv_ops; /* multi-line quoted cells */
    } else if (self->ops == NULL && is_lines && kind == INGEST_PAYLOAD_JSONL) {
        self->ops = &ingest_jsonl_ops;
    } else if (self->ops == NULL) {
        self->ops = &ingest_file_ops;
    }
    int rc = s_new_payload(self, kind, err, err_size);
    args->payload = self->payload;
    return rc;
}

/* --source, --from-* and --format: which source reads what. */
static int
s_pick_source(ingest_t *self, ingest_source_args_t *args, char *err,
              size_t err_size)
{
    int rc = s_pick_input(self, args, err, err_size);
    if (rc != SYM_OK || self->ops == &ingest_sim_ops) {
        return rc;
    }
    if (self->ops == &ingest_zmq_ops) {
        rc = s_pick_zmq_format(self, args, err, err_size);
        args->payload = self->payload;
        return rc;
    }
    return s_pick_format(self, args, err, err_size);
}

static int
s_open_source(ingest_t *self, char *err, size_t err_size)
{
    const ingest_cfg_t *cfg = self->cfg;
    ingest_source_args_t args = {
        /* The fleet starts with its first record, not at this open: the
         * sockets connecting in between would age every event time. */
        .start_ns = 0,
        .sim_expeditions = (uint64_t) cfg->sim_expeditions,
        .sim_channels = (uint64_t) cfg->sim_channels,
        .sim_rate = cfg->sim_rate,
        .sim_count = (uint64_t) cfg->sim_count,
        .sim_seed = (uint64_t) cfg->sim_seed,
        .reconnect_max_ms = cfg->reconnect_max_ms,
    };
    int rc = s_pick_source(self, &args, err, err_size);
    if (rc != SYM_OK) {
        return rc;
    }
    if (self->ops == &ingest_sim_ops) {
        self->speed = cfg->sim_rate > 0.0 ? 1.0 : 0.0;
    } else if (ingest_pace_parse_speed(cfg->speed, &self->speed)) {
        return s_invalid(err, err_size, "speed",
                         "expected max or a number above 0");
    }
    ingest_pace_init(&self->pace, self->speed,
                     cfg->max_wait_ms * SYM_NS_PER_MS);
    /* A paced replay sleeps until each record is due; the kernel's default
     * timer slack would wake it up to 50 us late, and every record would
     * carry that delay. 1 us keeps records punctual at a few more wake-ups.
     * A failure leaves the default, which is only later. */
    if (self->speed > 0.0) {
        (void) prctl(PR_SET_TIMERSLACK, 1000UL, 0UL, 0UL, 0UL);
    }
    char reason[256] = "";
    rc = self->ops->open(&args, &self->source, reason, sizeof reason);
    if (rc == SYM_EINVAL && (args.path || args.address)) {
        return s_invalid(err, err_size, "source", reason);
    }
    snprintf(err, err_size, "%s", reason);
    return rc;
}

/* Stream and topic templates, and the match filters. */
static int
s_open_rules(ingest_t *self, char *err, size_t err_size)
{
    const ingest_cfg_t *cfg = self->cfg;
    int rc = SYM_OK;
    const char *own =
        self->payload ? ingest_payload_default_stream(self->payload) : NULL;
    self->stream_text = cfg->stream ? cfg->stream
                        : own       ? own
                                    : self->ops->default_stream;
    if (*self->stream_text == '\0' || *cfg->topic == '\0') {
        return s_invalid(err, err_size, *cfg->topic ? "stream" : "topic",
                         "expected a template that is not empty");
    }
    self->stream_tpl = sym_template_new(self->stream_text, &rc, err, err_size);
    if (self->stream_tpl == NULL) {
        return rc;
    }
    self->topic_tpl = sym_template_new(cfg->topic, &rc, err, err_size);
    if (self->topic_tpl == NULL) {
        return rc;
    }
    self->is_topic_per_stream = sym_template_needs_stream_only(self->topic_tpl);
    self->match = ingest_match_new(&cfg->match, &rc, err, err_size);
    return self->match ? SYM_OK : rc;
}

static int
s_open_output(ingest_t *self, int type, const char *endpoints,
              sym_full_t on_full, sym_stats_t *stats, char *err,
              size_t err_size)
{
    sym_sock_policy_t policy;
    sym_sock_policy_default(&policy);
    policy.sndhwm = (int) self->cfg->sndhwm;
    policy.linger_ms = (int) self->cfg->linger_ms;
    policy.auth = &self->auth;
    sym_out_opts_t opts = {
        .type = type,
        .endpoints = endpoints,
        .on_full = on_full,
        .batch_bytes = (size_t) self->cfg->batch_bytes,
    };
    int rc = SYM_OK;
    sym_out_t *out = sym_out_new(&opts, &policy, stats, &rc, err, err_size);
    if (out == NULL) {
        return rc;
    }
    self->outs[self->out_count++] = out;
    sym_out_on_wait(out, ingest_on_wait, self);
    return sym_service_watch(self->service, sym_out_sock(out),
                             sym_sock_type_name(type), endpoints,
                             sym_sock_binds_by_default(type));
}

/* One PUSH socket per endpoint of --push, in the order given. */
static int
s_open_partitions(ingest_t *self, sym_full_t on_full, char *err,
                  size_t err_size)
{
    size_t parts = (size_t) self->cfg->partitions;
    char *items[SYM_PART_MAX];
    int rc = sym_part_split(self->cfg->push, parts, items);
    if (rc == SYM_EINVAL) {
        return s_invalid(err, err_size, "push",
                         "expected one endpoint per partition");
    }
    if (rc != SYM_OK) {
        snprintf(err, err_size, "out of memory");
        return rc;
    }
    self->part_first = self->out_count;
    self->part_count = parts;
    for (size_t i = 0; i < parts; i++) {
        if (rc == SYM_OK) {
            rc = s_open_output(self, ZMQ_PUSH, items[i], on_full, &self->stats,
                               err, err_size);
        }
        if (rc == SYM_OK) {
            sym_statpub_add_out(self->statpub, "push",
                                self->outs[self->out_count - 1],
                                (int) self->cfg->sndhwm);
        }
        free(items[i]);
    }
    return rc;
}

static int
s_open_outputs(ingest_t *self, char *err, size_t err_size)
{
    const ingest_cfg_t *cfg = self->cfg;
    sym_full_t on_full = SYM_FULL_BLOCK;
    if (sym_full_parse(cfg->on_full, &on_full) != SYM_OK) {
        return s_invalid(err, err_size, "on-full",
                         "expected block, drop-newest or drop-oldest");
    }
    int rc = SYM_OK;
    if (cfg->pub) {
        /* A PUB socket drops for slow subscribers and never waits. With a
         * PUSH too, its counters are kept apart so a record handed to
         * both is counted as sent once. */
        sym_stats_t *stats = cfg->push ? &self->pub_stats : &self->stats;
        rc = s_open_output(self, ZMQ_PUB, cfg->pub, SYM_FULL_DROP_NEWEST, stats,
                           err, err_size);
        if (rc == SYM_OK) {
            sym_statpub_add_out(self->statpub, "pub",
                                self->outs[self->out_count - 1],
                                (int) cfg->sndhwm);
        }
    }
    if (rc == SYM_OK && cfg->push && cfg->partitions > 1) {
        rc = s_open_partitions(self, on_full, err, err_size);
    } else if (rc == SYM_OK && cfg->push) {
        rc = s_open_output(self, ZMQ_PUSH, cfg->push, on_full, &self->stats,
                           err, err_size);
        if (rc == SYM_OK) {
            sym_statpub_add_out(self->statpub, "push",
                                self->outs[self->out_count - 1],
                                (int) cfg->sndhwm);
        }
    }
    return rc;
}

ingest_t *
ingest_new(const ingest_cfg_t *cfg, int *rc, char *err, size_t err_size)
{
    assert(cfg);
    assert(rc);
    ingest_t *self = calloc(1, sizeof *self);
    if (self == NULL) {
        *rc = SYM_ENOMEM;
        snprintf(err, err_size, "out of memory");
        return NULL;
    }
    self->cfg = cfg;
    self->bad_limit.interval_ms = S_BAD_LOG_INTERVAL_MS;
    self->blocked_limit.interval_ms = S_BAD_LOG_INTERVAL_MS;
    self->rec = sym_rec_new();
    self->streams = ingest_streams_new();
    *rc = SYM_ENOMEM;
    snprintf(err, err_size, "out of memory");
    if (self->rec && self->streams) {
        *rc = s_check_numbers(cfg, err, err_size);
    }
    if (*rc == SYM_OK) {
        *rc = s_open_source(self, err, err_size);
    }
    if (*rc == SYM_OK) {
        *rc = s_open_rules(self, err, err_size);
    }
    self->epoch =
        cfg->epoch ? (uint64_t) cfg->epoch : (uint64_t) sym_time_now_ns();
    if (*rc == SYM_OK) {
        self->statpub = sym_statpub_new(&cfg->common, "ingest", self->epoch, rc,
                                        err, err_size);
    }
    if (*rc == SYM_OK) {
        self->service = sym_service_new("ingest", &cfg->common, &self->stats,
                                        rc, err, err_size);
    }
    if (*rc == SYM_OK) {
        *rc = sym_auth_load(&cfg->auth, &self->auth, err, err_size);
    }
    if (*rc == SYM_OK) {
        *rc = s_open_outputs(self, err, err_size);
    }
    if (*rc != SYM_OK) {
        ingest_destroy(&self);
        return NULL;
    }
    self->wall_minus_mono_ns = sym_time_now_ns() - sym_time_mono_ns();
    self->last_flush_ns = sym_time_mono_ns();
    return self;
}

void
ingest_destroy(ingest_t **self_p)
{
    if (self_p == NULL || *self_p == NULL) {
        return;
    }
    ingest_t *self = *self_p;
    sym_service_destroy(&self->service);
    for (size_t i = 0; i < self->out_count; i++) {
        sym_out_destroy(&self->outs[i]);
    }
    if (self->ops) {
        self->ops->close(&self->source);
    }
    ingest_payload_destroy(&self->payload);
    ingest_match_destroy(&self->match);
    sym_template_destroy(&self->topic_tpl);
    sym_template_destroy(&self->stream_tpl);
    ingest_streams_destroy(&self->streams);
    sym_rec_destroy(&self->rec);
    sym_statpub_destroy(&self->statpub);
    free(self);
    *self_p = NULL;
}

const sym_stats_t *
ingest_stats(const ingest_t *self)
{
    return &self->stats;
}

uint64_t
ingest_accepted(const ingest_t *self)
{
    return self->accepted;
}

uint64_t
ingest_skipped(const ingest_t *self)
{
    return self->skipped;
}

size_t
ingest_stream_count(const ingest_t *self)
{
    return ingest_streams_used(self->streams);
}

uint64_t
ingest_epoch(const ingest_t *self)
{
    return self->epoch;
}
