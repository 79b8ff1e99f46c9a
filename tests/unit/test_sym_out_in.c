/* test_sym_out_in.c: records from sym_out to sym_in over inproc and tcp.
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
#include "sym_in.h"
#include "sym_out.h"
#include "sym_peers.h"
#include "sym_sig.h"
#include "sym_time.h"
#include "sym_wire.h"

/* Ports of this file: 17520-17539. */
#define S_TCP_BLOCK "tcp://127.0.0.1:17521"
#define S_TCP_NO_PEER "tcp://127.0.0.1:17522"
#define S_TCP_OLDEST "tcp://127.0.0.1:17523"
#define S_TCP_PUBSUB "tcp://127.0.0.1:17524"
#define S_TCP_TAKEN "tcp://127.0.0.1:17525"
#define S_TCP_CLOSE "tcp://127.0.0.1:17526"
#define S_TCP_EARLY "tcp://127.0.0.1:17527"
#define S_TCP_WAIT "tcp://127.0.0.1:17528"
#define S_TCP_UNSENT "tcp://127.0.0.1:17529"

#define S_DEADLINE_MS 5000
#define S_MAX_SEQS 32

typedef struct {
    sym_stats_t out_stats;
    sym_stats_t in_stats;
    sym_sock_policy_t policy;
    sym_in_t *in;
    sym_out_t *out;
    sym_rec_t *rec;
    sym_wire_decoder_t *decoder;
    char err[256];
} s_fixture_t;

static int
s_setup(void **state)
{
    s_fixture_t *self = calloc(1, sizeof *self);
    if (self == NULL) {
        return -1;
    }
    sym_sock_policy_default(&self->policy);
    self->policy.linger_ms = 200;
    self->policy.reconnect_ivl_ms = 10;
    self->policy.reconnect_ivl_max_ms = 50;
    self->in = sym_in_new(&self->in_stats);
    self->rec = sym_rec_new();
    self->decoder = sym_wire_decoder_new(NULL);
    *state = self;
    return self->in && self->rec && self->decoder ? 0 : -1;
}

static int
s_teardown(void **state)
{
    s_fixture_t *self = *state;
    sym_out_destroy(&self->out);
    assert_null(self->out);
    sym_in_destroy(&self->in);
    assert_null(self->in);
    sym_rec_destroy(&self->rec);
    sym_wire_decoder_destroy(&self->decoder);
    free(self);
    return 0;
}

static void
s_add_in(s_fixture_t *self, int type, const char *endpoints,
         const sym_strlist_t *topics)
{
    int rc = sym_in_add(self->in, type, endpoints, topics, &self->policy,
                        self->err, sizeof self->err);
    if (rc != SYM_OK) {
        fail_msg("sym_in_add %s: %s", endpoints, self->err);
    }
}

static void
s_open_out(s_fixture_t *self, int type, const char *endpoints,
           sym_full_t on_full, size_t batch_bytes)
{
    sym_out_opts_t opts = {.type = type,
                           .endpoints = endpoints,
                           .on_full = on_full,
                           .batch_bytes = batch_bytes,
                           .queue_batches = 2};
    int rc = SYM_EIO;
    self->out = sym_out_new(&opts, &self->policy, &self->out_stats, &rc,
                            self->err, sizeof self->err);
    if (self->out == NULL) {
        fail_msg("sym_out_new %s: %s", endpoints, self->err);
    }
    assert_int_equal(rc, SYM_OK);
}

static void
s_write(s_fixture_t *self, const char *topic, uint64_t seq)
{
    sym_rec_reset(self->rec);
    assert_int_equal(sym_rec_set_stream(self->rec, "qb50.tartu", 10), SYM_OK);
    self->rec->seq = seq;
    assert_int_equal(sym_rec_set_int(self->rec, "n", (int64_t) seq), SYM_OK);
    assert_int_equal(sym_out_write(self->out, topic, self->rec), SYM_OK);
}

/* Wait for one message, up to the deadline. */
static int
s_recv(s_fixture_t *self, sym_in_msg_t *msg, int64_t timeout_ms)
{
    int64_t deadline_ms = sym_time_mono_ms() + timeout_ms;
    int rc = SYM_EAGAIN;
    while (rc == SYM_EAGAIN && sym_time_mono_ms() < deadline_ms) {
        rc = sym_in_recv(self->in, 20, msg);
    }
    return rc;
}

/* Decode every record of msg; their seqs go into seqs. Returns the
 * number of records. */
static size_t
s_decode(s_fixture_t *self, const sym_in_msg_t *msg, uint64_t *seqs, size_t max)
{
    size_t count = 0;
    size_t pos = 0;
    while (pos < msg->payload_len) {
        size_t used = 0;
        assert_int_equal(sym_wire_decode(self->decoder, msg->payload + pos,
                                         msg->payload_len - pos, self->rec,
                                         &used),
                         SYM_OK);
        assert_int_equal(sym_rec_get(self->rec, "n")->as.i,
                         (int64_t) self->rec->seq);
        if (count < max) {
            seqs[count] = self->rec->seq;
        }
        count++;
        pos += used;
    }
    return count;
}

/* Receive one message on topic and check it holds exactly seqs. */
static void
s_expect(s_fixture_t *self, const char *topic, const uint64_t *want,
         size_t count)
{
    sym_in_msg_t msg;
    assert_int_equal(s_recv(self, &msg, S_DEADLINE_MS), SYM_OK);
    assert_string_equal(msg.topic, topic);
    assert_int_equal(msg.topic_len, strlen(topic));
    uint64_t seqs[S_MAX_SEQS];
    assert_int_equal(s_decode(self, &msg, seqs, S_MAX_SEQS), count);
    for (size_t i = 0; i < count; i++) {
        assert_true(seqs[i] == want[i]);
    }
}

static void
test_out_in_batches_records_until_flush(void **state)
{
    s_fixture_t *self = *state;
    s_add_in(self, ZMQ_PULL, "inproc://oi-batch", NULL);
    s_open_out(self, ZMQ_PUSH, "inproc://oi-batch", SYM_FULL_BLOCK, 0);
    for (uint64_t seq = 1; seq <= 3; seq++) {
        s_write(self, "tlm.a", seq);
    }
    assert_int_equal(sym_out_pending(self->out), 3);
    sym_in_msg_t msg;
    assert_int_equal(sym_in_recv(self->in, 0, &msg), SYM_EAGAIN);

    assert_int_equal(sym_out_flush(self->out), SYM_OK);
    assert_int_equal(sym_out_pending(self->out), 0);
    const uint64_t want[] = {1, 2, 3};
    s_expect(self, "tlm.a", want, 3);
    assert_true(self->out_stats.values[SYM_CTR_SENT] == 3);
    assert_true(self->out_stats.values[SYM_CTR_MESSAGES_OUT] == 1);
    assert_true(self->in_stats.values[SYM_CTR_MESSAGES_IN] == 1);
    assert_true(sym_stats_dropped(&self->out_stats) == 0);

    /* Flushing with nothing pending sends nothing. */
    assert_int_equal(sym_out_flush(self->out), SYM_OK);
    assert_int_equal(sym_in_recv(self->in, 10, &msg), SYM_EAGAIN);
    assert_true(self->out_stats.values[SYM_CTR_MESSAGES_OUT] == 1);
}

static void
test_out_in_keeps_one_batch_per_topic(void **state)
{
    s_fixture_t *self = *state;
    s_add_in(self, ZMQ_PULL, "inproc://oi-topic", NULL);
    s_open_out(self, ZMQ_PUSH, "inproc://oi-topic", SYM_FULL_BLOCK, 0);
    s_write(self, "tlm.a", 1);
    s_write(self, "tlm.b", 2);
    s_write(self, "tlm.a", 3);
    s_write(self, "tlm.b", 4);
    s_write(self, "tlm.a", 5);
    /* Interleaved topics do not split batches: nothing is sent yet. */
    assert_int_equal(sym_out_pending(self->out), 5);
    sym_in_msg_t msg;
    assert_int_equal(sym_in_recv(self->in, 10, &msg), SYM_EAGAIN);

    assert_int_equal(sym_out_flush(self->out), SYM_OK);
    const uint64_t on_a[] = {1, 3, 5};
    s_expect(self, "tlm.a", on_a, 3);
    const uint64_t on_b[] = {2, 4};
    s_expect(self, "tlm.b", on_b, 2);
    assert_true(self->out_stats.values[SYM_CTR_MESSAGES_OUT] == 2);
}

static void
test_out_in_sends_earlier_topics_before_an_eos(void **state)
{
    s_fixture_t *self = *state;
    s_add_in(self, ZMQ_PULL, "inproc://oi-eos", NULL);
    s_open_out(self, ZMQ_PUSH, "inproc://oi-eos", SYM_FULL_BLOCK, 0);
    s_write(self, "tlm.a", 1);
    s_write(self, "alarm.tlm.a", 2);
    s_write(self, "tlm.a", 3);
    self->rec->kind = SYM_KIND_EOS;
    assert_int_equal(sym_out_write(self->out, "tlm.a", self->rec), SYM_OK);
    assert_int_equal(sym_out_flush(self->out), SYM_OK);

    const uint64_t first[] = {1, 3};
    s_expect(self, "tlm.a", first, 2);
    const uint64_t alarm[] = {2};
    s_expect(self, "alarm.tlm.a", alarm, 1);
    const uint64_t eos[] = {3};
    s_expect(self, "tlm.a", eos, 1);
}

static void
test_out_in_sends_a_batch_once_it_is_full(void **state)
{
    s_fixture_t *self = *state;
    s_add_in(self, ZMQ_PULL, "inproc://oi-full", NULL);
    s_open_out(self, ZMQ_PUSH, "inproc://oi-full", SYM_FULL_BLOCK, 300);
    for (uint64_t seq = 1; seq <= 20; seq++) {
        s_write(self, "tlm.a", seq);
    }
    assert_int_equal(sym_out_flush(self->out), SYM_OK);

    uint64_t next = 1;
    size_t messages = 0;
    while (next <= 20) {
        sym_in_msg_t msg;
        assert_int_equal(s_recv(self, &msg, S_DEADLINE_MS), SYM_OK);
        uint64_t seqs[S_MAX_SEQS];
        size_t count = s_decode(self, &msg, seqs, S_MAX_SEQS);
        for (size_t i = 0; i < count; i++) {
            assert_true(seqs[i] == next++);
        }
        /* Only the flushed tail may be shorter than the threshold. */
        if (next <= 20) {
            assert_true(msg.payload_len >= 300);
        }
        messages++;
    }
    assert_true(messages > 1 && messages < 20);
    assert_true(self->out_stats.values[SYM_CTR_MESSAGES_OUT] == messages);
}

static void
test_out_in_destroy_flushes_what_is_pending(void **state)
{
    s_fixture_t *self = *state;
    s_add_in(self, ZMQ_PULL, "inproc://oi-destroy", NULL);
    s_open_out(self, ZMQ_PUSH, "inproc://oi-destroy", SYM_FULL_BLOCK, 0);
    s_write(self, "tlm.a", 1);
    s_write(self, "tlm.a", 2);
    sym_out_destroy(&self->out);
    const uint64_t want[] = {1, 2};
    s_expect(self, "tlm.a", want, 2);
}

/* A sender in its own thread, so that a blocked send and the receiver
 * do not wait on each other. */
typedef struct {
    const char *endpoint;
    uint64_t records;
    sym_stats_t stats;
    int rc;
} s_sender_t;

static void
s_sender_actor(zsock_t *pipe, void *args)
{
    s_sender_t *job = args;
    sym_sock_policy_t policy;
    sym_sock_policy_default(&policy);
    policy.sndhwm = 4;
    policy.reconnect_ivl_ms = 10;
    sym_out_opts_t opts = {.type = ZMQ_PUSH,
                           .endpoints = job->endpoint,
                           .on_full = SYM_FULL_BLOCK,
                           .batch_bytes = 512};
    char err[256];
    sym_out_t *out =
        sym_out_new(&opts, &policy, &job->stats, &job->rc, err, sizeof err);
    sym_rec_t *rec = sym_rec_new();
    /* A broken test fails on a timeout instead of hanging. */
    if (out) {
        zsock_set_sndtimeo(sym_out_sock(out), 8000);
    }
    zsock_signal(pipe, 0);
    for (uint64_t seq = 1; out && rec && seq <= job->records; seq++) {
        sym_rec_reset(rec);
        sym_rec_set_stream(rec, "qb50.tartu", 10);
        rec->seq = seq;
        sym_rec_set_int(rec, "n", (int64_t) seq);
        job->rc = sym_out_write(out, "tlm.tcp", rec);
    }
    if (out) {
        job->rc = sym_out_flush(out);
    }
    sym_out_destroy(&out);
    sym_rec_destroy(&rec);
    zsock_signal(pipe, 0);
    free(zstr_recv(pipe)); /* $TERM */
}

static void
test_out_in_tcp_block_delivers_everything(void **state)
{
    s_fixture_t *self = *state;
    s_sender_t job = {.endpoint = S_TCP_BLOCK, .records = 20000};
    /* The sender starts with nobody to talk to, and must wait. */
    zactor_t *sender = zactor_new(s_sender_actor, &job);
    assert_non_null(sender);
    self->policy.rcvhwm = 4;
    s_add_in(self, ZMQ_PULL, "@" S_TCP_BLOCK, NULL);

    uint64_t next = 1;
    int64_t deadline_ms = sym_time_mono_ms() + 8000;
    while (next <= job.records && sym_time_mono_ms() < deadline_ms) {
        sym_in_msg_t msg;
        if (sym_in_recv(self->in, 50, &msg) != SYM_OK) {
            continue;
        }
        assert_string_equal(msg.topic, "tlm.tcp");
        size_t pos = 0;
        while (pos < msg.payload_len) {
            size_t used = 0;
            assert_int_equal(sym_wire_decode(self->decoder, msg.payload + pos,
                                             msg.payload_len - pos, self->rec,
                                             &used),
                             SYM_OK);
            if (self->rec->seq != next) {
                fail_msg("seq %llu, want %llu",
                         (unsigned long long) self->rec->seq,
                         (unsigned long long) next);
            }
            next++;
            pos += used;
        }
    }
    assert_true(next == job.records + 1);
    assert_int_equal(zsock_wait(sender), 0);
    zactor_destroy(&sender);
    assert_int_equal(job.rc, SYM_OK);
    assert_true(job.stats.values[SYM_CTR_SENT] == job.records);
    assert_true(job.stats.values[SYM_CTR_MESSAGES_OUT] > 100);
    assert_true(sym_stats_dropped(&job.stats) == 0);
}

static void
test_out_push_without_peer_drops_newest_and_counts(void **state)
{
    s_fixture_t *self = *state;
    s_open_out(self, ZMQ_PUSH, S_TCP_NO_PEER, SYM_FULL_DROP_NEWEST, 1);
    for (uint64_t seq = 1; seq <= 10; seq++) {
        s_write(self, "tlm.a", seq); /* returns SYM_OK: dropped, counted */
    }
    assert_true(sym_stats_dropped(&self->out_stats) == 10);
    assert_true(self->out_stats.values[SYM_CTR_SENT] == 0);
    assert_int_equal(sym_out_pending(self->out), 0);
    sym_out_destroy(&self->out);

    /* A whole batch goes at once. */
    s_open_out(self, ZMQ_PUSH, S_TCP_NO_PEER, SYM_FULL_DROP_NEWEST, 0);
    for (uint64_t seq = 1; seq <= 5; seq++) {
        s_write(self, "tlm.a", seq);
    }
    assert_true(sym_stats_dropped(&self->out_stats) == 10);
    assert_int_equal(sym_out_flush(self->out), SYM_OK);
    assert_true(sym_stats_dropped(&self->out_stats) == 15);
    assert_true(self->out_stats.values[SYM_CTR_SENT] == 0);
    assert_int_equal(sym_out_pending(self->out), 0);
}

static void
test_out_drop_oldest_keeps_the_newest_batches(void **state)
{
    s_fixture_t *self = *state;
    s_open_out(self, ZMQ_PUSH, S_TCP_OLDEST, SYM_FULL_DROP_OLDEST, 1);
    for (uint64_t seq = 1; seq <= 5; seq++) {
        s_write(self, "tlm.a", seq);
    }
    /* Two batches fit the queue; the three oldest were dropped. */
    assert_int_equal(sym_out_pending(self->out), 2);
    assert_true(sym_stats_dropped(&self->out_stats) == 3);

    /* Once the peer is there, flushes send the queue, oldest first. */
    s_add_in(self, ZMQ_PULL, "@" S_TCP_OLDEST, NULL);
    uint64_t seqs[S_MAX_SEQS];
    size_t received = 0;
    int64_t deadline_ms = sym_time_mono_ms() + S_DEADLINE_MS;
    while (received < 2 && sym_time_mono_ms() < deadline_ms) {
        assert_int_equal(sym_out_flush(self->out), SYM_OK);
        sym_in_msg_t msg;
        if (sym_in_recv(self->in, 10, &msg) == SYM_OK) {
            received +=
                s_decode(self, &msg, seqs + received, S_MAX_SEQS - received);
        }
    }
    assert_int_equal(received, 2);
    assert_true(seqs[0] == 4 && seqs[1] == 5);
    assert_int_equal(sym_out_pending(self->out), 0);
    assert_true(self->out_stats.values[SYM_CTR_SENT] == 2);
    assert_true(sym_stats_dropped(&self->out_stats) == 3);
}

static void
test_out_close_without_peer_is_bounded_and_counted(void **state)
{
    s_fixture_t *self = *state;
    s_open_out(self, ZMQ_PUSH, S_TCP_CLOSE, SYM_FULL_BLOCK, 0);
    s_write(self, "tlm.a", 1);
    s_write(self, "tlm.a", 2);
    int64_t start_ms = sym_time_mono_ms();
    sym_out_destroy(&self->out);
    assert_true(sym_time_mono_ms() - start_ms < 2000);
    assert_true(sym_stats_dropped(&self->out_stats) == 2);

    s_open_out(self, ZMQ_PUSH, S_TCP_CLOSE, SYM_FULL_DROP_OLDEST, 1);
    s_write(self, "tlm.a", 3);
    s_write(self, "tlm.a", 4);
    assert_int_equal(sym_out_pending(self->out), 2);
    sym_out_destroy(&self->out);
    assert_true(sym_stats_dropped(&self->out_stats) == 4);
}

static void
test_out_in_pub_sub_over_tcp_filters_by_prefix(void **state)
{
    s_fixture_t *self = *state;
    sym_strlist_t topics = {0, NULL};
    assert_int_equal(sym_strlist_append(&topics, "tlm."), SYM_OK);
    s_open_out(self, ZMQ_PUB, S_TCP_PUBSUB, SYM_FULL_DROP_NEWEST, 0);
    s_add_in(self, ZMQ_SUB, S_TCP_PUBSUB, &topics);
    sym_strlist_clear(&topics);

    /* A subscription takes a moment to reach the publisher: probe until
     * one record makes it through. */
    sym_in_msg_t msg;
    int rc = SYM_EAGAIN;
    int64_t deadline_ms = sym_time_mono_ms() + S_DEADLINE_MS;
    while (rc != SYM_OK && sym_time_mono_ms() < deadline_ms) {
        s_write(self, "tlm.probe", 1);
        assert_int_equal(sym_out_flush(self->out), SYM_OK);
        rc = sym_in_recv(self->in, 20, &msg);
    }
    assert_int_equal(rc, SYM_OK);

    s_write(self, "other.x", 2);
    s_write(self, "tlm.real", 3);
    assert_int_equal(sym_out_flush(self->out), SYM_OK);
    while ((rc = s_recv(self, &msg, S_DEADLINE_MS)) == SYM_OK &&
           strcmp(msg.topic, "tlm.probe") == 0) {
    }
    assert_int_equal(rc, SYM_OK);
    assert_string_equal(msg.topic, "tlm.real");
    uint64_t seq = 0;
    assert_int_equal(s_decode(self, &msg, &seq, 1), 1);
    assert_true(seq == 3);
}

/* What the wait callback saw. */
typedef struct {
    int calls;
    int64_t last_waited_ms;
    bool is_growing;
    char line[512];
} s_waits_t;

static void
s_on_wait(void *arg, sym_out_t *out, int64_t waited_ms)
{
    s_waits_t *waits = arg;
    waits->is_growing = waits->calls == 0 || waited_ms > waits->last_waited_ms;
    waits->calls++;
    waits->last_waited_ms = waited_ms;
    sym_log_limit_t every_time = {.interval_ms = 0};
    sym_out_wait_warning(out, waited_ms, 0, &every_time, waits->line,
                         sizeof waits->line);
}

/* A send under block with no peer hands control back every slice, so the
 * node can publish its stats while it waits; SNDTIMEO still bounds it. */
static void
test_out_block_calls_back_while_it_waits(void **state)
{
    s_fixture_t *self = *state;
    s_open_out(self, ZMQ_PUSH, ">" S_TCP_WAIT, SYM_FULL_BLOCK, 0);
    s_waits_t waits = {0};
    sym_out_on_wait(self->out, s_on_wait, &waits);
    zsock_set_sndtimeo(sym_out_sock(self->out), 900);
    s_write(self, "tlm.a", 1);

    int64_t start_ms = sym_time_mono_ms();
    assert_int_equal(sym_out_flush(self->out), SYM_OK);
    int64_t took_ms = sym_time_mono_ms() - start_ms;
    assert_in_range(took_ms, 850, 3000);
    assert_in_range(waits.calls, 2, 6);
    assert_true(waits.is_growing);
    assert_in_range(waits.last_waited_ms, 600, 2900);
    assert_non_null(strstr(waits.line, "push >" S_TCP_WAIT));
    assert_non_null(strstr(waits.line, "no peer is connected"));
    assert_true(sym_stats_dropped(&self->out_stats) == 1);
}

/* Peers' count, once it reaches want or after the deadline. */
static int
s_peers_reach(sym_peers_t *peers, int want)
{
    int64_t deadline = sym_time_mono_ms() + S_DEADLINE_MS;
    int count = sym_peers_count(peers);
    while (count != want && sym_time_mono_ms() < deadline) {
        zclock_sleep(10);
        count = sym_peers_count(peers);
    }
    return count;
}

/* The health endpoint and the stats ask for peers long after the sockets
 * were attached: a handshake that passed before they first looked must
 * count all the same, on both sides of the edge. */
static void
test_out_in_count_peers_that_connected_before_anyone_looked(void **state)
{
    s_fixture_t *self = *state;
    s_add_in(self, ZMQ_PULL, "@" S_TCP_EARLY, NULL);
    s_open_out(self, ZMQ_PUSH, ">" S_TCP_EARLY, SYM_FULL_BLOCK, 0);
    zclock_sleep(300);

    sym_peers_t *in_peers = sym_peers_new(sym_in_sock(self->in, 0));
    sym_peers_t *out_peers = sym_peers_new(sym_out_sock(self->out));
    assert_int_equal(s_peers_reach(in_peers, 1), 1);
    assert_int_equal(s_peers_reach(out_peers, 1), 1);
    sym_out_counts_t counts;
    sym_out_counts(self->out, &counts);
    assert_int_equal(counts.peers, 1);
    sym_peers_destroy(&in_peers);
    sym_peers_destroy(&out_peers);
}

/* Bytes a receiver has not taken stay in the sender's kernel queue, and
 * the count falls to 0 once it has read them all: what an exiting ingest
 * waits for before closing. */
static void
test_out_unsent_counts_bytes_the_peer_has_not_taken(void **state)
{
    s_fixture_t *self = *state;
    self->policy.rcvhwm = 1;
    self->policy.rcvbuf = 4096;
    s_add_in(self, ZMQ_PULL, "@" S_TCP_UNSENT, NULL);
    s_open_out(self, ZMQ_PUSH, ">" S_TCP_UNSENT, SYM_FULL_BLOCK, 0);
    sym_peers_t *peers = sym_peers_new(sym_out_sock(self->out));
    assert_int_equal(s_peers_reach(peers, 1), 1);
    sym_peers_destroy(&peers);

    enum { records = 200 };
    char text[1024];
    memset(text, 'x', sizeof text - 1);
    text[sizeof text - 1] = '\0';
    for (uint64_t seq = 1; seq <= records; seq++) {
        sym_rec_reset(self->rec);
        assert_int_equal(sym_rec_set_stream(self->rec, "s", 1), SYM_OK);
        self->rec->seq = seq;
        assert_int_equal(sym_rec_set_str(self->rec, "pad", text, strlen(text)),
                         SYM_OK);
        assert_int_equal(sym_out_write(self->out, "t", self->rec), SYM_OK);
        assert_int_equal(sym_out_flush(self->out), SYM_OK);
    }
    int64_t deadline_ms = sym_time_mono_ms() + S_DEADLINE_MS;
    while (sym_out_unsent(self->out) == 0 && sym_time_mono_ms() < deadline_ms) {
        zclock_sleep(10);
    }
    assert_true(sym_out_unsent(self->out) > 0);

    for (int i = 0; i < records; i++) {
        sym_in_msg_t msg;
        assert_int_equal(s_recv(self, &msg, S_DEADLINE_MS), SYM_OK);
    }
    deadline_ms = sym_time_mono_ms() + S_DEADLINE_MS;
    while (sym_out_unsent(self->out) > 0 && sym_time_mono_ms() < deadline_ms) {
        zclock_sleep(10);
    }
    assert_int_equal(sym_out_unsent(self->out), 0);
}

/* libzmq sends monitor events blocking from its I/O thread: more unread
 * events than a queue holds (2,000 by default) must not stall it. 1,200
 * peers that come and go leave 2,400 events nobody has read. */
static void
test_in_survives_more_monitor_events_than_a_queue_holds(void **state)
{
    s_fixture_t *self = *state;
    s_add_in(self, ZMQ_PULL, "@ipc://@sym-test-many-peers", NULL);
    sym_in_msg_t msg;
    for (int i = 0; i < 1200; i++) {
        zsock_t *peer = zsock_new_push(">ipc://@sym-test-many-peers");
        assert_non_null(peer);
        zsock_set_linger(peer, 0);
        assert_int_equal(zstr_sendx(peer, "tlm.a", "x", NULL), 0);
        int rc = s_recv(self, &msg, S_DEADLINE_MS);
        if (rc != SYM_OK) {
            fail_msg("peer %d: nothing received (rc %d)", i, rc);
        }
        zsock_destroy(&peer);
    }
    sym_peers_poll_all();
    sym_peers_t *peers = sym_peers_new(sym_in_sock(self->in, 0));
    assert_int_equal(s_peers_reach(peers, 0), 0);
    sym_peers_destroy(&peers);
}

static void
test_in_drops_malformed_messages(void **state)
{
    s_fixture_t *self = *state;
    s_add_in(self, ZMQ_PULL, "inproc://oi-bad", NULL);
    zsock_t *raw = zsock_new_push(">inproc://oi-bad");
    assert_non_null(raw);
    sym_in_msg_t msg = {.source = -1};

    assert_int_equal(zstr_send(raw, "one frame"), 0);
    assert_int_equal(s_recv(self, &msg, S_DEADLINE_MS), SYM_EDECODE);
    assert_int_equal(msg.source, 0);
    assert_int_equal(zstr_sendx(raw, "tlm.a", "b", "c", NULL), 0);
    assert_int_equal(s_recv(self, &msg, S_DEADLINE_MS), SYM_EDECODE);
    assert_int_equal(zstr_sendx(raw, "bad topic", "payload", NULL), 0);
    assert_int_equal(s_recv(self, &msg, S_DEADLINE_MS), SYM_EDECODE);
    assert_int_equal(zstr_sendx(raw, "", "payload", NULL), 0);
    assert_int_equal(s_recv(self, &msg, S_DEADLINE_MS), SYM_EDECODE);

    /* The next good message is whole: nothing of the bad ones is left. */
    assert_int_equal(zstr_sendx(raw, "tlm.ok", "payload", NULL), 0);
    assert_int_equal(s_recv(self, &msg, S_DEADLINE_MS), SYM_OK);
    assert_string_equal(msg.topic, "tlm.ok");
    assert_int_equal(msg.payload_len, 7);
    assert_memory_equal(msg.payload, "payload", 7);
    assert_true(self->in_stats.values[SYM_CTR_DROP_FRAMES] == 4);
    assert_true(self->in_stats.values[SYM_CTR_MESSAGES_IN] == 5);
    zsock_destroy(&raw);
}

static void
test_in_serves_every_input_in_turn(void **state)
{
    s_fixture_t *self = *state;
    s_add_in(self, ZMQ_PULL, "inproc://oi-first", NULL);
    s_add_in(self, ZMQ_PULL, "inproc://oi-second", NULL);
    assert_int_equal(sym_in_count(self->in), 2);
    zsock_t *first = zsock_new_push(">inproc://oi-first");
    zsock_t *second = zsock_new_push(">inproc://oi-second");
    for (int i = 0; i < 3; i++) {
        assert_int_equal(zstr_sendx(first, "tlm.first", "1", NULL), 0);
        assert_int_equal(zstr_sendx(second, "tlm.second", "2", NULL), 0);
    }

    int sources[6];
    for (int i = 0; i < 6; i++) {
        sym_in_msg_t msg;
        assert_int_equal(s_recv(self, &msg, S_DEADLINE_MS), SYM_OK);
        sources[i] = msg.source;
        assert_string_equal(msg.topic,
                            msg.source == 0 ? "tlm.first" : "tlm.second");
    }
    /* Neither input starves the other. */
    for (int i = 0; i < 6; i++) {
        assert_int_equal(sources[i], i % 2);
    }
    zsock_destroy(&first);
    zsock_destroy(&second);
}

static void
test_in_recv_times_out_and_sees_a_stop(void **state)
{
    s_fixture_t *self = *state;
    s_add_in(self, ZMQ_PULL, "inproc://oi-idle", NULL);
    sym_in_msg_t msg;
    int64_t start_ms = sym_time_mono_ms();
    assert_int_equal(sym_in_recv(self->in, 30, &msg), SYM_EAGAIN);
    assert_true(sym_time_mono_ms() - start_ms >= 25);

    sym_sig_request_stop();
    assert_int_equal(sym_in_recv(self->in, 1000, &msg), SYM_ECLOSED);
    sym_sig_reset();
    assert_int_equal(sym_in_recv(self->in, 0, &msg), SYM_EAGAIN);
}

static void
test_in_add_reports_bad_endpoints(void **state)
{
    s_fixture_t *self = *state;
    assert_int_equal(sym_in_add(self->in, ZMQ_PULL, "tcp://127.0.0.1:0", NULL,
                                &self->policy, self->err, sizeof self->err),
                     SYM_EINVAL);
    assert_non_null(strstr(self->err, "1-65535"));
    s_add_in(self, ZMQ_PULL, S_TCP_TAKEN, NULL);
    assert_int_equal(sym_in_add(self->in, ZMQ_PULL, S_TCP_TAKEN, NULL,
                                &self->policy, self->err, sizeof self->err),
                     SYM_EIO);
    assert_non_null(strstr(self->err, "Address already in use"));
    assert_int_equal(sym_in_count(self->in), 1);
}

static void
test_out_new_reports_a_bad_endpoint(void **state)
{
    s_fixture_t *self = *state;
    sym_out_opts_t opts = {.type = ZMQ_PUSH,
                           .endpoints = "udp://127.0.0.1:17520",
                           .on_full = SYM_FULL_DROP_OLDEST};
    int rc = SYM_OK;
    sym_out_t *out = sym_out_new(&opts, &self->policy, &self->out_stats, &rc,
                                 self->err, sizeof self->err);
    assert_null(out);
    assert_int_equal(rc, SYM_EINVAL);
    assert_non_null(strstr(self->err, "transport"));
}

static void
test_out_full_policy_names_read_back(void **state)
{
    (void) state;
    const sym_full_t policies[] = {SYM_FULL_BLOCK, SYM_FULL_DROP_NEWEST,
                                   SYM_FULL_DROP_OLDEST};
    for (size_t i = 0; i < 3; i++) {
        sym_full_t parsed = SYM_FULL_BLOCK;
        assert_int_equal(sym_full_parse(sym_full_name(policies[i]), &parsed),
                         SYM_OK);
        assert_int_equal(parsed, policies[i]);
    }
    assert_string_equal(sym_full_name(SYM_FULL_DROP_NEWEST), "drop-newest");
    sym_full_t parsed = SYM_FULL_BLOCK;
    assert_int_equal(sym_full_parse("drop", &parsed), SYM_EINVAL);
    assert_int_equal(sym_full_parse("Block", &parsed), SYM_EINVAL);
    assert_string_equal(sym_full_name((sym_full_t) 9), "unknown");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
#define S_TEST(name) cmocka_unit_test_setup_teardown(name, s_setup, s_teardown)
        S_TEST(test_out_in_batches_records_until_flush),
        S_TEST(test_out_in_keeps_one_batch_per_topic),
        S_TEST(test_out_in_sends_earlier_topics_before_an_eos),
        S_TEST(test_out_in_sends_a_batch_once_it_is_full),
        S_TEST(test_out_in_destroy_flushes_what_is_pending),
        S_TEST(test_out_in_tcp_block_delivers_everything),
        S_TEST(test_out_push_without_peer_drops_newest_and_counts),
        S_TEST(test_out_drop_oldest_keeps_the_newest_batches),
        S_TEST(test_out_close_without_peer_is_bounded_and_counted),
        S_TEST(test_out_in_pub_sub_over_tcp_filters_by_prefix),
        S_TEST(test_out_in_count_peers_that_connected_before_anyone_looked),
        S_TEST(test_out_unsent_counts_bytes_the_peer_has_not_taken),
        S_TEST(test_out_block_calls_back_while_it_waits),
        S_TEST(test_in_survives_more_monitor_events_than_a_queue_holds),
        S_TEST(test_in_drops_malformed_messages),
        S_TEST(test_in_serves_every_input_in_turn),
        S_TEST(test_in_recv_times_out_and_sees_a_stop),
        S_TEST(test_in_add_reports_bad_endpoints),
        S_TEST(test_out_new_reports_a_bad_endpoint),
        S_TEST(test_out_full_policy_names_read_back),
#undef S_TEST
    };
    return cmocka_run_group_tests_name("out_in", tests, NULL, NULL);
}
