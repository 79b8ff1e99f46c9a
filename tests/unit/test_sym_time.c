/* test_sym_time.c: ISO-8601 and epoch-second parsing, formatting, clocks.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include <string.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "sym_err.h"
#include "sym_time.h"

#define S_SEC SYM_NS_PER_SEC

static int
s_parse(const char *text, int64_t *ns)
{
    return sym_time_parse(text, strlen(text), ns);
}

static void
test_time_parses_an_iso_utc_time(void **state)
{
    (void) state;
    int64_t ns = 0;
    assert_int_equal(s_parse("2017-05-18T00:21:00Z", &ns), SYM_OK);
    assert_true(ns == 1495066860 * S_SEC);
}

static const struct {
    const char *text;
    int64_t ns;
} s_good[] = {
    {"1970-01-01T00:00:00Z", 0},
    {"1970-01-01T00:00:01Z", S_SEC},
    {"1969-12-31T23:59:59Z", -S_SEC},
    {"1970-01-01T00:00:00.000000001Z", 1},
    {"2000-01-01T00:00:00Z", 946684800 * S_SEC},
    {"2000-02-29T12:00:00Z", 951825600 * S_SEC},
    {"2000-03-01T00:00:00Z", 951868800 * S_SEC},
    {"1999-12-31T23:59:59Z", 946684799 * S_SEC},
    {"2017-05-18 00:21:00Z", 1495066860 * S_SEC},
    {"2017-05-18T00:21:00", 1495066860 * S_SEC},
    {"2017-05-18T00:21:00.5Z", 1495066860 * S_SEC + 500000000},
    {"2017-05-18T00:21:00.123Z", 1495066860 * S_SEC + 123000000},
    {"2017-05-18T00:21:00.123456789Z", 1495066860 * S_SEC + 123456789},
    {"2017-05-18T00:21:00.1234567899Z", 1495066860 * S_SEC + 123456789},
    {"2017-05-18T02:21:00+02:00", 1495066860 * S_SEC},
    {"2017-05-18T02:21:00+0200", 1495066860 * S_SEC},
    {"2017-05-17T19:21:00-05:00", 1495066860 * S_SEC},
    {"2017-05-18T05:51:00.25+05:30", 1495066860 * S_SEC + 250000000},
    {"2017-05-18T00:21:00+00:00", 1495066860 * S_SEC},
    {"2016-12-31T23:59:60Z", 1483228800 * S_SEC},
    {"2024-02-29T00:00:00Z", 1709164800 * S_SEC},
    {"2262-04-11T23:47:15Z", 9223372035 * S_SEC},
    {"1677-09-21T00:12:45Z", -9223372035 * S_SEC},
};

static void
test_time_parses_iso_variants(void **state)
{
    (void) state;
    for (size_t i = 0; i < sizeof s_good / sizeof s_good[0]; i++) {
        int64_t ns = -42;
        int rc = s_parse(s_good[i].text, &ns);
        if (rc != SYM_OK || ns != s_good[i].ns) {
            fail_msg("%s: rc %d ns %lld, want %lld", s_good[i].text, rc,
                     (long long) ns, (long long) s_good[i].ns);
        }
    }
}

static void
test_time_parses_epoch_seconds(void **state)
{
    (void) state;
    static const struct {
        const char *text;
        int64_t ns;
    } cases[] = {
        {"0", 0},
        {"1495066860", 1495066860 * S_SEC},
        {"1495066860.5", 1495066860 * S_SEC + 500000000},
        {"1495066860.000000001", 1495066860 * S_SEC + 1},
        {"946684800", 946684800 * S_SEC},
        {"-1", -S_SEC},
        {"-1.5", -S_SEC - 500000000},
        {"-0.5", -500000000},
        {"-0.000000001", -1},
        {"9000000000", 9000000000LL * S_SEC},
        {"9223372035.999999999", INT64_MAX / S_SEC * S_SEC - 1},
        {"-9223372035.999999999", INT64_MIN / S_SEC * S_SEC + 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int64_t ns = -42;
        int rc = s_parse(cases[i].text, &ns);
        if (rc != SYM_OK || ns != cases[i].ns) {
            fail_msg("%s: rc %d ns %lld, want %lld", cases[i].text, rc,
                     (long long) ns, (long long) cases[i].ns);
        }
    }
}

static void
test_time_rejects_bad_strings(void **state)
{
    (void) state;
    static const char *const bad[] = {
        "",
        "abc",
        "12abc",
        "1.",
        ".5",
        "1.5.5",
        "1e9",
        " 12",
        "+12",
        "12 ",
        "0x10",
        "-",
        "90000000000",
        "9223372036",
        "-9223372036",
        "99999999999999999999",
        "2017-05-18",
        "2017-05-18T00:21Z",
        "2017-05-18T00:21:00ZZ",
        "2017-05-18T00:21:00Z ",
        "2017-05-18T00:21:00.Z",
        "2017-05-18T00:21:00+2",
        "2017-05-18T00:21:00+02:0",
        "2017-05-18T00:21:00+24:00",
        "2017-05-18T00:21:00+02:60",
        "2017-05-18X00:21:00Z",
        "2017/05/18T00:21:00Z",
        "2017-5-18T00:21:00Z",
        "2017-00-18T00:21:00Z",
        "2017-13-18T00:21:00Z",
        "2017-05-00T00:21:00Z",
        "2017-05-32T00:21:00Z",
        "2017-02-29T00:00:00Z",
        "2017-04-31T00:00:00Z",
        "1900-02-29T00:00:00Z",
        "2017-05-18T24:00:00Z",
        "2017-05-18T00:60:00Z",
        "2017-05-18T00:00:61Z",
        "20x7-05-18T00:21:00Z",
        "9999-12-31T23:59:59Z",
        "0000-01-01T00:00:00Z",
        "2263-01-01T00:00:00Z",
        "2262-04-11T23:47:17Z",
        "1677-09-21T00:12:43Z",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int64_t ns = 0;
        int rc = s_parse(bad[i], &ns);
        if (rc != SYM_EDECODE) {
            fail_msg("'%s': rc %d ns %lld", bad[i], rc, (long long) ns);
        }
    }
}

static void
test_time_parses_only_len_bytes(void **state)
{
    (void) state;
    int64_t ns = 0;
    const char *text = "2017-05-18T00:21:00Zgarbage";
    assert_int_equal(sym_time_parse(text, 20, &ns), SYM_OK);
    assert_true(ns == 1495066860 * S_SEC);
    assert_int_equal(sym_time_parse("12345", 3, &ns), SYM_OK);
    assert_true(ns == 123 * S_SEC);
    assert_int_equal(sym_time_parse("2017-05-18T00:21:00Z", 18, &ns),
                     SYM_EDECODE);
    assert_int_equal(sym_time_parse("1\0002", 3, &ns), SYM_EDECODE);
}

static void
test_time_formats_with_nanoseconds(void **state)
{
    (void) state;
    char buf[40];
    assert_string_equal(sym_time_format(0, buf, sizeof buf),
                        "1970-01-01T00:00:00.000000000Z");
    assert_string_equal(
        sym_time_format(1495066860 * S_SEC + 5, buf, sizeof buf),
        "2017-05-18T00:21:00.000000005Z");
    assert_string_equal(sym_time_format(-1, buf, sizeof buf),
                        "1969-12-31T23:59:59.999999999Z");
    assert_string_equal(sym_time_format(946684800 * S_SEC, buf, sizeof buf),
                        "2000-01-01T00:00:00.000000000Z");
}

static void
test_time_format_reads_back(void **state)
{
    (void) state;
    const int64_t values[] = {0,          1,
                              -1,         1495066860 * S_SEC + 123456789,
                              -S_SEC - 1, 951825600 * S_SEC + 999999999};
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        char buf[40];
        sym_time_format(values[i], buf, sizeof buf);
        int64_t ns = 0;
        assert_int_equal(s_parse(buf, &ns), SYM_OK);
        assert_true(ns == values[i]);
    }
}

static void
test_time_clocks_move_forward(void **state)
{
    (void) state;
    int64_t now = sym_time_now_ns();
    assert_true(now > 1700000000 * S_SEC); /* after November 2023 */
    int64_t mono_ns = sym_time_mono_ns();
    int64_t mono_ms = sym_time_mono_ms();
    assert_true(mono_ms >= mono_ns / SYM_NS_PER_MS);
    sym_time_sleep_until(mono_ns + 2 * SYM_NS_PER_MS);
    assert_true(sym_time_mono_ns() >= mono_ns + 2 * SYM_NS_PER_MS);
    sym_time_sleep_until(mono_ns); /* in the past: returns at once */
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_time_parses_an_iso_utc_time),
        cmocka_unit_test(test_time_parses_iso_variants),
        cmocka_unit_test(test_time_parses_epoch_seconds),
        cmocka_unit_test(test_time_rejects_bad_strings),
        cmocka_unit_test(test_time_parses_only_len_bytes),
        cmocka_unit_test(test_time_formats_with_nanoseconds),
        cmocka_unit_test(test_time_format_reads_back),
        cmocka_unit_test(test_time_clocks_move_forward),
    };
    return cmocka_run_group_tests_name("time", tests, NULL, NULL);
}
