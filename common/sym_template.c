/* sym_template.c: stream and topic names built from record fields.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "sym_template.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sym_err.h"

/* Literal text, or the name of a field. */
typedef struct {
    bool is_field;
    char *text; /* NUL-terminated */
    size_t len;
} s_part_t;

struct sym_template_t {
    s_part_t *parts;
    size_t count;
    bool needs_stream_only;
};

static int
s_add_part(sym_template_t *self, bool is_field, const char *text, size_t len)
{
    s_part_t *parts = realloc(self->parts, (self->count + 1) * sizeof *parts);
    if (parts == NULL) {
        return SYM_ENOMEM;
    }
    self->parts = parts;
    char *copy = strndup(text, len);
    if (copy == NULL) {
        return SYM_ENOMEM;
    }
    parts[self->count++] = (s_part_t){is_field, copy, len};
    if (is_field && strcmp(copy, "stream") != 0) {
        self->needs_stream_only = false;
    }
    return SYM_OK;
}

/* Split text into literal parts and {field} parts. */
static int
s_parse(sym_template_t *self, const char *text, char *err, size_t err_size)
{
    const char *pos = text;
    while (*pos) {
        const char *open = strpbrk(pos, "{}");
        if (open == NULL || open > pos) {
            size_t len = open ? (size_t) (open - pos) : strlen(pos);
            if (s_add_part(self, false, pos, len) != SYM_OK) {
                return SYM_ENOMEM;
            }
            pos += len;
            continue;
        }
        const char *close = strpbrk(open + 1, "{}");
        if (*open == '}' || close == NULL || *close != '}' ||
            close == open + 1) {
            snprintf(err, err_size,
                     "template '%s': expected {field} at offset %zu", text,
                     (size_t) (open - text));
            return SYM_EINVAL;
        }
        if (s_add_part(self, true, open + 1, (size_t) (close - open - 1))) {
            return SYM_ENOMEM;
        }
        pos = close + 1;
    }
    return SYM_OK;
}

sym_template_t *
sym_template_new(const char *text, int *rc, char *err, size_t err_size)
{
    assert(text);
    sym_template_t *self = calloc(1, sizeof *self);
    if (self == NULL) {
        *rc = SYM_ENOMEM;
        snprintf(err, err_size, "out of memory");
        return NULL;
    }
    self->needs_stream_only = true;
    *rc = s_parse(self, text, err, err_size);
    if (*rc == SYM_ENOMEM) {
        snprintf(err, err_size, "out of memory");
    }
    if (*rc != SYM_OK) {
        sym_template_destroy(&self);
    }
    return self;
}

void
sym_template_destroy(sym_template_t **self_p)
{
    if (self_p == NULL || *self_p == NULL) {
        return;
    }
    sym_template_t *self = *self_p;
    for (size_t i = 0; i < self->count; i++) {
        free(self->parts[i].text);
    }
    free(self->parts);
    free(self);
    *self_p = NULL;
}

bool
sym_template_needs_stream_only(const sym_template_t *self)
{
    return self->needs_stream_only;
}

/* Decimal digits of value into the end of buf; returns where they start.
 * Hand-written because this runs for every record. */
static char *
s_format_uint(uint64_t value, char *end)
{
    char *pos = end;
    do {
        *--pos = (char) ('0' + value % 10);
        value /= 10;
    } while (value > 0);
    return pos;
}

/* The text of a scalar value, in scratch when it has to be rendered.
 * Returns false for nil. */
static bool
s_value_text(const sym_val_t *val, char *scratch, size_t size,
             const char **text, size_t *len)
{
    char *end = scratch + size;
    switch (val->type) {
    case SYM_VAL_STR:
    case SYM_VAL_BIN:
        *text = val->as.s.ptr;
        *len = val->as.s.len;
        return true;
    case SYM_VAL_INT: {
        uint64_t magnitude =
            val->as.i < 0 ? 0 - (uint64_t) val->as.i : (uint64_t) val->as.i;
        char *start = s_format_uint(magnitude, end);
        if (val->as.i < 0) {
            *--start = '-';
        }
        *text = start;
        *len = (size_t) (end - start);
        return true;
    }
    case SYM_VAL_UINT:
        *text = s_format_uint(val->as.u, end);
        *len = (size_t) (end - *text);
        return true;
    case SYM_VAL_FLOAT:
        *len = (size_t) snprintf(scratch, size, "%.15g", val->as.f);
        *text = scratch;
        return true;
    case SYM_VAL_BOOL:
        *text = val->as.b ? "true" : "false";
        *len = strlen(*text);
        return true;
    case SYM_VAL_NIL:
        break;
    }
    return false;
}

/* The text a placeholder stands for. */
static int
s_field_text(const s_part_t *part, const sym_rec_t *rec, const char *stream,
             char *scratch, size_t size, const char **text, size_t *len)
{
    if (stream && strcmp(part->text, "stream") == 0) {
        *text = stream;
        *len = strlen(stream);
        return SYM_OK;
    }
    const sym_val_t *val = sym_rec_get_const(rec, part->text, part->len);
    if (val == NULL || !s_value_text(val, scratch, size, text, len)) {
        return SYM_ENOTFOUND;
    }
    return SYM_OK;
}

int
sym_template_expand(const sym_template_t *self, const sym_rec_t *rec,
                    const char *stream, char *buf, size_t size, size_t *len,
                    const char **missing)
{
    assert(size > 0);
    size_t used = 0;
    char scratch[32];
    for (size_t i = 0; i < self->count; i++) {
        const s_part_t *part = &self->parts[i];
        const char *text = part->text;
        size_t text_len = part->len;
        if (part->is_field &&
            s_field_text(part, rec, stream, scratch, sizeof scratch, &text,
                         &text_len) != SYM_OK) {
            *missing = part->text;
            return SYM_ENOTFOUND;
        }
        if (text_len >= size - used) {
            return SYM_ETOOBIG;
        }
        memcpy(buf + used, text, text_len);
        used += text_len;
    }
    buf[used] = '\0';
    *len = used;
    return SYM_OK;
}
