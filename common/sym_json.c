/* sym_json.c: records as JSON text, for taps and text sinks.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "sym_json.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sym_err.h"
#include "sym_real.h"
#include "sym_time.h"

/* Length of the valid UTF-8 sequence at p, or 0 when it is not one. */
static size_t
s_utf8_len(const unsigned char *p, size_t avail)
{
    if (p[0] < 0x80) {
        return 1;
    }
    /* 0xf5-0xff never start a sequence; they must not pass for 3. */
    size_t need = p[0] >= 0xf0 && p[0] <= 0xf4   ? 4
                  : p[0] >= 0xe0 && p[0] <= 0xef ? 3
                  : p[0] >= 0xc2 && p[0] <= 0xdf ? 2
                                                 : 0;
    if (need == 0 || need > avail) {
        return 0;
    }
    for (size_t i = 1; i < need; i++) {
        if ((p[i] & 0xc0) != 0x80) {
            return 0;
        }
    }
    /* Overlong forms, surrogates and code points past U+10FFFF. */
    if ((p[0] == 0xe0 && p[1] < 0xa0) || (p[0] == 0xed && p[1] > 0x9f) ||
        (p[0] == 0xf0 && p[1] < 0x90) || (p[0] == 0xf4 && p[1] > 0x8f)) {
        return 0;
    }
    return need;
}

/* A JSON string of the bytes; bad UTF-8 bytes become U+FFFD. */
static json_t *
s_text(const char *ptr, size_t len)
{
    json_t *text = json_stringn(ptr, len);
    if (text) {
        return text;
    }
    char *clean = malloc(len * 3 + 1);
    if (clean == NULL) {
        return NULL;
    }
    size_t out = 0;
    const unsigned char *p = (const unsigned char *) ptr;
    for (size_t i = 0; i < len;) {
        size_t step = s_utf8_len(p + i, len - i);
        if (step == 0) {
            memcpy(clean + out, "\xef\xbf\xbd", 3);
            out += 3;
            i++;
            continue;
        }
        memcpy(clean + out, p + i, step);
        out += step;
        i += step;
    }
    text = json_stringn(clean, out);
    free(clean);
    return text;
}

static json_t *
s_hex(const char *ptr, size_t len)
{
    static const char digits[] = "0123456789abcdef";
    char *hex = malloc(len * 2 + 3);
    if (hex == NULL) {
        return NULL;
    }
    hex[0] = '0';
    hex[1] = 'x';
    for (size_t i = 0; i < len; i++) {
        hex[2 + 2 * i] = digits[(unsigned char) ptr[i] >> 4];
        hex[3 + 2 * i] = digits[(unsigned char) ptr[i] & 0xf];
    }
    json_t *text = json_stringn(hex, len * 2 + 2);
    free(hex);
    return text;
}

static json_t *
s_value(const sym_val_t *val)
{
    switch (val->type) {
    case SYM_VAL_BOOL:
        return json_boolean(val->as.b);
    case SYM_VAL_INT:
        return json_integer(val->as.i);
    case SYM_VAL_UINT:
        return json_real((double) val->as.u);
    case SYM_VAL_FLOAT:
        return isfinite(val->as.f) ? json_real(val->as.f) : json_null();
    case SYM_VAL_STR:
        return s_text(val->as.s.ptr, val->as.s.len);
    case SYM_VAL_BIN:
        return s_hex(val->as.s.ptr, val->as.s.len);
    default:
        return json_null();
    }
}

json_t *
sym_json_fields(const sym_rec_t *rec)
{
    json_t *fields = json_object();
    for (uint32_t i = 0; fields && i < rec->field_count; i++) {
        const sym_field_t *field = &rec->fields[i];
        json_t *name = s_text(field->name.ptr, field->name.len);
        json_t *value = s_value(&field->val);
        if (name == NULL || value == NULL ||
            json_object_setn_new(fields, json_string_value(name),
                                 json_string_length(name), value) != 0) {
            json_decref(name);
            json_decref(fields);
            return NULL;
        }
        json_decref(name);
    }
    return fields;
}

json_t *
sym_json_from_rec(const sym_rec_t *rec, const char *topic)
{
    char when[40];
    sym_time_format(rec->event_ns, when, sizeof when);
    json_t *fields = sym_json_fields(rec);
    json_t *stream = s_text(rec->stream.ptr, rec->stream.len);
    json_t *object = NULL;
    if (fields && stream) {
        /* s* leaves the key out for a NULL topic; s? would write null. */
        object = json_pack(
            "{s:s*, s:s, s:O, s:I, s:I, s:s, s:I, s:O}", "topic", topic, "kind",
            sym_kind_name(rec->kind), "stream", stream, "epoch",
            (json_int_t) rec->epoch, "seq", (json_int_t) rec->seq, "event_time",
            when, "ingest_ns", (json_int_t) rec->ingest_ns, "fields", fields);
    }
    json_decref(fields);
    json_decref(stream);
    return object;
}

/* Text written straight into a caller's buffer; a failed growth sticks. */
typedef struct {
    char **buf;
    size_t *cap;
    size_t len;
    bool failed;
} s_out_t;

/* Room for n more bytes and the terminating NUL. */
static bool
s_room(s_out_t *out, size_t n)
{
    if (out->failed) {
        return false;
    }
    if (out->len + n + 1 <= *out->cap) {
        return true;
    }
    size_t cap = *out->cap ? *out->cap : 256;
    while (cap < out->len + n + 1) {
        cap *= 2;
    }
    char *grown = realloc(*out->buf, cap);
    if (grown == NULL) {
        out->failed = true;
        return false;
    }
    *out->buf = grown;
    *out->cap = cap;
    return true;
}

static void
s_put(s_out_t *out, const char *ptr, size_t len)
{
    if (s_room(out, len)) {
        memcpy(*out->buf + out->len, ptr, len);
        out->len += len;
    }
}

/* One character of a JSON string: the escapes json_dumps writes. */
static void
s_put_char(s_out_t *out, unsigned char c)
{
    static const char hex[] = "0123456789ABCDEF";
    char esc[6] = {'\\', 0};
    size_t n = 2;
    switch (c) {
    case '"':
    case '\\':
        esc[1] = (char) c;
        break;
    case '\b':
        esc[1] = 'b';
        break;
    case '\f':
        esc[1] = 'f';
        break;
    case '\n':
        esc[1] = 'n';
        break;
    case '\r':
        esc[1] = 'r';
        break;
    case '\t':
        esc[1] = 't';
        break;
    default:
        memcpy(esc + 1, "u00", 3);
        esc[4] = hex[c >> 4];
        esc[5] = hex[c & 0xf];
        n = 6;
    }
    s_put(out, esc, n);
}

/* A quoted JSON string; bad UTF-8 bytes become U+FFFD as in s_text. */
static void
s_put_string(s_out_t *out, const char *ptr, size_t len)
{
    const unsigned char *p = (const unsigned char *) ptr;
    s_put(out, "\"", 1);
    size_t run = 0; /* bytes copied as they are, not yet written */
    for (size_t i = 0; i < len;) {
        /* Most text is printable ASCII: it skips the UTF-8 check. */
        unsigned char c = p[i];
        size_t step = c >= 0x80 ? s_utf8_len(p + i, len - i)
                      : c >= 0x20 && c != '"' && c != '\\' ? 1
                                                           : 0;
        if (step > 0) {
            run += step;
            i += step;
            continue;
        }
        s_put(out, ptr + i - run, run);
        run = 0;
        if (p[i] < 0x20 || p[i] == '"' || p[i] == '\\') {
            s_put_char(out, p[i]);
        } else {
            s_put(out, "\xef\xbf\xbd", 3);
        }
        i++;
    }
    s_put(out, ptr + len - run, run);
    s_put(out, "\"", 1);
}

/* A double as its shortest exact text (sym_real.h). jansson would write
 * 17 digits (7.6600000000000001 for 7.66); both read back as the same
 * double, and the short form is the one people read and JSON tools
 * write. */
static void
s_put_real(s_out_t *out, double value)
{
    char text[SYM_REAL_TEXT_MAX];
    size_t len = sym_real_text(value, text, sizeof text);
    if (len == 0) {
        out->failed = true;
        return;
    }
    s_put(out, text, len);
}

static void
s_put_int(s_out_t *out, int64_t value)
{
    char text[24];
    char *p = text + sizeof text;
    uint64_t magnitude = value < 0 ? 0 - (uint64_t) value : (uint64_t) value;
    do {
        *--p = (char) ('0' + magnitude % 10);
        magnitude /= 10;
    } while (magnitude > 0);
    if (value < 0) {
        *--p = '-';
    }
    s_put(out, p, (size_t) (text + sizeof text - p));
}

static void
s_put_hex(s_out_t *out, const char *ptr, size_t len)
{
    static const char digits[] = "0123456789abcdef";
    if (!s_room(out, len * 2 + 4)) {
        return;
    }
    char *p = *out->buf + out->len;
    *p++ = '"';
    *p++ = '0';
    *p++ = 'x';
    for (size_t i = 0; i < len; i++) {
        *p++ = digits[(unsigned char) ptr[i] >> 4];
        *p++ = digits[(unsigned char) ptr[i] & 0xf];
    }
    *p++ = '"';
    out->len = (size_t) (p - *out->buf);
}

static void
s_put_value(s_out_t *out, const sym_val_t *val)
{
    switch (val->type) {
    case SYM_VAL_BOOL:
        s_put(out, val->as.b ? "true" : "false", val->as.b ? 4 : 5);
        break;
    case SYM_VAL_INT:
        s_put_int(out, val->as.i);
        break;
    case SYM_VAL_UINT:
        s_put_real(out, (double) val->as.u);
        break;
    case SYM_VAL_FLOAT:
        if (isfinite(val->as.f)) {
            s_put_real(out, val->as.f);
        } else {
            s_put(out, "null", 4);
        }
        break;
    case SYM_VAL_STR:
        s_put_string(out, val->as.s.ptr, val->as.s.len);
        break;
    case SYM_VAL_BIN:
        s_put_hex(out, val->as.s.ptr, val->as.s.len);
        break;
    default:
        s_put(out, "null", 4);
    }
}

/* Names written straight must be distinct valid UTF-8 without NUL: an
 * object keeps one value per name, and cleaning could make two equal. */
static bool
s_names_plain(const sym_rec_t *rec)
{
    for (uint32_t i = 0; i < rec->field_count; i++) {
        const sym_str_t *name = &rec->fields[i].name;
        const unsigned char *p = (const unsigned char *) name->ptr;
        for (size_t at = 0; at < name->len;) {
            size_t step = p[at] ? s_utf8_len(p + at, name->len - at) : 0;
            if (step == 0) {
                return false;
            }
            at += step;
        }
        for (uint32_t j = 0; j < i; j++) {
            const sym_str_t *other = &rec->fields[j].name;
            if (other->len == name->len &&
                memcmp(other->ptr, name->ptr, name->len) == 0) {
                return false;
            }
        }
    }
    return true;
}

/* The rare record whose names need an object's rules goes through one. */
static int
s_fields_text_slow(const sym_rec_t *rec, s_out_t *out)
{
    json_t *fields = sym_json_fields(rec);
    char *text = fields
                     ? json_dumps(fields, JSON_COMPACT | JSON_PRESERVE_ORDER |
                                              JSON_REAL_PRECISION(17))
                     : NULL;
    json_decref(fields);
    if (text) {
        s_put(out, text, strlen(text));
    }
    free(text);
    return text && !out->failed ? SYM_OK : SYM_ENOMEM;
}

int
sym_json_fields_text(const sym_rec_t *rec, char **buf, size_t *cap, size_t *len)
{
    s_out_t out = {.buf = buf, .cap = cap};
    int rc = SYM_OK;
    if (!s_names_plain(rec)) {
        rc = s_fields_text_slow(rec, &out);
    } else {
        s_put(&out, "{", 1);
        for (uint32_t i = 0; i < rec->field_count; i++) {
            const sym_field_t *field = &rec->fields[i];
            s_put(&out, ",", i > 0 ? 1 : 0);
            s_put_string(&out, field->name.ptr, field->name.len);
            s_put(&out, ":", 1);
            s_put_value(&out, &field->val);
        }
        s_put(&out, "}", 1);
        rc = out.failed ? SYM_ENOMEM : SYM_OK;
    }
    if (rc == SYM_OK) {
        (*buf)[out.len] = '\0';
        *len = out.len;
    }
    return rc;
}

char *
sym_json_dump(const sym_rec_t *rec, const char *topic, unsigned flags)
{
    json_t *object = sym_json_from_rec(rec, topic);
    if (object == NULL) {
        return NULL;
    }
    size_t format = JSON_PRESERVE_ORDER;
    format |= JSON_REAL_PRECISION(flags & SYM_JSON_LOSSLESS ? 17 : 15);
    format |= flags & SYM_JSON_PRETTY ? JSON_INDENT(2) : JSON_COMPACT;
    char *text = json_dumps(object, format);
    json_decref(object);
    return text;
}
