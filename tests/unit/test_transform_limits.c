/* test_transform_limits.c: the limits step: flags, alarms on confirmed
 * changes, persistence, state per stream.
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
#define RUN_ID TT_RUN_ID
#define VBATT_LIMITS                                                           \
    "limits vbatt red-low=6.5 yellow-low=7.0 yellow-high=8.3 red-high=8.6"

/* Send one vbatt sample of stream; returns the number of alarms it
 * raised and checks that the data record came out flagged with flag. */
static size_t
s_sample(tt_fixture_t *fx, const char *stream, double vbatt, const char *flag)
{
    tt_collect_clear(fx->out);
    tt_data(fx->rec, stream, ++fx->seq);
    sym_rec_set_double(fx->rec, "vbatt", vbatt);
    assert_int_equal(transform_chain_apply(fx->chain, TOPIC, fx->rec), SYM_OK);
    const sym_rec_t *data = tt_collect_nth(fx->out, SYM_KIND_DATA, 0, NULL);
    assert_non_null(data);
    assert_true(tt_num(data, "vbatt") == vbatt);
    const char *got = tt_str(data, "vbatt.limit");
    if (got == NULL || strcmp(got, flag) != 0) {
        fail_msg("vbatt=%g: flag %s, want %s", vbatt, got ? got : "(none)",
                 flag);
    }
    return fx->out->kinds[SYM_KIND_ALARM];
}

/* Check the last collected alarm. */
static void
s_assert_alarm(tt_fixture_t *fx, uint64_t seq, const char *from, const char *to,
               double value)
{
    const char *topic = NULL;
    const sym_rec_t *alarm = tt_collect_nth(fx->out, SYM_KIND_ALARM, 0, &topic);
    assert_non_null(alarm);
    assert_string_equal(topic, "alarm." TOPIC);
    assert_true(sym_str_eq(alarm->stream, "alarm.t1"));
    assert_int_equal(alarm->epoch, RUN_ID);
    assert_int_equal(alarm->seq, seq);
    assert_int_equal(alarm->event_ns, fx->rec->event_ns);
    assert_int_equal(alarm->ingest_ns, fx->rec->ingest_ns);
    assert_int_equal(alarm->field_count, 8);
    assert_string_equal(tt_str(alarm, "field"), "vbatt");
    assert_string_equal(tt_str(alarm, "from"), from);
    assert_string_equal(tt_str(alarm, "to"), to);
    assert_true(tt_num(alarm, "value") == value);
    assert_string_equal(tt_str(alarm, "set"), "default");
    char stream[256];
    snprintf(stream, sizeof stream, "%.*s", (int) fx->rec->stream.len,
             fx->rec->stream.ptr);
    assert_string_equal(tt_str(alarm, "source_stream"), stream);
    assert_true(tt_num(alarm, "source_epoch") == (double) fx->rec->epoch);
    assert_true(tt_num(alarm, "source_seq") == (double) fx->rec->seq);
}

static void
test_transform_limits_raises_one_alarm_per_crossing(void **state)
{
    tt_fixture_t *fx = *state;
    tt_chain(fx, VBATT_LIMITS);

    assert_int_equal(s_sample(fx, "qb50.tartu", 8.1, "nominal"), 0);
    assert_int_equal(s_sample(fx, "qb50.tartu", 8.4, "yellow-high"), 1);
    s_assert_alarm(fx, 1, "nominal", "yellow-high", 8.4);
    assert_int_equal(s_sample(fx, "qb50.tartu", 8.5, "yellow-high"), 0);
    assert_int_equal(s_sample(fx, "qb50.tartu", 8.7, "red-high"), 1);
    s_assert_alarm(fx, 2, "yellow-high", "red-high", 8.7);
    assert_int_equal(s_sample(fx, "qb50.tartu", 9.9, "red-high"), 0);
    assert_int_equal(s_sample(fx, "qb50.tartu", 8.0, "nominal"), 1);
    s_assert_alarm(fx, 3, "red-high", "nominal", 8.0);
    assert_int_equal(s_sample(fx, "qb50.tartu", 6.9, "yellow-low"), 1);
    s_assert_alarm(fx, 4, "nominal", "yellow-low", 6.9);
    assert_int_equal(s_sample(fx, "qb50.tartu", 6.0, "red-low"), 1);
    s_assert_alarm(fx, 5, "yellow-low", "red-low", 6.0);

    transform_chain_stats_t stats;
    transform_chain_stats(fx->chain, &stats);
    assert_int_equal(stats.alarms, 5);
    assert_int_equal(stats.data_out, 8);
}

static void
test_transform_limits_no_alarm_while_state_holds(void **state)
{
    tt_fixture_t *fx = *state;
    tt_chain(fx, VBATT_LIMITS);
    for (int i = 0; i < 50; i++) {
        assert_int_equal(s_sample(fx, "s", 7.5 + 0.01 * i, "nominal"), 0);
    }
    /* Exactly on a threshold is still inside it. */
    assert_int_equal(s_sample(fx, "s", 8.3, "nominal"), 0);
    assert_int_equal(s_sample(fx, "s", 7.0, "nominal"), 0);
}

static void
test_transform_limits_first_red_sample_is_a_change(void **state)
{
    tt_fixture_t *fx = *state;
    tt_chain(fx, VBATT_LIMITS);
    assert_int_equal(s_sample(fx, "s", 5.0, "red-low"), 1);
    s_assert_alarm(fx, 1, "nominal", "red-low", 5.0);
}

static void
test_transform_limits_persistence_needs_consecutive_samples(void **state)
{
    tt_fixture_t *fx = *state;
    tt_chain(fx, VBATT_LIMITS " persistence=3");

    /* Two high samples, then nominal: the count starts over. */
    assert_int_equal(s_sample(fx, "s", 8.4, "nominal"), 0);
    assert_int_equal(s_sample(fx, "s", 8.4, "nominal"), 0);
    assert_int_equal(s_sample(fx, "s", 8.0, "nominal"), 0);
    assert_int_equal(s_sample(fx, "s", 8.4, "nominal"), 0);
    assert_int_equal(s_sample(fx, "s", 8.4, "nominal"), 0);
    assert_int_equal(s_sample(fx, "s", 8.4, "yellow-high"), 1);
    s_assert_alarm(fx, 1, "nominal", "yellow-high", 8.4);
    assert_int_equal(s_sample(fx, "s", 8.4, "yellow-high"), 0);

    /* A different state in between restarts the count too. */
    assert_int_equal(s_sample(fx, "s", 8.7, "yellow-high"), 0);
    assert_int_equal(s_sample(fx, "s", 8.7, "yellow-high"), 0);
    assert_int_equal(s_sample(fx, "s", 6.0, "yellow-high"), 0);
    assert_int_equal(s_sample(fx, "s", 8.0, "yellow-high"), 0);
    assert_int_equal(s_sample(fx, "s", 8.0, "yellow-high"), 0);
    assert_int_equal(s_sample(fx, "s", 8.0, "nominal"), 1);
    s_assert_alarm(fx, 2, "yellow-high", "nominal", 8.0);
}

static void
test_transform_limits_keeps_state_per_stream(void **state)
{
    tt_fixture_t *fx = *state;
    tt_chain(fx, VBATT_LIMITS);
    assert_int_equal(s_sample(fx, "qb50.tartu", 8.7, "red-high"), 1);
    s_assert_alarm(fx, 1, "nominal", "red-high", 8.7);
    /* Another stream starts nominal, whatever the first one does. */
    assert_int_equal(s_sample(fx, "qb50.aalto", 8.1, "nominal"), 0);
    assert_int_equal(s_sample(fx, "qb50.tartu", 8.8, "red-high"), 0);
    assert_int_equal(s_sample(fx, "qb50.aalto", 8.7, "red-high"), 1);
    s_assert_alarm(fx, 2, "nominal", "red-high", 8.7);
    assert_int_equal(s_sample(fx, "qb50.tartu", 8.0, "nominal"), 1);
    s_assert_alarm(fx, 3, "red-high", "nominal", 8.0);
    assert_int_equal(s_sample(fx, "qb50.aalto", 8.7, "red-high"), 0);
}

static void
test_transform_limits_with_some_thresholds_only(void **state)
{
    tt_fixture_t *fx = *state;
    tt_chain(fx, "limits vbatt red-high=8.6");
    assert_int_equal(s_sample(fx, "s", -100.0, "nominal"), 0);
    assert_int_equal(s_sample(fx, "s", 8.61, "red-high"), 1);
    s_assert_alarm(fx, 1, "nominal", "red-high", 8.61);
}

static void
test_transform_limits_skips_missing_and_text_values(void **state)
{
    tt_fixture_t *fx = *state;
    tt_chain(fx, VBATT_LIMITS);
    tt_data(fx->rec, "s", 1);
    sym_rec_set_str(fx->rec, "vbatt", "n/a", 3);
    assert_int_equal(transform_chain_apply(fx->chain, TOPIC, fx->rec), SYM_OK);
    tt_data(fx->rec, "s", 2);
    sym_rec_set_int(fx->rec, "ibatt", 1);
    assert_int_equal(transform_chain_apply(fx->chain, TOPIC, fx->rec), SYM_OK);

    assert_int_equal(fx->out->count, 2);
    assert_int_equal(fx->out->kinds[SYM_KIND_DATA], 2);
    assert_int_equal(fx->out->recs[0]->field_count, 1);
    assert_int_equal(fx->out->recs[1]->field_count, 1);
    transform_chain_stats_t stats;
    transform_chain_stats(fx->chain, &stats);
    assert_int_equal(stats.skipped, 2);
    assert_int_equal(stats.alarms, 0);

    /* Decimal text counts as a number. */
    assert_int_equal(s_sample(fx, "s", 8.1, "nominal"), 0);
    tt_collect_clear(fx->out);
    tt_data(fx->rec, "s", 3);
    sym_rec_set_str(fx->rec, "vbatt", "9.0", 3);
    assert_int_equal(transform_chain_apply(fx->chain, TOPIC, fx->rec), SYM_OK);
    assert_int_equal(fx->out->kinds[SYM_KIND_ALARM], 1);
}

static void
test_transform_limits_rejects_bad_settings(void **state)
{
    (void) state;
    static const struct {
        const char *text;
        const char *want;
    } cases[] = {
        {"limits vbatt yellow-low=7 red-low=8",
         "t:1: limits: expected red-low <= yellow-low"},
        {"limits vbatt yellow-high=9 red-high=8.6",
         "t:1: limits: expected yellow-high <= red-high"},
        {"limits vbatt persistence=2",
         "t:1: limits: expected at least one of red-low=, yellow-low=, "
         "yellow-high=, red-high="},
        {"limits vbatt red-high=8 persistence=0",
         "t:1: limits: expected a count of 1-1000000 in persistence=, got "
         "'0'"},
        {"limits vbatt red-high=8 green=1",
         "t:1: limits: expected set=, red-low=, yellow-low=, yellow-high=, "
         "red-high= or persistence=, got 'green=1'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char err[512] = "";
        transform_chain_t *chain =
            transform_chain_parse("t", cases[i].text, err, sizeof err);
        assert_null(chain);
        assert_string_equal(err, cases[i].want);
    }
}

#define MODE_SETS                                                              \
    "limitset mode map=0:safe,1:nominal default=nominal\n"                     \
    "limits vbatt set=nominal red-low=6.5 yellow-low=7.0 yellow-high=8.3 "     \
    "red-high=8.6 set=safe red-low=6.0 yellow-low=6.2 yellow-high=8.0 "        \
    "red-high=8.2 persistence=2"

/* Send a vbatt sample with mode (none when mode < 0); returns the alarms
 * it raised and checks the flag and the set the record was given. */
static size_t
s_sample_mode(tt_fixture_t *fx, const char *stream, int mode, double vbatt,
              const char *flag, const char *set)
{
    tt_collect_clear(fx->out);
    tt_data(fx->rec, stream, ++fx->seq);
    if (mode >= 0) {
        sym_rec_set_int(fx->rec, "mode", mode);
    }
    sym_rec_set_double(fx->rec, "vbatt", vbatt);
    assert_int_equal(transform_chain_apply(fx->chain, TOPIC, fx->rec), SYM_OK);
    const sym_rec_t *data = tt_collect_nth(fx->out, SYM_KIND_DATA, 0, NULL);
    assert_non_null(data);
    assert_string_equal(tt_str(data, "vbatt.limit"), flag);
    assert_string_equal(tt_str(data, "limitset"), set);
    return fx->out->kinds[SYM_KIND_ALARM];
}

static void
s_assert_set_alarm(tt_fixture_t *fx, const char *set, const char *from,
                   const char *to)
{
    const sym_rec_t *alarm = tt_collect_nth(fx->out, SYM_KIND_ALARM, 0, NULL);
    assert_non_null(alarm);
    assert_string_equal(tt_str(alarm, "set"), set);
    assert_string_equal(tt_str(alarm, "from"), from);
    assert_string_equal(tt_str(alarm, "to"), to);
}

static void
test_transform_limits_switch_sets_with_mode(void **state)
{
    tt_fixture_t *fx = *state;
    tt_chain(fx, MODE_SETS);

    assert_int_equal(s_sample_mode(fx, "s", 1, 8.1, "nominal", "nominal"), 0);
    assert_int_equal(s_sample_mode(fx, "s", -1, 8.1, "nominal", "nominal"), 0);
    /* Safe mode: 8.1 is above safe's yellow-high; persistence 2 holds the
     * change back one sample, and a record without a mode keeps the
     * stream's last mode. */
    assert_int_equal(s_sample_mode(fx, "s", 0, 8.1, "nominal", "safe"), 0);
    assert_int_equal(s_sample_mode(fx, "s", -1, 8.1, "yellow-high", "safe"), 1);
    s_assert_set_alarm(fx, "safe", "nominal", "yellow-high");
    assert_int_equal(s_sample_mode(fx, "s", -1, 8.1, "yellow-high", "safe"), 0);
    /* Back to nominal mode: the same value is nominal again. */
    assert_int_equal(s_sample_mode(fx, "s", 1, 8.1, "yellow-high", "nominal"),
                     0);
    assert_int_equal(s_sample_mode(fx, "s", 1, 8.1, "nominal", "nominal"), 1);
    s_assert_set_alarm(fx, "nominal", "yellow-high", "nominal");

    /* Another stream has no mode yet: default=. */
    assert_int_equal(s_sample_mode(fx, "t", -1, 8.1, "nominal", "nominal"), 0);
    /* An unmapped mode uses default= too. */
    assert_int_equal(s_sample_mode(fx, "s", 5, 8.1, "nominal", "nominal"), 0);
}

static void
test_transform_limits_record_without_set_uses_first(void **state)
{
    tt_fixture_t *fx = *state;
    tt_chain(fx, "limits vbatt set=nominal red-high=8.6 set=safe red-high=8.2");
    tt_data(fx->rec, "s", ++fx->seq);
    sym_rec_set_double(fx->rec, "vbatt", 8.4);
    assert_int_equal(transform_chain_apply(fx->chain, TOPIC, fx->rec), SYM_OK);
    assert_int_equal(fx->out->kinds[SYM_KIND_ALARM], 0);
    tt_data(fx->rec, "s", ++fx->seq);
    sym_rec_set_double(fx->rec, "vbatt", 8.4);
    sym_rec_set_str(fx->rec, "limitset", "safe", 4);
    assert_int_equal(transform_chain_apply(fx->chain, TOPIC, fx->rec), SYM_OK);
    s_assert_set_alarm(fx, "safe", "nominal", "red-high");
}

static void
test_transform_limits_rejects_bad_sets(void **state)
{
    (void) state;
    static const struct {
        const char *text;
        const char *want;
    } cases[] = {
        {"limits v set=a red-high=1 set=a red-high=2",
         "t:1: limits: set 'a' given twice"},
        {"limits v set=a red-high=1 set=b",
         "t:1: limits: expected at least one of red-low=, yellow-low=, "
         "yellow-high=, red-high= in set b"},
        {"limits v set=a red-high=1 set=b red-low=3 red-high=2",
         "t:1: limits: expected red-low <= red-high in set b"},
        {"limitset mode default=x",
         "t:1: limitset: expected map=MODE:SET,... (missing argument)"},
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
        S_TEST(test_transform_limits_raises_one_alarm_per_crossing),
        S_TEST(test_transform_limits_no_alarm_while_state_holds),
        S_TEST(test_transform_limits_first_red_sample_is_a_change),
        S_TEST(test_transform_limits_persistence_needs_consecutive_samples),
        S_TEST(test_transform_limits_keeps_state_per_stream),
        S_TEST(test_transform_limits_with_some_thresholds_only),
        S_TEST(test_transform_limits_skips_missing_and_text_values),
        S_TEST(test_transform_limits_rejects_bad_settings),
        S_TEST(test_transform_limits_switch_sets_with_mode),
        S_TEST(test_transform_limits_record_without_set_uses_first),
        S_TEST(test_transform_limits_rejects_bad_sets),
#undef S_TEST
    };
    return cmocka_run_group_tests_name("transform_limits", tests, NULL, NULL);
}
