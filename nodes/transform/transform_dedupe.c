/* transform_dedupe.c: step "dedupe", removes records whose key was seen
 * among the last N distinct keys.
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

#define S_DEFAULT_WINDOW 65536
#define S_MAX_WINDOW (16 * 1024 * 1024)

/* Each key field adds a type letter, its value as text and a separator.
 * Numbers are compared by value (int 8 and float 8.0 are one key), text
 * and binary by their bytes. Text is escaped so that the separator and
 * NUL never occur inside a value, which keeps keys unambiguous and lets
 * zhashx hash them as strings. */
#define S_SEPARATOR '\x1f'

/* One remembered key; its buffer is reused once the key is evicted. */
typedef struct {
    char *text; /* NUL-terminated key, or NULL before first use */
    size_t cap; /* bytes allocated */
} s_slot_t;

typedef struct {
    transform_names_t fields; /* the key fields */
    size_t window;            /* distinct keys remembered */
    zhashx_t *seen;           /* key text (owned by a slot) -> slot */
    s_slot_t *ring;           /* keys in arrival order */
    size_t head;              /* the oldest key */
    size_t len;               /* keys remembered */
    char *key;                /* the key being built */
    size_t key_len;           /* its length */
    size_t key_cap;           /* bytes allocated */
} s_dedupe_t;

static void
s_destroy(transform_step_t *step)
{
    s_dedupe_t *self = step->state;
    if (self == NULL) {
        return;
    }
    zhashx_destroy(&self->seen);
    /* Slots are first filled in index order, so those holding a key are
     * a prefix: stopping at the first empty one spares a free() per
     * unused slot of a large window. */
    for (size_t i = 0; self->ring && i < self->window && self->ring[i].text;
         i++) {
        free(self->ring[i].text);
    }
    free(self->ring);
    free(self->key);
    transform_names_clear(&self->fields);
    free(self);
    step->state = NULL;
}

static int
s_parse_fields(s_dedupe_t *self, const char *list, char *err, size_t err_size)
{
    const char *cursor = list;
    while (true) {
        const char *comma = strchr(cursor, ',');
        size_t len = comma ? (size_t) (comma - cursor) : strlen(cursor);
        int rc = transform_names_add(&self->fields, cursor, len);
        if (rc != SYM_OK) {
            snprintf(err, err_size, "%s",
                     rc == SYM_EINVAL ? "expected a field name in key=, "
                                        "got ''"
                                      : "out of memory");
            return rc;
        }
        if (comma == NULL) {
            return SYM_OK;
        }
        cursor = comma + 1;
    }
}

static int
s_parse_option(s_dedupe_t *self, const char *word, char *err, size_t err_size)
{
    const char *value = NULL;
    if ((value = transform_kv(word, "key")) != NULL) {
        transform_names_clear(&self->fields);
        return s_parse_fields(self, value, err, err_size);
    }
    if ((value = transform_kv(word, "window")) != NULL) {
        uint64_t window = 0;
        if (!transform_parse_count(value, 1, S_MAX_WINDOW, &window)) {
            snprintf(err, err_size,
                     "expected a count of 1-%d in window=, got '%s'",
                     S_MAX_WINDOW, value);
            return SYM_EINVAL;
        }
        self->window = (size_t) window;
        return SYM_OK;
    }
    snprintf(err, err_size, "expected key=F1,F2,... or window=N, got '%s'",
             word);
    return SYM_EINVAL;
}

static int
s_parse(transform_step_t *step, int argc, const char *const *argv, char *err,
        size_t err_size)
{
    s_dedupe_t *self = calloc(1, sizeof *self);
    step->state = self;
    if (self == NULL) {
        snprintf(err, err_size, "out of memory");
        return SYM_ENOMEM;
    }
    self->window = S_DEFAULT_WINDOW;
    for (int i = 1; i < argc; i++) {
        int rc = s_parse_option(self, argv[i], err, err_size);
        if (rc != SYM_OK) {
            return rc;
        }
    }
    if (self->fields.count == 0) {
        snprintf(err, err_size, "expected %s (missing argument)",
                 step->ops->usage);
        return SYM_EINVAL;
    }
    self->ring = calloc(self->window, sizeof *self->ring);
    self->seen = zhashx_new();
    if (self->ring == NULL || self->seen == NULL) {
        snprintf(err, err_size, "out of memory");
        return SYM_ENOMEM;
    }
    /* Keys live in the ring; the hash only points at them. */
    zhashx_set_key_duplicator(self->seen, NULL);
    zhashx_set_key_destructor(self->seen, NULL);
    return SYM_OK;
}

/* Make room for need bytes in the key being built. Grows only when a
 * key is longer than any before it. */
static bool
s_reserve(s_dedupe_t *self, size_t need)
{
    if (need <= self->key_cap) {
        return true;
    }
    size_t cap = self->key_cap ? self->key_cap : 256;
    while (cap < need) {
        cap *= 2;
    }
    char *grown = realloc(self->key, cap);
    if (grown == NULL) {
        return false;
    }
    self->key = grown;
    self->key_cap = cap;
    return true;
}

static void
s_put_bytes(s_dedupe_t *self, char tag, sym_str_t bytes)
{
    char *out = self->key + self->key_len;
    *out++ = tag;
    for (uint32_t i = 0; i < bytes.len; i++) {
        char c = bytes.ptr[i];
        if (c == '\\' || c == S_SEPARATOR || c == '\0') {
            *out++ = '\\';
            c = c == '\\' ? '\\' : c == '\0' ? '0' : 's';
        }
        *out++ = c;
    }
    self->key_len = (size_t) (out - self->key);
}

static void
s_put_number(s_dedupe_t *self, const sym_val_t *val)
{
    char *out = self->key + self->key_len;
    int len = 0;
    double f = val->as.f;
    if (val->type == SYM_VAL_INT) {
        len = sprintf(out, "i%" PRId64, val->as.i);
    } else if (val->type == SYM_VAL_UINT) {
        len = sprintf(out, "i%" PRIu64, val->as.u);
    } else if (isnan(f)) {
        len = sprintf(out, "fnan");
    } else if (f == trunc(f) && f >= -9223372036854775808.0 &&
               f < 9223372036854775808.0) {
        len = sprintf(out, "i%" PRId64, (int64_t) f);
    } else {
        len = sprintf(out, "f%.17g", f);
    }
    self->key_len += (size_t) len;
}

/* Append one value and the separator. */
static bool
s_put_value(s_dedupe_t *self, const sym_val_t *val)
{
    bool has_bytes = val->type == SYM_VAL_STR || val->type == SYM_VAL_BIN;
    size_t most = has_bytes ? 2 * (size_t) val->as.s.len + 1 : 32;
    if (!s_reserve(self, self->key_len + most + 2)) {
        return false;
    }
    switch (val->type) {
    case SYM_VAL_STR:
    case SYM_VAL_BIN:
        s_put_bytes(self, val->type == SYM_VAL_STR ? 's' : 'x', val->as.s);
        break;
    case SYM_VAL_BOOL:
        self->key[self->key_len++] = 'b';
        self->key[self->key_len++] = val->as.b ? '1' : '0';
        break;
    case SYM_VAL_NIL:
        self->key[self->key_len++] = 'n';
        break;
    default:
        s_put_number(self, val);
        break;
    }
    self->key[self->key_len++] = S_SEPARATOR;
    self->key[self->key_len] = '\0';
    return true;
}

/* Build the record's key. False when a key field is missing, or when out
 * of memory. */
static bool
s_build_key(s_dedupe_t *self, const sym_rec_t *rec)
{
    self->key_len = 0;
    for (size_t i = 0; i < self->fields.count; i++) {
        const transform_name_t *name = &self->fields.items[i];
        const sym_val_t *val = sym_rec_get_const(rec, name->text, name->len);
        if (val == NULL || !s_put_value(self, val)) {
            return false;
        }
    }
    return true;
}

/* Remember the key just built, forgetting the oldest when the window is
 * full. Returns false when out of memory. */
static bool
s_remember(s_dedupe_t *self)
{
    if (self->len == self->window) {
        zhashx_delete(self->seen, self->ring[self->head].text);
        self->head = (self->head + 1) % self->window;
        self->len--;
    }
    s_slot_t *slot = &self->ring[(self->head + self->len) % self->window];
    if (slot->cap < self->key_len + 1) {
        /* Exact size: a full window holds many keys of similar length. */
        char *text = realloc(slot->text, self->key_len + 1);
        if (text == NULL) {
            return false;
        }
        slot->text = text;
        slot->cap = self->key_len + 1;
    }
    memcpy(slot->text, self->key, self->key_len + 1);
    if (zhashx_insert(self->seen, slot->text, slot) != 0) {
        return false;
    }
    self->len++;
    return true;
}

static int
s_apply(transform_step_t *step, transform_ctx_t *ctx, sym_rec_t *rec,
        transform_verdict_t *verdict)
{
    (void) ctx;
    s_dedupe_t *self = step->state;
    *verdict = TRANSFORM_KEEP;
    if (!s_build_key(self, rec)) {
        step->skipped++;
        return SYM_OK;
    }
    if (zhashx_lookup(self->seen, self->key) != NULL) {
        *verdict = TRANSFORM_REMOVE;
        return SYM_OK;
    }
    if (!s_remember(self)) {
        step->skipped++;
    }
    return SYM_OK;
}

const transform_step_ops_t transform_dedupe_ops = {
    .name = "dedupe",
    .usage = "key=F1,F2,... [window=N]",
    .reason = "dedupe",
    .parse = s_parse,
    .apply = s_apply,
    .destroy = s_destroy,
};
