/* test_transform_window.c: tumbling windows per key, and the route step
 * that sets a record's topic from its fields.
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
#define T0 1750000000000000000LL /* a whole second */
#define NOW0 1760000000000000000LL
#define MS 1000000LL
#define TOPIC "tlm.qb50.tartu"

/* A record of apid with event time T0 + event_ms and a temperature,
 * arriving at NOW0 + event_ms; returns the aggregates it caused. */
static size_t
s_sample(tt_fixture_t *fx, int apid, double event_ms, double temp)
{
    tt_collect_clear(fx->out);
    tt_data(fx->rec, "qb50.tartu", ++fx->seq);
    fx->rec->event_ns = T0 + (int64_t) (event_ms * MS);
    fx->now_ns = NOW0 + (int64_t) (event_ms * MS);
    sym_rec_set_int(fx->rec, "apid", apid);
    sym_rec_set_double(fx->rec, "temp", temp);
    assert_int_equal(transform_chain_apply(fx->chain, TOPIC, fx->rec), SYM_OK);
    /* The record itself always passes, after anything it caused. */
    const sym_rec_t *last = fx->out->recs[fx->out->count - 1];
    assert_int_equal(last->kind, SYM_KIND_DATA);
    assert_int_equal(last->seq, fx->seq);
    return fx->out->count - 1;
}

static void
s_assert_agg(const sym_rec_t *agg, uint64_t seq, int apid, int64_t start_ms,
             int count, double min, double max, double mean, double last)
{
    assert_true(sym_str_eq(agg->stream, "agg.t1"));
    assert_int_equal(agg->kind, SYM_KIND_DATA);
    assert_int_equal(agg->epoch, RUN_ID);
    assert_int_equal(agg->seq, seq);
    assert_int_equal(agg->event_ns, T0 + start_ms * MS);
    assert_true(tt_num(agg, "apid") == apid);
    assert_true(tt_num(agg, "count") == count);
    assert_true(tt_num(agg, "window_start") == (double) (T0 + start_ms * MS));
    assert_true(tt_num(agg, "window_end") ==
                (double) (T0 + (start_ms + 1000) * MS));
    assert_true(tt_num(agg, "temp.min") == min);
    assert_true(tt_num(agg, "temp.max") == max);
    assert_true(tt_num(agg, "temp.mean") == mean);
    assert_true(tt_num(agg, "temp.last") == last);
}

static void
test_transform_window_emits_at_close(void **state)
{
    tt_fixture_t *fx = *state;
    tt_chain(fx, "window key=apid size-ms=1000 fields=temp,volt");

    assert_int_equal(s_sample(fx, 5, 0, 10), 0);
    assert_int_equal(s_sample(fx, 6, 500, 100), 0);
    assert_int_equal(s_sample(fx, 5, 300, 30), 0);
    assert_int_equal(s_sample(fx, 5, 999.999, 20), 0);
    /* The first record of the next window closes apid 5's. */
    assert_int_equal(s_sample(fx, 5, 1000, 40), 1);
    const sym_rec_t *agg = fx->out->recs[0];
    assert_string_equal(fx->out->topics[0], "agg.5");
    s_assert_agg(agg, 1, 5, 0, 3, 10, 30, 20, 20);
    assert_int_equal(agg->ingest_ns, NOW0 + 1000 * MS);
    /* No volt in any record: no volt aggregates. */
    assert_null(sym_rec_get_const(agg, "volt.mean", 9));

    /* A late record (its window was sent) is not counted. */
    assert_int_equal(s_sample(fx, 5, 999, 1000), 0);
    transform_chain_stats_t stats;
    transform_chain_stats(fx->chain, &stats);
    assert_int_equal(stats.skipped, 1);
    assert_int_equal(stats.aggs, 1);
}

static void
test_transform_window_tick_sends_idle_windows(void **state)
{
    tt_fixture_t *fx = *state;
    tt_chain(fx, "window key=apid size-ms=1000 fields=temp");
    assert_int_equal(s_sample(fx, 5, 100, 1.5), 0);
    assert_int_equal(s_sample(fx, 6, 200, 2.5), 0);
    assert_int_equal(s_sample(fx, 5, 2100, 4), 1); /* skips a window */
    s_assert_agg(fx->out->recs[0], 1, 5, 0, 1, 1.5, 1.5, 1.5, 1.5);

    /* apid 6 last arrived at NOW0 + 200 ms, apid 5 at NOW0 + 2100 ms. */
    tt_collect_clear(fx->out);
    assert_int_equal(transform_chain_tick(fx->chain, NOW0 + 1199 * MS), SYM_OK);
    assert_int_equal(fx->out->count, 0);
    assert_int_equal(transform_chain_tick(fx->chain, NOW0 + 1200 * MS), SYM_OK);
    assert_int_equal(fx->out->count, 1);
    s_assert_agg(fx->out->recs[0], 2, 6, 0, 1, 2.5, 2.5, 2.5, 2.5);
    assert_int_equal(transform_chain_tick(fx->chain, NOW0 + 3100 * MS), SYM_OK);
    assert_int_equal(fx->out->count, 2);
    s_assert_agg(fx->out->recs[1], 3, 5, 2000, 1, 4, 4, 4, 4);
    /* Nothing open any more. */
    assert_int_equal(transform_chain_tick(fx->chain, NOW0 + 9999 * MS), SYM_OK);
    assert_int_equal(fx->out->count, 2);
}

static void
test_transform_window_topic_template_and_text_keys(void **state)
{
    tt_fixture_t *fx = *state;
    tt_chain(fx, "window key=station,apid size-ms=1000 fields=temp "
                 "topic=hk.{station}.{apid}");
    tt_data(fx->rec, "s", 1);
    fx->rec->event_ns = T0;
    sym_rec_set_str(fx->rec, "station", "tartu", 5);
    sym_rec_set_int(fx->rec, "apid", 3);
    sym_rec_set_double(fx->rec, "temp", 1);
    assert_int_equal(transform_chain_apply(fx->chain, TOPIC, fx->rec), SYM_OK);
    tt_collect_clear(fx->out);
    assert_int_equal(transform_chain_tick(fx->chain, NOW0 + 5000 * MS), SYM_OK);
    assert_int_equal(fx->out->count, 1);
    assert_string_equal(fx->out->topics[0], "hk.tartu.3");
    assert_string_equal(tt_str(fx->out->recs[0], "station"), "tartu");
}

static void
test_transform_route_sets_topic_from_fields(void **state)
{
    tt_fixture_t *fx = *state;
    tt_chain(fx, "route topic=ccsds.{apid}\n"
                 "limits temp red-high=50\n"
                 "filter temp < 100\n");
    assert_int_equal(s_sample(fx, 3, 0, 10), 0);
    assert_string_equal(fx->out->topics[0], "ccsds.3");
    /* The alarm follows the new topic. */
    s_sample(fx, 4, 0, 60);
    assert_string_equal(fx->out->topics[0], "alarm.ccsds.4");
    assert_string_equal(fx->out->topics[1], "ccsds.4");
    /* So does a REMOVED notice. */
    tt_collect_clear(fx->out);
    tt_data(fx->rec, "qb50.tartu", ++fx->seq);
    sym_rec_set_int(fx->rec, "apid", 7);
    sym_rec_set_double(fx->rec, "temp", 200);
    assert_int_equal(transform_chain_apply(fx->chain, TOPIC, fx->rec), SYM_OK);
    const char *topic = NULL;
    assert_non_null(tt_collect_nth(fx->out, SYM_KIND_REMOVED, 0, &topic));
    assert_string_equal(topic, "ccsds.7");
    /* Without apid the topic stays (the alarm before it says the limit
     * is back to nominal). */
    tt_collect_clear(fx->out);
    tt_data(fx->rec, "qb50.tartu", ++fx->seq);
    sym_rec_set_double(fx->rec, "temp", 1);
    assert_int_equal(transform_chain_apply(fx->chain, TOPIC, fx->rec), SYM_OK);
    assert_int_equal(fx->out->count, 2);
    assert_string_equal(fx->out->topics[0], "alarm." TOPIC);
    assert_string_equal(fx->out->topics[1], TOPIC);
}

static void
test_transform_window_and_route_reject_bad_settings(void **state)
{
    (void) state;
    static const struct {
        const char *text;
        const char *want;
    } cases[] = {
        {"window key=apid",
         "t:1: window: expected key=F[,F2...] size-ms=N [fields=A,B...] "
         "[topic=TEMPLATE] (missing argument)"},
        {"window key=apid size-ms=0",
         "t:1: window: expected a count of 1-31622400000 in size-ms=, got "
         "'0'"},
        {"route ccsds", "t:1: route: expected topic=TEMPLATE (e.g. "
                        "topic=ccsds.{apid})"},
        {"route topic=a.{apid",
         "t:1: route: template 'a.{apid': expected {field} at offset 2"},
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
        S_TEST(test_transform_window_emits_at_close),
        S_TEST(test_transform_window_tick_sends_idle_windows),
        S_TEST(test_transform_window_topic_template_and_text_keys),
        S_TEST(test_transform_route_sets_topic_from_fields),
        S_TEST(test_transform_window_and_route_reject_bad_settings),
#undef S_TEST
    };
    return cmocka_run_group_tests_name("transform_window", tests, NULL, NULL);
}
