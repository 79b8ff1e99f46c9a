/* sym_wire.c: wire format v1, records as msgpack maps: limits, writing
 * records and checking topics.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "sym_wire.h"

#include <assert.h>
#include <endian.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sym_err.h"

void
sym_wire_limits_default(sym_wire_limits_t *limits)
{
    limits->max_record_bytes = 1024 * 1024;
    limits->max_fields = SYM_REC_MAX_FIELDS;
    limits->max_str_bytes = 64 * 1024;
    limits->max_depth = 2;
    limits->max_envelope_keys = 32;
}

/* The encoder writes msgpack bytes straight into the buffer, in the
 * smallest form of each value, exactly as msgpack-c's packer would (a
 * unit test compares the two): a record is encoded on every hop, and one
 * write call per piece cost more than the rest of the encoding. */
typedef struct {
    unsigned char *p; /* next byte to write */
} s_writer_t;

/* A type byte and width bytes of value, big-endian, in single stores. */
static inline void
s_put_be(s_writer_t *w, unsigned char type, uint64_t value, size_t width)
{
    uint16_t v16;
    uint32_t v32;
    uint64_t v64;
    w->p[0] = type;
    switch (width) {
    case 1:
        w->p[1] = (unsigned char) value;
        break;
    case 2:
        v16 = htobe16((uint16_t) value);
        memcpy(w->p + 1, &v16, sizeof v16);
        break;
    case 4:
        v32 = htobe32((uint32_t) value);
        memcpy(w->p + 1, &v32, sizeof v32);
        break;
    default:
        v64 = htobe64(value);
        memcpy(w->p + 1, &v64, sizeof v64);
        break;
    }
    w->p += 1 + width;
}

static inline void
s_put_uint(s_writer_t *w, uint64_t value)
{
    if (value < 128) {
        *w->p++ = (unsigned char) value;
    } else if (value <= UINT8_MAX) {
        s_put_be(w, 0xcc, value, 1);
    } else if (value <= UINT16_MAX) {
        s_put_be(w, 0xcd, value, 2);
    } else if (value <= UINT32_MAX) {
        s_put_be(w, 0xce, value, 4);
    } else {
        s_put_be(w, 0xcf, value, 8);
    }
}

static inline void
s_put_int(s_writer_t *w, int64_t value)
{
    if (value >= 0) {
        s_put_uint(w, (uint64_t) value);
    } else if (value >= -32) {
        *w->p++ = (unsigned char) (int8_t) value; /* negative fixint */
    } else if (value >= INT8_MIN) {
        s_put_be(w, 0xd0, (uint64_t) value, 1);
    } else if (value >= INT16_MIN) {
        s_put_be(w, 0xd1, (uint64_t) value, 2);
    } else if (value >= INT32_MIN) {
        s_put_be(w, 0xd2, (uint64_t) value, 4);
    } else {
        s_put_be(w, 0xd3, (uint64_t) value, 8);
    }
}

/* A str (is_bin false) or bin header and its bytes. */
static inline void
s_put_bytes(s_writer_t *w, const char *ptr, size_t len, bool is_bin)
{
    if (!is_bin && len < 32) {
        *w->p++ = (unsigned char) (0xa0 | len);
    } else if (len <= UINT8_MAX) {
        s_put_be(w, is_bin ? 0xc4 : 0xd9, len, 1);
    } else if (len <= UINT16_MAX) {
        s_put_be(w, is_bin ? 0xc5 : 0xda, len, 2);
    } else {
        s_put_be(w, is_bin ? 0xc6 : 0xdb, len, 4);
    }
    if (len > 0) {
        memcpy(w->p, ptr, len);
        w->p += len;
    }
}

static inline void
s_put_key(s_writer_t *w, const char *key)
{
    s_put_bytes(w, key, strlen(key), false);
}

static inline void
s_put_val(s_writer_t *w, const sym_val_t *val)
{
    uint64_t bits = 0;
    switch (val->type) {
    case SYM_VAL_NIL:
        *w->p++ = 0xc0;
        break;
    case SYM_VAL_BOOL:
        *w->p++ = val->as.b ? 0xc3 : 0xc2;
        break;
    case SYM_VAL_INT:
        s_put_int(w, val->as.i);
        break;
    case SYM_VAL_UINT:
        s_put_uint(w, val->as.u);
        break;
    case SYM_VAL_FLOAT:
        memcpy(&bits, &val->as.f, sizeof bits);
        s_put_be(w, 0xcb, bits, 8);
        break;
    case SYM_VAL_STR:
    case SYM_VAL_BIN:
        s_put_bytes(w, val->as.s.ptr, val->as.s.len, val->type == SYM_VAL_BIN);
        break;
    }
}

/* The most bytes rec can take: 9 per number, 5 per header, the keys. */
static size_t
s_encoded_bound(const sym_rec_t *rec)
{
    size_t bound = 96 + rec->stream.len;
    for (uint32_t i = 0; i < rec->field_count; i++) {
        const sym_field_t *field = &rec->fields[i];
        bound += 5 + field->name.len + 9;
        if (field->val.type == SYM_VAL_STR || field->val.type == SYM_VAL_BIN) {
            bound += field->val.as.s.len;
        }
    }
    return bound;
}

static bool
s_reserve(msgpack_sbuffer *out, size_t more)
{
    if (out->alloc - out->size >= more) {
        return true;
    }
    size_t want = out->alloc > 0 ? out->alloc : MSGPACK_SBUFFER_INIT_SIZE;
    while (want - out->size < more) {
        if (want > SIZE_MAX / 2) {
            return false;
        }
        want *= 2;
    }
    /* msgpack_sbuffer owns its data through malloc, realloc and free. */
    char *data = realloc(out->data, want);
    if (data == NULL) {
        return false;
    }
    out->data = data;
    out->alloc = want;
    return true;
}

int
sym_wire_encode(const sym_rec_t *rec, msgpack_sbuffer *out)
{
    assert(rec);
    assert(out);

    if (!s_reserve(out, s_encoded_bound(rec))) {
        return SYM_ENOMEM;
    }
    s_writer_t w = {(unsigned char *) out->data + out->size};
    *w.p++ = 0x88; /* a map of the 8 entries below */
    s_put_key(&w, "v");
    s_put_uint(&w, SYM_WIRE_VERSION);
    s_put_key(&w, "k");
    s_put_uint(&w, (uint64_t) rec->kind);
    s_put_key(&w, "s");
    s_put_bytes(&w, rec->stream.ptr, rec->stream.len, false);
    s_put_key(&w, "e");
    s_put_uint(&w, rec->epoch);
    s_put_key(&w, "q");
    s_put_uint(&w, rec->seq);
    s_put_key(&w, "te");
    s_put_int(&w, rec->event_ns);
    s_put_key(&w, "ti");
    s_put_int(&w, rec->ingest_ns);
    s_put_key(&w, "f");
    if (rec->field_count < 16) {
        *w.p++ = (unsigned char) (0x80 | rec->field_count);
    } else {
        s_put_be(&w, 0xde, rec->field_count, 2); /* at most 256 fields */
    }
    for (uint32_t i = 0; i < rec->field_count; i++) {
        const sym_field_t *field = &rec->fields[i];
        s_put_bytes(&w, field->name.ptr, field->name.len, false);
        s_put_val(&w, &field->val);
    }
    out->size = (size_t) ((char *) w.p - out->data);
    return SYM_OK;
}

int
sym_wire_check_topic(const char *topic, size_t len)
{
    if (len == 0 || len > 255) {
        return SYM_EDECODE;
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char) topic[i];
        if (c <= 0x20 || c >= 0x7f) {
            return SYM_EDECODE;
        }
    }
    return SYM_OK;
}
