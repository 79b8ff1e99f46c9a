/* transform_window.c: step "window", tumbling windows per key by event
 * time, each sent at its close as one aggregate record.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "transform_step.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <czmq.h>

#include "sym_err.h"
#include "sym_template.h"
#include "sym_wire.h"

#define S_MAX_KEYS 8
#define S_MAX_FIELDS 32
#define S_MAX_SIZE_MS (366 * 24 * 3600 * 1000ULL)
#define S_KEY_BYTES 1024
#define S_SEPARATOR '\x1f'

/* The aggregates of one field in one window. */
typedef struct {
    uint64_t count; /* numeric samples */
    double min;
    double max;
    double sum;
    double last;
} s_agg_t;

/* One key's open window. */
typedef struct {
    bool is_open;            /* holds at least one record */
    int64_t index;           /* event time / size, rounded down */
    int64_t last_arrival_ns; /* chain clock at its last record */
    uint64_t count;          /* records in it */
    s_agg_t aggs[];          /* one per field */
} s_window_t;

/* The output names of one field: "<f>.min", "<f>.max", ... */
enum { S_MIN = 0, S_MAX, S_MEAN, S_LAST, S_KINDS };
static const char *const s_kind_names[S_KINDS] = {"min", "max", "mean", "last"};

typedef struct {
    transform_names_t keys;    /* key fields */
    transform_names_t fields;  /* aggregated fields */
    transform_names_t outputs; /* S_KINDS names per field */
    int64_t size_ns;           /* window length */
    sym_template_t *topic;     /* topic of the aggregates */
    zhashx_t *windows;         /* key text -> s_window_t */
    char key[S_KEY_BYTES];     /* the key being built */
    char topic_buf[SYM_TEMPLATE_MAX];
} s_window_step_t;

static void
s_destroy(transform_step_t *step)
{
    s_window_step_t *self = step->state;
    if (self) {
        transform_names_clear(&self->keys);
        transform_names_clear(&self->fields);
        transform_names_clear(&self->outputs);
        sym_template_destroy(&self->topic);
        zhashx_destroy(&self->windows);
        free(self);
        step->state = NULL;
    }
}

static void
s_window_free(void **item)
{
    free(*item);
    *item = NULL;
}

static int
s_parse_list(transform_names_t *list, const char *text, const char *what,
             char *err, size_t err_size)
{
    transform_names_clear(list);
    const char *cursor = text;
    while (true) {
        const char *comma = strchr(cursor, ',');
        size_t len = comma ? (size_t) (comma - cursor) : strlen(cursor);
        int rc = transform_names_add(list, cursor, len);
        if (rc != SYM_OK) {
            snprintf(err, err_size,
                     rc == SYM_EINVAL ? "expected a field name in %s, got ''"
                                      : "out of memory",
                     what);
            return rc;
        }
        if (comma == NULL) {
            return SYM_OK;
        }
        cursor = comma + 1;
    }
}

static int
s_parse_topic(s_window_step_t *self, const char *text, char *err,
              size_t err_size)
{
    int rc = SYM_OK;
    sym_template_destroy(&self->topic);
    self->topic = sym_template_new(text, &rc, err, err_size);
    return rc;
}

static int
s_parse_option(s_window_step_t *self, const char *word, char *err,
               size_t err_size)
{
    const char *value = NULL;
    if ((value = transform_kv(word, "key")) != NULL) {
        return s_parse_list(&self->keys, value, "key=", err, err_size);
    }
    if ((value = transform_kv(word, "fields")) != NULL) {
        return s_parse_list(&self->fields, value, "fields=", err, err_size);
    }
    if ((value = transform_kv(word, "topic")) != NULL) {
        return s_parse_topic(self, value, err, err_size);
    }
    if ((value = transform_kv(word, "size-ms")) != NULL) {
        uint64_t ms = 0;
        if (!transform_parse_count(value, 1, S_MAX_SIZE_MS, &ms)) {
            snprintf(err, err_size,
                     "expected a count of 1-%llu in size-ms=, got '%s'",
                     (unsigned long long) S_MAX_SIZE_MS, value);
            return SYM_EINVAL;
        }
        self->size_ns = (int64_t) ms * 1000000;
        return SYM_OK;
    }
    snprintf(err, err_size,
             "expected key=, size-ms=, fields= or topic=, got '%s'", word);
    return SYM_EINVAL;
}

/* The default topic "agg.{k1}.{k2}...". */
static int
s_default_topic(s_window_step_t *self, char *err, size_t err_size)
{
    char text[1024] = "agg";
    size_t used = strlen(text);
    for (size_t i = 0; i < self->keys.count && used < sizeof text; i++) {
        int len = snprintf(text + used, sizeof text - used, ".{%s}",
                           self->keys.items[i].text);
        used += len > 0 ? (size_t) len : 0;
    }
    return s_parse_topic(self, text, err, err_size);
}

/* Name the outputs, "<field>.<kind>", in field order. */
static int
s_name_outputs(s_window_step_t *self)
{
    for (size_t i = 0; i < self->fields.count; i++) {
        for (int kind = 0; kind < S_KINDS; kind++) {
            char name[512];
            int len = snprintf(name, sizeof name, "%s.%s",
                               self->fields.items[i].text, s_kind_names[kind]);
            if (len < 0 || (size_t) len >= sizeof name ||
                transform_names_add(&self->outputs, name, (size_t) len) !=
                    SYM_OK) {
                return SYM_ENOMEM;
            }
        }
    }
    return SYM_OK;
}

static int
s_check(transform_step_t *step, s_window_step_t *self, char *err,
        size_t err_size)
{
    if (self->keys.count == 0 || self->size_ns == 0) {
        snprintf(err, err_size, "expected %s (missing argument)",
                 step->ops->usage);
        return SYM_EINVAL;
    }
    if (self->keys.count > S_MAX_KEYS || self->fields.count > S_MAX_FIELDS) {
        snprintf(err, err_size, "expected at most %d key fields and %d fields",
                 S_MAX_KEYS, S_MAX_FIELDS);
        return SYM_EINVAL;
    }
    int rc = self->topic ? SYM_OK : s_default_topic(self, err, err_size);
    if (rc == SYM_OK && s_name_outputs(self) != SYM_OK) {
        snprintf(err, err_size, "field name too long, or out of memory");
        rc = SYM_EINVAL;
    }
    return rc;
}

static int
s_parse(transform_step_t *step, int argc, const char *const *argv, char *err,
        size_t err_size)
{
    s_window_step_t *self = calloc(1, sizeof *self);
    step->state = self;
    if (self == NULL || (self->windows = zhashx_new()) == NULL) {
        snprintf(err, err_size, "out of memory");
        return SYM_ENOMEM;
    }
    zhashx_set_destructor(self->windows, s_window_free);
    for (int i = 1; i < argc; i++) {
        int rc = s_parse_option(self, argv[i], err, err_size);
        if (rc != SYM_OK) {
            return rc;
        }
    }
    return s_check(step, self, err, err_size);
}

/* Append one key value as a type letter, its text and the separator.
 * False when it does not fit, is nil, or holds the separator or NUL. */
static bool
s_put_key(char *key, size_t *used, const sym_val_t *val)
{
    size_t room = S_KEY_BYTES - *used;
    int len = -1;
    switch (val->type) {
    case SYM_VAL_STR:
    case SYM_VAL_BIN:
        if (memchr(val->as.s.ptr, S_SEPARATOR, val->as.s.len) ||
            memchr(val->as.s.ptr, '\0', val->as.s.len)) {
            return false;
        }
        len = snprintf(key + *used, room, "s%.*s%c", (int) val->as.s.len,
                       val->as.s.ptr, S_SEPARATOR);
        break;
    case SYM_VAL_INT:
        len = snprintf(key + *used, room, "i%" PRId64 "%c", val->as.i,
                       S_SEPARATOR);
        break;
    case SYM_VAL_UINT:
        len = snprintf(key + *used, room, "u%" PRIu64 "%c", val->as.u,
                       S_SEPARATOR);
        break;
    case SYM_VAL_FLOAT:
        len = snprintf(key + *used, room, "f%.17g%c", val->as.f, S_SEPARATOR);
        break;
    case SYM_VAL_BOOL:
        len = snprintf(key + *used, room, "b%d%c", val->as.b, S_SEPARATOR);
        break;
    case SYM_VAL_NIL:
        break;
    }
    if (len < 0 || (size_t) len >= room) {
        return false;
    }
    *used += (size_t) len;
    return true;
}

/* Build the record's key in self->key; false when a key field is
 * missing or unusable. */
static bool
s_build_key(s_window_step_t *self, const sym_rec_t *rec)
{
    size_t used = 0;
    for (size_t i = 0; i < self->keys.count; i++) {
        const transform_name_t *name = &self->keys.items[i];
        const sym_val_t *val = sym_rec_get_const(rec, name->text, name->len);
        if (val == NULL || !s_put_key(self->key, &used, val)) {
            return false;
        }
    }
    return true;
}

/* Set the key fields on out from the key text built by s_build_key. */
static void
s_set_keys(const s_window_step_t *self, const char *key, sym_rec_t *out)
{
    for (size_t i = 0; i < self->keys.count; i++) {
        const transform_name_t *name = &self->keys.items[i];
        const char *end = strchr(key, S_SEPARATOR);
        const char *text = key + 1;
        sym_val_t val = {.type = SYM_VAL_INT, .as.i = strtoll(text, NULL, 10)};
        if (key[0] == 's') {
            sym_rec_set_str(out, name->text, text, (size_t) (end - text));
            key = end + 1;
            continue;
        }
        if (key[0] == 'u') {
            val = (sym_val_t){.type = SYM_VAL_UINT,
                              .as.u = strtoull(text, NULL, 10)};
        } else if (key[0] == 'f') {
            val =
                (sym_val_t){.type = SYM_VAL_FLOAT, .as.f = strtod(text, NULL)};
        } else if (key[0] == 'b') {
            val = (sym_val_t){.type = SYM_VAL_BOOL, .as.b = text[0] == '1'};
        }
        sym_rec_set(out, name->text, name->len, val);
        key = end + 1;
    }
}

static void
s_set_aggs(const s_window_step_t *self, const s_window_t *window,
           sym_rec_t *out)
{
    sym_rec_set_int(out, "count", (int64_t) window->count);
    for (size_t i = 0; i < self->fields.count; i++) {
        const s_agg_t *agg = &window->aggs[i];
        if (agg->count == 0) {
            continue;
        }
        const double values[S_KINDS] = {
            agg->min, agg->max, agg->sum / (double) agg->count, agg->last};
        for (int kind = 0; kind < S_KINDS; kind++) {
            const transform_name_t *name =
                &self->outputs.items[i * S_KINDS + (size_t) kind];
            sym_val_t val = {.type = SYM_VAL_FLOAT, .as.f = values[kind]};
            sym_rec_set(out, name->text, name->len, val);
        }
    }
}

/* Send the window of key as one aggregate record and close it. */
static int
s_emit(s_window_step_t *self, transform_ctx_t *ctx, const char *key,
       s_window_t *window)
{
    sym_rec_t *out = transform_agg_begin(ctx);
    out->event_ns = window->index * self->size_ns;
    s_set_keys(self, key, out);
    sym_rec_set_int(out, "window_start", out->event_ns);
    sym_rec_set_int(out, "window_end", out->event_ns + self->size_ns);
    s_set_aggs(self, window, out);

    size_t len = 0;
    const char *missing = NULL;
    const char *topic = self->topic_buf;
    if (sym_template_expand(self->topic, out, NULL, self->topic_buf,
                            sizeof self->topic_buf, &len, &missing) != SYM_OK ||
        sym_wire_check_topic(self->topic_buf, len) != SYM_OK) {
        topic = "agg";
    }
    size_t fields = self->fields.count;
    memset(window, 0, sizeof *window + fields * sizeof window->aggs[0]);
    return transform_agg_send(ctx, topic);
}

/* The key's window, created on its first record; NULL when out of
 * memory. */
static s_window_t *
s_lookup(s_window_step_t *self)
{
    s_window_t *window = zhashx_lookup(self->windows, self->key);
    if (window) {
        return window;
    }
    window =
        calloc(1, sizeof *window + self->fields.count * sizeof window->aggs[0]);
    if (window && zhashx_insert(self->windows, self->key, window) != 0) {
        free(window);
        window = NULL;
    }
    return window;
}

/* The window number of an event time, rounded toward minus infinity so
 * that windows before 1970 have the same length. */
static int64_t
s_index(int64_t event_ns, int64_t size_ns)
{
    int64_t index = event_ns / size_ns;
    return event_ns % size_ns < 0 ? index - 1 : index;
}

static void
s_add(const s_window_step_t *self, s_window_t *window, const sym_rec_t *rec)
{
    window->count++;
    for (size_t i = 0; i < self->fields.count; i++) {
        const transform_name_t *name = &self->fields.items[i];
        const sym_val_t *val = sym_rec_get_const(rec, name->text, name->len);
        double x = 0;
        if (val == NULL || !transform_val_number(val, &x) || isnan(x)) {
            continue;
        }
        s_agg_t *agg = &window->aggs[i];
        agg->min = agg->count == 0 || x < agg->min ? x : agg->min;
        agg->max = agg->count == 0 || x > agg->max ? x : agg->max;
        agg->sum += x;
        agg->last = x;
        agg->count++;
    }
}

static int
s_apply(transform_step_t *step, transform_ctx_t *ctx, sym_rec_t *rec,
        transform_verdict_t *verdict)
{
    s_window_step_t *self = step->state;
    *verdict = TRANSFORM_KEEP;
    s_window_t *window = NULL;
    if (!s_build_key(self, rec) || (window = s_lookup(self)) == NULL) {
        step->skipped++;
        return SYM_OK;
    }
    int64_t index = s_index(rec->event_ns, self->size_ns);
    if (window->is_open && index < window->index) {
        /* Late: its window was sent already. */
        step->skipped++;
        return SYM_OK;
    }
    int rc = SYM_OK;
    if (window->is_open && index > window->index) {
        rc = s_emit(self, ctx, self->key, window);
    }
    if (!window->is_open) {
        window->is_open = true;
        window->index = index;
    }
    s_add(self, window, rec);
    window->last_arrival_ns = ctx->now_ns;
    return rc;
}

/* Send the windows of keys that had no record for a window's length, so
 * the last window of a key that stops is not held back for ever. */
static int
s_tick(transform_step_t *step, transform_ctx_t *ctx)
{
    s_window_step_t *self = step->state;
    for (s_window_t *window = zhashx_first(self->windows); window;
         window = zhashx_next(self->windows)) {
        if (!window->is_open ||
            ctx->now_ns - window->last_arrival_ns < self->size_ns) {
            continue;
        }
        int rc = s_emit(self, ctx, zhashx_cursor(self->windows), window);
        if (rc != SYM_OK) {
            return rc;
        }
    }
    return SYM_OK;
}

const transform_step_ops_t transform_window_ops = {
    .name = "window",
    .usage = "key=F[,F2...] size-ms=N [fields=A,B...] [topic=TEMPLATE]",
    .parse = s_parse,
    .apply = s_apply,
    .tick = s_tick,
    .destroy = s_destroy,
};
