/* test_transform_chain.c: a chain as a whole: steps in order, records
 * that skip the steps, emit failures, files, and the demo steps on real
 * beacon rows.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sym_err.h"
#include "sym_rec.h"
#include "test_transform_collect.h"
#include "transform_chain.h"

#define TOPIC "tlm.qb50.opencosmos"

static void
s_apply(tt_fixture_t *fx, const char *topic)
{
    assert_int_equal(transform_chain_apply(fx->chain, topic, fx->rec), SYM_OK);
}

static void
test_transform_chain_runs_steps_in_file_order(void **state)
{
    tt_fixture_t *fx = *state;
    tt_chain(fx, "# housekeeping\n"
                 "rename vbatt_raw=vbatt\n"
                 "calibrate vbatt poly=0,0.01\n"
                 "\n"
                 "filter vbatt > 7.0   # drop brown-outs\n"
                 "select vbatt\n");
    assert_int_equal(transform_chain_size(fx->chain), 4);

    tt_data(fx->rec, "qb50.opencosmos", 1);
    sym_rec_set_int(fx->rec, "vbatt_raw", 810);
    sym_rec_set_int(fx->rec, "mode", 0);
    s_apply(fx, TOPIC);
    tt_data(fx->rec, "qb50.opencosmos", 2);
    sym_rec_set_int(fx->rec, "vbatt_raw", 300);
    s_apply(fx, TOPIC);

    assert_int_equal(fx->out->count, 2);
    const sym_rec_t *data = fx->out->recs[0];
    assert_int_equal(data->kind, SYM_KIND_DATA);
    assert_int_equal(data->field_count, 1);
    assert_true(tt_num(data, "vbatt") > 8.0999 &&
                tt_num(data, "vbatt") < 8.1001);
    assert_int_equal(fx->out->recs[1]->kind, SYM_KIND_REMOVED);
    assert_int_equal(fx->out->recs[1]->seq, 2);

    const char *name = NULL;
    int lineno = 0;
    uint64_t counts[3];
    assert_int_equal(
        transform_chain_step_counts(fx->chain, 2, &name, &lineno, counts),
        SYM_OK);
    assert_string_equal(name, "filter");
    assert_int_equal(lineno, 5);
    assert_int_equal(counts[0], 2);
    assert_int_equal(counts[1], 1);
    assert_int_equal(
        transform_chain_step_counts(fx->chain, 4, &name, &lineno, counts),
        SYM_ENOTFOUND);
}

static void
test_transform_chain_forwards_other_kinds_unchanged(void **state)
{
    tt_fixture_t *fx = *state;
    /* A filter that would remove every data record. */
    tt_chain(fx, "filter never == 1\ndrop reason field\n");

    static const sym_kind_t kinds[] = {SYM_KIND_EOS, SYM_KIND_REMOVED,
                                       SYM_KIND_ALARM};
    for (size_t i = 0; i < 3; i++) {
        tt_data(fx->rec, "qb50.opencosmos", 10 + i);
        fx->rec->kind = kinds[i];
        sym_rec_set_str(fx->rec, "reason", "dedupe", 6);
        sym_rec_set_str(fx->rec, "field", "vbatt", 5);
        s_apply(fx, i == 2 ? "alarm." TOPIC : TOPIC);
    }
    assert_int_equal(fx->out->count, 3);
    for (size_t i = 0; i < 3; i++) {
        const sym_rec_t *rec = fx->out->recs[i];
        assert_int_equal(rec->kind, kinds[i]);
        assert_int_equal(rec->seq, 10 + i);
        assert_int_equal(rec->field_count, 2);
        assert_string_equal(fx->out->topics[i],
                            i == 2 ? "alarm." TOPIC : TOPIC);
    }

    transform_chain_stats_t stats;
    transform_chain_stats(fx->chain, &stats);
    assert_int_equal(stats.forwarded, 3);
    assert_int_equal(stats.data_in, 0);
    assert_int_equal(stats.removed, 0);
}

static void
test_transform_chain_ignores_stats_records(void **state)
{
    tt_fixture_t *fx = *state;
    tt_chain(fx, "");
    tt_data(fx->rec, "stats.transform", 1);
    fx->rec->kind = SYM_KIND_STATS;
    sym_rec_set_int(fx->rec, "received", 5);
    s_apply(fx, "stats.transform");
    assert_int_equal(fx->out->count, 0);

    /* Without steps, data passes through untouched. */
    tt_data(fx->rec, "qb50.opencosmos", 1);
    sym_rec_set_int(fx->rec, "mode", 3);
    s_apply(fx, TOPIC);
    assert_int_equal(fx->out->count, 1);
    assert_true(tt_num(fx->out->recs[0], "mode") == 3.0);
    transform_chain_stats_t stats;
    transform_chain_stats(fx->chain, &stats);
    assert_int_equal(stats.ignored, 1);
    assert_int_equal(stats.data_out, 1);
}

static void
test_transform_chain_returns_emit_failure(void **state)
{
    tt_fixture_t *fx = *state;
    tt_chain(fx, "limits v red-high=1\n");
    fx->out->fail_with = SYM_ECLOSED;
    tt_data(fx->rec, "s", 1);
    sym_rec_set_int(fx->rec, "v", 0);
    assert_int_equal(transform_chain_apply(fx->chain, TOPIC, fx->rec),
                     SYM_ECLOSED);
    /* The alarm send fails first and stops the chain. */
    tt_data(fx->rec, "s", 2);
    sym_rec_set_int(fx->rec, "v", 5);
    assert_int_equal(transform_chain_apply(fx->chain, TOPIC, fx->rec),
                     SYM_ECLOSED);
}

static void
test_transform_chain_origin_name_is_checked(void **state)
{
    tt_fixture_t *fx = *state;
    tt_chain(fx, "");
    char name[300];
    memset(name, 'n', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    assert_int_equal(transform_chain_set_origin(fx->chain, name, 1),
                     SYM_EINVAL);
}

static void
test_transform_chain_loads_file(void **state)
{
    (void) state;
    char path[] = "/tmp/test_transform_chain_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char *text = "select a\nlimits a red-high=x\n";
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t) strlen(text));
    close(fd);

    char err[512] = "";
    transform_chain_t *chain = transform_chain_load(path, err, sizeof err);
    assert_null(chain);
    char want[600];
    snprintf(want, sizeof want,
             "%s:2: limits: expected a number in red-high=, got 'x'", path);
    assert_string_equal(err, want);
    unlink(path);

    chain = transform_chain_load(path, err, sizeof err);
    assert_null(chain);
    assert_non_null(strstr(err, "cannot open"));
}

/* Rows 3592-3597 of the QB50 SE01 beacon file: two duplicates, a
 * brown-out (vbatt 3.0 and the -15 sentinel temperatures). */
static const char *const s_beacon_rows[] = {
    "opencosmos,2017-06-07T15:30:20Z,2017-06-07T15:30:42Z,0,8.200,0.134,"
    "0.150,0.000,-15.000,12.000,10.000,0x00,0x00,0x00,\"~OPEN COSMOS~\"",
    "opencosmos,2017-06-07T15:30:30Z,2017-06-07T15:30:52Z,0,8.200,0.126,"
    "0.125,0.000,-15.000,12.000,10.000,0x00,0x00,0x00,\"~OPEN COSMOS~\"",
    "opencosmos,2017-06-07T15:30:30Z,2017-06-07T15:30:52Z,0,8.200,0.126,"
    "0.125,0.000,-15.000,12.000,10.000,0x00,0x00,0x00,\"~OPEN COSMOS~\"",
    "opencosmos,2017-06-07T15:30:40Z,2017-06-07T15:31:02Z,0,3.000,-1.000,"
    "0.000,0.000,-15.000,-15.000,-15.000,0x00,0x00,0x00,\"~OPEN COSMOS~\"",
    "opencosmos,2017-06-07T15:30:40Z,2017-06-07T15:31:02Z,0,3.000,-1.000,"
    "0.000,0.000,-15.000,-15.000,-15.000,0x00,0x00,0x00,\"~OPEN COSMOS~\"",
    "opencosmos,2017-06-07T15:30:50Z,2017-06-07T15:31:12Z,0,3.000,-1.000,"
    "0.000,0.000,-15.000,-15.000,-15.000,0x00,0x00,0x00,\"~OPEN COSMOS~\"",
};

static const char *const s_columns[] = {
    "source",    "passtime", "time",      "mode",      "vbatt",
    "ibatt",     "ibus3v3",  "ibus5v0",   "comm_temp", "eps_temp",
    "batt_temp", "power",    "service_e", "service_r", "byline",
};

/* Set a CSV value as an ingest would type it: whole numbers as ints,
 * decimals as floats, quoted values as text without the quotes, and the
 * rest (times, 0x.. labels) as text. */
static void
s_set_typed(sym_rec_t *rec, const char *name, const char *value)
{
    size_t len = strlen(value);
    char *end = NULL;
    if (len >= 2 && value[0] == '"') {
        sym_rec_set_str(rec, name, value + 1, len - 2);
        return;
    }
    long long whole = strtoll(value, &end, 10);
    if (len > 0 && *end == '\0') {
        sym_rec_set_int(rec, name, whole);
        return;
    }
    double number = strtod(value, &end);
    if (len > 0 && *end == '\0' && strchr(value, 'x') == NULL) {
        sym_rec_set_double(rec, name, number);
        return;
    }
    sym_rec_set_str(rec, name, value, len);
}

static void
s_beacon(sym_rec_t *rec, const char *row, uint64_t seq)
{
    tt_data(rec, "qb50.opencosmos", seq);
    char copy[512];
    snprintf(copy, sizeof copy, "%s", row);
    char *cursor = copy;
    for (size_t i = 0; i < 15; i++) {
        const char *value = strsep(&cursor, ",");
        assert_non_null(value);
        s_set_typed(rec, s_columns[i], value);
    }
    assert_null(cursor);
}

static void
test_transform_chain_demo_steps_on_beacons(void **state)
{
    tt_fixture_t *fx = *state;
    tt_chain(fx, "limits vbatt red-low=6.5 yellow-low=7.0 yellow-high=8.3 "
                 "red-high=8.6\n"
                 "limits batt_temp red-low=-10 yellow-low=0 yellow-high=40 "
                 "red-high=50\n"
                 "limits comm_temp red-low=-20 yellow-low=-10 yellow-high=50 "
                 "red-high=60\n"
                 "dedupe key=time,mode,vbatt,ibatt,ibus3v3,ibus5v0,comm_temp,"
                 "eps_temp,batt_temp,power,service_e,service_r,byline\n");
    for (size_t i = 0; i < 6; i++) {
        s_beacon(fx->rec, s_beacon_rows[i], 3592 + i);
        s_apply(fx, TOPIC);
    }
    assert_int_equal(fx->out->kinds[SYM_KIND_DATA], 4);
    assert_int_equal(fx->out->kinds[SYM_KIND_REMOVED], 2);
    assert_int_equal(fx->out->kinds[SYM_KIND_ALARM], 3);

    /* The sentinel -15 of comm_temp is yellow-low from the first row. */
    const char *topic = NULL;
    const sym_rec_t *alarm = tt_collect_nth(fx->out, SYM_KIND_ALARM, 0, &topic);
    assert_string_equal(topic, "alarm." TOPIC);
    assert_string_equal(tt_str(alarm, "field"), "comm_temp");
    assert_string_equal(tt_str(alarm, "to"), "yellow-low");
    assert_int_equal(alarm->seq, 1);
    assert_int_equal(alarm->epoch, TT_RUN_ID);
    assert_true(tt_num(alarm, "source_seq") == 3592.0);
    alarm = tt_collect_nth(fx->out, SYM_KIND_ALARM, 1, NULL);
    assert_string_equal(tt_str(alarm, "field"), "vbatt");
    assert_string_equal(tt_str(alarm, "to"), "red-low");
    assert_true(tt_num(alarm, "source_seq") == 3595.0);
    alarm = tt_collect_nth(fx->out, SYM_KIND_ALARM, 2, NULL);
    assert_string_equal(tt_str(alarm, "field"), "batt_temp");
    assert_string_equal(tt_str(alarm, "to"), "red-low");
    assert_int_equal(alarm->seq, 3);

    const sym_rec_t *removed =
        tt_collect_nth(fx->out, SYM_KIND_REMOVED, 1, NULL);
    assert_int_equal(removed->seq, 3596);
    const sym_rec_t *last = tt_collect_nth(fx->out, SYM_KIND_DATA, 3, NULL);
    assert_int_equal(last->seq, 3597);
    assert_string_equal(tt_str(last, "vbatt.limit"), "red-low");
    assert_string_equal(tt_str(last, "batt_temp.limit"), "red-low");
    assert_string_equal(tt_str(last, "comm_temp.limit"), "yellow-low");
    assert_string_equal(tt_str(last, "byline"), "~OPEN COSMOS~");
    assert_int_equal(last->field_count, 15 + 3);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
#define S_TEST(name)                                                           \
    cmocka_unit_test_setup_teardown(name, tt_setup, tt_teardown)
        S_TEST(test_transform_chain_runs_steps_in_file_order),
        S_TEST(test_transform_chain_forwards_other_kinds_unchanged),
        S_TEST(test_transform_chain_ignores_stats_records),
        S_TEST(test_transform_chain_returns_emit_failure),
        S_TEST(test_transform_chain_origin_name_is_checked),
        S_TEST(test_transform_chain_loads_file),
        S_TEST(test_transform_chain_demo_steps_on_beacons),
#undef S_TEST
    };
    return cmocka_run_group_tests_name("transform_chain", tests, NULL, NULL);
}
