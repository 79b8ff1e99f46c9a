/* test_sym_rec.c: records in memory: fields, the arena, copies.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include <math.h>
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
#include "sym_wire.h"

static int
s_setup(void **state)
{
    *state = sym_rec_new();
    return *state ? 0 : -1;
}

static int
s_teardown(void **state)
{
    sym_rec_t *rec = *state;
    sym_rec_destroy(&rec);
    assert_null(rec);
    sym_rec_destroy(&rec); /* idempotent */
    sym_rec_destroy(NULL);
    return 0;
}

static void
test_rec_set_and_get_fields(void **state)
{
    sym_rec_t *rec = *state;
    assert_int_equal(sym_rec_set_stream(rec, "qb50.tartu", 10), SYM_OK);
    assert_int_equal(sym_rec_set_str(rec, "host", "edge-7", 6), SYM_OK);
    assert_int_equal(sym_rec_set_int(rec, "count", -3), SYM_OK);
    assert_int_equal(sym_rec_set_double(rec, "temp", 21.5), SYM_OK);

    assert_true(sym_str_eq(rec->stream, "qb50.tartu"));
    assert_int_equal(rec->field_count, 3);
    const sym_val_t *host = sym_rec_get(rec, "host");
    assert_non_null(host);
    assert_int_equal(host->type, SYM_VAL_STR);
    assert_true(sym_str_eq(host->as.s, "edge-7"));
    assert_int_equal(sym_rec_get(rec, "count")->as.i, -3);
    assert_true(sym_rec_get(rec, "temp")->as.f == 21.5);
    assert_null(sym_rec_get(rec, "missing"));
    assert_null(sym_rec_get(rec, "hos"));

    const sym_val_t *by_len = sym_rec_get_const(rec, "temperature", 4);
    assert_ptr_equal(by_len, sym_rec_get(rec, "temp"));
}

static void
s_assert_empty(const sym_rec_t *rec)
{
    assert_int_equal(rec->kind, SYM_KIND_DATA);
    assert_int_equal(rec->stream.len, 0);
    assert_non_null(rec->stream.ptr);
    assert_true(rec->epoch == 0 && rec->seq == 0);
    assert_true(rec->event_ns == 0 && rec->ingest_ns == 0);
    assert_int_equal(rec->field_count, 0);
    assert_int_equal(rec->arena_used, 0);
}

static void
test_rec_new_record_is_empty(void **state)
{
    s_assert_empty(*state);
}

static void
test_rec_reset_forgets_everything(void **state)
{
    sym_rec_t *rec = *state;
    rec->kind = SYM_KIND_EOS;
    rec->seq = 9;
    rec->epoch = 4;
    rec->event_ns = 5;
    rec->ingest_ns = 6;
    assert_int_equal(sym_rec_set_stream(rec, "s", 1), SYM_OK);
    assert_int_equal(sym_rec_set_str(rec, "a", "b", 1), SYM_OK);

    sym_rec_reset(rec);
    s_assert_empty(rec);
}

static void
test_rec_set_replaces_an_existing_value(void **state)
{
    sym_rec_t *rec = *state;
    assert_int_equal(sym_rec_set_int(rec, "a", 1), SYM_OK);
    assert_int_equal(sym_rec_set_int(rec, "b", 2), SYM_OK);
    size_t arena = rec->arena_used;
    assert_int_equal(sym_rec_set_int(rec, "a", 10), SYM_OK);
    assert_int_equal(rec->field_count, 2);
    assert_int_equal(rec->arena_used, arena);
    assert_int_equal(sym_rec_get(rec, "a")->as.i, 10);

    assert_int_equal(sym_rec_set_str(rec, "a", "text", 4), SYM_OK);
    assert_int_equal(sym_rec_get(rec, "a")->type, SYM_VAL_STR);
    assert_true(sym_str_eq(rec->fields[0].name, "a"));
}

static void
test_rec_set_copies_the_name(void **state)
{
    sym_rec_t *rec = *state;
    char name[8] = "volt";
    char value[8] = "high";
    assert_int_equal(sym_rec_set_str(rec, name, value, 4), SYM_OK);
    memcpy(name, "xxxx", 4);
    memcpy(value, "low!", 4);
    assert_true(sym_str_eq(sym_rec_get(rec, "volt")->as.s, "high"));
}

static void
test_rec_remove_keeps_the_order_of_the_rest(void **state)
{
    sym_rec_t *rec = *state;
    const char *names[] = {"a", "b", "c", "d"};
    for (int i = 0; i < 4; i++) {
        assert_int_equal(sym_rec_set_int(rec, names[i], i), SYM_OK);
    }
    sym_rec_remove(rec, "b", 1);
    sym_rec_remove(rec, "zz", 2);
    assert_int_equal(rec->field_count, 3);
    assert_true(sym_str_eq(rec->fields[0].name, "a"));
    assert_true(sym_str_eq(rec->fields[1].name, "c"));
    assert_true(sym_str_eq(rec->fields[2].name, "d"));
    sym_rec_remove(rec, "d", 1);
    sym_rec_remove(rec, "a", 1);
    sym_rec_remove(rec, "c", 1);
    assert_int_equal(rec->field_count, 0);
}

static void
test_rec_rename_moves_the_value(void **state)
{
    sym_rec_t *rec = *state;
    assert_int_equal(sym_rec_set_int(rec, "t", 5), SYM_OK);
    assert_int_equal(sym_rec_set_int(rec, "u", 6), SYM_OK);
    assert_int_equal(sym_rec_rename(rec, "t", "temp"), SYM_OK);
    assert_null(sym_rec_get(rec, "t"));
    assert_int_equal(sym_rec_get(rec, "temp")->as.i, 5);
    assert_true(sym_str_eq(rec->fields[0].name, "temp"));

    assert_int_equal(sym_rec_rename(rec, "missing", "x"), SYM_ENOTFOUND);
    assert_int_equal(rec->field_count, 2);
}

static void
test_rec_rename_over_another_field_replaces_it(void **state)
{
    sym_rec_t *rec = *state;
    assert_int_equal(sym_rec_set_int(rec, "a", 1), SYM_OK);
    assert_int_equal(sym_rec_set_int(rec, "b", 2), SYM_OK);
    assert_int_equal(sym_rec_set_int(rec, "c", 3), SYM_OK);
    assert_int_equal(sym_rec_rename(rec, "c", "a"), SYM_OK);
    assert_int_equal(rec->field_count, 2);
    assert_int_equal(sym_rec_get(rec, "a")->as.i, 3);
    assert_int_equal(sym_rec_get(rec, "b")->as.i, 2);
    assert_null(sym_rec_get(rec, "c"));
}

static void
test_rec_rename_to_the_same_name_keeps_the_field(void **state)
{
    sym_rec_t *rec = *state;
    assert_int_equal(sym_rec_set_int(rec, "a", 1), SYM_OK);
    assert_int_equal(sym_rec_set_int(rec, "b", 2), SYM_OK);
    assert_int_equal(sym_rec_rename(rec, "a", "a"), SYM_OK);
    assert_int_equal(rec->field_count, 2);
    assert_int_equal(sym_rec_get(rec, "a")->as.i, 1);
    assert_int_equal(sym_rec_get(rec, "b")->as.i, 2);
}

static void
test_rec_rename_with_a_full_arena_changes_nothing(void **state)
{
    sym_rec_t *rec = *state;
    assert_int_equal(sym_rec_set_int(rec, "a", 1), SYM_OK);
    assert_int_equal(sym_rec_set_int(rec, "c", 3), SYM_OK);
    static char filler[SYM_REC_ARENA_BYTES];
    sym_str_t out;
    assert_int_equal(
        sym_rec_own(rec, filler, SYM_REC_ARENA_BYTES - rec->arena_used, &out),
        SYM_OK);
    assert_int_equal(sym_rec_rename(rec, "c", "a"), SYM_ETOOBIG);
    assert_int_equal(rec->field_count, 2);
    assert_int_equal(sym_rec_get(rec, "a")->as.i, 1);
    assert_int_equal(sym_rec_get(rec, "c")->as.i, 3);
}

static void
test_rec_holds_at_most_max_fields(void **state)
{
    sym_rec_t *rec = *state;
    for (int i = 0; i < SYM_REC_MAX_FIELDS; i++) {
        char name[16];
        snprintf(name, sizeof name, "f%d", i);
        assert_int_equal(sym_rec_set_int(rec, name, i), SYM_OK);
    }
    assert_int_equal(sym_rec_set_int(rec, "one_more", 1), SYM_ETOOBIG);
    assert_int_equal(sym_rec_set_double(rec, "f0", 0.5), SYM_OK);
    assert_int_equal(rec->field_count, SYM_REC_MAX_FIELDS);
    assert_null(sym_rec_get(rec, "one_more"));
}

static void
test_rec_arena_refuses_what_does_not_fit(void **state)
{
    sym_rec_t *rec = *state;
    char *big = malloc(SYM_REC_ARENA_BYTES);
    assert_non_null(big);
    memset(big, 'z', SYM_REC_ARENA_BYTES);
    sym_str_t out;
    assert_int_equal(sym_rec_own(rec, big, SYM_REC_ARENA_BYTES - 1, &out),
                     SYM_OK);
    assert_int_equal(out.len, SYM_REC_ARENA_BYTES - 1);
    assert_int_equal(sym_rec_own(rec, big, 2, &out), SYM_ETOOBIG);
    assert_int_equal(sym_rec_set_str(rec, "k", "vv", 2), SYM_ETOOBIG);
    assert_int_equal(sym_rec_set_stream(rec, "st", 2), SYM_ETOOBIG);
    assert_int_equal(sym_rec_own(rec, big, 1, &out), SYM_OK);
    assert_int_equal(rec->arena_used, SYM_REC_ARENA_BYTES);
    assert_int_equal(sym_rec_own(rec, big, 0, &out), SYM_OK);
    free(big);

    sym_rec_reset(rec);
    assert_int_equal(sym_rec_set_str(rec, "k", "vv", 2), SYM_OK);
}

static void
test_rec_copy_no_longer_depends_on_the_frame(void **state)
{
    sym_rec_t *rec = *state;
    sym_rec_t *src = sym_rec_new();
    assert_non_null(src);
    assert_int_equal(sym_rec_set_stream(src, "qb50.tartu", 10), SYM_OK);
    src->kind = SYM_KIND_REMOVED;
    src->epoch = 7;
    src->seq = 8;
    src->event_ns = -9;
    src->ingest_ns = 10;
    assert_int_equal(sym_rec_set_str(src, "reason", "filter", 6), SYM_OK);
    assert_int_equal(sym_rec_set_int(src, "n", 3), SYM_OK);
    msgpack_sbuffer buf;
    msgpack_sbuffer_init(&buf);
    assert_int_equal(sym_wire_encode(src, &buf), SYM_OK);
    sym_rec_destroy(&src);

    sym_wire_decoder_t *decoder = sym_wire_decoder_new(NULL);
    sym_rec_t *decoded = sym_rec_new();
    size_t used = 0;
    assert_int_equal(
        sym_wire_decode(decoder, buf.data, buf.size, decoded, &used), SYM_OK);
    assert_int_equal(sym_rec_copy(rec, decoded), SYM_OK);
    /* The frame goes away; the copy must not notice. */
    memset(buf.data, 0, buf.size);
    msgpack_sbuffer_destroy(&buf);
    sym_rec_destroy(&decoded);
    sym_wire_decoder_destroy(&decoder);

    assert_int_equal(rec->kind, SYM_KIND_REMOVED);
    assert_true(sym_str_eq(rec->stream, "qb50.tartu"));
    assert_true(rec->epoch == 7 && rec->seq == 8);
    assert_true(rec->event_ns == -9 && rec->ingest_ns == 10);
    assert_true(sym_str_eq(sym_rec_get(rec, "reason")->as.s, "filter"));
    assert_int_equal(sym_rec_get(rec, "n")->as.i, 3);
}

static void
test_rec_copy_refuses_more_bytes_than_the_arena(void **state)
{
    sym_rec_t *rec = *state;
    sym_rec_t *src = sym_rec_new();
    assert_non_null(src);
    size_t len = SYM_REC_ARENA_BYTES / 2 + 1;
    char *text = malloc(len);
    assert_non_null(text);
    memset(text, 'q', len);
    sym_val_t val = {.type = SYM_VAL_STR, .as.s = {text, (uint32_t) len}};
    assert_int_equal(sym_rec_set(src, "a", 1, val), SYM_OK);
    assert_int_equal(sym_rec_set(src, "b", 1, val), SYM_OK);
    assert_int_equal(sym_rec_copy(rec, src), SYM_ETOOBIG);
    free(text);
    sym_rec_destroy(&src);
}

static void
test_rec_val_to_double_converts_numbers_and_numeric_text(void **state)
{
    (void) state;
    static const struct {
        const char *text;
        bool ok;
        double want;
    } texts[] = {
        {"42", true, 42.0}, {"-1.5", true, -1.5}, {"1e3", true, 1000.0},
        {"", false, 0},     {"abc", false, 0},    {"12abc", false, 0},
        {"1.5 ", false, 0},
    };
    double out = 0;
    sym_val_t v = {.type = SYM_VAL_BOOL, .as.b = true};
    assert_true(sym_val_to_double(&v, &out) && out == 1.0);
    v = (sym_val_t){.type = SYM_VAL_INT, .as.i = -7};
    assert_true(sym_val_to_double(&v, &out) && out == -7.0);
    v = (sym_val_t){.type = SYM_VAL_UINT, .as.u = UINT64_MAX};
    assert_true(sym_val_to_double(&v, &out) && out == 18446744073709551616.0);
    v = (sym_val_t){.type = SYM_VAL_FLOAT, .as.f = 0.25};
    assert_true(sym_val_to_double(&v, &out) && out == 0.25);
    v = (sym_val_t){.type = SYM_VAL_NIL};
    assert_false(sym_val_to_double(&v, &out));
    v = (sym_val_t){.type = SYM_VAL_BIN, .as.s = {"42", 2}};
    assert_false(sym_val_to_double(&v, &out));

    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        v = (sym_val_t){.type = SYM_VAL_STR,
                        .as.s = {texts[i].text, strlen(texts[i].text)}};
        out = -99;
        assert_int_equal(sym_val_to_double(&v, &out), texts[i].ok);
        if (texts[i].ok) {
            assert_true(out == texts[i].want);
        }
    }

    /* Not NUL-terminated, and too long for the conversion buffer. */
    v = (sym_val_t){.type = SYM_VAL_STR, .as.s = {"123456", 3}};
    assert_true(sym_val_to_double(&v, &out) && out == 123.0);
    char digits[80];
    memset(digits, '1', sizeof digits);
    v = (sym_val_t){.type = SYM_VAL_STR, .as.s = {digits, sizeof digits}};
    assert_false(sym_val_to_double(&v, &out));
}

static void
test_rec_kind_names(void **state)
{
    (void) state;
    assert_string_equal(sym_kind_name(SYM_KIND_DATA), "data");
    assert_string_equal(sym_kind_name(SYM_KIND_ALARM), "alarm");
    assert_string_equal(sym_kind_name(SYM_KIND_REMOVED), "removed");
    assert_string_equal(sym_kind_name(SYM_KIND_EOS), "eos");
    assert_string_equal(sym_kind_name(SYM_KIND_STATS), "stats");
    assert_string_equal(sym_kind_name(SYM_KIND_COUNT), "unknown");
    assert_string_equal(sym_kind_name((sym_kind_t) 200), "unknown");
}

static void
test_rec_str_eq_compares_length_and_bytes(void **state)
{
    (void) state;
    assert_true(sym_str_eq((sym_str_t){"abc", 3}, "abc"));
    assert_false(sym_str_eq((sym_str_t){"abc", 2}, "abc"));
    assert_true(sym_str_eq((sym_str_t){"abc", 2}, "ab"));
    assert_false(sym_str_eq((sym_str_t){"abd", 3}, "abc"));
    assert_true(sym_str_eq((sym_str_t){"", 0}, ""));
    assert_false(sym_str_eq((sym_str_t){"a\0b", 3}, "a"));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
#define S_TEST(name) cmocka_unit_test_setup_teardown(name, s_setup, s_teardown)
        S_TEST(test_rec_set_and_get_fields),
        S_TEST(test_rec_new_record_is_empty),
        S_TEST(test_rec_reset_forgets_everything),
        S_TEST(test_rec_set_replaces_an_existing_value),
        S_TEST(test_rec_set_copies_the_name),
        S_TEST(test_rec_remove_keeps_the_order_of_the_rest),
        S_TEST(test_rec_rename_moves_the_value),
        S_TEST(test_rec_rename_over_another_field_replaces_it),
        S_TEST(test_rec_rename_to_the_same_name_keeps_the_field),
        S_TEST(test_rec_rename_with_a_full_arena_changes_nothing),
        S_TEST(test_rec_holds_at_most_max_fields),
        S_TEST(test_rec_arena_refuses_what_does_not_fit),
        S_TEST(test_rec_copy_no_longer_depends_on_the_frame),
        S_TEST(test_rec_copy_refuses_more_bytes_than_the_arena),
        S_TEST(test_rec_val_to_double_converts_numbers_and_numeric_text),
        S_TEST(test_rec_kind_names),
        S_TEST(test_rec_str_eq_compares_length_and_bytes),
#undef S_TEST
    };
    return cmocka_run_group_tests_name("rec", tests, NULL, NULL);
}
