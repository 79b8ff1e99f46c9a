/* sym_rec.c: one telemetry record in memory: origin envelope and fields.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "sym_rec.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sym_err.h"

sym_rec_t *
sym_rec_new(void)
{
    sym_rec_t *self = malloc(sizeof *self);
    if (self) {
        sym_rec_reset(self);
    }
    return self;
}

void
sym_rec_destroy(sym_rec_t **self_p)
{
    if (self_p && *self_p) {
        free(*self_p);
        *self_p = NULL;
    }
}

void
sym_rec_reset(sym_rec_t *self)
{
    assert(self);
    self->kind = SYM_KIND_DATA;
    self->stream = (sym_str_t){"", 0};
    self->epoch = 0;
    self->seq = 0;
    self->event_ns = 0;
    self->ingest_ns = 0;
    self->field_count = 0;
    self->arena_used = 0;
}

int
sym_rec_own(sym_rec_t *self, const char *ptr, size_t len, sym_str_t *out)
{
    if (len > SYM_REC_ARENA_BYTES - self->arena_used) {
        return SYM_ETOOBIG;
    }
    char *dest = self->arena + self->arena_used;
    if (len > 0) {
        memmove(dest, ptr, len);
    }
    self->arena_used += len;
    *out = (sym_str_t){dest, (uint32_t) len};
    return SYM_OK;
}

int
sym_rec_copy(sym_rec_t *dest, const sym_rec_t *src)
{
    assert(dest != src);
    sym_rec_reset(dest);
    dest->kind = src->kind;
    dest->epoch = src->epoch;
    dest->seq = src->seq;
    dest->event_ns = src->event_ns;
    dest->ingest_ns = src->ingest_ns;
    if (sym_rec_own(dest, src->stream.ptr, src->stream.len, &dest->stream)) {
        return SYM_ETOOBIG;
    }
    for (uint32_t i = 0; i < src->field_count; i++) {
        sym_field_t field = src->fields[i];
        if (sym_rec_own(dest, field.name.ptr, field.name.len, &field.name)) {
            return SYM_ETOOBIG;
        }
        bool has_bytes =
            field.val.type == SYM_VAL_STR || field.val.type == SYM_VAL_BIN;
        if (has_bytes && sym_rec_own(dest, field.val.as.s.ptr,
                                     field.val.as.s.len, &field.val.as.s)) {
            return SYM_ETOOBIG;
        }
        dest->fields[dest->field_count++] = field;
    }
    return SYM_OK;
}

int
sym_rec_set_stream(sym_rec_t *self, const char *stream, size_t len)
{
    return sym_rec_own(self, stream, len, &self->stream);
}

static sym_field_t *
s_find(const sym_rec_t *self, const char *name, size_t name_len)
{
    for (uint32_t i = 0; i < self->field_count; i++) {
        const sym_field_t *field = &self->fields[i];
        if (field->name.len == name_len &&
            memcmp(field->name.ptr, name, name_len) == 0) {
            return (sym_field_t *) field;
        }
    }
    return NULL;
}

sym_val_t *
sym_rec_get(sym_rec_t *self, const char *name)
{
    sym_field_t *field = s_find(self, name, strlen(name));
    return field ? &field->val : NULL;
}

const sym_val_t *
sym_rec_get_const(const sym_rec_t *self, const char *name, size_t name_len)
{
    const sym_field_t *field = s_find(self, name, name_len);
    return field ? &field->val : NULL;
}

int
sym_rec_set(sym_rec_t *self, const char *name, size_t name_len, sym_val_t val)
{
    sym_field_t *field = s_find(self, name, name_len);
    if (field) {
        field->val = val;
        return SYM_OK;
    }
    if (self->field_count == SYM_REC_MAX_FIELDS) {
        return SYM_ETOOBIG;
    }
    sym_str_t owned;
    if (sym_rec_own(self, name, name_len, &owned) != SYM_OK) {
        return SYM_ETOOBIG;
    }
    self->fields[self->field_count++] = (sym_field_t){owned, val};
    return SYM_OK;
}

int
sym_rec_set_str(sym_rec_t *self, const char *name, const char *value,
                size_t len)
{
    sym_val_t val = {.type = SYM_VAL_STR};
    if (sym_rec_own(self, value, len, &val.as.s) != SYM_OK) {
        return SYM_ETOOBIG;
    }
    return sym_rec_set(self, name, strlen(name), val);
}

int
sym_rec_set_double(sym_rec_t *self, const char *name, double value)
{
    sym_val_t val = {.type = SYM_VAL_FLOAT, .as.f = value};
    return sym_rec_set(self, name, strlen(name), val);
}

int
sym_rec_set_int(sym_rec_t *self, const char *name, int64_t value)
{
    sym_val_t val = {.type = SYM_VAL_INT, .as.i = value};
    return sym_rec_set(self, name, strlen(name), val);
}

void
sym_rec_remove(sym_rec_t *self, const char *name, size_t name_len)
{
    sym_field_t *field = s_find(self, name, name_len);
    if (field == NULL) {
        return;
    }
    size_t index = (size_t) (field - self->fields);
    memmove(field, field + 1, (self->field_count - index - 1) * sizeof *field);
    self->field_count--;
}

int
sym_rec_rename(sym_rec_t *self, const char *from, const char *to)
{
    sym_field_t *field = s_find(self, from, strlen(from));
    if (field == NULL) {
        return SYM_ENOTFOUND;
    }
    if (strcmp(from, to) == 0) {
        return SYM_OK; /* removing "to" below would remove the field */
    }
    /* Copy the name first, so a full arena leaves the record as it was. */
    sym_str_t owned;
    if (sym_rec_own(self, to, strlen(to), &owned) != SYM_OK) {
        return SYM_ETOOBIG;
    }
    sym_rec_remove(self, to, strlen(to));
    field = s_find(self, from, strlen(from));
    field->name = owned;
    return SYM_OK;
}

bool
sym_val_to_double(const sym_val_t *v, double *out)
{
    switch (v->type) {
    case SYM_VAL_BOOL:
        *out = v->as.b ? 1.0 : 0.0;
        return true;
    case SYM_VAL_INT:
        *out = (double) v->as.i;
        return true;
    case SYM_VAL_UINT:
        *out = (double) v->as.u;
        return true;
    case SYM_VAL_FLOAT:
        *out = v->as.f;
        return true;
    case SYM_VAL_STR: {
        char buf[64];
        if (v->as.s.len == 0 || v->as.s.len >= sizeof buf) {
            return false;
        }
        memcpy(buf, v->as.s.ptr, v->as.s.len);
        buf[v->as.s.len] = '\0';
        char *end = NULL;
        errno = 0;
        double value = strtod(buf, &end);
        if (errno != 0 || *end != '\0') {
            return false;
        }
        *out = value;
        return true;
    }
    default:
        return false;
    }
}

const char *
sym_kind_name(sym_kind_t kind)
{
    static const char *const names[SYM_KIND_COUNT] = {
        "data", "alarm", "removed", "eos", "stats"};
    return kind < SYM_KIND_COUNT ? names[kind] : "unknown";
}

int
sym_kind_parse(const char *text, sym_kind_t *out)
{
    for (int kind = 0; kind < SYM_KIND_COUNT; kind++) {
        if (strcmp(text, sym_kind_name((sym_kind_t) kind)) == 0) {
            *out = (sym_kind_t) kind;
            return SYM_OK;
        }
    }
    return SYM_EINVAL;
}

bool
sym_str_eq(sym_str_t s, const char *text)
{
    size_t len = strlen(text);
    return s.len == len && memcmp(s.ptr, text, len) == 0;
}

/* Length of the UTF-8 sequence at p (not ASCII), or 0 when it is not
 * one. */
static size_t
s_utf8_seq(const unsigned char *p, size_t avail)
{
    unsigned char b = p[0];
    size_t len = b >= 0xc2 && b <= 0xdf   ? 2
                 : b >= 0xe0 && b <= 0xef ? 3
                 : b >= 0xf0 && b <= 0xf4 ? 4
                                          : 0;
    if (len == 0 || len > avail) {
        return 0;
    }
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xc0) != 0x80) {
            return 0;
        }
    }
    /* The second byte rules out overlongs, surrogates and > U+10FFFF. */
    if ((b == 0xe0 && p[1] < 0xa0) || (b == 0xed && p[1] > 0x9f) ||
        (b == 0xf0 && p[1] < 0x90) || (b == 0xf4 && p[1] > 0x8f)) {
        return 0;
    }
    return len;
}

bool
sym_str_is_text(sym_str_t s)
{
    const unsigned char *p = (const unsigned char *) s.ptr;
    size_t i = 0;
    /* Most text is ASCII: eight bytes at a time while none has its top bit
     * set and none is zero (the classic has-a-zero-byte test). */
    const uint64_t ones = 0x0101010101010101u;
    const uint64_t tops = 0x8080808080808080u;
    for (; i + 8 <= s.len; i += 8) {
        uint64_t word;
        memcpy(&word, p + i, sizeof word);
        if ((word & tops) != 0 || ((word - ones) & ~word & tops) != 0) {
            break;
        }
    }
    while (i < s.len) {
        if (p[i] >= 0x01 && p[i] <= 0x7f) {
            i++;
            continue;
        }
        size_t step = p[i] == 0 ? 0 : s_utf8_seq(p + i, s.len - i);
        if (step == 0) {
            return false;
        }
        i += step;
    }
    return true;
}

bool
sym_rec_is_text(const sym_rec_t *rec, const sym_field_t **bad)
{
    *bad = NULL;
    if (!sym_str_is_text(rec->stream)) {
        return false;
    }
    for (size_t i = 0; i < rec->field_count; i++) {
        const sym_field_t *field = &rec->fields[i];
        if (!sym_str_is_text(field->name) ||
            (field->val.type == SYM_VAL_STR &&
             !sym_str_is_text(field->val.as.s))) {
            *bad = field;
            return false;
        }
    }
    return true;
}
