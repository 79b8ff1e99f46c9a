/* test_sym_real.c: doubles as their shortest exact text, against glibc.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "sym_real.h"

#define S_RANDOM_CASES 50000

/* glibc as the oracle: the fewest significant digits that read back as
 * value (%.*e, correctly rounded, tried from 1 digit up), without
 * trailing zeros, and their decimal exponent. */
static void
s_shortest(double value, char *digits, size_t size, int *exp10)
{
    for (int precision = 0; precision < 17; precision++) {
        char raw[64];
        snprintf(raw, sizeof raw, "%.*e", precision, fabs(value));
        if (strtod(raw, NULL) != fabs(value)) {
            continue;
        }
        size_t n = 0;
        for (const char *c = raw; *c != 'e'; c++) {
            if (*c != '.' && n + 1 < size) {
                digits[n++] = *c;
            }
        }
        while (n > 1 && digits[n - 1] == '0') {
            n--;
        }
        digits[n] = '\0';
        *exp10 = atoi(strchr(raw, 'e') + 1);
        return;
    }
    fail_msg("%a: no precision reads back", value);
}

/* Those digits laid out as sym_real.h promises. */
static void
s_expected(double value, char *text, size_t size)
{
    char digits[32];
    int exp10 = 0;
    s_shortest(value, digits, sizeof digits, &exp10);
    int n = (int) strlen(digits);
    const char *sign = signbit(value) ? "-" : "";
    if (value == 0.0) {
        snprintf(text, size, "%s0.0", sign);
    } else if (exp10 < -4 || exp10 >= 17) {
        snprintf(text, size, "%s%c%s%se%d", sign, digits[0], n > 1 ? "." : "",
                 digits + 1, exp10);
    } else if (exp10 + 1 >= n) {
        snprintf(text, size, "%s%s%0*d.0", sign, digits, exp10 + 1 - n, 0);
        if (exp10 + 1 == n) {
            snprintf(text, size, "%s%s.0", sign, digits);
        }
    } else if (exp10 >= 0) {
        snprintf(text, size, "%s%.*s.%s", sign, exp10 + 1, digits,
                 digits + exp10 + 1);
    } else {
        snprintf(text, size, "%s0.%0*d%s", sign, -exp10 - 1, 0, digits);
        if (exp10 == -1) {
            snprintf(text, size, "%s0.%s", sign, digits);
        }
    }
}

static void
s_check(double value)
{
    if (!isfinite(value)) {
        return;
    }
    char want[64];
    char got[SYM_REAL_TEXT_MAX];
    s_expected(value, want, sizeof want);
    size_t got_len = sym_real_text(value, got, sizeof got);
    if (got_len != strlen(want) || strcmp(got, want) != 0) {
        fail_msg("%a: got \"%s\", want \"%s\"", value, got, want);
    }
    /* And it reads back as the very same double. */
    double back = strtod(got, NULL);
    if (memcmp(&back, &value, sizeof back) != 0) {
        fail_msg("%a: \"%s\" reads back as %a", value, got, back);
    }
}

static void
test_real_is_shortest_and_exact_at_the_edges(void **state)
{
    (void) state;
    static const double edges[] = {
        0.0,
        -0.0,
        1.0,
        -1.0,
        0.1,
        0.5,
        2.5,
        420.5,
        -273.15,
        1e-4,
        1.5e-4,
        9.99e-5,
        1e-5,
        1.23456e-5,
        1e16,
        9.999999999999998e16,
        1e17,
        1.5e17,
        123456789012345678.0,
        9007199254740993.0,
        1e21,
        1e22,
        1e100,
        1e-100,
        1e300,
        1e308,
        DBL_MAX,
        -DBL_MAX,
        DBL_MIN,
        DBL_EPSILON,
        5e-324,
        2.2250738585072009e-308,
        0.30000000000000004,
        1.0 / 3.0,
        2.0 / 3.0,
        7.66,
        12.25,
        -33.125,
        8.4,
        7e-5,
        0.001,
        1234567.0,
        100.0,
        1e15,
        99999999999999999.0,
    };
    for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++) {
        s_check(edges[i]);
        s_check(nextafter(edges[i], INFINITY));
        s_check(nextafter(edges[i], -INFINITY));
    }
    for (int e = -330; e <= 310; e++) {
        s_check(pow(10.0, e));
        s_check(5.0 * pow(10.0, e));
    }
}

/* xorshift64*: the same cases on every run. */
static uint64_t
s_random(uint64_t *state)
{
    *state ^= *state >> 12;
    *state ^= *state << 25;
    *state ^= *state >> 27;
    return *state * 2685821657736338717ULL;
}

static void
test_real_is_shortest_and_exact_on_random_doubles(void **state)
{
    (void) state;
    uint64_t seed = 0x0ddba11cafef00dULL;
    for (int n = 0; n < S_RANDOM_CASES; n++) {
        uint64_t bits = s_random(&seed);
        double value;
        memcpy(&value, &bits, sizeof value);
        if (isfinite(value)) {
            s_check(value);
        }
        /* Telemetry-like values too: a few digits, either side of 1. */
        s_check((double) (int64_t) (bits % 2000000001) / 1000.0 - 1e6);
        s_check((double) (bits >> 11) * 0x1p-53 * 1000.0);
    }
}

static void
test_real_refuses_what_is_not_finite_or_does_not_fit(void **state)
{
    (void) state;
    char text[SYM_REAL_TEXT_MAX];
    assert_int_equal(sym_real_text(NAN, text, sizeof text), 0);
    assert_int_equal(sym_real_text(INFINITY, text, sizeof text), 0);
    assert_int_equal(sym_real_text(-INFINITY, text, sizeof text), 0);
    assert_int_equal(sym_real_text(1.0, text, SYM_REAL_TEXT_MAX - 1), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_real_is_shortest_and_exact_at_the_edges),
        cmocka_unit_test(test_real_is_shortest_and_exact_on_random_doubles),
        cmocka_unit_test(test_real_refuses_what_is_not_finite_or_does_not_fit),
    };
    return cmocka_run_group_tests_name("real", tests, NULL, NULL);
}
