/* test_transform_derive.c: the derive step: Lua expressions over the
 * record's fields, their errors, and the sandbox.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "sym_err.h"
#include "sym_rec.h"
#include "test_transform_collect.h"
#include "transform_chain.h"

#define TOPIC "tlm.qb50.tartu"

/* A fresh record with the usual fields. */
static sym_rec_t *
s_record(tt_fixture_t *fx)
{
    tt_data(fx->rec, "qb50.tartu", ++fx->seq);
    sym_rec_set_double(fx->rec, "vbatt", 7.5);
    sym_rec_set_double(fx->rec, "ibatt", 0.25);
    sym_rec_set_int(fx->rec, "a", 2);
    sym_rec_set_int(fx->rec, "b", 3);
    sym_rec_set_str(fx->rec, "station", "tartu", 5);
    return fx->rec;
}

/* Run the record; returns the data record that came out. */
static const sym_rec_t *
s_run(tt_fixture_t *fx)
{
    tt_collect_clear(fx->out);
    assert_int_equal(transform_chain_apply(fx->chain, TOPIC, fx->rec), SYM_OK);
    assert_int_equal(fx->out->count, 1);
    const sym_rec_t *data = tt_collect_nth(fx->out, SYM_KIND_DATA, 0, NULL);
    assert_non_null(data);
    return data;
}

static uint64_t
s_skipped(tt_fixture_t *fx)
{
    transform_chain_stats_t stats;
    transform_chain_stats(fx->chain, &stats);
    return stats.skipped;
}

static void
test_transform_derive_computes_fields(void **state)
{
    tt_fixture_t *fx = *state;
    tt_chain(fx, "derive power = vbatt * ibatt\n"
                 "derive sum = a + b\n"
                 "derive low = vbatt < 7\n"
                 "derive label = 'st-' .. station\n"
                 "derive root = math.sqrt(power * 4 / 1.875 * 4)\n");
    s_record(fx);
    const sym_rec_t *data = s_run(fx);
    const sym_val_t *power = sym_rec_get_const(data, "power", 5);
    assert_non_null(power);
    assert_int_equal(power->type, SYM_VAL_FLOAT);
    assert_true(power->as.f == 1.875);
    const sym_val_t *sum = sym_rec_get_const(data, "sum", 3);
    assert_int_equal(sum->type, SYM_VAL_INT);
    assert_int_equal(sum->as.i, 5);
    const sym_val_t *low = sym_rec_get_const(data, "low", 3);
    assert_int_equal(low->type, SYM_VAL_BOOL);
    assert_false(low->as.b);
    assert_string_equal(tt_str(data, "label"), "st-tartu");
    assert_true(tt_num(data, "root") == 4.0);
    assert_int_equal(s_skipped(fx), 0);
}

static void
test_transform_derive_sees_only_this_records_fields(void **state)
{
    tt_fixture_t *fx = *state;
    tt_chain(fx, "derive copy = extra\n");
    s_record(fx);
    sym_rec_set_int(fx->rec, "extra", 42);
    assert_true(tt_num(s_run(fx), "copy") == 42);
    /* The next record has no "extra": nil, so no field and a skip. */
    s_record(fx);
    assert_null(sym_rec_get_const(s_run(fx), "copy", 4));
    assert_int_equal(s_skipped(fx), 1);
    /* Names that are not identifiers are reached through _ENV. */
    transform_chain_destroy(&fx->chain);
    tt_chain(fx, "derive v = _ENV['vbatt.raw'] + 1\n");
    s_record(fx);
    sym_rec_set_int(fx->rec, "vbatt.raw", 9);
    assert_true(tt_num(s_run(fx), "v") == 10);
}

static void
test_transform_derive_runtime_error_leaves_record(void **state)
{
    tt_fixture_t *fx = *state;
    tt_chain(fx, "derive power = vbatt * missing\nderive ok = a * 10\n");
    s_record(fx);
    const sym_rec_t *data = s_run(fx);
    assert_null(sym_rec_get_const(data, "power", 5));
    assert_int_equal(data->field_count, 6);
    assert_true(tt_num(data, "ok") == 20);
    assert_int_equal(s_skipped(fx), 1);
    s_record(fx);
    s_run(fx);
    assert_int_equal(s_skipped(fx), 2);
}

static void
test_transform_derive_sandbox_has_no_os_or_io(void **state)
{
    tt_fixture_t *fx = *state;
    tt_chain(fx, "derive gone = os.exit(3)\n"
                 "derive kinds = type(io) .. type(load) .. type(require) .. "
                 "type(pcall) .. type(dofile) .. type(string.find) .. "
                 "type(math.floor)\n");
    s_record(fx);
    const sym_rec_t *data = s_run(fx);
    /* Still here: os.exit was not called. */
    assert_null(sym_rec_get_const(data, "gone", 4));
    assert_string_equal(tt_str(data, "kinds"), "nilnilnilnilnilnilfunction");
    assert_int_equal(s_skipped(fx), 1);
}

static void
test_transform_derive_stops_runaway_expressions(void **state)
{
    tt_fixture_t *fx = *state;
    tt_chain(fx, "derive spin = (function() while true do end end)()\n"
                 "derive big = string.rep('x', 100000000)\n"
                 "derive grow = (function() local t = {} for i = 1, 1e9 do "
                 "t[i] = i end end)()\n"
                 "derive after = a + 1\n");
    for (int i = 0; i < 3; i++) {
        s_record(fx);
        const sym_rec_t *data = s_run(fx);
        assert_null(sym_rec_get_const(data, "spin", 4));
        assert_null(sym_rec_get_const(data, "big", 3));
        assert_null(sym_rec_get_const(data, "grow", 4));
        assert_true(tt_num(data, "after") == 3);
    }
    assert_int_equal(s_skipped(fx), 9);
}

static void
test_transform_derive_syntax_errors_name_the_line(void **state)
{
    (void) state;
    static const struct {
        const char *text;
        const char *want;
    } cases[] = {
        {"select a\nderive p = vbatt *\n",
         "t:2: derive: expression: unexpected symbol near <eof>"},
        {"derive p = 1 2", "t:1: derive: expression: <eof> expected near '2'"},
        {"derive p vbatt",
         "t:1: derive: expected NAME = EXPR (a Lua 5.4 expression over the "
         "record's fields)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char err[512] = "";
        transform_chain_t *chain =
            transform_chain_parse("t", cases[i].text, err, sizeof err);
        assert_null(chain);
        assert_string_equal(err, cases[i].want);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
#define S_TEST(name)                                                           \
    cmocka_unit_test_setup_teardown(name, tt_setup, tt_teardown)
        S_TEST(test_transform_derive_computes_fields),
        S_TEST(test_transform_derive_sees_only_this_records_fields),
        S_TEST(test_transform_derive_runtime_error_leaves_record),
        S_TEST(test_transform_derive_sandbox_has_no_os_or_io),
        S_TEST(test_transform_derive_stops_runaway_expressions),
        S_TEST(test_transform_derive_syntax_errors_name_the_line),
#undef S_TEST
    };
    return cmocka_run_group_tests_name("transform_derive", tests, NULL, NULL);
}
