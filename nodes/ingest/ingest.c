/* ingest.c: the ingest node: options checked, source and outputs opened.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "ingest.h"

#include <assert.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* --source and --format: which source reads what. */
static int
s_pick_source(ingest_t *self, ingest_source_args_t *args, char *err,
              size_t err_size)
{
    const ingest_cfg_t *cfg = self->cfg;
    const char *format = cfg->format;
    if (strcmp(cfg->source, "sim") == 0) {
        self->ops = &ingest_sim_ops;
        self->input = "sim";
        return SYM_OK;
    }
    if (strcmp(cfg->source, "stdin") == 0) {
        self->input = "stdin";
        self->ops = &ingest_jsonl_ops;
    } else if (strncmp(cfg->source, "file:", 5) == 0 && cfg->source[5]) {
        args->path = cfg->source + 5;
        self->input = args->path;
        self->ops = s_format_of_path(args->path);
    } else {
        return s_invalid(err, err_size, "source",
                         "expected file:PATH, stdin or sim");
    }
    if (strcmp(format, "csv") == 0) {
        self->ops = &ingest_csv_ops;
    } else if (strcmp(format, "jsonl") == 0) {
        self->ops = &ingest_jsonl_ops;
    } else if (strcmp(format, "auto") != 0) {
        return s_invalid(err, err_size, "format",
                         "expected csv, jsonl or auto");
    } else if (self->ops == NULL) {
        return s_invalid(err, err_size, "format",
                         "cannot tell from the file name; give csv or jsonl");
    }
    return SYM_OK;
}

static int
s_open_source(ingest_t *self, char *err, size_t err_size)
{
    const ingest_cfg_t *cfg = self->cfg;
    ingest_source_args_t args = {
        .start_ns = sym_time_now_ns(),
        .sim_expeditions = (uint64_t) cfg->sim_expeditions,
        .sim_channels = (uint64_t) cfg->sim_channels,
        .sim_rate = cfg->sim_rate,
        .sim_count = (uint64_t) cfg->sim_count,
        .sim_seed = (uint64_t) cfg->sim_seed,
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
    char reason[256] = "";
    rc = self->ops->open(&args, &self->source, reason, sizeof reason);
    if (rc == SYM_EINVAL && args.path) {
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
    self->stream_text = cfg->stream ? cfg->stream : self->ops->default_stream;
    if (*self->stream_text == '\0' || *cfg->topic == '\0') {
        return s_invalid(err, err_size, *cfg->topic ? "stream" : "topic",
                         "expected a template that is not empty");
    }
    self->stream_tpl =
        ingest_template_new(self->stream_text, &rc, err, err_size);
    if (self->stream_tpl == NULL) {
        return rc;
    }
    self->topic_tpl = ingest_template_new(cfg->topic, &rc, err, err_size);
    if (self->topic_tpl == NULL) {
        return rc;
    }
    self->is_topic_per_stream =
        ingest_template_needs_stream_only(self->topic_tpl);
    self->match = ingest_match_new(&cfg->match, &rc, err, err_size);
    return self->match ? SYM_OK : rc;
}

static int
s_open_output(ingest_t *self, int type, const char *endpoints,
              sym_full_t on_full, char *err, size_t err_size)
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
    sym_out_t *out =
        sym_out_new(&opts, &policy, &self->stats, &rc, err, err_size);
    if (out == NULL) {
        return rc;
    }
    self->outs[self->out_count++] = out;
    return SYM_OK;
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
        /* A PUB socket drops for slow subscribers and never waits. */
        rc = s_open_output(self, ZMQ_PUB, cfg->pub, SYM_FULL_DROP_NEWEST, err,
                           err_size);
    }
    if (rc == SYM_OK && cfg->push) {
        rc = s_open_output(self, ZMQ_PUSH, cfg->push, on_full, err, err_size);
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
    self->epoch =
        cfg->epoch ? (uint64_t) cfg->epoch : (uint64_t) sym_time_now_ns();
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
    for (size_t i = 0; i < self->out_count; i++) {
        sym_out_destroy(&self->outs[i]);
    }
    if (self->ops) {
        self->ops->close(&self->source);
    }
    ingest_match_destroy(&self->match);
    ingest_template_destroy(&self->topic_tpl);
    ingest_template_destroy(&self->stream_tpl);
    ingest_streams_destroy(&self->streams);
    sym_rec_destroy(&self->rec);
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
