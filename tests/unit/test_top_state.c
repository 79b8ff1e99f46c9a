/* test_top_state.c: what symphony-top makes of stats records: UP and
 * DOWN, restarts, rates, and the nodes of a cluster file.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "sym_err.h"
#include "sym_rec.h"
#include "top_cluster.h"
#include "top_state.h"

typedef struct {
    top_state_t *state;
    sym_rec_t *rec;
} s_fixture_t;

static s_fixture_t s_fixture;

static int
s_setup(void **state)
{
    s_fixture.state = top_state_new();
    s_fixture.rec = sym_rec_new();
    *state = &s_fixture;
    return s_fixture.state && s_fixture.rec ? 0 : -1;
}

static int
s_teardown(void **state)
{
    s_fixture_t *fixture = *state;
    top_state_destroy(&fixture->state);
    sym_rec_destroy(&fixture->rec);
    return 0;
}

/* A stats record of the transform "t1", as sym_statpub writes one. */
static sym_rec_t *
s_report(s_fixture_t *fixture, uint64_t epoch, uint64_t seq, int64_t uptime_ms,
         int64_t push_sent)
{
    sym_rec_t *rec = fixture->rec;
    sym_rec_reset(rec);
    rec->kind = SYM_KIND_STATS;
    rec->epoch = epoch;
    rec->seq = seq;
    sym_rec_set_stream(rec, "transform.t1", strlen("transform.t1"));
    sym_rec_set_int(rec, "received", push_sent + 5);
    sym_rec_set_int(rec, "drop_full", 2);
    sym_rec_set_int(rec, "gaps", 3);
    sym_rec_set_double(rec, "rate_in", 250.0);
    sym_rec_set_double(rec, "rate_out", 240.0);
    sym_rec_set_int(rec, "uptime_ms", uptime_ms);
    sym_rec_set_int(rec, "interval_ms", 1000);
    sym_rec_set_int(rec, "push.sent", push_sent);
    sym_rec_set_int(rec, "push.pending", 40);
    sym_rec_set_int(rec, "push.hwm", 1000);
    sym_rec_set_int(rec, "push.peers", 1);
    return rec;
}

static const top_node_t *
s_t1(s_fixture_t *fixture)
{
    return top_state_find(fixture->state, "transform.t1");
}

static void
test_top_state_report_makes_node_up(void **state)
{
    s_fixture_t *fixture = *state;
    sym_rec_t *rec = s_report(fixture, 7, 1, 1000, 100);
    assert_int_equal(top_state_update(fixture->state, rec, 0, 5000), SYM_OK);

    const top_node_t *node = s_t1(fixture);
    assert_non_null(node);
    assert_string_equal(node->kind, "transform");
    assert_string_equal(node->name, "t1");
    assert_int_equal(node->health, TOP_UP);
    assert_true(node->is_changed);
    assert_int_equal(node->epoch, 7);
    assert_int_equal(node->restarts, 0);
    assert_int_equal(node->counters[SYM_CTR_GAPS], 3);
    assert_int_equal(top_node_drops(node), 2);
    assert_int_equal(node->out_count, 1);
    assert_string_equal(node->outs[0].label, "push");
    assert_int_equal(node->outs[0].pending, 40);
    assert_int_equal(node->outs[0].hwm, 1000);
    assert_false(node->outs[0].has_rate);
}

static void
test_top_state_down_after_three_silent_intervals(void **state)
{
    s_fixture_t *fixture = *state;
    top_state_update(fixture->state, s_report(fixture, 7, 1, 1000, 100), 0,
                     5000);
    top_state_clear_changes(fixture->state);

    assert_int_equal(top_state_check(fixture->state, 7999), 0);
    assert_int_equal(s_t1(fixture)->health, TOP_UP);
    assert_false(top_state_has_changes(fixture->state));

    assert_int_equal(top_state_check(fixture->state, 8000), 1);
    assert_int_equal(s_t1(fixture)->health, TOP_DOWN);
    assert_int_equal(s_t1(fixture)->down_ms, 8000);
    assert_true(top_state_has_changes(fixture->state));
    assert_int_equal(top_state_check(fixture->state, 9000), 0);
}

static void
test_top_state_report_after_silence_is_up_again(void **state)
{
    s_fixture_t *fixture = *state;
    top_state_update(fixture->state, s_report(fixture, 7, 1, 1000, 100), 0,
                     5000);
    top_state_check(fixture->state, 9000);
    top_state_clear_changes(fixture->state);

    top_state_update(fixture->state, s_report(fixture, 7, 6, 6000, 600), 0,
                     10000);
    const top_node_t *node = s_t1(fixture);
    assert_int_equal(node->health, TOP_UP);
    assert_true(node->is_changed);
    assert_int_equal(node->restarts, 0);
    assert_int_equal(node->missed, 4);
}

static void
test_top_state_new_epoch_is_a_restart(void **state)
{
    s_fixture_t *fixture = *state;
    top_state_update(fixture->state, s_report(fixture, 7, 1, 1000, 100), 0,
                     5000);
    top_state_update(fixture->state, s_report(fixture, 9, 1, 1000, 10), 0,
                     5500);
    const top_node_t *node = s_t1(fixture);
    assert_int_equal(node->epoch, 9);
    assert_int_equal(node->restarts, 1);
    assert_int_equal(node->missed, 0);
    /* The counters began again: no rate from the old run's. */
    assert_false(node->outs[0].has_rate);

    /* A late report of the old run changes nothing. */
    top_state_update(fixture->state, s_report(fixture, 7, 2, 2000, 200), 0,
                     5600);
    assert_int_equal(node->epoch, 9);
    assert_int_equal(node->restarts, 1);
    assert_int_equal(node->outs[0].sent, 10);
}

static void
test_top_state_rates_from_the_node_uptime(void **state)
{
    s_fixture_t *fixture = *state;
    top_state_update(fixture->state, s_report(fixture, 7, 1, 1000, 100), 0,
                     5000);
    /* Received late: the rate still spans the node's own 500 ms. */
    top_state_update(fixture->state, s_report(fixture, 7, 2, 1500, 350), 0,
                     5900);
    const top_node_t *node = s_t1(fixture);
    assert_true(node->outs[0].has_rate);
    assert_float_equal(node->outs[0].rate, 500.0, 1e-9);
    assert_float_equal(node->rate_in, 250.0, 1e-9);
    assert_float_equal(node->rate_out, 240.0, 1e-9);
}

static void
test_top_state_stopping_is_not_down(void **state)
{
    s_fixture_t *fixture = *state;
    sym_rec_t *rec = s_report(fixture, 7, 1, 1000, 100);
    sym_rec_set_int(rec, "stopping", 1);
    top_state_update(fixture->state, rec, 0, 5000);
    assert_int_equal(s_t1(fixture)->health, TOP_STOPPED);
    assert_int_equal(top_state_check(fixture->state, 60000), 0);
    assert_int_equal(s_t1(fixture)->health, TOP_STOPPED);
}

static void
test_top_state_lost_connection_is_down_at_once(void **state)
{
    s_fixture_t *fixture = *state;
    top_state_update(fixture->state, s_report(fixture, 7, 1, 1000, 100), 3,
                     5000);
    assert_int_equal(top_state_lost(fixture->state, 2, 5100), 0);
    assert_int_equal(top_state_lost(fixture->state, 3, 5100), 1);
    assert_int_equal(s_t1(fixture)->health, TOP_DOWN);
}

static void
test_top_state_expected_node_is_down_until_heard(void **state)
{
    s_fixture_t *fixture = *state;
    assert_int_equal(top_state_expect(fixture->state, "sink", "s1"), SYM_OK);
    assert_int_equal(top_state_expect(fixture->state, "sink", "s1"), SYM_OK);
    assert_int_equal(top_state_count(fixture->state), 1);
    const top_node_t *node = top_state_node(fixture->state, 0);
    assert_int_equal(node->health, TOP_DOWN);
    assert_false(node->is_seen);
    assert_int_equal(top_state_check(fixture->state, 100000), 0);
}

static void
test_top_state_rejects_other_kinds(void **state)
{
    s_fixture_t *fixture = *state;
    sym_rec_t *rec = s_report(fixture, 7, 1, 1000, 100);
    rec->kind = SYM_KIND_DATA;
    assert_int_equal(top_state_update(fixture->state, rec, 0, 0), SYM_EINVAL);
    assert_int_equal(top_state_count(fixture->state), 0);
}

static void
test_top_cluster_lists_nodes_with_stats(void **state)
{
    s_fixture_t *fixture = *state;
    char dir[] = "/tmp/test_top_state.XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[128];
    snprintf(path, sizeof path, "%s/x.cluster", dir);
    FILE *file = fopen(path, "w");
    assert_non_null(file);
    fputs("# a comment\n"
          "s  restart=always /opt/symphony-sink --name \"store\" "
          "--stats-pub @tcp://*:${TOP_TEST_PORT}  # trailing\n"
          "t  symphony-transform --stats-pub=>tcp://collector:9000\n"
          "u  symphony-tap --connect >tcp://h:1\n"
          "i  symphony-ingest --stats-pub ipc://${RUN_DIR}/i.stats\n",
          file);
    fclose(file);
    setenv("TOP_TEST_PORT", "7190", 1);

    sym_strlist_t endpoints = {0};
    size_t without = 0;
    char err[256] = "";
    int rc = top_cluster_load(path, "/r", fixture->state, &endpoints, &without,
                              err, sizeof err);
    assert_int_equal(rc, SYM_OK);
    assert_int_equal(without, 1);
    assert_int_equal(endpoints.count, 3);
    assert_string_equal(endpoints.items[0], ">tcp://127.0.0.1:7190");
    assert_string_equal(endpoints.items[1], "@tcp://collector:9000");
    assert_string_equal(endpoints.items[2], ">ipc:///r/i.stats");
    assert_non_null(top_state_find(fixture->state, "sink.store"));
    assert_non_null(top_state_find(fixture->state, "transform.transform"));
    assert_non_null(top_state_find(fixture->state, "ingest.ingest"));
    sym_strlist_clear(&endpoints);

    file = fopen(path, "w");
    assert_non_null(file);
    fputs("s symphony-sink --stats-pub @tcp://*:${TOP_TEST_UNDEFINED}\n", file);
    fclose(file);
    rc = top_cluster_load(path, "/r", fixture->state, &endpoints, &without, err,
                          sizeof err);
    assert_int_equal(rc, SYM_EINVAL);
    assert_non_null(
        strstr(err, ":1: undefined variable ${TOP_TEST_UNDEFINED}"));
    sym_strlist_clear(&endpoints);
    unlink(path);
    rmdir(dir);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
#define S_TEST(name) cmocka_unit_test_setup_teardown(name, s_setup, s_teardown)
        S_TEST(test_top_state_report_makes_node_up),
        S_TEST(test_top_state_down_after_three_silent_intervals),
        S_TEST(test_top_state_report_after_silence_is_up_again),
        S_TEST(test_top_state_new_epoch_is_a_restart),
        S_TEST(test_top_state_rates_from_the_node_uptime),
        S_TEST(test_top_state_stopping_is_not_down),
        S_TEST(test_top_state_lost_connection_is_down_at_once),
        S_TEST(test_top_state_expected_node_is_down_until_heard),
        S_TEST(test_top_state_rejects_other_kinds),
        S_TEST(test_top_cluster_lists_nodes_with_stats),
#undef S_TEST
    };
    return cmocka_run_group_tests_name("top_state", tests, NULL, NULL);
}
