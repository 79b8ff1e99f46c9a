/* transform_chain.c: a chain of steps built from text, run on records.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "transform_chain.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sym_conf.h"
#include "sym_err.h"
#include "sym_time.h"
#include "transform_step.h"

struct transform_chain_t {
    transform_step_t *steps;       /* the steps, in the order they run */
    size_t count;                  /* steps in use */
    transform_emit_fn *emit;       /* where produced records go */
    void *emit_arg;                /* its first argument */
    sym_rec_t *notice;             /* REMOVED notices, reused */
    sym_rec_t *alarm;              /* alarms, reused */
    const sym_rec_t *alarm_cause;  /* the sample of the alarm being built */
    char alarm_stream[256];        /* "alarm.<instance>" */
    char alarm_topic[256];         /* "alarm.<topic>" of the current alarm */
    sym_rec_t *agg;                /* aggregates, reused */
    char agg_stream[256];          /* "agg.<instance>" */
    uint64_t epoch;                /* run id of the alarm and agg streams */
    uint64_t alarm_seq;            /* last alarm sequence sent */
    uint64_t agg_seq;              /* last aggregate sequence sent */
    transform_clock_fn *clock;     /* arrival time of records */
    void *clock_arg;               /* its argument */
    transform_chain_stats_t stats; /* totals */
};

void
transform_chain_destroy(transform_chain_t **self_p)
{
    if (self_p == NULL || *self_p == NULL) {
        return;
    }
    transform_chain_t *self = *self_p;
    for (size_t i = 0; i < self->count; i++) {
        transform_step_t *step = &self->steps[i];
        if (step->ops->destroy) {
            step->ops->destroy(step);
        }
    }
    free(self->steps);
    sym_rec_destroy(&self->notice);
    sym_rec_destroy(&self->alarm);
    sym_rec_destroy(&self->agg);
    free(self);
    *self_p = NULL;
}

/* Parse one line into the next free step. */
static int
s_parse_line(transform_chain_t *self, const char *name,
             const sym_conf_line_t *line, char *err, size_t err_size)
{
    const transform_step_ops_t *ops = transform_step_find(line->argv[0]);
    if (ops == NULL) {
        char names[256];
        snprintf(err, err_size, "%s:%d: unknown step '%s' (expected %s)", name,
                 line->lineno, line->argv[0],
                 transform_step_names(names, sizeof names));
        return SYM_EINVAL;
    }
    transform_step_t *step = &self->steps[self->count];
    *step = (transform_step_t){.ops = ops, .lineno = line->lineno};
    char reason[512] = "";
    int rc = ops->parse(step, line->argc, (const char *const *) line->argv,
                        reason, sizeof reason);
    if (rc != SYM_OK) {
        if (ops->destroy) {
            ops->destroy(step);
        }
        snprintf(err, err_size, "%s:%d: %s: %s", name, line->lineno, ops->name,
                 reason);
        return rc;
    }
    self->count++;
    return SYM_OK;
}

static transform_chain_t *
s_build(const sym_conf_t *conf, char *err, size_t err_size)
{
    const char *name = sym_conf_name(conf);
    transform_chain_t *self = calloc(1, sizeof *self);
    size_t lines = sym_conf_size(conf);
    if (self == NULL ||
        (self->steps = calloc(lines + 1, sizeof *self->steps)) == NULL ||
        (self->notice = sym_rec_new()) == NULL ||
        (self->alarm = sym_rec_new()) == NULL ||
        (self->agg = sym_rec_new()) == NULL) {
        snprintf(err, err_size, "%s: out of memory", name);
        goto fail;
    }
    transform_chain_set_clock(self, NULL, NULL);
    transform_chain_set_origin(self, "transform", (uint64_t) sym_time_now_ns());
    for (size_t i = 0; i < lines; i++) {
        if (s_parse_line(self, name, sym_conf_line(conf, i), err, err_size) !=
            SYM_OK) {
            goto fail;
        }
    }
    return self;

fail:
    transform_chain_destroy(&self);
    return NULL;
}

transform_chain_t *
transform_chain_parse(const char *name, const char *text, char *err,
                      size_t err_size)
{
    assert(name);
    assert(text);

    sym_conf_t *conf = sym_conf_parse(name, text, err, err_size);
    if (conf == NULL) {
        return NULL;
    }
    transform_chain_t *self = s_build(conf, err, err_size);
    sym_conf_destroy(&conf);
    return self;
}

transform_chain_t *
transform_chain_load(const char *path, char *err, size_t err_size)
{
    assert(path);

    sym_conf_t *conf = sym_conf_load(path, err, err_size);
    if (conf == NULL) {
        return NULL;
    }
    transform_chain_t *self = s_build(conf, err, err_size);
    sym_conf_destroy(&conf);
    return self;
}

void
transform_chain_set_emit(transform_chain_t *self, transform_emit_fn *emit,
                         void *arg)
{
    assert(self);
    self->emit = emit;
    self->emit_arg = arg;
}

int
transform_chain_set_origin(transform_chain_t *self, const char *instance,
                           uint64_t epoch)
{
    assert(self);
    assert(instance);

    /* "alarm." is the longer prefix: when it fits, "agg." does too. */
    char stream[sizeof self->alarm_stream];
    int len = snprintf(stream, sizeof stream, "alarm.%s", instance);
    if (len < 0 || (size_t) len >= sizeof stream) {
        return SYM_EINVAL;
    }
    memcpy(self->alarm_stream, stream, (size_t) len + 1);
    snprintf(self->agg_stream, sizeof self->agg_stream, "agg.%s", instance);
    self->epoch = epoch;
    self->alarm_seq = 0;
    self->agg_seq = 0;
    return SYM_OK;
}

static int64_t
s_system_clock(void *arg)
{
    (void) arg;
    return sym_time_now_ns();
}

void
transform_chain_set_clock(transform_chain_t *self, transform_clock_fn *clock,
                          void *arg)
{
    assert(self);
    self->clock = clock ? clock : s_system_clock;
    self->clock_arg = arg;
}

static int
s_emit(transform_chain_t *self, const char *topic, const sym_rec_t *rec)
{
    return self->emit ? self->emit(self->emit_arg, topic, rec) : SYM_OK;
}

/* Tell downstream that rec was removed on purpose: same envelope, one
 * field "reason", same topic. */
static int
s_send_notice(transform_chain_t *self, const char *topic, const sym_rec_t *rec,
              const char *reason)
{
    sym_rec_t *notice = self->notice;
    sym_rec_reset(notice);
    notice->kind = SYM_KIND_REMOVED;
    notice->epoch = rec->epoch;
    notice->seq = rec->seq;
    notice->event_ns = rec->event_ns;
    notice->ingest_ns = rec->ingest_ns;
    /* A stream is under 256 bytes and the arena is empty: this fits. */
    sym_rec_set_stream(notice, rec->stream.ptr, rec->stream.len);
    sym_rec_set_str(notice, "reason", reason, strlen(reason));
    return s_emit(self, topic, notice);
}

static int
s_run_steps(transform_chain_t *self, const char *topic, sym_rec_t *rec,
            int64_t now_ns)
{
    transform_ctx_t ctx = {.chain = self, .topic = topic, .now_ns = now_ns};
    self->stats.data_in++;
    for (size_t i = 0; i < self->count; i++) {
        transform_step_t *step = &self->steps[i];
        transform_verdict_t verdict = TRANSFORM_KEEP;
        step->seen++;
        int rc = step->ops->apply(step, &ctx, rec, &verdict);
        if (rc != SYM_OK) {
            return rc;
        }
        if (verdict == TRANSFORM_REMOVE) {
            step->removed++;
            self->stats.removed++;
            const char *reason =
                step->ops->reason ? step->ops->reason : step->ops->name;
            return s_send_notice(self, ctx.topic, rec, reason);
        }
    }
    self->stats.data_out++;
    return s_emit(self, ctx.topic, rec);
}

int64_t
transform_chain_now(const transform_chain_t *self)
{
    assert(self);
    return self->clock(self->clock_arg);
}

int
transform_chain_apply(transform_chain_t *self, const char *topic,
                      sym_rec_t *rec)
{
    return transform_chain_apply_at(self, topic, rec,
                                    transform_chain_now(self));
}

int
transform_chain_apply_at(transform_chain_t *self, const char *topic,
                         sym_rec_t *rec, int64_t now_ns)
{
    assert(self);
    assert(topic);
    assert(rec);

    switch (rec->kind) {
    case SYM_KIND_DATA:
        return s_run_steps(self, topic, rec, now_ns);
    case SYM_KIND_STATS:
        self->stats.ignored++;
        return SYM_OK;
    default:
        self->stats.forwarded++;
        return s_emit(self, topic, rec);
    }
}

int
transform_chain_tick(transform_chain_t *self, int64_t now_ns)
{
    assert(self);

    transform_ctx_t ctx = {.chain = self, .topic = NULL, .now_ns = now_ns};
    for (size_t i = 0; i < self->count; i++) {
        transform_step_t *step = &self->steps[i];
        int rc = step->ops->tick ? step->ops->tick(step, &ctx) : SYM_OK;
        if (rc != SYM_OK) {
            return rc;
        }
    }
    return SYM_OK;
}

sym_rec_t *
transform_alarm_begin(transform_ctx_t *ctx, const sym_rec_t *cause)
{
    transform_chain_t *self = ctx->chain;
    sym_rec_t *alarm = self->alarm;
    sym_rec_reset(alarm);
    alarm->kind = SYM_KIND_ALARM;
    alarm->epoch = self->epoch;
    alarm->event_ns = cause ? cause->event_ns : ctx->now_ns;
    alarm->ingest_ns = cause ? cause->ingest_ns : ctx->now_ns;
    sym_rec_set_stream(alarm, self->alarm_stream, strlen(self->alarm_stream));
    self->alarm_cause = cause;
    return alarm;
}

static void
s_set_u64(sym_rec_t *rec, const char *name, uint64_t value)
{
    sym_val_t val = {.type = SYM_VAL_INT, .as.i = (int64_t) value};
    if (value > INT64_MAX) {
        val = (sym_val_t){.type = SYM_VAL_UINT, .as.u = value};
    }
    sym_rec_set(rec, name, strlen(name), val);
}

int
transform_alarm_send(transform_ctx_t *ctx)
{
    transform_chain_t *self = ctx->chain;
    sym_rec_t *alarm = self->alarm;
    const sym_rec_t *cause = self->alarm_cause;
    assert(ctx->topic);

    if (cause) {
        sym_rec_set_str(alarm, "source_stream", cause->stream.ptr,
                        cause->stream.len);
        s_set_u64(alarm, "source_epoch", cause->epoch);
        s_set_u64(alarm, "source_seq", cause->seq);
    }
    alarm->seq = ++self->alarm_seq;
    /* A topic near the 255-byte limit is cut rather than made invalid. */
    snprintf(self->alarm_topic, sizeof self->alarm_topic, "alarm.%s",
             ctx->topic);
    self->alarm_cause = NULL;
    self->stats.alarms++;
    return s_emit(self, self->alarm_topic, alarm);
}

sym_rec_t *
transform_agg_begin(transform_ctx_t *ctx)
{
    transform_chain_t *self = ctx->chain;
    sym_rec_t *agg = self->agg;
    sym_rec_reset(agg);
    agg->kind = SYM_KIND_DATA;
    agg->epoch = self->epoch;
    agg->event_ns = ctx->now_ns;
    agg->ingest_ns = ctx->now_ns;
    sym_rec_set_stream(agg, self->agg_stream, strlen(self->agg_stream));
    return agg;
}

int
transform_agg_send(transform_ctx_t *ctx, const char *topic)
{
    transform_chain_t *self = ctx->chain;
    self->agg->seq = ++self->agg_seq;
    self->stats.aggs++;
    return s_emit(self, topic, self->agg);
}

size_t
transform_chain_size(const transform_chain_t *self)
{
    return self->count;
}

int
transform_chain_step_counts(const transform_chain_t *self, size_t i,
                            const char **name, int *lineno, uint64_t counts[3])
{
    if (i >= self->count) {
        return SYM_ENOTFOUND;
    }
    const transform_step_t *step = &self->steps[i];
    *name = step->ops->name;
    *lineno = step->lineno;
    counts[0] = step->seen;
    counts[1] = step->removed;
    counts[2] = step->skipped;
    return SYM_OK;
}

uint64_t
transform_chain_removed_by(const transform_chain_t *self, const char *reason)
{
    uint64_t total = 0;
    for (size_t i = 0; i < self->count; i++) {
        const transform_step_ops_t *ops = self->steps[i].ops;
        const char *step_reason = ops->reason ? ops->reason : ops->name;
        if (strcmp(step_reason, reason) == 0) {
            total += self->steps[i].removed;
        }
    }
    return total;
}

void
transform_chain_stats(const transform_chain_t *self,
                      transform_chain_stats_t *out)
{
    *out = self->stats;
    out->skipped = 0;
    for (size_t i = 0; i < self->count; i++) {
        out->skipped += self->steps[i].skipped;
    }
}
