/* sym_json.c: records as JSON text, for taps and text sinks.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "sym_json.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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
