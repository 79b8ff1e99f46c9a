/* sym_wire.c: wire format v1, records as msgpack maps.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "sym_wire.h"

#include <assert.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sym_err.h"

#define SYM_WIRE_ZONE_CHUNK 65536
#define SYM_WIRE_MAX_DEPTH 16

struct sym_wire_decoder_t {
    sym_wire_limits_t limits; /* checked before msgpack-c allocates */
    msgpack_zone zone;        /* reused for every record */
    const char *error;        /* why the last decode failed */
};

void
sym_wire_limits_default(sym_wire_limits_t *limits)
{
    limits->max_record_bytes = 1024 * 1024;
    limits->max_fields = SYM_REC_MAX_FIELDS;
    limits->max_str_bytes = 64 * 1024;
    limits->max_depth = 2;
    limits->max_envelope_keys = 32;
}

static void
s_pack_text(msgpack_packer *pk, const char *ptr, size_t len)
{
    msgpack_pack_str(pk, len);
    msgpack_pack_str_body(pk, ptr, len);
}

static void
s_pack_val(msgpack_packer *pk, const sym_val_t *val)
{
    switch (val->type) {
    case SYM_VAL_NIL:
        msgpack_pack_nil(pk);
        break;
    case SYM_VAL_BOOL:
        val->as.b ? msgpack_pack_true(pk) : msgpack_pack_false(pk);
        break;
    case SYM_VAL_INT:
        msgpack_pack_int64(pk, val->as.i);
        break;
    case SYM_VAL_UINT:
        msgpack_pack_uint64(pk, val->as.u);
        break;
    case SYM_VAL_FLOAT:
        msgpack_pack_double(pk, val->as.f);
        break;
    case SYM_VAL_STR:
        s_pack_text(pk, val->as.s.ptr, val->as.s.len);
        break;
    case SYM_VAL_BIN:
        msgpack_pack_bin(pk, val->as.s.len);
        msgpack_pack_bin_body(pk, val->as.s.ptr, val->as.s.len);
        break;
    }
}

int
sym_wire_encode(const sym_rec_t *rec, msgpack_sbuffer *out)
{
    assert(rec);
    assert(out);

    msgpack_packer pk;
    msgpack_packer_init(&pk, out, msgpack_sbuffer_write);
    size_t before = out->size;
    msgpack_pack_map(&pk, 8);
    s_pack_text(&pk, "v", 1);
    msgpack_pack_uint8(&pk, SYM_WIRE_VERSION);
    s_pack_text(&pk, "k", 1);
    msgpack_pack_uint8(&pk, (uint8_t) rec->kind);
    s_pack_text(&pk, "s", 1);
    s_pack_text(&pk, rec->stream.ptr, rec->stream.len);
    s_pack_text(&pk, "e", 1);
    msgpack_pack_uint64(&pk, rec->epoch);
    s_pack_text(&pk, "q", 1);
    msgpack_pack_uint64(&pk, rec->seq);
    s_pack_text(&pk, "te", 2);
    msgpack_pack_int64(&pk, rec->event_ns);
    s_pack_text(&pk, "ti", 2);
    msgpack_pack_int64(&pk, rec->ingest_ns);
    s_pack_text(&pk, "f", 1);
    msgpack_pack_map(&pk, rec->field_count);
    for (uint32_t i = 0; i < rec->field_count; i++) {
        const sym_field_t *field = &rec->fields[i];
        s_pack_text(&pk, field->name.ptr, field->name.len);
        s_pack_val(&pk, &field->val);
    }
    /* msgpack_sbuffer_write reports allocation failure as -1 but the
     * packer macros drop it; a size that did not grow shows it. */
    return out->size > before ? SYM_OK : SYM_ENOMEM;
}

sym_wire_decoder_t *
sym_wire_decoder_new(const sym_wire_limits_t *limits)
{
    sym_wire_decoder_t *self = calloc(1, sizeof *self);
    if (self == NULL) {
        return NULL;
    }
    if (limits) {
        self->limits = *limits;
    } else {
        sym_wire_limits_default(&self->limits);
    }
    if (self->limits.max_fields > SYM_REC_MAX_FIELDS) {
        self->limits.max_fields = SYM_REC_MAX_FIELDS;
    }
    if (self->limits.max_depth > SYM_WIRE_MAX_DEPTH) {
        self->limits.max_depth = SYM_WIRE_MAX_DEPTH;
    }
    if (!msgpack_zone_init(&self->zone, SYM_WIRE_ZONE_CHUNK)) {
        free(self);
        return NULL;
    }
    self->error = "none";
    return self;
}

void
sym_wire_decoder_destroy(sym_wire_decoder_t **self_p)
{
    if (self_p == NULL || *self_p == NULL) {
        return;
    }
    msgpack_zone_destroy(&(*self_p)->zone);
    free(*self_p);
    *self_p = NULL;
}

const char *
sym_wire_last_error(const sym_wire_decoder_t *self)
{
    return self->error;
}

/* Big-endian unsigned integer of width bytes at p. */
static uint64_t
s_be(const unsigned char *p, size_t width)
{
    uint64_t value = 0;
    for (size_t i = 0; i < width; i++) {
        value = (value << 8) | p[i];
    }
    return value;
}

/* Header of one msgpack object: how many header bytes, how many payload
 * bytes follow, and how many child objects (arrays: n, maps: 2n). */
typedef struct {
    size_t header;
    uint64_t body;
    uint64_t children;
    bool is_container;
    bool is_text;
} s_item_t;

/* How the header of each type byte from 0xc0 to 0xdf is laid out. */
typedef enum {
    S_FIXED,   /* a body of a fixed size follows */
    S_SIZED,   /* a str or bin whose size is in the next width bytes */
    S_EXT,     /* an ext: size in width bytes, then a type byte */
    S_ARRAY,   /* an array whose count is in the next width bytes */
    S_MAP,     /* a map whose count is in the next width bytes */
    S_INVALID, /* 0xc1, which msgpack never uses */
} s_layout_t;

static const struct {
    unsigned char layout; /* s_layout_t */
    unsigned char size;   /* body bytes (S_FIXED) or width of the count */
} s_headers[32] = {
    {S_FIXED, 0},  {S_INVALID, 0}, {S_FIXED, 0}, {S_FIXED, 0}, /* c0-c3 */
    {S_SIZED, 1},  {S_SIZED, 2},   {S_SIZED, 4}, {S_EXT, 1},   /* c4-c7 */
    {S_EXT, 2},    {S_EXT, 4},     {S_FIXED, 4}, {S_FIXED, 8}, /* c8-cb */
    {S_FIXED, 1},  {S_FIXED, 2},   {S_FIXED, 4}, {S_FIXED, 8}, /* cc-cf */
    {S_FIXED, 1},  {S_FIXED, 2},   {S_FIXED, 4}, {S_FIXED, 8}, /* d0-d3 */
    {S_FIXED, 2},  {S_FIXED, 3},   {S_FIXED, 5}, {S_FIXED, 9}, /* d4-d7 */
    {S_FIXED, 17}, {S_SIZED, 1},   {S_SIZED, 2}, {S_SIZED, 4}, /* d8-db */
    {S_ARRAY, 2},  {S_ARRAY, 4},   {S_MAP, 2},   {S_MAP, 4},   /* dc-df */
};

static int
s_read_header(const unsigned char *p, size_t avail, s_item_t *item)
{
    unsigned char b = p[0];
    *item = (s_item_t){.header = 1};
    if (b <= 0x7f || b >= 0xe0) {
        return SYM_OK; /* fixint */
    }
    if (b <= 0x9f) {
        item->is_container = true; /* fixmap, fixarray */
        item->children = b <= 0x8f ? 2u * (b & 0x0f) : (b & 0x0f);
        return SYM_OK;
    }
    if (b <= 0xbf) {
        item->is_text = true; /* fixstr */
        item->body = b & 0x1f;
        return SYM_OK;
    }

    s_layout_t layout = (s_layout_t) s_headers[b - 0xc0].layout;
    size_t size = s_headers[b - 0xc0].size;
    if (layout == S_INVALID) {
        return SYM_EDECODE;
    }
    if (layout == S_FIXED) {
        item->body = size;
        return SYM_OK;
    }
    if (avail < 1 + size) {
        return SYM_EDECODE;
    }
    uint64_t n = s_be(p + 1, size);
    item->header = 1 + size;
    item->is_container = layout == S_ARRAY || layout == S_MAP;
    item->children = layout == S_MAP ? 2 * n : layout == S_ARRAY ? n : 0;
    item->is_text = layout == S_SIZED;
    item->body = layout == S_EXT ? n + 1 : layout == S_SIZED ? n : 0;
    return SYM_OK;
}

/* Walk the first object of data without allocating: every length and
 * count is checked against the bytes left and against the limits. Sets
 * *object_len. This runs before msgpack-c sees the bytes, so a header
 * that claims billions of elements never reaches its allocator. */
static int
s_check(sym_wire_decoder_t *self, const unsigned char *data, size_t len,
        size_t *object_len)
{
    const sym_wire_limits_t *lim = &self->limits;
    uint64_t pending[SYM_WIRE_MAX_DEPTH + 1]; /* children left per level */
    size_t depth = 0;
    size_t pos = 0;
    pending[0] = 1;
    while (true) {
        while (depth > 0 && pending[depth] == 0) {
            depth--;
        }
        if (pending[depth] == 0) {
            break;
        }
        pending[depth]--;
        if (pos >= len) {
            self->error = "truncated record";
            return SYM_EDECODE;
        }
        s_item_t item;
        if (s_read_header(data + pos, len - pos, &item) != SYM_OK) {
            self->error = "invalid msgpack type byte or header";
            return SYM_EDECODE;
        }
        pos += item.header;
        if (item.body > len - pos) {
            self->error = "length exceeds frame";
            return SYM_EDECODE;
        }
        if (item.is_text && item.body > lim->max_str_bytes) {
            self->error = "string longer than the limit";
            return SYM_ETOOBIG;
        }
        pos += (size_t) item.body;
        if (pos > lim->max_record_bytes) {
            self->error = "record larger than the limit";
            return SYM_ETOOBIG;
        }
        if (!item.is_container) {
            continue;
        }
        /* Every child takes at least one byte. */
        if (item.children > len - pos) {
            self->error = "element count exceeds frame";
            return SYM_EDECODE;
        }
        uint64_t entries_max =
            depth == 0 ? lim->max_envelope_keys * 2 : lim->max_fields * 2;
        if (item.children > entries_max) {
            self->error = "more entries than the limit";
            return SYM_ETOOBIG;
        }
        if (depth + 1 > lim->max_depth) {
            self->error = "nested deeper than the limit";
            return SYM_ETOOBIG;
        }
        pending[++depth] = item.children;
    }
    *object_len = pos;
    return SYM_OK;
}

static bool
s_key_is(const msgpack_object *key, const char *name)
{
    size_t len = strlen(name);
    return key->type == MSGPACK_OBJECT_STR && key->via.str.size == len &&
           memcmp(key->via.str.ptr, name, len) == 0;
}

static bool
s_to_u64(const msgpack_object *obj, uint64_t *out)
{
    if (obj->type != MSGPACK_OBJECT_POSITIVE_INTEGER) {
        return false;
    }
    *out = obj->via.u64;
    return true;
}

static bool
s_to_i64(const msgpack_object *obj, int64_t *out)
{
    if (obj->type == MSGPACK_OBJECT_NEGATIVE_INTEGER) {
        *out = obj->via.i64;
        return true;
    }
    if (obj->type == MSGPACK_OBJECT_POSITIVE_INTEGER &&
        obj->via.u64 <= INT64_MAX) {
        *out = (int64_t) obj->via.u64;
        return true;
    }
    return false;
}

static int
s_to_val(const msgpack_object *obj, sym_val_t *val)
{
    switch (obj->type) {
    case MSGPACK_OBJECT_NIL:
        val->type = SYM_VAL_NIL;
        return SYM_OK;
    case MSGPACK_OBJECT_BOOLEAN:
        val->type = SYM_VAL_BOOL;
        val->as.b = obj->via.boolean;
        return SYM_OK;
    case MSGPACK_OBJECT_POSITIVE_INTEGER:
        if (obj->via.u64 <= INT64_MAX) {
            val->type = SYM_VAL_INT;
            val->as.i = (int64_t) obj->via.u64;
        } else {
            val->type = SYM_VAL_UINT;
            val->as.u = obj->via.u64;
        }
        return SYM_OK;
    case MSGPACK_OBJECT_NEGATIVE_INTEGER:
        val->type = SYM_VAL_INT;
        val->as.i = obj->via.i64;
        return SYM_OK;
    case MSGPACK_OBJECT_FLOAT32:
    case MSGPACK_OBJECT_FLOAT64:
        val->type = SYM_VAL_FLOAT;
        val->as.f = obj->via.f64;
        return SYM_OK;
    case MSGPACK_OBJECT_STR:
        val->type = SYM_VAL_STR;
        val->as.s = (sym_str_t){obj->via.str.ptr, obj->via.str.size};
        return SYM_OK;
    case MSGPACK_OBJECT_BIN:
        val->type = SYM_VAL_BIN;
        val->as.s = (sym_str_t){obj->via.bin.ptr, obj->via.bin.size};
        return SYM_OK;
    default:
        return SYM_EDECODE;
    }
}

static int
s_to_fields(sym_wire_decoder_t *self, const msgpack_object *obj, sym_rec_t *rec)
{
    if (obj->type != MSGPACK_OBJECT_MAP) {
        self->error = "fields are not a map";
        return SYM_EDECODE;
    }
    if (rec->field_count + obj->via.map.size > SYM_REC_MAX_FIELDS) {
        self->error = "more fields than the limit";
        return SYM_ETOOBIG;
    }
    for (uint32_t i = 0; i < obj->via.map.size; i++) {
        const msgpack_object_kv *kv = &obj->via.map.ptr[i];
        if (kv->key.type != MSGPACK_OBJECT_STR || kv->key.via.str.size == 0) {
            self->error = "field name is not a non-empty string";
            return SYM_EDECODE;
        }
        sym_field_t *field = &rec->fields[rec->field_count];
        field->name = (sym_str_t){kv->key.via.str.ptr, kv->key.via.str.size};
        if (s_to_val(&kv->val, &field->val) != SYM_OK) {
            self->error = "field value is not a scalar";
            return SYM_EDECODE;
        }
        rec->field_count++;
    }
    return SYM_OK;
}

/* Fill the envelope entry named by key. Unknown keys are skipped. */
static int
s_to_envelope(sym_wire_decoder_t *self, const msgpack_object_kv *kv,
              sym_rec_t *rec, unsigned *seen)
{
    const msgpack_object *key = &kv->key;
    const msgpack_object *val = &kv->val;
    uint64_t number = 0;
    bool ok = true;
    if (s_key_is(key, "v")) {
        ok = s_to_u64(val, &number);
        if (ok && number != SYM_WIRE_VERSION) {
            self->error = "unsupported format version";
            return SYM_EVERSION;
        }
        *seen |= 1u;
    } else if (s_key_is(key, "k")) {
        ok = s_to_u64(val, &number) && number < SYM_KIND_COUNT;
        rec->kind = (sym_kind_t) number;
    } else if (s_key_is(key, "s")) {
        ok = val->type == MSGPACK_OBJECT_STR && val->via.str.size > 0 &&
             val->via.str.size < 256;
        if (ok) {
            rec->stream = (sym_str_t){val->via.str.ptr, val->via.str.size};
        }
        *seen |= 2u;
    } else if (s_key_is(key, "e")) {
        ok = s_to_u64(val, &rec->epoch);
    } else if (s_key_is(key, "q")) {
        ok = s_to_u64(val, &rec->seq);
        *seen |= 4u;
    } else if (s_key_is(key, "te")) {
        ok = s_to_i64(val, &rec->event_ns);
    } else if (s_key_is(key, "ti")) {
        ok = s_to_i64(val, &rec->ingest_ns);
    } else if (s_key_is(key, "f")) {
        return s_to_fields(self, val, rec);
    }
    if (!ok) {
        self->error = "envelope entry has the wrong type";
        return SYM_EDECODE;
    }
    return SYM_OK;
}

int
sym_wire_decode(sym_wire_decoder_t *self, const char *data, size_t len,
                sym_rec_t *rec, size_t *used)
{
    assert(self);
    assert(rec);

    size_t object_len = 0;
    int rc = s_check(self, (const unsigned char *) data, len, &object_len);
    if (rc != SYM_OK) {
        return rc;
    }

    msgpack_zone_clear(&self->zone);
    msgpack_object root;
    size_t offset = 0;
    msgpack_unpack_return ret =
        msgpack_unpack(data, object_len, &offset, &self->zone, &root);
    if (ret != MSGPACK_UNPACK_SUCCESS || offset != object_len) {
        self->error = "msgpack-c rejected the record";
        return SYM_EDECODE;
    }
    if (root.type != MSGPACK_OBJECT_MAP) {
        self->error = "record is not a map";
        return SYM_EDECODE;
    }

    sym_rec_reset(rec);
    unsigned seen = 0;
    for (uint32_t i = 0; i < root.via.map.size; i++) {
        rc = s_to_envelope(self, &root.via.map.ptr[i], rec, &seen);
        if (rc != SYM_OK) {
            return rc;
        }
    }
    if (seen != 7u) {
        self->error = "envelope lacks version, stream or sequence";
        return SYM_EDECODE;
    }
    *used = object_len;
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
