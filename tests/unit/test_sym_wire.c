/* test_sym_wire.c: wire format v1 round trips, limits and hostile input.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include <malloc.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "sym_err.h"
#include "sym_rec.h"
#include "sym_time.h"
#include "sym_wire.h"

#define S_FUZZ_CASES 100000

typedef struct {
    sym_wire_decoder_t *decoder;
    sym_wire_decoder_t *two_pass; /* the same limits, never in one pass */
    sym_rec_t *rec;               /* what gets encoded */
    sym_rec_t *out;               /* what gets decoded */
    sym_rec_t *check;             /* what the two passes decode */
    msgpack_sbuffer buf;          /* encoded bytes */
} s_fixture_t;

static const char s_nul_text[] = {'a', '\0', 'b', '\0'};
static const char s_bad_utf8[] = {'\xff', '\xfe', 'x', '\xc3', '\x28'};
static const char s_blob[] = {'\0', '\x01', '\xff', '\0', '\x7f'};

static int
s_setup(void **state)
{
    s_fixture_t *self = calloc(1, sizeof *self);
    if (self == NULL) {
        return -1;
    }
    self->decoder = sym_wire_decoder_new(NULL);
    self->two_pass = sym_wire_decoder_new(NULL);
    self->rec = sym_rec_new();
    self->out = sym_rec_new();
    self->check = sym_rec_new();
    msgpack_sbuffer_init(&self->buf);
    *state = self;
    if (self->two_pass) {
        sym_wire_decoder_set_one_pass(self->two_pass, false);
    }
    return self->decoder && self->two_pass && self->rec && self->out &&
                   self->check
               ? 0
               : -1;
}

static int
s_teardown(void **state)
{
    s_fixture_t *self = *state;
    sym_wire_decoder_destroy(&self->decoder);
    sym_wire_decoder_destroy(&self->two_pass);
    sym_rec_destroy(&self->rec);
    sym_rec_destroy(&self->out);
    sym_rec_destroy(&self->check);
    msgpack_sbuffer_destroy(&self->buf);
    free(self);
    return 0;
}

static void
s_set(sym_rec_t *rec, const char *name, sym_val_t val)
{
    assert_int_equal(sym_rec_set(rec, name, strlen(name), val), SYM_OK);
}

static sym_val_t
s_bytes(sym_val_type_t type, const char *ptr, size_t len)
{
    return (sym_val_t){.type = type, .as.s = {ptr, (uint32_t) len}};
}

/* One field of every value type, with the awkward values of each. */
static void
s_fill_every_type(sym_rec_t *rec)
{
    rec->kind = SYM_KIND_DATA;
    assert_int_equal(sym_rec_set_stream(rec, "qb50.tartu", 10), SYM_OK);
    rec->epoch = 1700000000123456789ULL;
    rec->seq = 42;
    rec->event_ns = -1;
    rec->ingest_ns = INT64_MAX;
    s_set(rec, "nil", (sym_val_t){.type = SYM_VAL_NIL});
    s_set(rec, "yes", (sym_val_t){.type = SYM_VAL_BOOL, .as.b = true});
    s_set(rec, "no", (sym_val_t){.type = SYM_VAL_BOOL, .as.b = false});
    assert_int_equal(sym_rec_set_int(rec, "zero", 0), SYM_OK);
    assert_int_equal(sym_rec_set_int(rec, "minus", -1), SYM_OK);
    assert_int_equal(sym_rec_set_int(rec, "min", INT64_MIN), SYM_OK);
    assert_int_equal(sym_rec_set_int(rec, "max", INT64_MAX), SYM_OK);
    s_set(rec, "u_above",
          (sym_val_t){.type = SYM_VAL_UINT, .as.u = (uint64_t) INT64_MAX + 1});
    s_set(rec, "u_max", (sym_val_t){.type = SYM_VAL_UINT, .as.u = UINT64_MAX});
    assert_int_equal(sym_rec_set_double(rec, "f", -273.15), SYM_OK);
    assert_int_equal(sym_rec_set_double(rec, "nan", NAN), SYM_OK);
    assert_int_equal(sym_rec_set_double(rec, "inf", INFINITY), SYM_OK);
    assert_int_equal(sym_rec_set_double(rec, "ninf", -INFINITY), SYM_OK);
    assert_int_equal(sym_rec_set_double(rec, "nzero", -0.0), SYM_OK);
    assert_int_equal(sym_rec_set_double(rec, "tiny", 5e-324), SYM_OK);
    assert_int_equal(sym_rec_set_str(rec, "empty", "", 0), SYM_OK);
    assert_int_equal(sym_rec_set_str(rec, "text", "edge-7 ä", 9), SYM_OK);
    s_set(rec, "nul", s_bytes(SYM_VAL_BIN, s_nul_text, sizeof s_nul_text));
    s_set(rec, "bad", s_bytes(SYM_VAL_BIN, s_bad_utf8, sizeof s_bad_utf8));
    s_set(rec, "blob", s_bytes(SYM_VAL_BIN, s_blob, sizeof s_blob));
    s_set(rec, "noblob", s_bytes(SYM_VAL_BIN, "", 0));
}

static void
s_assert_same_val(const sym_val_t *want, const sym_val_t *got)
{
    assert_int_equal(got->type, want->type);
    switch (want->type) {
    case SYM_VAL_NIL:
        break;
    case SYM_VAL_BOOL:
        assert_int_equal(got->as.b, want->as.b);
        break;
    case SYM_VAL_INT:
        assert_true(got->as.i == want->as.i);
        break;
    case SYM_VAL_UINT:
        assert_true(got->as.u == want->as.u);
        break;
    case SYM_VAL_FLOAT:
        /* Bit for bit, so NaN, -0.0 and denormals count too. */
        assert_memory_equal(&got->as.f, &want->as.f, sizeof(double));
        break;
    case SYM_VAL_STR:
    case SYM_VAL_BIN:
        assert_int_equal(got->as.s.len, want->as.s.len);
        if (want->as.s.len > 0) {
            assert_memory_equal(got->as.s.ptr, want->as.s.ptr, want->as.s.len);
        }
        break;
    }
}

static void
s_assert_same(const sym_rec_t *want, const sym_rec_t *got)
{
    assert_int_equal(got->kind, want->kind);
    assert_int_equal(got->stream.len, want->stream.len);
    assert_memory_equal(got->stream.ptr, want->stream.ptr, want->stream.len);
    assert_true(got->epoch == want->epoch);
    assert_true(got->seq == want->seq);
    assert_true(got->event_ns == want->event_ns);
    assert_true(got->ingest_ns == want->ingest_ns);
    assert_int_equal(got->field_count, want->field_count);
    for (uint32_t i = 0; i < want->field_count; i++) {
        const sym_field_t *w = &want->fields[i];
        const sym_field_t *g = &got->fields[i];
        assert_int_equal(g->name.len, w->name.len);
        assert_memory_equal(g->name.ptr, w->name.ptr, w->name.len);
        s_assert_same_val(&w->val, &g->val);
    }
}

static int
s_decode(s_fixture_t *self, size_t *used)
{
    return sym_wire_decode(self->decoder, self->buf.data, self->buf.size,
                           self->out, used);
}

static void
test_wire_round_trip_keeps_every_field_type(void **state)
{
    s_fixture_t *self = *state;
    s_fill_every_type(self->rec);

    assert_int_equal(sym_wire_encode(self->rec, &self->buf), SYM_OK);
    size_t used = 0;
    assert_int_equal(s_decode(self, &used), SYM_OK);
    assert_int_equal(used, self->buf.size);
    s_assert_same(self->rec, self->out);

    assert_true(isnan(sym_rec_get(self->out, "nan")->as.f));
    assert_true(signbit(sym_rec_get(self->out, "nzero")->as.f));
    assert_true(sym_rec_get(self->out, "min")->as.i == INT64_MIN);
    assert_true(sym_rec_get(self->out, "u_max")->as.u == UINT64_MAX);
}

/* Without binary fields, a record is of the types read in one pass. */
static void
test_wire_one_pass_and_two_passes_agree_on_every_scalar(void **state)
{
    s_fixture_t *self = *state;
    s_fill_every_type(self->rec);
    static const char *const bins[] = {"nul", "bad", "blob", "noblob"};
    for (size_t i = 0; i < sizeof bins / sizeof bins[0]; i++) {
        sym_rec_remove(self->rec, bins[i], strlen(bins[i]));
    }
    /* Strings with one- and two-byte lengths. */
    char text[300];
    memset(text, 'x', sizeof text);
    assert_int_equal(sym_rec_set_str(self->rec, "str8", text, 200), SYM_OK);
    assert_int_equal(sym_rec_set_str(self->rec, "str16", text, 300), SYM_OK);
    assert_int_equal(sym_wire_encode(self->rec, &self->buf), SYM_OK);

    size_t used = 0;
    assert_int_equal(s_decode(self, &used), SYM_OK);
    assert_int_equal(used, self->buf.size);
    s_assert_same(self->rec, self->out);
    size_t check_used = 0;
    assert_int_equal(sym_wire_decode(self->two_pass, self->buf.data,
                                     self->buf.size, self->check, &check_used),
                     SYM_OK);
    assert_int_equal(check_used, used);
    s_assert_same(self->rec, self->check);
}

static void
test_wire_round_trip_keeps_every_kind_and_envelope_extreme(void **state)
{
    s_fixture_t *self = *state;
    static const struct {
        uint64_t epoch;
        uint64_t seq;
        int64_t event_ns;
        int64_t ingest_ns;
    } envelopes[] = {
        {0, 0, 0, 0},
        {1, 1, INT64_MIN, INT64_MIN},
        {UINT64_MAX, UINT64_MAX, INT64_MAX, INT64_MAX},
        {(uint64_t) INT64_MAX + 1, 255, -1, 1},
    };
    for (int kind = 0; kind < SYM_KIND_COUNT; kind++) {
        for (size_t i = 0; i < sizeof envelopes / sizeof envelopes[0]; i++) {
            sym_rec_reset(self->rec);
            msgpack_sbuffer_clear(&self->buf);
            self->rec->kind = (sym_kind_t) kind;
            assert_int_equal(sym_rec_set_stream(self->rec, "s", 1), SYM_OK);
            self->rec->epoch = envelopes[i].epoch;
            self->rec->seq = envelopes[i].seq;
            self->rec->event_ns = envelopes[i].event_ns;
            self->rec->ingest_ns = envelopes[i].ingest_ns;

            assert_int_equal(sym_wire_encode(self->rec, &self->buf), SYM_OK);
            size_t used = 0;
            assert_int_equal(s_decode(self, &used), SYM_OK);
            s_assert_same(self->rec, self->out);
        }
    }
}

static void
test_wire_round_trip_keeps_longest_stream_and_full_record(void **state)
{
    s_fixture_t *self = *state;
    char stream[255];
    memset(stream, 'x', sizeof stream);
    assert_int_equal(sym_rec_set_stream(self->rec, stream, sizeof stream),
                     SYM_OK);
    self->rec->seq = 1;
    for (int i = 0; i < SYM_REC_MAX_FIELDS; i++) {
        char name[16];
        snprintf(name, sizeof name, "f%d", i);
        assert_int_equal(sym_rec_set_int(self->rec, name, i), SYM_OK);
    }

    assert_int_equal(sym_wire_encode(self->rec, &self->buf), SYM_OK);
    size_t used = 0;
    assert_int_equal(s_decode(self, &used), SYM_OK);
    s_assert_same(self->rec, self->out);
}

static void
test_wire_decodes_a_batch_in_sequence(void **state)
{
    s_fixture_t *self = *state;
    for (uint64_t seq = 1; seq <= 5; seq++) {
        sym_rec_reset(self->rec);
        assert_int_equal(sym_rec_set_stream(self->rec, "qb50.tartu", 10),
                         SYM_OK);
        self->rec->seq = seq;
        for (uint64_t k = 0; k < seq; k++) {
            char name[8];
            snprintf(name, sizeof name, "k%u", (unsigned) k);
            assert_int_equal(sym_rec_set_int(self->rec, name, (int64_t) k),
                             SYM_OK);
        }
        assert_int_equal(sym_wire_encode(self->rec, &self->buf), SYM_OK);
    }

    size_t pos = 0;
    uint64_t seq = 0;
    while (pos < self->buf.size) {
        size_t used = 0;
        assert_int_equal(sym_wire_decode(self->decoder, self->buf.data + pos,
                                         self->buf.size - pos, self->out,
                                         &used),
                         SYM_OK);
        seq++;
        assert_true(self->out->seq == seq);
        assert_int_equal(self->out->field_count, seq);
        assert_true(sym_str_eq(self->out->stream, "qb50.tartu"));
        pos += used;
    }
    assert_int_equal(pos, self->buf.size);
    assert_true(seq == 5);
}

static void
test_wire_rejects_every_prefix_of_a_record(void **state)
{
    s_fixture_t *self = *state;
    s_fill_every_type(self->rec);
    assert_int_equal(sym_wire_encode(self->rec, &self->buf), SYM_OK);

    /* An exact-size copy per prefix lets the sanitizers see any read
     * past the end. */
    for (size_t len = 0; len < self->buf.size; len++) {
        char *prefix = malloc(len ? len : 1);
        assert_non_null(prefix);
        memcpy(prefix, self->buf.data, len);
        size_t used = 0;
        int rc = sym_wire_decode(self->decoder, prefix, len, self->out, &used);
        free(prefix);
        if (rc != SYM_EDECODE) {
            fail_msg("prefix of %zu/%zu bytes: rc %d", len, self->buf.size, rc);
        }
    }
}

static void
test_wire_rejects_a_batch_cut_inside_its_second_record(void **state)
{
    s_fixture_t *self = *state;
    assert_int_equal(sym_rec_set_stream(self->rec, "st", 2), SYM_OK);
    self->rec->seq = 1;
    assert_int_equal(sym_wire_encode(self->rec, &self->buf), SYM_OK);
    size_t first = self->buf.size;
    self->rec->seq = 2;
    assert_int_equal(sym_wire_encode(self->rec, &self->buf), SYM_OK);

    size_t cut = self->buf.size - 3;
    size_t used = 0;
    assert_int_equal(
        sym_wire_decode(self->decoder, self->buf.data, cut, self->out, &used),
        SYM_OK);
    assert_int_equal(used, first);
    assert_int_equal(sym_wire_decode(self->decoder, self->buf.data + used,
                                     cut - used, self->out, &used),
                     SYM_EDECODE);
}

/* Headers claiming 2^32-1 elements or bytes, each a few bytes long. */
static const struct {
    const char *what;
    unsigned char bytes[8];
    size_t len;
} s_huge[] = {
    {"map32 of 2^32-1 entries", {0xdf, 0xff, 0xff, 0xff, 0xff, 0xa1, 'v'}, 7},
    {"array32 of 2^32-1", {0xdd, 0xff, 0xff, 0xff, 0xff, 0x01, 0x01}, 7},
    {"str32 of 2^32-1 bytes", {0xdb, 0xff, 0xff, 0xff, 0xff, 'a', 'b'}, 7},
    {"bin32 of 2^32-1 bytes", {0xc6, 0xff, 0xff, 0xff, 0xff, 'a', 'b'}, 7},
    {"ext32 of 2^32-1 bytes", {0xc9, 0xff, 0xff, 0xff, 0xff, 0x01, 'b'}, 7},
    {"map16 of 65535 entries", {0xde, 0xff, 0xff, 0xa1, 'v', 0x01, 0xa1}, 7},
    {"fields map32 of 2^32-1",
     {0x81, 0xa1, 'f', 0xdf, 0xff, 0xff, 0xff, 0xff},
     8},
    {"stream str32 of 2^32-1",
     {0x81, 0xa1, 's', 0xdb, 0xff, 0xff, 0xff, 0xff},
     8},
    {"unknown key array32", {0x81, 0xa1, 'z', 0xdd, 0xff, 0xff, 0xff, 0xff}, 8},
};

/* Bytes the heap holds, where glibc can say; 0 under tools that replace
 * the allocator, which then watch memory themselves. */
static size_t
s_heap_bytes(void)
{
    struct mallinfo2 info = mallinfo2();
    return info.uordblks + info.hblkhd;
}

static void
test_wire_rejects_huge_counts_before_allocating(void **state)
{
    s_fixture_t *self = *state;
    size_t heap_before = s_heap_bytes();
    int64_t start_ns = sym_time_mono_ns();
    for (size_t i = 0; i < sizeof s_huge / sizeof s_huge[0]; i++) {
        char *input = malloc(s_huge[i].len);
        assert_non_null(input);
        memcpy(input, s_huge[i].bytes, s_huge[i].len);
        size_t used = 0;
        int rc = sym_wire_decode(self->decoder, input, s_huge[i].len, self->out,
                                 &used);
        size_t heap_after = s_heap_bytes();
        free(input);
        if (rc != SYM_EDECODE && rc != SYM_ETOOBIG) {
            fail_msg("%s: rc %d", s_huge[i].what, rc);
        }
        /* Turned away by the walk that runs before msgpack-c allocates. */
        const char *why = sym_wire_last_error(self->decoder);
        if (strstr(why, "msgpack-c") != NULL) {
            fail_msg("%s: reached msgpack-c (%s)", s_huge[i].what, why);
        }
        if (heap_after > heap_before + 64 * 1024) {
            fail_msg("%s: heap grew by %zu bytes", s_huge[i].what,
                     heap_after - heap_before);
        }
    }
    assert_true(sym_time_mono_ns() - start_ns < 500 * SYM_NS_PER_MS);
}

/* Encode the fixture's record and decode it under custom limits. */
static int
s_decode_with(s_fixture_t *self, const sym_wire_limits_t *limits)
{
    msgpack_sbuffer_clear(&self->buf);
    assert_int_equal(sym_wire_encode(self->rec, &self->buf), SYM_OK);
    sym_wire_decoder_t *strict = sym_wire_decoder_new(limits);
    assert_non_null(strict);
    size_t used = 0;
    int rc = sym_wire_decode(strict, self->buf.data, self->buf.size, self->out,
                             &used);
    sym_wire_decoder_destroy(&strict);
    assert_null(strict);
    return rc;
}

static void
test_wire_rejects_a_string_over_the_limit(void **state)
{
    s_fixture_t *self = *state;
    sym_wire_limits_t limits;
    sym_wire_limits_default(&limits);
    limits.max_str_bytes = 8;
    assert_int_equal(sym_rec_set_stream(self->rec, "st", 2), SYM_OK);
    self->rec->seq = 1;

    assert_int_equal(sym_rec_set_str(self->rec, "a", "12345678", 8), SYM_OK);
    assert_int_equal(s_decode_with(self, &limits), SYM_OK);
    assert_int_equal(sym_rec_set_str(self->rec, "a", "123456789", 9), SYM_OK);
    assert_int_equal(s_decode_with(self, &limits), SYM_ETOOBIG);
    s_set(self->rec, "a", s_bytes(SYM_VAL_BIN, "123456789", 9));
    assert_int_equal(s_decode_with(self, &limits), SYM_ETOOBIG);
}

static void
test_wire_rejects_more_fields_than_the_limit(void **state)
{
    s_fixture_t *self = *state;
    sym_wire_limits_t limits;
    sym_wire_limits_default(&limits);
    limits.max_fields = 3;
    assert_int_equal(sym_rec_set_stream(self->rec, "st", 2), SYM_OK);
    self->rec->seq = 1;
    const char *const names[] = {"f0", "f1", "f2", "f3"};
    for (int i = 0; i < 3; i++) {
        assert_int_equal(sym_rec_set_int(self->rec, names[i], i), SYM_OK);
    }
    assert_int_equal(s_decode_with(self, &limits), SYM_OK);
    assert_int_equal(sym_rec_set_int(self->rec, names[3], 3), SYM_OK);
    assert_int_equal(s_decode_with(self, &limits), SYM_ETOOBIG);
}

static void
test_wire_rejects_a_record_over_the_byte_limit(void **state)
{
    s_fixture_t *self = *state;
    sym_wire_limits_t limits;
    sym_wire_limits_default(&limits);
    limits.max_record_bytes = 200;
    assert_int_equal(sym_rec_set_stream(self->rec, "st", 2), SYM_OK);
    self->rec->seq = 1;
    char big[200];
    memset(big, 'b', sizeof big);
    s_set(self->rec, "bin", s_bytes(SYM_VAL_BIN, big, 100));
    assert_int_equal(s_decode_with(self, &limits), SYM_OK);
    s_set(self->rec, "bin", s_bytes(SYM_VAL_BIN, big, sizeof big));
    assert_int_equal(s_decode_with(self, &limits), SYM_ETOOBIG);
    assert_true(self->buf.size > 200);
}

static void
test_wire_rejects_a_string_over_the_default_limit(void **state)
{
    s_fixture_t *self = *state;
    size_t len = 64 * 1024 + 1;
    char *text = malloc(len);
    assert_non_null(text);
    memset(text, 't', len);
    assert_int_equal(sym_rec_set_stream(self->rec, "st", 2), SYM_OK);
    self->rec->seq = 1;
    s_set(self->rec, "long", s_bytes(SYM_VAL_STR, text, len));
    assert_int_equal(sym_wire_encode(self->rec, &self->buf), SYM_OK);
    free(text);

    size_t used = 0;
    assert_int_equal(s_decode(self, &used), SYM_ETOOBIG);
}

/* Raw msgpack for envelopes that sym_wire_encode would never write. */
typedef void s_value_fn(msgpack_packer *pk);

static void
s_key(msgpack_packer *pk, const char *key)
{
    msgpack_pack_str(pk, strlen(key));
    msgpack_pack_str_body(pk, key, strlen(key));
}

/* Pack {"v":1,"s":"st","q":1}. When key is given, that entry is left out
 * of the minimal set, and added with value when value is not NULL. */
static void
s_pack_envelope(msgpack_sbuffer *buf, const char *key, s_value_fn *value)
{
    static const char *const base[] = {"v", "s", "q"};
    msgpack_packer pk;
    msgpack_packer_init(&pk, buf, msgpack_sbuffer_write);
    size_t entries = value ? 1 : 0;
    for (size_t i = 0; i < 3; i++) {
        entries += key == NULL || strcmp(key, base[i]) != 0;
    }
    msgpack_pack_map(&pk, entries);
    for (size_t i = 0; i < 3; i++) {
        if (key && strcmp(key, base[i]) == 0) {
            continue;
        }
        s_key(&pk, base[i]);
        if (i == 1) {
            s_key(&pk, "st");
        } else {
            msgpack_pack_uint8(&pk, 1);
        }
    }
    if (key && value) {
        s_key(&pk, key);
        value(&pk);
    }
}

static void
s_int_minus1(msgpack_packer *pk)
{
    msgpack_pack_int64(pk, -1);
}

static void
s_int_2(msgpack_packer *pk)
{
    msgpack_pack_uint8(pk, 2);
}

static void
s_int_99(msgpack_packer *pk)
{
    msgpack_pack_uint8(pk, 99);
}

static void
s_uint_max(msgpack_packer *pk)
{
    msgpack_pack_uint64(pk, UINT64_MAX);
}

static void
s_float_1(msgpack_packer *pk)
{
    msgpack_pack_double(pk, 1.0);
}

static void
s_nil(msgpack_packer *pk)
{
    msgpack_pack_nil(pk);
}

static void
s_str_1(msgpack_packer *pk)
{
    s_key(pk, "1");
}

static void
s_str_empty(msgpack_packer *pk)
{
    s_key(pk, "");
}

static void
s_str_256(msgpack_packer *pk)
{
    char text[257];
    memset(text, 's', 256);
    text[256] = '\0';
    s_key(pk, text);
}

static void
s_bin_stream(msgpack_packer *pk)
{
    msgpack_pack_bin(pk, 2);
    msgpack_pack_bin_body(pk, "st", 2);
}

static void
s_array_1(msgpack_packer *pk)
{
    msgpack_pack_array(pk, 1);
    msgpack_pack_uint8(pk, 1);
}

static void
s_map_int_key(msgpack_packer *pk)
{
    msgpack_pack_map(pk, 1);
    msgpack_pack_uint8(pk, 7);
    msgpack_pack_uint8(pk, 1);
}

static void
s_map_empty_name(msgpack_packer *pk)
{
    msgpack_pack_map(pk, 1);
    s_key(pk, "");
    msgpack_pack_uint8(pk, 1);
}

static void
s_map_nested_map(msgpack_packer *pk)
{
    msgpack_pack_map(pk, 1);
    s_key(pk, "a");
    msgpack_pack_map(pk, 1);
    s_key(pk, "b");
    msgpack_pack_uint8(pk, 1);
}

static void
s_map_nested_array(msgpack_packer *pk)
{
    msgpack_pack_map(pk, 1);
    s_key(pk, "a");
    msgpack_pack_array(pk, 0);
}

static void
s_map_ext_value(msgpack_packer *pk)
{
    msgpack_pack_map(pk, 1);
    s_key(pk, "a");
    msgpack_pack_ext(pk, 1, 5);
    msgpack_pack_ext_body(pk, "x", 1);
}

static const struct {
    const char *what;
    const char *key;
    s_value_fn *value;
    int rc;
} s_wrong[] = {
    {"no version", "v", NULL, SYM_EDECODE},
    {"no stream", "s", NULL, SYM_EDECODE},
    {"no sequence", "q", NULL, SYM_EDECODE},
    {"version 2", "v", s_int_2, SYM_EVERSION},
    {"version 99", "v", s_int_99, SYM_EVERSION},
    {"version as text", "v", s_str_1, SYM_EDECODE},
    {"version negative", "v", s_int_minus1, SYM_EDECODE},
    {"version as float", "v", s_float_1, SYM_EDECODE},
    {"stream not a string", "s", s_int_2, SYM_EDECODE},
    {"stream nil", "s", s_nil, SYM_EDECODE},
    {"stream as binary", "s", s_bin_stream, SYM_EDECODE},
    {"stream empty", "s", s_str_empty, SYM_EDECODE},
    {"stream of 256 bytes", "s", s_str_256, SYM_EDECODE},
    {"sequence negative", "q", s_int_minus1, SYM_EDECODE},
    {"sequence as text", "q", s_str_1, SYM_EDECODE},
    {"sequence as float", "q", s_float_1, SYM_EDECODE},
    {"kind out of range", "k", s_int_99, SYM_EDECODE},
    {"kind negative", "k", s_int_minus1, SYM_EDECODE},
    {"epoch negative", "e", s_int_minus1, SYM_EDECODE},
    {"event time as text", "te", s_str_1, SYM_EDECODE},
    {"ingest time above int64", "ti", s_uint_max, SYM_EDECODE},
    {"fields not a map", "f", s_array_1, SYM_EDECODE},
    {"fields an integer", "f", s_int_2, SYM_EDECODE},
    {"field name not a string", "f", s_map_int_key, SYM_EDECODE},
    {"field name empty", "f", s_map_empty_name, SYM_EDECODE},
    {"field value an ext", "f", s_map_ext_value, SYM_EDECODE},
    {"map in a field", "f", s_map_nested_map, SYM_ETOOBIG},
    {"array in a field", "f", s_map_nested_array, SYM_ETOOBIG},
};

static void
test_wire_rejects_wrong_types_and_missing_entries(void **state)
{
    s_fixture_t *self = *state;
    for (size_t i = 0; i < sizeof s_wrong / sizeof s_wrong[0]; i++) {
        msgpack_sbuffer_clear(&self->buf);
        s_pack_envelope(&self->buf, s_wrong[i].key, s_wrong[i].value);
        size_t used = 0;
        int rc = s_decode(self, &used);
        if (rc != s_wrong[i].rc) {
            fail_msg("%s: rc %d, want %d", s_wrong[i].what, rc, s_wrong[i].rc);
        }
        assert_string_not_equal(sym_wire_last_error(self->decoder), "none");
    }
}

static void
test_wire_accepts_the_minimal_envelope(void **state)
{
    s_fixture_t *self = *state;
    s_pack_envelope(&self->buf, NULL, NULL);
    size_t used = 0;
    assert_int_equal(s_decode(self, &used), SYM_OK);
    assert_true(sym_str_eq(self->out->stream, "st"));
    assert_true(self->out->seq == 1);
    assert_int_equal(self->out->kind, SYM_KIND_DATA);
    assert_int_equal(self->out->field_count, 0);
}

static void
test_wire_rejects_a_root_that_is_not_a_map(void **state)
{
    s_fixture_t *self = *state;
    static const unsigned char inputs[][4] = {{0x91, 0x01}, {0x01}, {0xc0},
                                              {0xa1, 'v'},  {0xc1}, {0x80}};
    static const size_t lens[] = {2, 1, 1, 2, 1, 1};
    for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
        size_t used = 0;
        int rc = sym_wire_decode(self->decoder, (const char *) inputs[i],
                                 lens[i], self->out, &used);
        if (rc != SYM_EDECODE) {
            fail_msg("input %zu: rc %d", i, rc);
        }
    }
}

/* Text that is not UTF-8, or holds a NUL byte, is set aside wherever
 * it sits: stored, it would be altered or fail a database batch. */
static void
test_wire_rejects_text_that_is_not_utf8(void **state)
{
    s_fixture_t *self = *state;
    static const char *const bad[] = {
        "\xff\xfe",         "a\0b",     "\xc3\x28", "\xed\xa0\x80", "\xc0\xaf",
        "\xf4\x90\x80\x80", "x\xe2\x82"};
    static const size_t lens[] = {2, 3, 2, 3, 2, 4, 3};
    for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
        for (int where = 0; where < 3; where++) {
            sym_rec_reset(self->rec);
            msgpack_sbuffer_clear(&self->buf);
            sym_str_t text = {bad[i], (uint32_t) lens[i]};
            self->rec->seq = 1;
            self->rec->stream = where == 0 ? text : (sym_str_t){"s", 1};
            sym_val_t val = {.type = SYM_VAL_STR, .as.s = text};
            if (where == 1) {
                s_set(self->rec, "f", val);
            } else if (where == 2) {
                s_set(self->rec, "f", (sym_val_t){.type = SYM_VAL_NIL});
                self->rec->fields[0].name = text;
            }
            assert_int_equal(sym_wire_encode(self->rec, &self->buf), SYM_OK);
            size_t used = 0;
            if (s_decode(self, &used) != SYM_EDECODE) {
                fail_msg("text %zu in place %d was taken", i, where);
            }
        }
    }
    sym_rec_reset(self->rec);
    msgpack_sbuffer_clear(&self->buf);
    self->rec->seq = 1;
    assert_int_equal(sym_rec_set_stream(self->rec, "s", 1), SYM_OK);
    assert_int_equal(
        sym_rec_set_str(self->rec, "t", "\xe2\x82\xac \xf0\x9f\x9b\xb0", 8),
        SYM_OK);
    assert_int_equal(sym_wire_encode(self->rec, &self->buf), SYM_OK);
    size_t used = 0;
    assert_int_equal(s_decode(self, &used), SYM_OK);
}

/* Entries a later version might add, nested as deep as the limit
 * allows. */
static void
s_unknown_nested(msgpack_packer *pk)
{
    s_key(pk, "zz");
    msgpack_pack_map(pk, 2);
    s_key(pk, "x");
    msgpack_pack_nil(pk);
    s_key(pk, "y");
    s_key(pk, "later");
    s_key(pk, "za");
    msgpack_pack_array(pk, 2);
    msgpack_pack_nil(pk);
    msgpack_pack_uint8(pk, 3);
}

static void
test_wire_skips_unknown_envelope_keys(void **state)
{
    s_fixture_t *self = *state;
    msgpack_packer pk;
    msgpack_packer_init(&pk, &self->buf, msgpack_sbuffer_write);
    msgpack_pack_map(&pk, 9);
    s_unknown_nested(&pk);
    s_key(&pk, "v");
    msgpack_pack_uint8(&pk, 1);
    msgpack_pack_int(&pk, 17); /* a key that is not text */
    msgpack_pack_true(&pk);
    s_key(&pk, "s");
    s_key(&pk, "st");
    s_key(&pk, "ext");
    msgpack_pack_ext(&pk, 3, 2);
    msgpack_pack_ext_body(&pk, "abc", 3);
    s_key(&pk, "q");
    msgpack_pack_uint8(&pk, 9);
    s_key(&pk, "f");
    msgpack_pack_map(&pk, 1);
    s_key(&pk, "t");
    msgpack_pack_float(&pk, 1.5f);
    s_key(&pk, "vv");
    msgpack_pack_uint8(&pk, 2);

    size_t used = 0;
    assert_int_equal(s_decode(self, &used), SYM_OK);
    assert_int_equal(used, self->buf.size);
    assert_true(self->out->seq == 9);
    assert_int_equal(self->out->field_count, 1);
    const sym_val_t *t = sym_rec_get(self->out, "t");
    assert_non_null(t);
    assert_int_equal(t->type, SYM_VAL_FLOAT);
    assert_true(t->as.f == 1.5);
}

static void
test_wire_decode_replaces_the_previous_record(void **state)
{
    s_fixture_t *self = *state;
    s_fill_every_type(self->rec);
    assert_int_equal(sym_wire_encode(self->rec, &self->buf), SYM_OK);
    size_t used = 0;
    assert_int_equal(s_decode(self, &used), SYM_OK);

    msgpack_sbuffer_clear(&self->buf);
    s_pack_envelope(&self->buf, NULL, NULL);
    assert_int_equal(s_decode(self, &used), SYM_OK);
    assert_int_equal(self->out->field_count, 0);
    assert_true(self->out->epoch == 0);
    assert_true(self->out->ingest_ns == 0);
}

static void
s_pack_fields(msgpack_sbuffer *buf, size_t count)
{
    msgpack_packer pk;
    msgpack_packer_init(&pk, buf, msgpack_sbuffer_write);
    msgpack_pack_map(&pk, 4);
    s_key(&pk, "v");
    msgpack_pack_uint8(&pk, 1);
    s_key(&pk, "s");
    s_key(&pk, "st");
    s_key(&pk, "q");
    msgpack_pack_uint8(&pk, 1);
    s_key(&pk, "f");
    msgpack_pack_map(&pk, count);
    for (size_t i = 0; i < count; i++) {
        char name[24];
        snprintf(name, sizeof name, "n%zu", i);
        s_key(&pk, name);
        msgpack_pack_uint8(&pk, 1);
    }
}

static void
test_wire_clamps_limits_to_what_a_record_holds(void **state)
{
    s_fixture_t *self = *state;
    sym_wire_limits_t limits;
    sym_wire_limits_default(&limits);
    limits.max_fields = 100000;
    limits.max_depth = 1000;
    sym_wire_decoder_t *loose = sym_wire_decoder_new(&limits);
    assert_non_null(loose);

    s_pack_fields(&self->buf, SYM_REC_MAX_FIELDS + 1);
    size_t used = 0;
    assert_int_equal(sym_wire_decode(loose, self->buf.data, self->buf.size,
                                     self->out, &used),
                     SYM_ETOOBIG);

    /* Deeper than the walk's own stack, under a key that is skipped. */
    msgpack_sbuffer_clear(&self->buf);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &self->buf, msgpack_sbuffer_write);
    msgpack_pack_map(&pk, 1);
    s_key(&pk, "deep");
    for (int i = 0; i < 40; i++) {
        msgpack_pack_array(&pk, 1);
    }
    msgpack_pack_nil(&pk);
    assert_int_equal(sym_wire_decode(loose, self->buf.data, self->buf.size,
                                     self->out, &used),
                     SYM_ETOOBIG);
    sym_wire_decoder_destroy(&loose);
}

static void
test_wire_default_limits_take_a_full_record(void **state)
{
    s_fixture_t *self = *state;
    sym_wire_limits_t limits;
    sym_wire_limits_default(&limits);
    assert_int_equal(limits.max_record_bytes, 1024 * 1024);
    assert_int_equal(limits.max_fields, SYM_REC_MAX_FIELDS);
    assert_int_equal(limits.max_str_bytes, 64 * 1024);
    assert_int_equal(limits.max_depth, 2);
    assert_int_equal(limits.max_envelope_keys, 32);

    s_pack_fields(&self->buf, SYM_REC_MAX_FIELDS);
    size_t used = 0;
    assert_int_equal(s_decode(self, &used), SYM_OK);
    assert_int_equal(self->out->field_count, SYM_REC_MAX_FIELDS);

    msgpack_sbuffer_clear(&self->buf);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &self->buf, msgpack_sbuffer_write);
    msgpack_pack_map(&pk, 33);
    for (int i = 0; i < 33; i++) {
        char key[8];
        snprintf(key, sizeof key, "x%d", i);
        s_key(&pk, key);
        msgpack_pack_nil(&pk);
    }
    assert_int_equal(s_decode(self, &used), SYM_ETOOBIG);
}

static void
test_wire_check_topic_takes_printable_ascii_only(void **state)
{
    (void) state;
    char longest[256];
    memset(longest, 't', sizeof longest);

    assert_int_equal(sym_wire_check_topic("tlm.qb50.tartu", 14), SYM_OK);
    assert_int_equal(sym_wire_check_topic("a", 1), SYM_OK);
    assert_int_equal(sym_wire_check_topic("alarm.tlm.x-y_z/1!", 18), SYM_OK);
    assert_int_equal(sym_wire_check_topic(longest, 255), SYM_OK);
    assert_int_equal(sym_wire_check_topic(longest, 256), SYM_EDECODE);
    assert_int_equal(sym_wire_check_topic("", 0), SYM_EDECODE);
    assert_int_equal(sym_wire_check_topic("tlm x", 5), SYM_EDECODE);
    assert_int_equal(sym_wire_check_topic("tlm\tx", 5), SYM_EDECODE);
    assert_int_equal(sym_wire_check_topic("tlm\0x", 5), SYM_EDECODE);
    assert_int_equal(sym_wire_check_topic("tlm\x7f", 4), SYM_EDECODE);
    assert_int_equal(sym_wire_check_topic("t\xc3\xa4", 3), SYM_EDECODE);
    assert_int_equal(sym_wire_check_topic("tlm\n", 4), SYM_EDECODE);
}

/* xorshift64*: the same cases on every run and every machine. */
static uint64_t
s_random(uint64_t *state)
{
    *state ^= *state >> 12;
    *state ^= *state << 25;
    *state ^= *state >> 27;
    return *state * 2685821657736338717ULL;
}

/* Decode every record of a payload held in an exact-size heap copy, and
 * check what a successful decode promises. Returns records decoded. */
static size_t
s_decode_all(s_fixture_t *self, const unsigned char *bytes, size_t len,
             int *last_rc)
{
    char *data = malloc(len ? len : 1);
    assert_non_null(data);
    memcpy(data, bytes, len);
    size_t pos = 0;
    size_t records = 0;
    *last_rc = SYM_OK;
    while (pos < len) {
        size_t used = 0;
        int rc = sym_wire_decode(self->decoder, data + pos, len - pos,
                                 self->out, &used);
        *last_rc = rc;
        /* The one-pass reading and the two-pass one always agree. */
        size_t check_used = 0;
        assert_int_equal(sym_wire_decode(self->two_pass, data + pos, len - pos,
                                         self->check, &check_used),
                         rc);
        if (rc == SYM_OK) {
            assert_int_equal(check_used, used);
            s_assert_same(self->check, self->out);
        }
        if (rc != SYM_OK) {
            if (rc != SYM_EDECODE && rc != SYM_ETOOBIG && rc != SYM_EVERSION) {
                fail_msg("unexpected rc %d", rc);
            }
            break;
        }
        assert_true(used > 0 && used <= len - pos);
        const sym_rec_t *rec = self->out;
        assert_true(rec->stream.len > 0 && rec->stream.len < 256);
        assert_true(rec->stream.ptr >= data + pos &&
                    rec->stream.ptr + rec->stream.len <= data + pos + used);
        assert_true(rec->field_count <= SYM_REC_MAX_FIELDS);
        assert_true(rec->kind < SYM_KIND_COUNT);
        for (uint32_t i = 0; i < rec->field_count; i++) {
            assert_true(rec->fields[i].name.len > 0);
            assert_true(rec->fields[i].val.type <= SYM_VAL_BIN);
        }
        records++;
        pos += used;
    }
    free(data);
    return records;
}

static void
test_wire_random_bytes_never_crash(void **state)
{
    s_fixture_t *self = *state;
    static const unsigned char interesting[] = {
        0x80, 0x81, 0x83, 0x8f, 0x90, 0xa0, 0xa1, 0xc0, 0xc1, 0xc2, 0xc3,
        0xc4, 0xc6, 0xc9, 0xca, 0xcb, 0xcf, 0xd3, 0xd9, 0xdb, 0xdc, 0xdd,
        0xde, 0xdf, 0xff, 0x00, 0x01, 0x7f, 'v',  's',  'q',  'f'};
    uint64_t seed = 0x5eed5eed12345678ULL;
    unsigned char bytes[64];
    size_t errors = 0;
    for (int n = 0; n < S_FUZZ_CASES; n++) {
        size_t len = s_random(&seed) % sizeof bytes;
        for (size_t i = 0; i < len; i++) {
            uint64_t r = s_random(&seed);
            bytes[i] = r & 1 ? interesting[(r >> 8) % sizeof interesting]
                             : (unsigned char) (r >> 16);
        }
        int rc = SYM_OK;
        s_decode_all(self, bytes, len, &rc);
        errors += rc != SYM_OK;
    }
    assert_true(errors > S_FUZZ_CASES / 2);
}

static void
s_mutate(unsigned char *bytes, size_t *len, size_t cap, uint64_t *seed)
{
    static const unsigned char interesting[] = {0x00, 0x7f, 0x80, 0xc1,
                                                0xdb, 0xdd, 0xdf, 0xff};
    int rounds = 1 + (int) (s_random(seed) % 4);
    for (int k = 0; k<rounds && * len> 0; k++) {
        uint64_t r = s_random(seed);
        size_t at = (size_t) (r >> 8) % *len;
        switch (r % 5) {
        case 0:
            bytes[at] = (unsigned char) (r >> 32);
            break;
        case 1:
            bytes[at] = interesting[(r >> 40) % sizeof interesting];
            break;
        case 2:
            *len = at; /* truncate */
            break;
        case 3:
            bytes[at] ^= (unsigned char) (1u << ((r >> 24) % 8));
            break;
        default: {
            size_t span = 1 + (r >> 48) % 8; /* duplicate a slice */
            if (at + span <= *len && *len + span <= cap) {
                memmove(bytes + at + span, bytes + at, *len - at);
                *len += span;
            }
            break;
        }
        }
    }
}

static void
test_wire_mutated_records_never_crash(void **state)
{
    s_fixture_t *self = *state;
    s_fill_every_type(self->rec);
    assert_int_equal(sym_wire_encode(self->rec, &self->buf), SYM_OK);
    sym_rec_reset(self->rec);
    assert_int_equal(sym_rec_set_stream(self->rec, "st", 2), SYM_OK);
    self->rec->seq = 2;
    assert_int_equal(sym_rec_set_str(self->rec, "k", "v", 1), SYM_OK);
    assert_int_equal(sym_wire_encode(self->rec, &self->buf), SYM_OK);

    size_t cap = self->buf.size + 64;
    unsigned char *bytes = malloc(cap);
    assert_non_null(bytes);
    uint64_t seed = 0x0123456789abcdefULL;
    size_t decoded = 0;
    size_t errors = 0;
    for (int n = 0; n < S_FUZZ_CASES; n++) {
        size_t len = self->buf.size;
        memcpy(bytes, self->buf.data, len);
        s_mutate(bytes, &len, cap, &seed);
        int rc = SYM_OK;
        decoded += s_decode_all(self, bytes, len, &rc);
        errors += rc != SYM_OK;
    }
    free(bytes);
    /* Both paths ran: some mutants still decode, most do not. */
    assert_true(decoded > 1000);
    assert_true(errors > 1000);
}

/* msgpack-c's packer, value by value: the bytes sym_wire_encode must give. */
static void
s_reference_val(msgpack_packer *pk, const sym_val_t *val)
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
        msgpack_pack_str_with_body(pk, val->as.s.ptr, val->as.s.len);
        break;
    case SYM_VAL_BIN:
        msgpack_pack_bin_with_body(pk, val->as.s.ptr, val->as.s.len);
        break;
    }
}

static void
s_reference_encode(const sym_rec_t *rec, msgpack_sbuffer *out)
{
    msgpack_packer pk;
    msgpack_packer_init(&pk, out, msgpack_sbuffer_write);
    msgpack_pack_map(&pk, 8);
    msgpack_pack_str_with_body(&pk, "v", 1);
    msgpack_pack_uint8(&pk, SYM_WIRE_VERSION);
    msgpack_pack_str_with_body(&pk, "k", 1);
    msgpack_pack_uint8(&pk, (uint8_t) rec->kind);
    msgpack_pack_str_with_body(&pk, "s", 1);
    msgpack_pack_str_with_body(&pk, rec->stream.ptr, rec->stream.len);
    msgpack_pack_str_with_body(&pk, "e", 1);
    msgpack_pack_uint64(&pk, rec->epoch);
    msgpack_pack_str_with_body(&pk, "q", 1);
    msgpack_pack_uint64(&pk, rec->seq);
    msgpack_pack_str_with_body(&pk, "te", 2);
    msgpack_pack_int64(&pk, rec->event_ns);
    msgpack_pack_str_with_body(&pk, "ti", 2);
    msgpack_pack_int64(&pk, rec->ingest_ns);
    msgpack_pack_str_with_body(&pk, "f", 1);
    msgpack_pack_map(&pk, rec->field_count);
    for (uint32_t i = 0; i < rec->field_count; i++) {
        const sym_field_t *field = &rec->fields[i];
        msgpack_pack_str_with_body(&pk, field->name.ptr, field->name.len);
        s_reference_val(&pk, &field->val);
    }
}

/* An integer near one of msgpack's size boundaries, or anywhere. */
static uint64_t
s_edge_number(uint64_t *seed)
{
    static const uint64_t edges[] = {
        0,     31,    32,         127,        128,       255,       256,
        65535, 65536, UINT32_MAX, 1ULL << 32, INT64_MAX, UINT64_MAX};
    uint64_t r = s_random(seed);
    uint64_t edge = edges[r % (sizeof edges / sizeof edges[0])];
    switch ((r >> 8) % 4) {
    case 0:
        return edge;
    case 1:
        return edge + 1;
    case 2:
        return edge - 1;
    default:
        return s_random(seed) >> ((r >> 16) % 64);
    }
}

static void
test_wire_encodes_the_bytes_msgpack_c_would(void **state)
{
    s_fixture_t *self = *state;
    static char text[70000];
    memset(text, 'y', sizeof text);
    static const size_t lengths[] = {0,   1,   31,    32,    255,
                                     256, 300, 65535, 65536, 69999};
    msgpack_sbuffer want;
    msgpack_sbuffer_init(&want);
    uint64_t seed = 0x00c0ffee0ddba11ULL;
    for (int n = 0; n < 2000; n++) {
        sym_rec_t *rec = self->rec;
        sym_rec_reset(rec);
        if (n == 0) {
            s_fill_every_type(rec);
        }
        uint64_t r = s_random(&seed);
        rec->kind = (sym_kind_t) (r % SYM_KIND_COUNT);
        size_t stream_len = 1 + (r >> 8) % 255;
        assert_int_equal(sym_rec_set_stream(rec, text, stream_len), SYM_OK);
        rec->epoch = s_edge_number(&seed);
        rec->seq = s_edge_number(&seed);
        rec->event_ns = (int64_t) s_edge_number(&seed);
        rec->ingest_ns = -(int64_t) (s_edge_number(&seed) >> 1);
        size_t fields = n == 0 ? 0 : (r >> 16) % 40;
        if (n == 1) {
            fields = SYM_REC_MAX_FIELDS;
        }
        for (size_t i = 0; i < fields; i++) {
            uint64_t pick = s_random(&seed);
            char name[24];
            snprintf(name, sizeof name, "f%zu", i);
            sym_val_t val = {.type = (sym_val_type_t) (pick % 7)};
            uint64_t number = s_edge_number(&seed);
            if (val.type == SYM_VAL_INT) {
                /* Negated as unsigned: -INT64_MIN does not exist. */
                val.as.i = (int64_t) ((pick >> 8) & 1 ? number : 0 - number);
            } else if (val.type == SYM_VAL_UINT) {
                val.as.u = number;
            } else if (val.type == SYM_VAL_FLOAT) {
                val.as.f = (double) number / 7.0;
            } else if (val.type == SYM_VAL_BOOL) {
                val.as.b = (pick >> 8) & 1;
            } else if (val.type == SYM_VAL_STR || val.type == SYM_VAL_BIN) {
                size_t len =
                    lengths[(pick >> 8) % (sizeof lengths / sizeof lengths[0])];
                val.as.s = (sym_str_t){text, (uint32_t) len};
            }
            s_set(rec, name, val);
        }
        msgpack_sbuffer_clear(&self->buf);
        msgpack_sbuffer_clear(&want);
        assert_int_equal(sym_wire_encode(rec, &self->buf), SYM_OK);
        s_reference_encode(rec, &want);
        assert_int_equal(self->buf.size, want.size);
        assert_memory_equal(self->buf.data, want.data, want.size);
    }
    msgpack_sbuffer_destroy(&want);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
#define S_TEST(name) cmocka_unit_test_setup_teardown(name, s_setup, s_teardown)
        S_TEST(test_wire_round_trip_keeps_every_field_type),
        S_TEST(test_wire_one_pass_and_two_passes_agree_on_every_scalar),
        S_TEST(test_wire_round_trip_keeps_every_kind_and_envelope_extreme),
        S_TEST(test_wire_round_trip_keeps_longest_stream_and_full_record),
        S_TEST(test_wire_decodes_a_batch_in_sequence),
        S_TEST(test_wire_rejects_every_prefix_of_a_record),
        S_TEST(test_wire_rejects_a_batch_cut_inside_its_second_record),
        S_TEST(test_wire_rejects_huge_counts_before_allocating),
        S_TEST(test_wire_rejects_a_string_over_the_limit),
        S_TEST(test_wire_rejects_more_fields_than_the_limit),
        S_TEST(test_wire_rejects_a_record_over_the_byte_limit),
        S_TEST(test_wire_rejects_a_string_over_the_default_limit),
        S_TEST(test_wire_rejects_wrong_types_and_missing_entries),
        S_TEST(test_wire_accepts_the_minimal_envelope),
        S_TEST(test_wire_rejects_a_root_that_is_not_a_map),
        S_TEST(test_wire_rejects_text_that_is_not_utf8),
        S_TEST(test_wire_skips_unknown_envelope_keys),
        S_TEST(test_wire_decode_replaces_the_previous_record),
        S_TEST(test_wire_clamps_limits_to_what_a_record_holds),
        S_TEST(test_wire_default_limits_take_a_full_record),
        S_TEST(test_wire_check_topic_takes_printable_ascii_only),
        S_TEST(test_wire_random_bytes_never_crash),
        S_TEST(test_wire_mutated_records_never_crash),
        S_TEST(test_wire_encodes_the_bytes_msgpack_c_would),
#undef S_TEST
    };
    return cmocka_run_group_tests_name("wire", tests, NULL, NULL);
}
