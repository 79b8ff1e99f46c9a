/* test_sym_loop.c: the run loop: dispatch, idle flushes, ticks, stops.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "sym_err.h"
#include "sym_loop.h"
#include "sym_sig.h"
#include "sym_time.h"

/* A node made of counters, driven by the loop. */
typedef struct {
    sym_stats_t stats;
    sym_in_t *in;
    zsock_t *sender;
    int messages;          /* on_message calls */
    int bad;               /* on_bad_message calls */
    int bad_source;        /* source of the last bad message */
    int idles;             /* on_idle calls */
    int idles_at_msg[8];   /* idles seen when each message arrived */
    int ticks;             /* on_tick calls */
    int ticks_at_last_msg; /* ticks seen when the last message arrived */
    int done_after;        /* is_done once messages + bad reach this */
    int done_after_idle;   /* is_done once idles reach this */
    int done_after_tick;   /* is_done once ticks reach this */
    int fail_on_message;   /* on_message returns this, when not 0 */
    volatile bool stop;    /* the caller's stop flag */
    char last_topic[64];
} s_node_t;

static int
s_setup(void **state)
{
    s_node_t *self = calloc(1, sizeof *self);
    if (self == NULL) {
        return -1;
    }
    self->in = sym_in_new(&self->stats);
    sym_sock_policy_t policy;
    sym_sock_policy_default(&policy);
    policy.linger_ms = 0;
    /* A closed socket frees its inproc name later, in the background:
     * each test takes a name of its own. */
    static int test_number = 0;
    char endpoint[64];
    snprintf(endpoint, sizeof endpoint, "inproc://loop-%d", ++test_number);
    char connect[80];
    snprintf(connect, sizeof connect, ">%s", endpoint);
    char err[256];
    if (self->in == NULL || sym_in_add(self->in, ZMQ_PULL, endpoint, NULL,
                                       &policy, err, sizeof err) != SYM_OK) {
        return -1;
    }
    self->sender = zsock_new_push(connect);
    self->done_after = -1;
    self->done_after_idle = -1;
    self->done_after_tick = -1;
    *state = self;
    return self->sender ? 0 : -1;
}

static int
s_teardown(void **state)
{
    s_node_t *self = *state;
    zsock_destroy(&self->sender);
    sym_in_destroy(&self->in);
    free(self);
    sym_sig_reset();
    return 0;
}

static int
s_on_message(void *arg, const sym_in_msg_t *msg)
{
    s_node_t *self = arg;
    if (self->messages < 8) {
        self->idles_at_msg[self->messages] = self->idles;
    }
    self->messages++;
    snprintf(self->last_topic, sizeof self->last_topic, "%s", msg->topic);
    return self->fail_on_message ? self->fail_on_message : SYM_OK;
}

static void
s_on_bad_message(void *arg, const sym_in_msg_t *msg)
{
    s_node_t *self = arg;
    self->bad++;
    self->bad_source = msg->source;
}

static int
s_on_idle(void *arg)
{
    s_node_t *self = arg;
    self->idles++;
    return SYM_OK;
}

static int
s_on_tick(void *arg)
{
    s_node_t *self = arg;
    self->ticks++;
    return SYM_OK;
}

static bool
s_is_done(void *arg)
{
    s_node_t *self = arg;
    return (self->done_after >= 0 &&
            self->messages + self->bad >= self->done_after) ||
           (self->done_after_idle >= 0 &&
            self->idles >= self->done_after_idle) ||
           (self->done_after_tick >= 0 && self->ticks >= self->done_after_tick);
}

static const sym_loop_ops_t s_ops = {
    .on_message = s_on_message,
    .on_bad_message = s_on_bad_message,
    .on_idle = s_on_idle,
    .on_tick = s_on_tick,
    .is_done = s_is_done,
};

static void
s_send(s_node_t *self, const char *topic)
{
    assert_int_equal(zstr_sendx(self->sender, topic, "payload", NULL), 0);
}

static void
test_loop_dispatches_messages_until_done(void **state)
{
    s_node_t *self = *state;
    s_send(self, "tlm.a");
    s_send(self, "tlm.b");
    s_send(self, "tlm.c");
    self->done_after = 3;
    assert_int_equal(sym_loop_run(self->in, &s_ops, self, 1000, &self->stop),
                     SYM_OK);
    assert_int_equal(self->messages, 3);
    assert_string_equal(self->last_topic, "tlm.c");
    assert_int_equal(self->bad, 0);
}

static void
test_loop_flushes_when_drained(void **state)
{
    s_node_t *self = *state;
    s_send(self, "tlm.a");
    s_send(self, "tlm.b");
    self->done_after_idle = 1;
    assert_int_equal(sym_loop_run(self->in, &s_ops, self, 1000, &self->stop),
                     SYM_OK);
    /* Both messages first, then one flush for the pair. */
    assert_int_equal(self->messages, 2);
    assert_int_equal(self->idles, 1);
    assert_int_equal(self->idles_at_msg[0], 0);
    assert_int_equal(self->idles_at_msg[1], 0);
}

static void
test_loop_does_not_flush_while_idle(void **state)
{
    s_node_t *self = *state;
    self->done_after_tick = 5;
    assert_int_equal(sym_loop_run(self->in, &s_ops, self, 5, &self->stop),
                     SYM_OK);
    assert_int_equal(self->idles, 0);
    assert_int_equal(self->messages, 0);
}

static void
test_loop_ticks_on_time(void **state)
{
    s_node_t *self = *state;
    self->done_after_tick = 4;
    int64_t start_ms = sym_time_mono_ms();
    assert_int_equal(sym_loop_run(self->in, &s_ops, self, 20, &self->stop),
                     SYM_OK);
    int64_t elapsed_ms = sym_time_mono_ms() - start_ms;
    assert_int_equal(self->ticks, 4);
    assert_true(elapsed_ms >= 4 * 20 - 5);
    assert_true(elapsed_ms < 2000);
}

/* Work that takes a millisecond per message, so the input stays busy. */
static int
s_on_message_slow(void *arg, const sym_in_msg_t *msg)
{
    s_node_t *self = arg;
    int64_t until_ns = sym_time_mono_ns() + SYM_NS_PER_MS;
    while (sym_time_mono_ns() < until_ns) {
    }
    self->ticks_at_last_msg = self->ticks;
    return s_on_message(arg, msg);
}

static void
test_loop_ticks_while_busy(void **state)
{
    s_node_t *self = *state;
    for (int i = 0; i < 200; i++) {
        s_send(self, "tlm.a");
    }
    sym_loop_ops_t ops = s_ops;
    ops.on_message = s_on_message_slow;
    self->done_after = 200;
    assert_int_equal(sym_loop_run(self->in, &ops, self, 20, &self->stop),
                     SYM_OK);
    assert_int_equal(self->messages, 200);
    assert_int_equal(self->idles, 0); /* never drained on the way */
    assert_true(self->ticks_at_last_msg >= 3);
}

static void
test_loop_reports_malformed_messages(void **state)
{
    s_node_t *self = *state;
    assert_int_equal(zstr_send(self->sender, "one frame only"), 0);
    s_send(self, "tlm.after");
    self->done_after = 2;
    assert_int_equal(sym_loop_run(self->in, &s_ops, self, 1000, &self->stop),
                     SYM_OK);
    assert_int_equal(self->bad, 1);
    assert_int_equal(self->bad_source, 0);
    assert_int_equal(self->messages, 1);
    assert_true(self->stats.values[SYM_CTR_DROP_FRAMES] == 1);
}

static void
test_loop_returns_a_callback_failure(void **state)
{
    s_node_t *self = *state;
    s_send(self, "tlm.a");
    s_send(self, "tlm.b");
    self->fail_on_message = SYM_EIO;
    assert_int_equal(sym_loop_run(self->in, &s_ops, self, 1000, &self->stop),
                     SYM_EIO);
    assert_int_equal(self->messages, 1);
}

static void
test_loop_takes_closed_as_an_orderly_stop(void **state)
{
    s_node_t *self = *state;
    s_send(self, "tlm.a");
    self->fail_on_message = SYM_ECLOSED;
    assert_int_equal(sym_loop_run(self->in, &s_ops, self, 1000, &self->stop),
                     SYM_OK);
    assert_int_equal(self->messages, 1);
}

static int
s_on_tick_stop(void *arg)
{
    s_node_t *self = arg;
    self->ticks++;
    self->stop = true;
    return SYM_OK;
}

static void
test_loop_stops_on_the_flag(void **state)
{
    s_node_t *self = *state;
    sym_loop_ops_t ops = {.on_message = s_on_message,
                          .on_tick = s_on_tick_stop};
    assert_int_equal(sym_loop_run(self->in, &ops, self, 10, &self->stop),
                     SYM_OK);
    assert_int_equal(self->ticks, 1);

    /* Set before the start: nothing runs at all. */
    s_send(self, "tlm.a");
    assert_int_equal(sym_loop_run(self->in, &ops, self, 10, &self->stop),
                     SYM_OK);
    assert_int_equal(self->messages, 0);
}

static int
s_on_tick_signal(void *arg)
{
    s_node_t *self = arg;
    self->ticks++;
    sym_sig_request_stop();
    return SYM_OK;
}

static void
test_loop_stops_on_a_signal(void **state)
{
    s_node_t *self = *state;
    sym_loop_ops_t ops = {.on_message = s_on_message,
                          .on_tick = s_on_tick_signal};
    int64_t start_ms = sym_time_mono_ms();
    assert_int_equal(sym_loop_run(self->in, &ops, self, 10, NULL), SYM_OK);
    assert_int_equal(self->ticks, 1);
    assert_true(sym_time_mono_ms() - start_ms < 1000);
}

static int
s_on_tick_fail(void *arg)
{
    (void) arg;
    return SYM_ETIMEOUT;
}

static void
test_loop_returns_a_tick_failure(void **state)
{
    s_node_t *self = *state;
    sym_loop_ops_t ops = {.on_message = s_on_message,
                          .on_tick = s_on_tick_fail};
    assert_int_equal(sym_loop_run(self->in, &ops, self, 5, &self->stop),
                     SYM_ETIMEOUT);
}

static int
s_on_message_stop_at_three(void *arg, const sym_in_msg_t *msg)
{
    s_node_t *self = arg;
    int rc = s_on_message(arg, msg);
    self->stop = self->messages == 3;
    return rc;
}

static void
test_loop_runs_with_only_on_message(void **state)
{
    s_node_t *self = *state;
    sym_loop_ops_t ops = {.on_message = s_on_message_stop_at_three};
    s_send(self, "tlm.a");
    s_send(self, "tlm.b");
    assert_int_equal(zstr_send(self->sender, "bad"), 0);
    s_send(self, "tlm.c");
    assert_int_equal(sym_loop_run(self->in, &ops, self, 10, &self->stop),
                     SYM_OK);
    assert_int_equal(self->messages, 3);
    assert_string_equal(self->last_topic, "tlm.c");
    assert_true(self->stats.values[SYM_CTR_DROP_FRAMES] == 1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
#define S_TEST(name) cmocka_unit_test_setup_teardown(name, s_setup, s_teardown)
        S_TEST(test_loop_dispatches_messages_until_done),
        S_TEST(test_loop_flushes_when_drained),
        S_TEST(test_loop_does_not_flush_while_idle),
        S_TEST(test_loop_ticks_on_time),
        S_TEST(test_loop_ticks_while_busy),
        S_TEST(test_loop_reports_malformed_messages),
        S_TEST(test_loop_returns_a_callback_failure),
        S_TEST(test_loop_takes_closed_as_an_orderly_stop),
        S_TEST(test_loop_stops_on_the_flag),
        S_TEST(test_loop_stops_on_a_signal),
        S_TEST(test_loop_returns_a_tick_failure),
        S_TEST(test_loop_runs_with_only_on_message),
#undef S_TEST
    };
    return cmocka_run_group_tests_name("loop", tests, NULL, NULL);
}
