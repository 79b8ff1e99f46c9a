/* test_transform_calibrate.c: reference values for each calibration kind:
 * polynomial, segmented polynomial and enumeration.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sym_err.h"
#include "sym_rec.h"
#include "test_transform_collect.h"
#include "transform_chain.h"

#define TOPIC "tlm.qb50.tartu"
#define REL_TOL 1e-9

/* Run one record with raw = x and return the emitted data record. */
static const sym_rec_t *
s_run(tt_fixture_t *fx, sym_val_t raw)
{
    tt_collect_clear(fx->out);
    tt_data(fx->rec, "s", 1);
    sym_rec_set(fx->rec, "raw", 3, raw);
    assert_int_equal(transform_chain_apply(fx->chain, TOPIC, fx->rec), SYM_OK);
    const sym_rec_t *data = tt_collect_nth(fx->out, SYM_KIND_DATA, 0, NULL);
    assert_non_null(data);
    return data;
}

static double
s_calibrated(tt_fixture_t *fx, double x)
{
    sym_val_t raw = {.type = SYM_VAL_FLOAT, .as.f = x};
    const sym_rec_t *data = s_run(fx, raw);
    const sym_val_t *val = sym_rec_get_const(data, "eng", 3);
    assert_non_null(val);
    assert_int_equal(val->type, SYM_VAL_FLOAT);
    return val->as.f;
}

static void
s_assert_close(double got, double want, double x)
{
    double scale = fabs(want) > 1e-300 ? fabs(want) : 1.0;
    if (!(fabs(got - want) / scale <= REL_TOL)) {
        fail_msg("x=%.17g: got %.17g, want %.17g", x, got, want);
    }
}

/* The references are sums of c_k * pow(x, k), not Horner's scheme. */
static double
s_reference(const double *coeffs, size_t count, double x)
{
    double sum = 0;
    for (size_t k = 0; k < count; k++) {
        sum += coeffs[k] * pow(x, (double) k);
    }
    return sum;
}

static void
test_transform_calibrate_poly_matches_reference(void **state)
{
    tt_fixture_t *fx = *state;
    tt_chain(fx, "calibrate raw poly=-273.15,0.0625,1.5e-6,-2e-10 out=eng");
    static const double coeffs[] = {-273.15, 0.0625, 1.5e-6, -2e-10};
    static const double xs[] = {0, 1, 2048, 4095, -17.25, 65535};
    for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++) {
        s_assert_close(s_calibrated(fx, xs[i]), s_reference(coeffs, 4, xs[i]),
                       xs[i]);
    }
    /* Hand-computed: -273.15 + 0.0625*4095 + 1.5e-6*4095^2 - 2e-10*4095^3 */
    s_assert_close(s_calibrated(fx, 4095), -5.792793975, 4095);
}

static void
test_transform_calibrate_segments_match_reference(void **state)
{
    tt_fixture_t *fx = *state;
    /* A thermistor curve in three pieces. */
    tt_chain(fx, "calibrate raw "
                 "segments=0:-40,0.05;1000:-90,0.1,-1e-6;3000:80,0.02 out=eng");
    static const double seg0[] = {-40, 0.05};
    static const double seg1[] = {-90, 0.1, -1e-6};
    static const double seg2[] = {80, 0.02};
    static const struct {
        double x;
        const double *coeffs;
        size_t count;
    } cases[] = {
        {-500, seg0, 2}, /* below the first breakpoint: first segment */
        {0, seg0, 2},      {999.999, seg0, 2}, {1000, seg1, 3},
        {1500.5, seg1, 3}, {2999.5, seg1, 3},  {3000, seg2, 2},
        {1e6, seg2, 2},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double x = cases[i].x;
        s_assert_close(s_calibrated(fx, x),
                       s_reference(cases[i].coeffs, cases[i].count, x), x);
    }
    /* Hand-computed at the breakpoints. */
    s_assert_close(s_calibrated(fx, 1000), 9.0, 1000);
    s_assert_close(s_calibrated(fx, 3000), 140.0, 3000);
    s_assert_close(s_calibrated(fx, -500), -65.0, -500);
}

static void
test_transform_calibrate_segments_reject_bad_breakpoints(void **state)
{
    (void) state;
    static const struct {
        const char *text;
        const char *want;
    } cases[] = {
        {"calibrate raw segments=10:1,2;5:3",
         "t:1: calibrate: expected rising breakpoints in segments=, got 5 "
         "after 10"},
        {"calibrate raw segments=1,2",
         "t:1: calibrate: expected BREAKPOINT:c0,c1,... in segments=, got "
         "'1,2'"},
        {"calibrate raw segments=0:1;5:x",
         "t:1: calibrate: expected a number in segments=, got 'x'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char err[512] = "";
        transform_chain_t *chain =
            transform_chain_parse("t", cases[i].text, err, sizeof err);
        assert_null(chain);
        assert_string_equal(err, cases[i].want);
    }
}

static const char *
s_enum_name(tt_fixture_t *fx, sym_val_t raw, const char *field)
{
    return tt_str(s_run(fx, raw), field);
}

static void
test_transform_enum_maps_codes_to_names(void **state)
{
    tt_fixture_t *fx = *state;
    tt_chain(fx, "enum raw map=0:OFF,1:ON,2:SAFE default=UNKNOWN out=mode");
    sym_val_t code = {.type = SYM_VAL_INT, .as.i = 2};
    assert_string_equal(s_enum_name(fx, code, "mode"), "SAFE");
    code.as.i = 0;
    assert_string_equal(s_enum_name(fx, code, "mode"), "OFF");
    /* The raw code stays when out= is given. */
    assert_int_equal(tt_num(s_run(fx, code), "raw"), 0);
    /* A float or decimal text of the same value maps too. */
    sym_val_t f = {.type = SYM_VAL_FLOAT, .as.f = 1.0};
    assert_string_equal(s_enum_name(fx, f, "mode"), "ON");
    sym_val_t text = {.type = SYM_VAL_STR, .as.s = {"1", 1}};
    assert_string_equal(s_enum_name(fx, text, "mode"), "ON");
    code.as.i = 7;
    assert_string_equal(s_enum_name(fx, code, "mode"), "UNKNOWN");
}

static void
test_transform_enum_without_default_leaves_unknown_codes(void **state)
{
    tt_fixture_t *fx = *state;
    tt_chain(fx, "enum raw map=0:OFF,1:ON");
    sym_val_t code = {.type = SYM_VAL_INT, .as.i = 1};
    assert_string_equal(s_enum_name(fx, code, "raw"), "ON");
    code.as.i = 9;
    const sym_rec_t *data = s_run(fx, code);
    assert_int_equal(tt_num(data, "raw"), 9);
    transform_chain_stats_t stats;
    transform_chain_stats(fx->chain, &stats);
    assert_int_equal(stats.skipped, 1);
}

static void
test_transform_enum_rejects_bad_maps(void **state)
{
    (void) state;
    char err[512] = "";
    transform_chain_t *chain =
        transform_chain_parse("t", "enum raw map=0:OFF,1", err, sizeof err);
    assert_null(chain);
    assert_string_equal(err, "t:1: enum: expected KEY:NAME in map=, got '1'");
    chain = transform_chain_parse("t", "enum raw default=X", err, sizeof err);
    assert_null(chain);
    assert_string_equal(err, "t:1: enum: expected map=K:NAME,... (missing "
                             "argument)");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
#define S_TEST(name)                                                           \
    cmocka_unit_test_setup_teardown(name, tt_setup, tt_teardown)
        S_TEST(test_transform_calibrate_poly_matches_reference),
        S_TEST(test_transform_calibrate_segments_match_reference),
        S_TEST(test_transform_calibrate_segments_reject_bad_breakpoints),
        S_TEST(test_transform_enum_maps_codes_to_names),
        S_TEST(test_transform_enum_without_default_leaves_unknown_codes),
        S_TEST(test_transform_enum_rejects_bad_maps),
#undef S_TEST
    };
    return cmocka_run_group_tests_name("transform_calibrate", tests, NULL,
                                       NULL);
}
