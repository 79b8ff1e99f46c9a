/* transform_stale.c: step "stale", an alarm when a stream falls silent
 * and another when it comes back.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "transform_step.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <czmq.h>

#include "sym_err.h"

#define S_MAX_TIMEOUT_MS (7 * 24 * 3600 * 1000ULL)

/* What is known of one origin stream. */
typedef struct {
    int64_t last_seen_ns; /* arrival of its last record, chain clock */
    bool is_stale;        /* a stale alarm was sent, no record since */
    char topic[256];      /* topic of its last record, for the alarms */
} s_seen_t;

typedef struct {
    int64_t timeout_ns;     /* silence that makes a stream stale */
    transform_name_t topic; /* only records on topics with this prefix */
    zhashx_t *streams;      /* origin stream -> s_seen_t */
} s_stale_t;

static void
s_destroy(transform_step_t *step)
{
    s_stale_t *self = step->state;
    if (self) {
        transform_name_clear(&self->topic);
        zhashx_destroy(&self->streams);
        free(self);
        step->state = NULL;
    }
}

static void
s_seen_free(void **item)
{
    free(*item);
    *item = NULL;
}

static int
s_parse_option(s_stale_t *self, const char *word, char *err, size_t err_size)
{
    const char *value = NULL;
    if ((value = transform_kv(word, "timeout-ms")) != NULL) {
        uint64_t ms = 0;
        if (!transform_parse_count(value, 1, S_MAX_TIMEOUT_MS, &ms)) {
            snprintf(err, err_size,
                     "expected a count of 1-%llu in timeout-ms=, got '%s'",
                     (unsigned long long) S_MAX_TIMEOUT_MS, value);
            return SYM_EINVAL;
        }
        self->timeout_ns = (int64_t) ms * 1000000;
        return SYM_OK;
    }
    if ((value = transform_kv(word, "topic")) != NULL) {
        if (transform_name_set(&self->topic, value, strlen(value)) != SYM_OK) {
            snprintf(err, err_size, "expected a topic prefix in topic=");
            return SYM_EINVAL;
        }
        return SYM_OK;
    }
    snprintf(err, err_size, "expected timeout-ms=N or topic=PREFIX, got '%s'",
             word);
    return SYM_EINVAL;
}

static int
s_parse(transform_step_t *step, int argc, const char *const *argv, char *err,
        size_t err_size)
{
    s_stale_t *self = calloc(1, sizeof *self);
    step->state = self;
    if (self == NULL || (self->streams = zhashx_new()) == NULL) {
        snprintf(err, err_size, "out of memory");
        return SYM_ENOMEM;
    }
    zhashx_set_destructor(self->streams, s_seen_free);
    for (int i = 1; i < argc; i++) {
        int rc = s_parse_option(self, argv[i], err, err_size);
        if (rc != SYM_OK) {
            return rc;
        }
    }
    if (self->timeout_ns == 0) {
        snprintf(err, err_size, "expected timeout-ms=N (missing argument)");
        return SYM_EINVAL;
    }
    return SYM_OK;
}

/* Send a "stale" or "fresh" alarm for stream; ctx->topic is set. */
static int
s_raise(transform_ctx_t *ctx, const sym_rec_t *cause, const char *stream,
        const s_seen_t *seen, const char *state)
{
    sym_rec_t *alarm = transform_alarm_begin(ctx, cause);
    int64_t silence_ms = (ctx->now_ns - seen->last_seen_ns) / 1000000;
    sym_rec_set_str(alarm, "stream", stream, strlen(stream));
    sym_rec_set_str(alarm, "state", state, strlen(state));
    sym_rec_set_int(alarm, "last_seen", seen->last_seen_ns);
    sym_rec_set_int(alarm, "silence_ms", silence_ms);
    return transform_alarm_send(ctx);
}

/* The stream's entry, created on its first record; NULL when out of
 * memory. */
static s_seen_t *
s_lookup(s_stale_t *self, const char *stream)
{
    s_seen_t *seen = zhashx_lookup(self->streams, stream);
    if (seen) {
        return seen;
    }
    seen = calloc(1, sizeof *seen);
    if (seen && zhashx_insert(self->streams, stream, seen) != 0) {
        free(seen);
        seen = NULL;
    }
    return seen;
}

static int
s_apply(transform_step_t *step, transform_ctx_t *ctx, sym_rec_t *rec,
        transform_verdict_t *verdict)
{
    s_stale_t *self = step->state;
    *verdict = TRANSFORM_KEEP;
    if (self->topic.text &&
        strncmp(ctx->topic, self->topic.text, self->topic.len) != 0) {
        return SYM_OK;
    }
    char stream[256];
    snprintf(stream, sizeof stream, "%.*s", (int) rec->stream.len,
             rec->stream.ptr);
    s_seen_t *seen = s_lookup(self, stream);
    if (seen == NULL) {
        step->skipped++;
        return SYM_OK;
    }
    if (strcmp(seen->topic, ctx->topic) != 0) {
        snprintf(seen->topic, sizeof seen->topic, "%s", ctx->topic);
    }
    int rc = SYM_OK;
    if (seen->is_stale) {
        seen->is_stale = false;
        rc = s_raise(ctx, rec, stream, seen, "fresh");
    }
    seen->last_seen_ns = ctx->now_ns;
    return rc;
}

static int
s_tick(transform_step_t *step, transform_ctx_t *ctx)
{
    s_stale_t *self = step->state;
    for (s_seen_t *seen = zhashx_first(self->streams); seen;
         seen = zhashx_next(self->streams)) {
        if (seen->is_stale ||
            ctx->now_ns - seen->last_seen_ns < self->timeout_ns) {
            continue;
        }
        seen->is_stale = true;
        ctx->topic = seen->topic;
        int rc =
            s_raise(ctx, NULL, zhashx_cursor(self->streams), seen, "stale");
        ctx->topic = NULL;
        if (rc != SYM_OK) {
            return rc;
        }
    }
    return SYM_OK;
}

const transform_step_ops_t transform_stale_ops = {
    .name = "stale",
    .usage = "timeout-ms=N [topic=PREFIX]",
    .parse = s_parse,
    .apply = s_apply,
    .tick = s_tick,
    .destroy = s_destroy,
};
