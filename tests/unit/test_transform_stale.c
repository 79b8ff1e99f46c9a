/* test_transform_stale.c: the stale step: one alarm when a stream falls
 * silent, one when it comes back, on a clock the test drives.
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

#define RUN_ID TT_RUN_ID
#define T0 1750000000000000000LL
#define MS 1000000LL

/* A record of stream on topic arriving at T0 + at_ms. */
static void
s_record(tt_fixture_t *fx, const char *stream, const char *topic, int64_t at_ms)
{
    fx->now_ns = T0 + at_ms * MS;
    tt_data(fx->rec, stream, ++fx->seq);
    sym_rec_set_int(fx->rec, "x", 1);
    assert_int_equal(transform_chain_apply(fx->chain, topic, fx->rec), SYM_OK);
}

/* Tick at T0 + at_ms; returns the alarms raised. */
static size_t
s_tick(tt_fixture_t *fx, int64_t at_ms)
{
    tt_collect_clear(fx->out);
    assert_int_equal(transform_chain_tick(fx->chain, T0 + at_ms * MS), SYM_OK);
    return fx->out->kinds[SYM_KIND_ALARM];
}

/* Find the alarm about stream among those collected. */
static const sym_rec_t *
s_alarm_of(tt_fixture_t *fx, const char *stream, const char **topic)
{
    for (size_t i = 0; i < fx->out->kinds[SYM_KIND_ALARM]; i++) {
        const sym_rec_t *alarm =
            tt_collect_nth(fx->out, SYM_KIND_ALARM, i, topic);
        const char *name = tt_str(alarm, "stream");
        if (name && strcmp(name, stream) == 0) {
            return alarm;
        }
    }
    fail_msg("no alarm about %s", stream);
    return NULL;
}

static void
test_transform_stale_alarms_once_and_recovers(void **state)
{
    tt_fixture_t *fx = *state;
    tt_chain(fx, "stale timeout-ms=5000");
    s_record(fx, "qb50.a", "tlm.a", 0);
    s_record(fx, "qb50.b", "tlm.b", 0);

    assert_int_equal(s_tick(fx, 4999), 0);
    assert_int_equal(s_tick(fx, 5000), 2);
    const char *topic = NULL;
    const sym_rec_t *alarm = s_alarm_of(fx, "qb50.a", &topic);
    assert_string_equal(topic, "alarm.tlm.a");
    assert_true(sym_str_eq(alarm->stream, "alarm.t1"));
    assert_int_equal(alarm->epoch, RUN_ID);
    assert_int_equal(alarm->event_ns, T0 + 5000 * MS);
    assert_string_equal(tt_str(alarm, "state"), "stale");
    assert_true(tt_num(alarm, "last_seen") == (double) T0);
    assert_true(tt_num(alarm, "silence_ms") == 5000);
    assert_null(sym_rec_get_const(alarm, "source_stream", 13));
    alarm = s_alarm_of(fx, "qb50.b", &topic);
    assert_string_equal(topic, "alarm.tlm.b");
    /* The two alarms are numbered 1 and 2, in either order. */
    assert_int_equal(fx->out->recs[0]->seq + fx->out->recs[1]->seq, 3);

    /* Still silent: no second alarm. */
    assert_int_equal(s_tick(fx, 6000), 0);
    assert_int_equal(s_tick(fx, 60000), 0);

    /* a comes back: one recovery alarm, then the record itself. */
    tt_collect_clear(fx->out);
    s_record(fx, "qb50.a", "tlm.a", 61000);
    assert_int_equal(fx->out->count, 2);
    alarm = tt_collect_nth(fx->out, SYM_KIND_ALARM, 0, &topic);
    assert_string_equal(topic, "alarm.tlm.a");
    assert_string_equal(tt_str(alarm, "state"), "fresh");
    assert_string_equal(tt_str(alarm, "stream"), "qb50.a");
    assert_true(tt_num(alarm, "silence_ms") == 61000);
    assert_string_equal(tt_str(alarm, "source_stream"), "qb50.a");
    assert_int_equal(alarm->seq, 3);
    assert_int_equal(fx->out->kinds[SYM_KIND_DATA], 1);

    /* Records keep it fresh; silence makes it stale again. */
    s_record(fx, "qb50.a", "tlm.a", 64000);
    assert_int_equal(s_tick(fx, 68999), 0);
    assert_int_equal(s_tick(fx, 69000), 1);
    assert_string_equal(tt_str(fx->out->recs[0], "stream"), "qb50.a");
}

static void
test_transform_stale_watches_topic_prefix_only(void **state)
{
    tt_fixture_t *fx = *state;
    tt_chain(fx, "stale timeout-ms=1000 topic=tlm.a");
    s_record(fx, "qb50.a", "tlm.a.hk", 0);
    s_record(fx, "qb50.b", "tlm.b.hk", 0);
    assert_int_equal(s_tick(fx, 1000), 1);
    assert_string_equal(tt_str(fx->out->recs[0], "stream"), "qb50.a");
    assert_string_equal(fx->out->topics[0], "alarm.tlm.a.hk");
}

static void
test_transform_stale_rejects_bad_settings(void **state)
{
    (void) state;
    char err[512] = "";
    assert_null(transform_chain_parse("t", "stale", err, sizeof err));
    assert_string_equal(err,
                        "t:1: stale: expected timeout-ms=N (missing argument)");
    assert_null(
        transform_chain_parse("t", "stale timeout-ms=0", err, sizeof err));
    assert_string_equal(err, "t:1: stale: expected a count of 1-604800000 in "
                             "timeout-ms=, got '0'");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
#define S_TEST(name)                                                           \
    cmocka_unit_test_setup_teardown(name, tt_setup, tt_teardown)
        S_TEST(test_transform_stale_alarms_once_and_recovers),
        S_TEST(test_transform_stale_watches_topic_prefix_only),
        S_TEST(test_transform_stale_rejects_bad_settings),
#undef S_TEST
    };
    return cmocka_run_group_tests_name("transform_stale", tests, NULL, NULL);
}
