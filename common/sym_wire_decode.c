/* sym_wire_decode.c: reading records of wire format v1 from outside
 * bytes, every length and count bounded before it is trusted.
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

#define SYM_WIRE_MAX_DEPTH 16

struct sym_wire_decoder_t {
    sym_wire_limits_t limits; /* checked before a record is read */
    const char *error;        /* why the last decode failed */
    bool is_one_pass_off;     /* tests compare both ways of reading */
};

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
    self->error = "none";
    return self;
}

void
sym_wire_decoder_destroy(sym_wire_decoder_t **self_p)
{
    if (self_p == NULL || *self_p == NULL) {
        return;
    }
    free(*self_p);
    *self_p = NULL;
}

void
sym_wire_decoder_set_one_pass(sym_wire_decoder_t *self, bool is_on)
{
    self->is_one_pass_off = !is_on;
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
    /* The widths msgpack uses, as single loads; it is the hot path. */
    uint16_t v16;
    uint32_t v32;
    uint64_t v64;
    switch (width) {
    case 1:
        return p[0];
    case 2:
        memcpy(&v16, p, sizeof v16);
        return be16toh(v16);
    case 4:
        memcpy(&v32, p, sizeof v32);
        return be32toh(v32);
    case 8:
        memcpy(&v64, p, sizeof v64);
        return be64toh(v64);
    default:
        break;
    }
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
 * *object_len. This runs before the record is read, so a header
 * that claims billions of elements never makes the decoder loop. */
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

/* The second pass reads bytes that s_check has already bounded, so it
 * needs no length checks of its own; it fills the record in place and
 * allocates nothing. The msgpack object tree it replaces cost more than
 * everything else a sink does per record. */
typedef struct {
    const unsigned char *p; /* next byte */
} s_reader_t;

/* A scalar as msgpack encodes it: which kind, and its value. */
typedef enum {
    S_NIL,
    S_BOOL,
    S_UINT, /* a non-negative integer, any width */
    S_NEG,  /* a negative integer */
    S_FLOAT,
    S_STR,
    S_BIN,
    S_OTHER, /* a container or an ext */
} s_kind_t;

typedef struct {
    s_kind_t kind;
    uint64_t u;
    int64_t i;
    double f;
    sym_str_t s;
} s_scalar_t;

static double
s_float_at(const unsigned char *p, size_t width)
{
    uint64_t bits = s_be(p, width);
    if (width == 4) {
        uint32_t narrow = (uint32_t) bits;
        float value;
        memcpy(&value, &narrow, sizeof value);
        return value;
    }
    double value;
    memcpy(&value, &bits, sizeof value);
    return value;
}

/* A signed integer of width bytes; non-negative values count as S_UINT
 * as msgpack-c does. */
static void
s_signed_at(const unsigned char *p, size_t width, s_scalar_t *out)
{
    uint64_t bits = s_be(p, width);
    unsigned shift = (unsigned) (64 - 8 * width);
    int64_t value = (int64_t) (bits << shift) >> shift;
    if (value >= 0) {
        *out = (s_scalar_t){.kind = S_UINT, .u = (uint64_t) value};
    } else {
        *out = (s_scalar_t){.kind = S_NEG, .i = value};
    }
}

static void
s_number(const unsigned char *p, unsigned char b, s_scalar_t *out)
{
    if (b >= 0xcc && b <= 0xcf) {
        *out = (s_scalar_t){.kind = S_UINT, .u = s_be(p + 1, 1u << (b - 0xcc))};
    } else if (b >= 0xd0 && b <= 0xd3) {
        s_signed_at(p + 1, 1u << (b - 0xd0), out);
    } else if (b == 0xca || b == 0xcb) {
        *out = (s_scalar_t){.kind = S_FLOAT,
                            .f = s_float_at(p + 1, b == 0xca ? 4 : 8)};
    } else {
        *out = (s_scalar_t){.kind = S_OTHER};
    }
}

/* Read one object; a container or ext is skipped whole and reported as
 * S_OTHER. */
/* The types every record is made of, read without the header table. */
static bool
s_read_common(s_reader_t *r, s_scalar_t *out)
{
    const unsigned char *p = r->p;
    unsigned char b = p[0];
    if (b >= 0xa0 && b <= 0xbf) {
        *out =
            (s_scalar_t){.kind = S_STR, .s = {(const char *) p + 1, b & 0x1fu}};
        r->p += 1 + (b & 0x1fu);
    } else if (b <= 0x7f) {
        *out = (s_scalar_t){.kind = S_UINT, .u = b};
        r->p += 1;
    } else if (b == 0xcb) {
        *out = (s_scalar_t){.kind = S_FLOAT, .f = s_float_at(p + 1, 8)};
        r->p += 9;
    } else if (b == 0xcf) {
        *out = (s_scalar_t){.kind = S_UINT, .u = s_be(p + 1, 8)};
        r->p += 9;
    } else if (b == 0xd3) {
        s_signed_at(p + 1, 8, out);
        r->p += 9;
    } else {
        return false;
    }
    return true;
}

static void
s_read(s_reader_t *r, s_scalar_t *out)
{
    if (s_read_common(r, out)) {
        return;
    }
    const unsigned char *p = r->p;
    unsigned char b = p[0];
    s_item_t item;
    s_read_header(p, SIZE_MAX, &item); /* cannot fail after s_check */
    r->p += item.header + item.body;
    if (b <= 0x7f) {
        *out = (s_scalar_t){.kind = S_UINT, .u = b};
    } else if (b >= 0xe0) {
        *out = (s_scalar_t){.kind = S_NEG, .i = (int8_t) b};
    } else if (item.is_text) {
        bool is_bin = b >= 0xc4 && b <= 0xc6;
        *out = (s_scalar_t){
            .kind = is_bin ? S_BIN : S_STR,
            .s = {(const char *) p + item.header, (uint32_t) item.body}};
    } else if (b == 0xc0 || b == 0xc2 || b == 0xc3) {
        *out = (s_scalar_t){.kind = b == 0xc0 ? S_NIL : S_BOOL, .u = b == 0xc3};
    } else {
        s_number(p, b, out);
    }
    for (uint64_t left = item.children; left > 0; left--) {
        s_scalar_t child;
        s_read(r, &child); /* depth is bounded by s_check */
    }
}

/* Entries of the map at the reader, after its header. */
static uint64_t
s_map_size(s_reader_t *r, bool *is_map)
{
    unsigned char b = r->p[0];
    s_item_t item;
    s_read_header(r->p, SIZE_MAX, &item);
    *is_map = (b >= 0x80 && b <= 0x8f) || b == 0xde || b == 0xdf;
    if (*is_map) {
        r->p += item.header;
    }
    return item.children / 2;
}

static int
s_to_val(const s_scalar_t *in, sym_val_t *val)
{
    switch (in->kind) {
    case S_NIL:
        *val = (sym_val_t){.type = SYM_VAL_NIL};
        return SYM_OK;
    case S_BOOL:
        *val = (sym_val_t){.type = SYM_VAL_BOOL, .as.b = in->u != 0};
        return SYM_OK;
    case S_UINT:
        if (in->u <= INT64_MAX) {
            *val = (sym_val_t){.type = SYM_VAL_INT, .as.i = (int64_t) in->u};
        } else {
            *val = (sym_val_t){.type = SYM_VAL_UINT, .as.u = in->u};
        }
        return SYM_OK;
    case S_NEG:
        *val = (sym_val_t){.type = SYM_VAL_INT, .as.i = in->i};
        return SYM_OK;
    case S_FLOAT:
        *val = (sym_val_t){.type = SYM_VAL_FLOAT, .as.f = in->f};
        return SYM_OK;
    case S_STR:
    case S_BIN:
        *val =
            (sym_val_t){.type = in->kind == S_STR ? SYM_VAL_STR : SYM_VAL_BIN,
                        .as.s = in->s};
        return SYM_OK;
    default:
        return SYM_EDECODE;
    }
}

static int
s_to_fields(sym_wire_decoder_t *self, s_reader_t *r, sym_rec_t *rec)
{
    bool is_map = false;
    uint64_t size = s_map_size(r, &is_map);
    if (!is_map) {
        self->error = "fields are not a map";
        return SYM_EDECODE;
    }
    if (rec->field_count + size > SYM_REC_MAX_FIELDS) {
        self->error = "more fields than the limit";
        return SYM_ETOOBIG;
    }
    for (uint64_t i = 0; i < size; i++) {
        s_scalar_t key;
        s_scalar_t val;
        s_read(r, &key);
        s_read(r, &val);
        if (key.kind != S_STR || key.s.len == 0) {
            self->error = "field name is not a non-empty string";
            return SYM_EDECODE;
        }
        sym_field_t *field = &rec->fields[rec->field_count];
        field->name = key.s;
        if (s_to_val(&val, &field->val) != SYM_OK) {
            self->error = "field value is not a scalar";
            return SYM_EDECODE;
        }
        rec->field_count++;
    }
    return SYM_OK;
}

static bool
s_to_i64(const s_scalar_t *in, int64_t *out)
{
    if (in->kind == S_NEG) {
        *out = in->i;
        return true;
    }
    if (in->kind == S_UINT && in->u <= INT64_MAX) {
        *out = (int64_t) in->u;
        return true;
    }
    return false;
}

/* Envelope keys, by their one or two bytes. */
#define S_KEY(a, b) ((unsigned) (unsigned char) (a) << 8 | (unsigned char) (b))

/* Fill the envelope entry named by key from val. Unknown keys are
 * skipped. Bits of *seen: 1 version, 2 stream, 4 sequence. */
static int
s_to_envelope(sym_wire_decoder_t *self, unsigned key, const s_scalar_t *val,
              sym_rec_t *rec, unsigned *seen)
{
    bool is_uint = val->kind == S_UINT;
    bool ok = true;
    switch (key) {
    case S_KEY('v', 0):
        if (is_uint && val->u != SYM_WIRE_VERSION) {
            self->error = "unsupported format version";
            return SYM_EVERSION;
        }
        ok = is_uint;
        *seen |= 1u;
        break;
    case S_KEY('k', 0):
        ok = is_uint && val->u < SYM_KIND_COUNT;
        rec->kind = ok ? (sym_kind_t) val->u : rec->kind;
        break;
    case S_KEY('s', 0):
        ok = val->kind == S_STR && val->s.len > 0 && val->s.len < 256;
        rec->stream = ok ? val->s : rec->stream;
        *seen |= 2u;
        break;
    case S_KEY('e', 0):
        ok = is_uint;
        rec->epoch = ok ? val->u : rec->epoch;
        break;
    case S_KEY('q', 0):
        ok = is_uint;
        rec->seq = ok ? val->u : rec->seq;
        *seen |= 4u;
        break;
    case S_KEY('t', 'e'):
        ok = s_to_i64(val, &rec->event_ns);
        break;
    case S_KEY('t', 'i'):
        ok = s_to_i64(val, &rec->ingest_ns);
        break;
    }
    if (!ok) {
        self->error = "envelope entry has the wrong type";
        return SYM_EDECODE;
    }
    return SYM_OK;
}

/* The envelope key of a string of one or two bytes, else 0 (unknown). */
static unsigned
s_key_code(const s_scalar_t *key)
{
    if (key->kind != S_STR || key->s.len == 0 || key->s.len > 2) {
        return 0;
    }
    unsigned char second = key->s.len == 2 ? (unsigned char) key->s.ptr[1] : 0;
    if (key->s.len == 2 && second == 0) {
        return 0; /* "x\0" must not pass for "x" */
    }
    return S_KEY(key->s.ptr[0], second);
}

static int
s_fill(sym_wire_decoder_t *self, const char *data, sym_rec_t *rec)
{
    s_reader_t r = {(const unsigned char *) data};
    bool is_map = false;
    uint64_t size = s_map_size(&r, &is_map);
    if (!is_map) {
        self->error = "record is not a map";
        return SYM_EDECODE;
    }
    sym_rec_reset(rec);
    unsigned seen = 0;
    for (uint64_t i = 0; i < size; i++) {
        s_scalar_t key;
        s_read(&r, &key);
        unsigned code = s_key_code(&key);
        int rc = SYM_OK;
        if (code == S_KEY('f', 0)) {
            rc = s_to_fields(self, &r, rec);
        } else {
            s_scalar_t val;
            s_read(&r, &val);
            rc = s_to_envelope(self, code, &val, rec, &seen);
        }
        if (rc != SYM_OK) {
            return rc;
        }
    }
    if (seen != 7u) {
        self->error = "envelope lacks version, stream or sequence";
        return SYM_EDECODE;
    }
    /* Text goes on into SQLite, JSON and PostgreSQL, which take neither
     * broken UTF-8 nor NUL bytes: such a record is set aside here rather
     * than altered or failing a whole batch there. */
    const sym_field_t *bad = NULL;
    if (!sym_rec_is_text(rec, &bad)) {
        self->error = "text is not UTF-8 or holds a NUL byte";
        return SYM_EDECODE;
    }
    return SYM_OK;
}

/* The fast path: one bounded pass over a record made of the types
 * Symphony's own encoder writes (small maps, strings up to 64 KiB, numbers,
 * nil and booleans). It accepts only what the two passes above would
 * accept, with the same result; on anything else, malformed or merely
 * unusual, it gives up and the two passes decide and name the error. */
typedef struct {
    const unsigned char *p;
    const unsigned char *end;
    size_t max_str_bytes;
} s_span_t;

/* Width of the number after type byte b (0xca-0xd3: floats, unsigned and
 * signed integers), from the header table, else 0. */
static size_t
s_number_width(unsigned char b)
{
    return b >= 0xca && b <= 0xd3 ? s_headers[b - 0xc0].size : 0;
}

static bool
s_span_scalar(s_span_t *r, s_scalar_t *out)
{
    size_t avail = (size_t) (r->end - r->p);
    if (avail == 0) {
        return false;
    }
    const unsigned char *p = r->p;
    unsigned char b = p[0];
    size_t header = 1;
    size_t body = 0;
    bool is_str = false;
    if (b <= 0x7f) {
        *out = (s_scalar_t){.kind = S_UINT, .u = b};
    } else if (b >= 0xe0) {
        *out = (s_scalar_t){.kind = S_NEG, .i = (int8_t) b};
    } else if (b >= 0xa0 && b <= 0xbf) {
        is_str = true;
        body = b & 0x1fu;
    } else if ((b == 0xd9 || b == 0xda) && avail >= (b == 0xd9 ? 2u : 3u)) {
        is_str = true;
        header = b == 0xd9 ? 2 : 3;
        body = (size_t) s_be(p + 1, header - 1);
    } else if (b == 0xc0 || b == 0xc2 || b == 0xc3) {
        *out = (s_scalar_t){.kind = b == 0xc0 ? S_NIL : S_BOOL, .u = b == 0xc3};
    } else if (s_number_width(b) > 0) {
        body = s_number_width(b);
        if (body + 1 > avail) {
            return false;
        }
        s_number(p, b, out);
    } else {
        return false;
    }
    if (body > avail - header || (is_str && body > r->max_str_bytes)) {
        return false;
    }
    if (is_str) {
        *out = (s_scalar_t){.kind = S_STR,
                            .s = {(const char *) p + header, (uint32_t) body}};
    }
    r->p += header + body;
    return true;
}

/* A fixmap or map16 header; sets *entries. */
static bool
s_span_map(s_span_t *r, size_t max_entries, size_t *entries)
{
    size_t avail = (size_t) (r->end - r->p);
    if (avail == 0) {
        return false;
    }
    unsigned char b = r->p[0];
    if (b >= 0x80 && b <= 0x8f) {
        *entries = b & 0x0fu;
        r->p += 1;
    } else if (b == 0xde && avail >= 3) {
        *entries = (size_t) s_be(r->p + 1, 2);
        r->p += 3;
    } else {
        return false;
    }
    return *entries <= max_entries;
}

static bool
s_span_fields(sym_wire_decoder_t *self, s_span_t *r, sym_rec_t *rec)
{
    size_t size = 0;
    if (!s_span_map(r, self->limits.max_fields, &size) ||
        rec->field_count + size > SYM_REC_MAX_FIELDS) {
        return false;
    }
    for (size_t i = 0; i < size; i++) {
        s_scalar_t key;
        s_scalar_t val;
        if (!s_span_scalar(r, &key) || !s_span_scalar(r, &val) ||
            key.kind != S_STR || key.s.len == 0 || !sym_str_is_text(key.s) ||
            (val.kind == S_STR && !sym_str_is_text(val.s))) {
            return false;
        }
        sym_field_t *field = &rec->fields[rec->field_count++];
        field->name = key.s;
        s_to_val(&val, &field->val); /* every scalar kind converts */
    }
    return true;
}

static bool
s_span_fill(sym_wire_decoder_t *self, const char *data, size_t len,
            sym_rec_t *rec, size_t *used)
{
    const sym_wire_limits_t *lim = &self->limits;
    s_span_t r = {(const unsigned char *) data,
                  (const unsigned char *) data + len, lim->max_str_bytes};
    size_t size = 0;
    if (lim->max_depth < 2 || !s_span_map(&r, lim->max_envelope_keys, &size)) {
        return false;
    }
    sym_rec_reset(rec);
    unsigned seen = 0;
    for (size_t i = 0; i < size; i++) {
        s_scalar_t key;
        if (!s_span_scalar(&r, &key)) {
            return false;
        }
        unsigned code = s_key_code(&key);
        if (code == S_KEY('f', 0)) {
            if (!s_span_fields(self, &r, rec)) {
                return false;
            }
            continue;
        }
        s_scalar_t val;
        if (!s_span_scalar(&r, &val) ||
            s_to_envelope(self, code, &val, rec, &seen) != SYM_OK) {
            return false;
        }
    }
    size_t object_len = (size_t) (r.p - (const unsigned char *) data);
    if (seen != 7u || object_len > lim->max_record_bytes ||
        !sym_str_is_text(rec->stream)) {
        return false;
    }
    *used = object_len;
    return true;
}

int
sym_wire_decode(sym_wire_decoder_t *self, const char *data, size_t len,
                sym_rec_t *rec, size_t *used)
{
    assert(self);
    assert(rec);

    if (!self->is_one_pass_off && s_span_fill(self, data, len, rec, used)) {
        return SYM_OK;
    }
    size_t object_len = 0;
    int rc = s_check(self, (const unsigned char *) data, len, &object_len);
    if (rc != SYM_OK) {
        return rc;
    }
    rc = s_fill(self, data, rec);
    if (rc == SYM_OK) {
        *used = object_len;
    }
    return rc;
}
