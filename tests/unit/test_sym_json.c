/* test_sym_json.c: records as JSON text.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "sym_err.h"
#include "sym_json.h"
#include "sym_rec.h"

#define S_REPLACEMENT "\xef\xbf\xbd"

static int
s_setup(void **state)
{
    sym_rec_t *rec = sym_rec_new();
    if (rec == NULL) {
        return -1;
    }
    rec->kind = SYM_KIND_ALARM;
    rec->epoch = 1700000000000000000ULL;
    rec->seq = 12;
    rec->event_ns = 1495066860LL * 1000000000 + 5;
    rec->ingest_ns = -3;
    if (sym_rec_set_stream(rec, "qb50.tartu", 10) != SYM_OK) {
        return -1;
    }
    *state = rec;
    return 0;
}

static int
s_teardown(void **state)
{
    sym_rec_t *rec = *state;
    sym_rec_destroy(&rec);
    return 0;
}

static void
s_set(sym_rec_t *rec, const char *name, sym_val_t val)
{
    assert_int_equal(sym_rec_set(rec, name, strlen(name), val), SYM_OK);
}

/* Dump rec and read it back, so checks look at values, not spelling. */
static json_t *
s_round_trip(const sym_rec_t *rec, const char *topic, unsigned flags)
{
    char *text = sym_json_dump(rec, topic, flags);
    assert_non_null(text);
    json_error_t error;
    json_t *object = json_loads(text, 0, &error);
    if (object == NULL) {
        fail_msg("not JSON (%s): %s", error.text, text);
    }
    free(text);
    return object;
}

static const char *
s_field_text(json_t *object, const char *name)
{
    json_t *value = json_object_get(json_object_get(object, "fields"), name);
    assert_non_null(value);
    assert_true(json_is_string(value));
    return json_string_value(value);
}

static void
test_json_dump_carries_envelope_and_fields(void **state)
{
    sym_rec_t *rec = *state;
    assert_int_equal(sym_rec_set_str(rec, "host", "edge-7", 6), SYM_OK);
    assert_int_equal(sym_rec_set_int(rec, "count", -4), SYM_OK);
    assert_int_equal(sym_rec_set_double(rec, "temp", 21.5), SYM_OK);
    s_set(rec, "ok", (sym_val_t){.type = SYM_VAL_BOOL, .as.b = true});
    s_set(rec, "none", (sym_val_t){.type = SYM_VAL_NIL});

    char *text = sym_json_dump(rec, "tlm.qb50.tartu", 0);
    assert_non_null(text);
    assert_string_equal(
        text, "{\"topic\":\"tlm.qb50.tartu\",\"kind\":\"alarm\","
              "\"stream\":\"qb50.tartu\",\"epoch\":1700000000000000000,"
              "\"seq\":12,\"event_time\":\"2017-05-18T00:21:00.000000005Z\","
              "\"ingest_ns\":-3,\"fields\":{\"host\":\"edge-7\","
              "\"count\":-4,\"temp\":21.5,\"ok\":true,\"none\":null}}");
    free(text);
}

static void
test_json_leaves_out_a_null_topic(void **state)
{
    sym_rec_t *rec = *state;
    json_t *object = sym_json_from_rec(rec, NULL);
    assert_non_null(object);
    assert_null(json_object_get(object, "topic"));
    assert_string_equal(json_string_value(json_object_get(object, "kind")),
                        "alarm");
    json_decref(object);
}

static void
test_json_replaces_bad_utf8(void **state)
{
    sym_rec_t *rec = *state;
    static const struct {
        const char *bytes;
        size_t len;
        const char *want;
    } cases[] = {
        {"a\xff"
         "b",
         3, "a" S_REPLACEMENT "b"},
        {"\xc3\xa4", 2, "\xc3\xa4"},
        {"\xc3", 1, S_REPLACEMENT},
        {"\xc0\xaf", 2, S_REPLACEMENT S_REPLACEMENT},
        {"\xe0\x80\xaf", 3, S_REPLACEMENT S_REPLACEMENT S_REPLACEMENT},
        {"\xed\xa0\x80", 3, S_REPLACEMENT S_REPLACEMENT S_REPLACEMENT},
        {"\xf4\x90\x80\x80", 4,
         S_REPLACEMENT S_REPLACEMENT S_REPLACEMENT S_REPLACEMENT},
        {"\xf0\x9f\x9b\xb0", 4, "\xf0\x9f\x9b\xb0"},
        {"\xf5\x80\x80", 3, S_REPLACEMENT S_REPLACEMENT S_REPLACEMENT},
        {"\xf8\x88\x80\x80\x80", 5,
         S_REPLACEMENT S_REPLACEMENT S_REPLACEMENT S_REPLACEMENT S_REPLACEMENT},
        {"\xfe\xff", 2, S_REPLACEMENT S_REPLACEMENT},
        {"ok\xe2\x82", 5, "ok" S_REPLACEMENT S_REPLACEMENT},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sym_rec_reset(rec);
        assert_int_equal(sym_rec_set_stream(rec, "st", 2), SYM_OK);
        s_set(rec, "t",
              (sym_val_t){.type = SYM_VAL_STR,
                          .as.s = {cases[i].bytes, (uint32_t) cases[i].len}});
        json_t *object = sym_json_from_rec(rec, "tlm");
        if (object == NULL) {
            fail_msg("case %zu: no JSON", i);
        }
        assert_string_equal(s_field_text(object, "t"), cases[i].want);
        json_decref(object);
    }
}

static void
test_json_replaces_bad_utf8_in_names_and_stream(void **state)
{
    sym_rec_t *rec = *state;
    sym_rec_reset(rec);
    assert_int_equal(sym_rec_set_stream(rec, "s\xff", 2), SYM_OK);
    assert_int_equal(sym_rec_set_int(rec, "n\xfe", 1), SYM_OK);
    json_t *object = s_round_trip(rec, "tlm", 0);
    assert_string_equal(json_string_value(json_object_get(object, "stream")),
                        "s" S_REPLACEMENT);
    json_t *fields = json_object_get(object, "fields");
    assert_non_null(json_object_get(fields, "n" S_REPLACEMENT));
    json_decref(object);
}

static void
test_json_keeps_nul_bytes_in_text(void **state)
{
    sym_rec_t *rec = *state;
    assert_int_equal(sym_rec_set_str(rec, "t", "a\0b", 3), SYM_OK);
    json_t *object = sym_json_from_rec(rec, "tlm");
    assert_non_null(object);
    json_t *value = json_object_get(json_object_get(object, "fields"), "t");
    assert_int_equal(json_string_length(value), 3);
    assert_memory_equal(json_string_value(value), "a\0b", 3);
    json_decref(object);
}

static void
test_json_writes_binary_as_hex(void **state)
{
    sym_rec_t *rec = *state;
    s_set(rec, "b",
          (sym_val_t){.type = SYM_VAL_BIN, .as.s = {"\x00\xff\x10", 3}});
    s_set(rec, "e", (sym_val_t){.type = SYM_VAL_BIN, .as.s = {"", 0}});
    json_t *object = s_round_trip(rec, "tlm", 0);
    assert_string_equal(s_field_text(object, "b"), "0x00ff10");
    assert_string_equal(s_field_text(object, "e"), "0x");
    json_decref(object);
}

static void
test_json_writes_non_finite_numbers_as_null(void **state)
{
    sym_rec_t *rec = *state;
    assert_int_equal(sym_rec_set_double(rec, "nan", NAN), SYM_OK);
    assert_int_equal(sym_rec_set_double(rec, "inf", INFINITY), SYM_OK);
    assert_int_equal(sym_rec_set_double(rec, "ninf", -INFINITY), SYM_OK);
    json_t *object = s_round_trip(rec, "tlm", 0);
    json_t *fields = json_object_get(object, "fields");
    assert_true(json_is_null(json_object_get(fields, "nan")));
    assert_true(json_is_null(json_object_get(fields, "inf")));
    assert_true(json_is_null(json_object_get(fields, "ninf")));
    json_decref(object);
}

static void
test_json_writes_big_integers(void **state)
{
    sym_rec_t *rec = *state;
    assert_int_equal(sym_rec_set_int(rec, "min", INT64_MIN), SYM_OK);
    assert_int_equal(sym_rec_set_int(rec, "max", INT64_MAX), SYM_OK);
    s_set(rec, "u", (sym_val_t){.type = SYM_VAL_UINT, .as.u = UINT64_MAX});
    json_t *object = s_round_trip(rec, "tlm", SYM_JSON_LOSSLESS);
    json_t *fields = json_object_get(object, "fields");
    assert_true(json_integer_value(json_object_get(fields, "min")) ==
                INT64_MIN);
    assert_true(json_integer_value(json_object_get(fields, "max")) ==
                INT64_MAX);
    json_t *u = json_object_get(fields, "u");
    assert_true(json_is_real(u));
    assert_true(json_real_value(u) == 18446744073709551616.0);
    json_decref(object);
}

static void
test_json_precision_follows_the_flag(void **state)
{
    sym_rec_t *rec = *state;
    sym_rec_reset(rec);
    assert_int_equal(sym_rec_set_stream(rec, "st", 2), SYM_OK);
    assert_int_equal(sym_rec_set_double(rec, "a", 0.1 + 0.2), SYM_OK);
    assert_int_equal(sym_rec_set_double(rec, "b", 8.1), SYM_OK);

    char *short_text = sym_json_dump(rec, NULL, 0);
    assert_non_null(strstr(short_text, "\"a\":0.3,"));
    assert_non_null(strstr(short_text, "\"b\":8.1}"));
    free(short_text);

    char *exact = sym_json_dump(rec, NULL, SYM_JSON_LOSSLESS);
    assert_non_null(strstr(exact, "\"a\":0.30000000000000004,"));
    json_t *object = json_loads(exact, 0, NULL);
    assert_non_null(object);
    json_t *a = json_object_get(json_object_get(object, "fields"), "a");
    assert_true(json_real_value(a) == 0.1 + 0.2);
    json_decref(object);
    free(exact);
}

static void
test_json_pretty_spreads_over_lines(void **state)
{
    sym_rec_t *rec = *state;
    char *compact = sym_json_dump(rec, "tlm", 0);
    char *pretty = sym_json_dump(rec, "tlm", SYM_JSON_PRETTY);
    assert_null(strchr(compact, '\n'));
    assert_non_null(strchr(pretty, '\n'));
    assert_non_null(strstr(pretty, "\n  \"kind\": \"alarm\""));
    free(compact);
    free(pretty);
}

static void
test_json_fields_alone(void **state)
{
    sym_rec_t *rec = *state;
    json_t *empty = sym_json_fields(rec);
    assert_non_null(empty);
    assert_int_equal(json_object_size(empty), 0);
    json_decref(empty);

    assert_int_equal(sym_rec_set_int(rec, "a", 1), SYM_OK);
    json_t *fields = sym_json_fields(rec);
    assert_int_equal(json_object_size(fields), 1);
    assert_true(json_integer_value(json_object_get(fields, "a")) == 1);
    json_decref(fields);
}

/* The fields text written straight, read back, equals the object. */
static void
s_check_fields_text(const sym_rec_t *rec, char **buf, size_t *cap)
{
    size_t len = 0;
    assert_int_equal(sym_json_fields_text(rec, buf, cap, &len), SYM_OK);
    assert_int_equal(strlen(*buf), len);
    json_error_t error;
    json_t *read = json_loads(*buf, JSON_ALLOW_NUL, &error);
    if (read == NULL) {
        fail_msg("not JSON (%s): %s", error.text, *buf);
    }
    json_t *want = sym_json_fields(rec);
    if (!json_equal(read, want)) {
        char *text = json_dumps(want, JSON_COMPACT | JSON_REAL_PRECISION(17));
        fail_msg("fields text %s, object %s", *buf, text);
    }
    json_decref(read);
    json_decref(want);
}

static void
test_json_fields_text_matches_the_object(void **state)
{
    sym_rec_t *rec = *state;
    char *buf = NULL;
    size_t cap = 0;
    s_check_fields_text(rec, &buf, &cap);
    assert_string_equal(buf, "{}");

    assert_int_equal(sym_rec_set_double(rec, "a", 0.1 + 0.2), SYM_OK);
    assert_int_equal(sym_rec_set_double(rec, "b", 1e20), SYM_OK);
    assert_int_equal(sym_rec_set_double(rec, "c", -1.5e-7), SYM_OK);
    assert_int_equal(sym_rec_set_double(rec, "d", 42.0), SYM_OK);
    assert_int_equal(sym_rec_set_double(rec, "nan", NAN), SYM_OK);
    assert_int_equal(sym_rec_set_int(rec, "min", INT64_MIN), SYM_OK);
    s_set(rec, "u", (sym_val_t){.type = SYM_VAL_UINT, .as.u = UINT64_MAX});
    s_set(rec, "ok", (sym_val_t){.type = SYM_VAL_BOOL, .as.b = false});
    s_set(rec, "none", (sym_val_t){.type = SYM_VAL_NIL});
    s_set(rec, "bin", (sym_val_t){.type = SYM_VAL_BIN, .as.s = {"\x01", 1}});
    assert_int_equal(
        sym_rec_set_str(rec, "q\"\\", "a\0\n\x1f\"\xff\xc3\xa4/", 9), SYM_OK);
    s_check_fields_text(rec, &buf, &cap);
    /* Shortest exact doubles, where jansson writes 17 digits. */
    assert_non_null(strstr(buf, "\"a\":0.30000000000000004,\"b\":1e20,"
                                "\"c\":-1.5e-7,\"d\":42.0,"));
    assert_non_null(
        strstr(buf, "\"a\\u0000\\n\\u001F\\\"" S_REPLACEMENT "\xc3\xa4/\""));

    /* Names an object would merge or clean take the object's way. */
    sym_rec_reset(rec);
    assert_int_equal(sym_rec_set_stream(rec, "st", 2), SYM_OK);
    assert_int_equal(sym_rec_set_int(rec, "n\xfe", 1), SYM_OK);
    assert_int_equal(sym_rec_set_int(rec, "n\xff", 2), SYM_OK);
    s_check_fields_text(rec, &buf, &cap);
    free(buf);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
#define S_TEST(name) cmocka_unit_test_setup_teardown(name, s_setup, s_teardown)
        S_TEST(test_json_dump_carries_envelope_and_fields),
        S_TEST(test_json_leaves_out_a_null_topic),
        S_TEST(test_json_replaces_bad_utf8),
        S_TEST(test_json_replaces_bad_utf8_in_names_and_stream),
        S_TEST(test_json_keeps_nul_bytes_in_text),
        S_TEST(test_json_writes_binary_as_hex),
        S_TEST(test_json_writes_non_finite_numbers_as_null),
        S_TEST(test_json_writes_big_integers),
        S_TEST(test_json_precision_follows_the_flag),
        S_TEST(test_json_pretty_spreads_over_lines),
        S_TEST(test_json_fields_alone),
        S_TEST(test_json_fields_text_matches_the_object),
#undef S_TEST
    };
    return cmocka_run_group_tests_name("json", tests, NULL, NULL);
}
