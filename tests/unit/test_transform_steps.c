/* test_transform_steps.c: the filter, select, drop, rename and calibrate
 * steps, and parse errors of steps files.
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

/* Run the record and say whether it came out as data (true) or as a
 * REMOVED notice (false). */
static bool
s_kept(tt_fixture_t *fx)
{
    tt_collect_clear(fx->out);
    assert_int_equal(transform_chain_apply(fx->chain, TOPIC, fx->rec), SYM_OK);
    assert_int_equal(fx->out->count, 1);
    return fx->out->recs[0]->kind == SYM_KIND_DATA;
}

static void
test_transform_filter_keeps_matching_records(void **state)
{
    tt_fixture_t *fx = *state;
    tt_chain(fx, "filter vbatt >= 7.0\n");

    tt_data(fx->rec, "qb50.tartu", 1);
    sym_rec_set_double(fx->rec, "vbatt", 8.1);
    assert_true(s_kept(fx));
    assert_string_equal(fx->out->topics[0], TOPIC);
    assert_true(tt_num(fx->out->recs[0], "vbatt") == 8.1);

    tt_data(fx->rec, "qb50.tartu", 2);
    sym_rec_set_double(fx->rec, "vbatt", 6.9);
    assert_false(s_kept(fx));
    const sym_rec_t *notice = fx->out->recs[0];
    assert_int_equal(notice->kind, SYM_KIND_REMOVED);
    assert_true(sym_str_eq(notice->stream, "qb50.tartu"));
    assert_int_equal(notice->seq, 2);
    assert_int_equal(notice->epoch, fx->rec->epoch);
    assert_int_equal(notice->event_ns, fx->rec->event_ns);
    assert_int_equal(notice->field_count, 1);
    assert_string_equal(tt_str(notice, "reason"), "filter");
    assert_string_equal(fx->out->topics[0], TOPIC);
    assert_int_equal(transform_chain_removed_by(fx->chain, "filter"), 1);
}

static void
test_transform_filter_numeric_operators(void **state)
{
    tt_fixture_t *fx = *state;
    static const struct {
        const char *op;
        bool below, equal, above; /* field 4, 5, 6 against VALUE 5 */
    } cases[] = {
        {"==", false, true, false}, {"!=", true, false, true},
        {"<", true, false, false},  {"<=", true, true, false},
        {">", false, false, true},  {">=", false, true, true},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[64];
        snprintf(text, sizeof text, "filter mode %s 5.0", cases[i].op);
        tt_chain(fx, text);
        bool expected[3] = {cases[i].below, cases[i].equal, cases[i].above};
        for (int64_t x = 4; x <= 6; x++) {
            tt_data(fx->rec, "s", 1);
            sym_rec_set_int(fx->rec, "mode", x);
            if (s_kept(fx) != expected[x - 4]) {
                fail_msg("mode %s 5.0 with mode=%d", cases[i].op, (int) x);
            }
        }
    }
}

static void
test_transform_filter_compares_text_when_not_both_numeric(void **state)
{
    tt_fixture_t *fx = *state;
    tt_chain(fx, "filter source < japan");
    tt_data(fx->rec, "s", 1);
    sym_rec_set_str(fx->rec, "source", "aalto", 5);
    assert_true(s_kept(fx));
    sym_rec_set_str(fx->rec, "source", "tartu", 5);
    assert_false(s_kept(fx));

    /* Hex is a label, not a number: "0x10" sorts before "0x9" as text. */
    tt_chain(fx, "filter service_e < 0x9");
    sym_rec_set_str(fx->rec, "service_e", "0x10", 4);
    assert_true(s_kept(fx));

    /* Decimal text on both sides compares as numbers: 10 > 9. */
    tt_chain(fx, "filter count > 9");
    sym_rec_set_str(fx->rec, "count", "10", 2);
    assert_true(s_kept(fx));

    /* A number against text compares the number's text. */
    tt_chain(fx, "filter mode == abc");
    sym_rec_set_int(fx->rec, "mode", 1);
    assert_false(s_kept(fx));
    tt_chain(fx, "filter mode != abc");
    assert_true(s_kept(fx));

    /* Quoted values keep their spaces. */
    tt_chain(fx, "filter byline == \"~OPEN COSMOS~\"  # the usual byline");
    sym_rec_set_str(fx->rec, "byline", "~OPEN COSMOS~", 13);
    assert_true(s_kept(fx));
    sym_rec_set_str(fx->rec, "byline", "~OPEN COSMOS~..", 15);
    assert_false(s_kept(fx));
}

static void
test_transform_filter_compares_large_integers_exactly(void **state)
{
    tt_fixture_t *fx = *state;
    tt_data(fx->rec, "s", 1);
    sym_rec_set_int(fx->rec, "counter", 9007199254740993LL);
    tt_chain(fx, "filter counter == 9007199254740993");
    assert_true(s_kept(fx));
    /* As doubles these two would be equal. */
    tt_chain(fx, "filter counter == 9007199254740992");
    assert_false(s_kept(fx));
}

static void
test_transform_filter_removes_record_without_field(void **state)
{
    tt_fixture_t *fx = *state;
    tt_chain(fx, "filter vbatt != 0");
    tt_data(fx->rec, "s", 7);
    sym_rec_set_double(fx->rec, "ibatt", 0.1);
    assert_false(s_kept(fx));
    assert_string_equal(tt_str(fx->out->recs[0], "reason"), "filter");

    sym_val_t nil = {.type = SYM_VAL_NIL};
    sym_rec_set(fx->rec, "vbatt", 5, nil);
    assert_false(s_kept(fx));
}

static void
test_transform_filter_nan_is_only_unequal(void **state)
{
    tt_fixture_t *fx = *state;
    tt_data(fx->rec, "s", 1);
    sym_rec_set_double(fx->rec, "x", NAN);
    tt_chain(fx, "filter x == 1");
    assert_false(s_kept(fx));
    tt_chain(fx, "filter x < 1");
    assert_false(s_kept(fx));
    tt_chain(fx, "filter x != 1");
    assert_true(s_kept(fx));
}

static void
test_transform_select_keeps_listed_fields_in_order(void **state)
{
    tt_fixture_t *fx = *state;
    tt_chain(fx, "select vbatt time absent");
    tt_data(fx->rec, "s", 1);
    sym_rec_set_str(fx->rec, "time", "2017-05-18T00:21:00Z", 20);
    sym_rec_set_int(fx->rec, "mode", 0);
    sym_rec_set_double(fx->rec, "vbatt", 8.1);
    assert_true(s_kept(fx));
    const sym_rec_t *out = fx->out->recs[0];
    assert_int_equal(out->field_count, 2);
    assert_true(sym_str_eq(out->fields[0].name, "time"));
    assert_true(sym_str_eq(out->fields[1].name, "vbatt"));
    assert_int_equal(out->seq, 1);
}

static void
test_transform_drop_removes_listed_fields(void **state)
{
    tt_fixture_t *fx = *state;
    tt_chain(fx, "drop byline power absent");
    tt_data(fx->rec, "s", 1);
    sym_rec_set_str(fx->rec, "byline", "~OPEN COSMOS~", 13);
    sym_rec_set_double(fx->rec, "vbatt", 8.1);
    sym_rec_set_str(fx->rec, "power", "0x00", 4);
    assert_true(s_kept(fx));
    const sym_rec_t *out = fx->out->recs[0];
    assert_int_equal(out->field_count, 1);
    assert_true(sym_str_eq(out->fields[0].name, "vbatt"));
}

static void
test_transform_rename_moves_values(void **state)
{
    tt_fixture_t *fx = *state;
    tt_chain(fx, "rename vbatt=battery_v comm_temp=temp_comm");
    tt_data(fx->rec, "s", 1);
    sym_rec_set_double(fx->rec, "vbatt", 8.1);
    sym_rec_set_double(fx->rec, "comm_temp", -15.0);
    assert_true(s_kept(fx));
    const sym_rec_t *out = fx->out->recs[0];
    assert_int_equal(out->field_count, 2);
    assert_true(tt_num(out, "battery_v") == 8.1);
    assert_true(tt_num(out, "temp_comm") == -15.0);
    assert_null(sym_rec_get_const(out, "vbatt", 5));

    /* A missing OLD is counted and the rest still renamed. */
    tt_data(fx->rec, "s", 2);
    sym_rec_set_double(fx->rec, "comm_temp", 1.0);
    assert_true(s_kept(fx));
    assert_true(tt_num(fx->out->recs[0], "temp_comm") == 1.0);
    transform_chain_stats_t stats;
    transform_chain_stats(fx->chain, &stats);
    assert_int_equal(stats.skipped, 1);

    /* Renaming onto an existing field replaces it. */
    tt_chain(fx, "rename a=b");
    tt_data(fx->rec, "s", 3);
    sym_rec_set_int(fx->rec, "a", 1);
    sym_rec_set_int(fx->rec, "b", 2);
    assert_true(s_kept(fx));
    assert_int_equal(fx->out->recs[0]->field_count, 1);
    assert_true(tt_num(fx->out->recs[0], "b") == 1.0);
}

static void
s_assert_close(double got, double want)
{
    double tolerance = 1e-9 * fmax(fabs(want), 1e-300);
    if (fabs(got - want) > tolerance) {
        fail_msg("got %.17g, want %.17g", got, want);
    }
}

static void
test_transform_calibrate_evaluates_polynomial(void **state)
{
    tt_fixture_t *fx = *state;
    tt_chain(fx, "calibrate raw poly=1,2,3");
    tt_data(fx->rec, "s", 1);
    sym_rec_set_double(fx->rec, "raw", 2.0);
    assert_true(s_kept(fx));
    s_assert_close(tt_num(fx->out->recs[0], "raw"), 17.0);

    /* Integers and decimal text are numbers too. */
    sym_rec_set_int(fx->rec, "raw", -3);
    assert_true(s_kept(fx));
    s_assert_close(tt_num(fx->out->recs[0], "raw"), 1.0 - 6.0 + 27.0);
    sym_rec_set_str(fx->rec, "raw", "0.5", 3);
    assert_true(s_kept(fx));
    s_assert_close(tt_num(fx->out->recs[0], "raw"), 1.0 + 1.0 + 0.75);

    /* A cubic with awkward coefficients, against the plain sum. */
    tt_chain(fx, "calibrate adc poly=-273.15,0.0125,-2.5e-7,1.5e-12");
    for (int64_t adc = 0; adc <= 65535; adc += 4369) {
        sym_rec_set_int(fx->rec, "adc", adc);
        assert_true(s_kept(fx));
        double x = (double) adc;
        double want =
            -273.15 + 0.0125 * x - 2.5e-7 * pow(x, 2) + 1.5e-12 * pow(x, 3);
        s_assert_close(tt_num(fx->out->recs[0], "adc"), want);
    }
}

static void
test_transform_calibrate_out_keeps_raw_value(void **state)
{
    tt_fixture_t *fx = *state;
    tt_chain(fx, "calibrate vbatt_raw poly=0,0.01 out=vbatt");
    tt_data(fx->rec, "s", 1);
    sym_rec_set_int(fx->rec, "vbatt_raw", 810);
    assert_true(s_kept(fx));
    const sym_rec_t *out = fx->out->recs[0];
    assert_int_equal(out->field_count, 2);
    assert_true(tt_num(out, "vbatt_raw") == 810.0);
    s_assert_close(tt_num(out, "vbatt"), 8.1);
}

static void
test_transform_calibrate_leaves_non_numbers_alone(void **state)
{
    tt_fixture_t *fx = *state;
    tt_chain(fx, "calibrate raw poly=1,2 out=cal");
    tt_data(fx->rec, "s", 1);
    sym_rec_set_str(fx->rec, "raw", "0x1f", 4);
    assert_true(s_kept(fx));
    assert_int_equal(fx->out->recs[0]->field_count, 1);
    assert_string_equal(tt_str(fx->out->recs[0], "raw"), "0x1f");

    tt_data(fx->rec, "s", 2);
    sym_rec_set_int(fx->rec, "other", 5);
    assert_true(s_kept(fx));
    assert_int_equal(fx->out->recs[0]->field_count, 1);

    const char *name = NULL;
    int lineno = 0;
    uint64_t counts[3];
    assert_int_equal(
        transform_chain_step_counts(fx->chain, 0, &name, &lineno, counts),
        SYM_OK);
    assert_string_equal(name, "calibrate");
    assert_int_equal(lineno, 1);
    assert_int_equal(counts[0], 2); /* seen */
    assert_int_equal(counts[2], 2); /* skipped */
}

/* Parse text and check the error message. */
static void
s_assert_parse_error(const char *text, const char *want)
{
    char err[512] = "";
    transform_chain_t *chain =
        transform_chain_parse("demo.steps", text, err, sizeof err);
    if (chain != NULL) {
        transform_chain_destroy(&chain);
        fail_msg("'%s' parsed, expected: %s", text, want);
    }
    if (strcmp(err, want) != 0) {
        fail_msg("for '%s'\n got: %s\nwant: %s", text, err, want);
    }
}

static void
test_transform_parse_errors_name_file_and_line(void **state)
{
    (void) state;
    s_assert_parse_error("# steps\n\nfitler vbatt > 1\n",
                         "demo.steps:3: unknown step 'fitler' (expected "
                         "filter, select, drop, rename, calibrate, enum, "
                         "limitset, limits, dedupe, stale, derive, window, "
                         "route)");
    s_assert_parse_error("select a\ncalibrate raw poly=1,x2\n",
                         "demo.steps:2: calibrate: expected a number in "
                         "poly=, got 'x2'");
    s_assert_parse_error("calibrate raw poly=1,,2",
                         "demo.steps:1: calibrate: expected a number in "
                         "poly=, got ''");
    s_assert_parse_error("limits vbatt red-low=low",
                         "demo.steps:1: limits: expected a number in "
                         "red-low=, got 'low'");
    s_assert_parse_error("dedupe key=a window=0",
                         "demo.steps:1: dedupe: expected a count of "
                         "1-16777216 in window=, got '0'");
}

static void
test_transform_parse_errors_for_missing_arguments(void **state)
{
    (void) state;
    s_assert_parse_error("filter vbatt >",
                         "demo.steps:1: filter: expected FIELD OP VALUE");
    s_assert_parse_error("filter vbatt => 3",
                         "demo.steps:1: filter: expected an operator "
                         "(== != < <= > >=), got '=>'");
    s_assert_parse_error("select", "demo.steps:1: select: expected FIELD...");
    s_assert_parse_error("rename a b=c",
                         "demo.steps:1: rename: expected OLD=NEW, got 'a'");
    s_assert_parse_error("calibrate raw",
                         "demo.steps:1: calibrate: expected poly=c0,c1,... "
                         "or segments=x0:c0,c1,...;x1:... (missing "
                         "argument)");
    s_assert_parse_error("calibrate poly=1,2",
                         "demo.steps:1: calibrate: expected FIELD "
                         "poly=c0,c1,...|segments=x0:c0,c1,...;x1:... "
                         "[out=NAME]");
    s_assert_parse_error("dedupe window=5",
                         "demo.steps:1: dedupe: expected key=F1,F2,... "
                         "[window=N] (missing argument)");
    s_assert_parse_error("limits",
                         "demo.steps:1: limits: expected FIELD [set=NAME] "
                         "[red-low=X] [yellow-low=X] [yellow-high=X] "
                         "[red-high=X] [set=NAME2 ...] [persistence=N]");
    s_assert_parse_error("filter a == \"open",
                         "demo.steps:1: unterminated quote");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
#define S_TEST(name)                                                           \
    cmocka_unit_test_setup_teardown(name, tt_setup, tt_teardown)
        S_TEST(test_transform_filter_keeps_matching_records),
        S_TEST(test_transform_filter_numeric_operators),
        S_TEST(test_transform_filter_compares_text_when_not_both_numeric),
        S_TEST(test_transform_filter_compares_large_integers_exactly),
        S_TEST(test_transform_filter_removes_record_without_field),
        S_TEST(test_transform_filter_nan_is_only_unequal),
        S_TEST(test_transform_select_keeps_listed_fields_in_order),
        S_TEST(test_transform_drop_removes_listed_fields),
        S_TEST(test_transform_rename_moves_values),
        S_TEST(test_transform_calibrate_evaluates_polynomial),
        S_TEST(test_transform_calibrate_out_keeps_raw_value),
        S_TEST(test_transform_calibrate_leaves_non_numbers_alone),
        S_TEST(test_transform_parse_errors_name_file_and_line),
        S_TEST(test_transform_parse_errors_for_missing_arguments),
#undef S_TEST
    };
    return cmocka_run_group_tests_name("transform_steps", tests, NULL, NULL);
}
