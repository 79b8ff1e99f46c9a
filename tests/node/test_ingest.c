/* test_ingest.c: the ingest node driven in-process against a PULL socket.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ingest.h"
#include "sym_err.h"
#include "sym_in.h"
#include "sym_log.h"
#include "sym_sig.h"
#include "sym_time.h"
#include "sym_wire.h"

#define S_MAX_STREAMS 16
#define S_WAIT_MS 5000

/* What the receiver saw, per stream. */
typedef struct {
    char name[64];
    char topic[64];
    uint64_t count;    /* data records */
    uint64_t last_seq; /* seq of the last data record */
    uint64_t eos_seq;  /* seq the end-of-stream record announced */
    bool has_gap;      /* a data seq was not last_seq + 1 */
    int64_t first_event_ns;
} s_stream_t;

typedef struct {
    s_stream_t streams[S_MAX_STREAMS];
    size_t count;
    size_t eos;
    uint64_t records;
    uint64_t epoch;
} s_seen_t;

/* A test's receiver and configuration. */
typedef struct {
    sym_in_t *in;
    sym_stats_t in_stats;
    sym_wire_decoder_t *decoder;
    sym_rec_t *rec;
    ingest_cfg_t cfg;
    s_seen_t seen;
} s_fix_t;

static void
s_fixture(const char *name, char *path, size_t size)
{
    const char *slash = strrchr(__FILE__, '/');
    int dir_len = slash ? (int) (slash - __FILE__) : 1;
    snprintf(path, size, "file:%.*s/../data/ingest/%s", dir_len,
             slash ? __FILE__ : ".", name);
}

static int
s_setup(void **state)
{
    static s_fix_t fix;
    memset(&fix, 0, sizeof fix);
    fix.in = sym_in_new(&fix.in_stats);
    fix.decoder = sym_wire_decoder_new(NULL);
    fix.rec = sym_rec_new();
    assert_non_null(fix.in);
    assert_non_null(fix.decoder);
    assert_non_null(fix.rec);
    sym_sig_reset();
    *state = &fix;
    return 0;
}

static int
s_teardown(void **state)
{
    s_fix_t *fix = *state;
    sym_opt_free(ingest_opt_table, &fix->cfg);
    sym_in_destroy(&fix->in);
    sym_wire_decoder_destroy(&fix->decoder);
    sym_rec_destroy(&fix->rec);
    sym_sig_reset();
    return 0;
}

static void
s_bind(s_fix_t *fix, const char *endpoint)
{
    sym_sock_policy_t policy;
    sym_sock_policy_default(&policy);
    char err[256] = "";
    if (sym_in_add(fix->in, ZMQ_PULL, endpoint, NULL, &policy, err,
                   sizeof err) != SYM_OK) {
        fail_msg("bind %s: %s", endpoint, err);
    }
}

/* Parse the options (NULL-terminated) into fix->cfg and build the node.
 * Returns the node or NULL with *rc and err set. */
static ingest_t *
s_new(s_fix_t *fix, const char *const *args, int *rc, char *err,
      size_t err_size)
{
    char *argv[40] = {"test_ingest"};
    int argc = 1;
    for (; args[argc - 1]; argc++) {
        assert_true(argc < 40);
        argv[argc] = (char *) args[argc - 1];
    }
    sym_opt_free(ingest_opt_table, &fix->cfg);
    memset(&fix->cfg, 0, sizeof fix->cfg);
    assert_int_equal(
        sym_opt_parse(ingest_opt_table, &fix->cfg, argc, argv, err, err_size),
        SYM_OK);
    return ingest_new(&fix->cfg, rc, err, err_size);
}

static ingest_t *
s_new_ok(s_fix_t *fix, const char *const *args)
{
    int rc = SYM_OK;
    char err[256] = "";
    ingest_t *ingest = s_new(fix, args, &rc, err, sizeof err);
    if (ingest == NULL) {
        fail_msg("ingest_new: %s", err);
    }
    return ingest;
}

static s_stream_t *
s_stream_of(s_seen_t *seen, const sym_rec_t *rec)
{
    for (size_t i = 0; i < seen->count; i++) {
        if (sym_str_eq(rec->stream, seen->streams[i].name)) {
            return &seen->streams[i];
        }
    }
    assert_true(seen->count < S_MAX_STREAMS);
    s_stream_t *stream = &seen->streams[seen->count++];
    snprintf(stream->name, sizeof stream->name, "%.*s", (int) rec->stream.len,
             rec->stream.ptr);
    return stream;
}

static void
s_account(s_seen_t *seen, const sym_rec_t *rec, const char *topic)
{
    s_stream_t *stream = s_stream_of(seen, rec);
    seen->epoch = rec->epoch;
    snprintf(stream->topic, sizeof stream->topic, "%s", topic);
    if (rec->kind == SYM_KIND_EOS) {
        stream->eos_seq = rec->seq;
        seen->eos++;
        return;
    }
    assert_int_equal(rec->kind, SYM_KIND_DATA);
    if (rec->seq != stream->last_seq + 1) {
        stream->has_gap = true;
    }
    if (stream->count == 0) {
        stream->first_event_ns = rec->event_ns;
    }
    stream->last_seq = rec->seq;
    stream->count++;
    seen->records++;
}

/* Decode every record of a message and account for it. */
static void
s_take(s_fix_t *fix, const sym_in_msg_t *msg)
{
    size_t offset = 0;
    while (offset < msg->payload_len) {
        size_t used = 0;
        assert_int_equal(sym_wire_decode(fix->decoder, msg->payload + offset,
                                         msg->payload_len - offset, fix->rec,
                                         &used),
                         SYM_OK);
        offset += used;
        s_account(&fix->seen, fix->rec, msg->topic);
    }
}

/* Receive until want_eos end-of-stream records and want_records data
 * records have arrived, or the deadline passes. */
static void
s_drain(s_fix_t *fix, size_t want_eos, uint64_t want_records)
{
    int64_t deadline_ms = sym_time_mono_ms() + S_WAIT_MS;
    while (fix->seen.eos < want_eos || fix->seen.records < want_records) {
        int64_t left_ms = deadline_ms - sym_time_mono_ms();
        assert_true(left_ms > 0);
        sym_in_msg_t msg;
        int rc = sym_in_recv(fix->in, (int) left_ms, &msg);
        if (rc == SYM_OK) {
            s_take(fix, &msg);
        } else {
            assert_int_equal(rc, SYM_EAGAIN);
        }
    }
}

/* Account for whatever still arrives, until 100 ms pass in silence. */
static void
s_drain_rest(s_fix_t *fix)
{
    sym_in_msg_t msg;
    while (sym_in_recv(fix->in, 100, &msg) == SYM_OK) {
        s_take(fix, &msg);
    }
}

/* Nothing more arrives within a short grace (the node has returned and
 * flushed, so anything sent is already queued on inproc). */
static void
s_assert_quiet(s_fix_t *fix)
{
    sym_in_msg_t msg;
    assert_int_equal(sym_in_recv(fix->in, 100, &msg), SYM_EAGAIN);
}

static s_stream_t *
s_find(s_seen_t *seen, const char *name)
{
    for (size_t i = 0; i < seen->count; i++) {
        if (strcmp(seen->streams[i].name, name) == 0) {
            return &seen->streams[i];
        }
    }
    fail_msg("stream %s never arrived", name);
    return NULL;
}

static void
s_assert_stream(s_seen_t *seen, const char *name, uint64_t count)
{
    s_stream_t *stream = s_find(seen, name);
    assert_int_equal(stream->count, count);
    assert_int_equal(stream->last_seq, count);
    assert_int_equal(stream->eos_seq, count);
    assert_false(stream->has_gap);
    char topic[80];
    snprintf(topic, sizeof topic, "tlm.%s", name);
    assert_string_equal(stream->topic, topic);
}

static void
test_ingest_csv_three_stations(void **state)
{
    s_fix_t *fix = *state;
    s_bind(fix, "@inproc://ingest-node-csv");
    char source[512];
    s_fixture("stations.csv", source, sizeof source);
    const char *args[] = {
        "--source",     source,     "--stream", "qb50.{source}",
        "--time-field", "passtime", "--push",   ">inproc://ingest-node-csv",
        "--epoch",      "42",       NULL};
    ingest_t *ingest = s_new_ok(fix, args);
    assert_int_equal(ingest_run(ingest), SYM_OK);

    s_drain(fix, 3, 7);
    s_assert_quiet(fix);
    assert_int_equal(fix->seen.count, 3);
    s_assert_stream(&fix->seen, "qb50.tartu", 3);
    s_assert_stream(&fix->seen, "qb50.aalto", 2);
    s_assert_stream(&fix->seen, "qb50.japan", 2);
    assert_int_equal(fix->seen.epoch, 42);
    int64_t expected_ns = 0;
    assert_int_equal(sym_time_parse("2017-05-17T06:34:00Z", 20, &expected_ns),
                     SYM_OK);
    assert_true(s_find(&fix->seen, "qb50.tartu")->first_event_ns ==
                expected_ns);

    const sym_stats_t *stats = ingest_stats(ingest);
    assert_int_equal(stats->values[SYM_CTR_READ], 8);
    assert_int_equal(stats->values[SYM_CTR_DROP_BAD_INPUT], 1);
    assert_int_equal(stats->values[SYM_CTR_SENT], 7 + 3);
    assert_int_equal(ingest_accepted(ingest), 7);
    assert_int_equal(ingest_skipped(ingest), 0);
    assert_int_equal(ingest_stream_count(ingest), 3);
    assert_int_equal(ingest_epoch(ingest), 42);
    ingest_destroy(&ingest);
    assert_null(ingest);
}

static void
test_ingest_match_keeps_one_station(void **state)
{
    s_fix_t *fix = *state;
    s_bind(fix, "@inproc://ingest-node-match");
    char source[512];
    s_fixture("stations.csv", source, sizeof source);
    const char *args[] = {
        "--source", source,         "--stream", "qb50.{source}",
        "--match",  "source=tartu", "--push",   ">inproc://ingest-node-match",
        NULL};
    ingest_t *ingest = s_new_ok(fix, args);
    assert_int_equal(ingest_run(ingest), SYM_OK);

    s_drain(fix, 1, 3);
    s_assert_quiet(fix);
    assert_int_equal(fix->seen.count, 1);
    s_assert_stream(&fix->seen, "qb50.tartu", 3);
    assert_int_equal(ingest_skipped(ingest), 4);
    assert_int_equal(ingest_stats(ingest)->values[SYM_CTR_DROP_BAD_INPUT], 1);
    /* Without --epoch the run id is the start time. */
    assert_true(ingest_epoch(ingest) > 1700000000ULL * SYM_NS_PER_SEC);
    assert_true(fix->seen.epoch == ingest_epoch(ingest));
    ingest_destroy(&ingest);
}

static void
test_ingest_header_only_sends_nothing(void **state)
{
    s_fix_t *fix = *state;
    s_bind(fix, "@inproc://ingest-node-empty");
    char source[512];
    s_fixture("header-only.csv", source, sizeof source);
    const char *args[] = {"--source", source, "--push",
                          ">inproc://ingest-node-empty", NULL};
    ingest_t *ingest = s_new_ok(fix, args);
    assert_int_equal(ingest_run(ingest), SYM_OK);
    s_assert_quiet(fix);
    assert_int_equal(ingest_stream_count(ingest), 0);
    assert_int_equal(ingest_stats(ingest)->values[SYM_CTR_SENT], 0);
    ingest_destroy(&ingest);
}

static void
test_ingest_missing_template_field_is_bad_input(void **state)
{
    s_fix_t *fix = *state;
    s_bind(fix, "@inproc://ingest-node-jsonl");
    char source[512];
    s_fixture("lines.jsonl", source, sizeof source);
    const char *args[] = {
        "--source", source,       "--stream", "{source}.m{mode}",
        "--topic",  "t.{source}", "--push",   ">inproc://ingest-node-jsonl",
        NULL};
    ingest_t *ingest = s_new_ok(fix, args);
    assert_int_equal(ingest_run(ingest), SYM_OK);

    s_drain(fix, 1, 1);
    s_assert_quiet(fix);
    s_stream_t *stream = s_find(&fix->seen, "tartu.m0");
    assert_int_equal(stream->count, 1);
    assert_int_equal(stream->eos_seq, 1);
    assert_string_equal(stream->topic, "t.tartu");
    /* Four lines that are not flat objects, and one without "mode". */
    assert_int_equal(ingest_stats(ingest)->values[SYM_CTR_DROP_BAD_INPUT], 5);
    assert_int_equal(ingest_stats(ingest)->values[SYM_CTR_READ], 6);
    ingest_destroy(&ingest);
}

static void
test_ingest_replays_at_speed(void **state)
{
    s_fix_t *fix = *state;
    s_bind(fix, "@inproc://ingest-node-paced");
    char source[512];
    s_fixture("paced.csv", source, sizeof source);
    const char *args[] = {
        "--source", source, "--time-field", "t",
        "--speed",  "2",    "--push",       ">inproc://ingest-node-paced",
        NULL};
    ingest_t *ingest = s_new_ok(fix, args);
    int64_t start_ms = sym_time_mono_ms();
    assert_int_equal(ingest_run(ingest), SYM_OK);
    int64_t took_ms = sym_time_mono_ms() - start_ms;

    /* 0.8 s of event time at twice the speed. */
    assert_true(took_ms >= 395);
    assert_true(took_ms < 3000);
    s_drain(fix, 1, 5);
    s_assert_stream(&fix->seen, "ingest", 5);
    ingest_destroy(&ingest);
}

static void *
s_run_thread(void *arg)
{
    static int rc;
    rc = ingest_run(arg);
    return &rc;
}

static void
test_ingest_stops_on_request(void **state)
{
    s_fix_t *fix = *state;
    s_bind(fix, "@inproc://ingest-node-stop");
    const char *args[] = {"--source", "sim",    "--sim-rate",
                          "500",      "--push", ">inproc://ingest-node-stop",
                          NULL};
    ingest_t *ingest = s_new_ok(fix, args);
    pthread_t thread;
    assert_int_equal(pthread_create(&thread, NULL, s_run_thread, ingest), 0);

    s_drain(fix, 0, 100);
    int64_t asked_ms = sym_time_mono_ms();
    sym_sig_request_stop();
    void *result = NULL;
    assert_int_equal(pthread_join(thread, &result), 0);
    assert_true(sym_time_mono_ms() - asked_ms < 2000);
    assert_int_equal(*(int *) result, SYM_OK);

    /* A stop is not the end of the streams: no end-of-stream records. */
    s_drain_rest(fix);
    assert_int_equal(fix->seen.eos, 0);
    assert_int_equal(fix->seen.count, 12);
    for (size_t i = 0; i < fix->seen.count; i++) {
        assert_false(fix->seen.streams[i].has_gap);
        assert_non_null(strstr(fix->seen.streams[i].name, "sim.exp"));
    }
    ingest_destroy(&ingest);
}

static void
test_ingest_sim_keeps_its_rate(void **state)
{
    s_fix_t *fix = *state;
    s_bind(fix, "@inproc://ingest-node-rate");
    /* 12 streams x 1000 records at 2000 per second per stream: 0.5 s. */
    const char *args[] = {
        "--source",    "sim",   "--sim-rate", "2000",
        "--sim-count", "12000", "--push",     ">inproc://ingest-node-rate",
        NULL};
    ingest_t *ingest = s_new_ok(fix, args);
    pthread_t thread;
    int64_t start_ms = sym_time_mono_ms();
    assert_int_equal(pthread_create(&thread, NULL, s_run_thread, ingest), 0);
    s_drain(fix, 12, 12000);
    void *result = NULL;
    assert_int_equal(pthread_join(thread, &result), 0);
    int64_t took_ms = sym_time_mono_ms() - start_ms;
    assert_int_equal(*(int *) result, SYM_OK);
    assert_true(took_ms >= 495);
    assert_true(took_ms < 5000);
    for (size_t i = 0; i < fix->seen.count; i++) {
        assert_int_equal(fix->seen.streams[i].count, 1000);
        assert_int_equal(fix->seen.streams[i].eos_seq, 1000);
        assert_false(fix->seen.streams[i].has_gap);
    }
    ingest_destroy(&ingest);
}

/* Write a whole line to fd. */
static void
s_write_line(int fd, const char *line)
{
    size_t len = strlen(line);
    assert_int_equal(write(fd, line, len), (ssize_t) len);
}

static void
test_ingest_stdin_sends_while_input_is_slow(void **state)
{
    s_fix_t *fix = *state;
    s_bind(fix, "@inproc://ingest-node-stdin");
    int pipe_fds[2];
    assert_int_equal(pipe(pipe_fds), 0);
    int saved_stdin = dup(STDIN_FILENO);
    assert_true(saved_stdin >= 0);
    assert_int_equal(dup2(pipe_fds[0], STDIN_FILENO), STDIN_FILENO);
    close(pipe_fds[0]);

    const char *args[] = {"--source", "stdin",  "--stream",
                          "{source}", "--push", ">inproc://ingest-node-stdin",
                          NULL};
    ingest_t *ingest = s_new_ok(fix, args);
    pthread_t thread;
    assert_int_equal(pthread_create(&thread, NULL, s_run_thread, ingest), 0);

    /* Each line must arrive while the input stays open: the node sends
     * what it has when the input goes quiet. */
    s_write_line(pipe_fds[1], "{\"source\":\"a\",\"v\":1}\n");
    s_drain(fix, 0, 1);
    s_write_line(pipe_fds[1], "{\"source\":\"a\",\"v\":2}\n{\"sou");
    s_drain(fix, 0, 2);
    s_write_line(pipe_fds[1], "rce\":\"b\"}\n");
    s_drain(fix, 0, 3);
    close(pipe_fds[1]);

    void *result = NULL;
    assert_int_equal(pthread_join(thread, &result), 0);
    assert_int_equal(*(int *) result, SYM_OK);
    s_drain(fix, 2, 3);
    s_assert_stream(&fix->seen, "a", 2);
    s_assert_stream(&fix->seen, "b", 1);
    ingest_destroy(&ingest);
    assert_int_equal(dup2(saved_stdin, STDIN_FILENO), STDIN_FILENO);
    close(saved_stdin);
}

static void
test_ingest_pub_never_blocks(void **state)
{
    s_fix_t *fix = *state;
    (void) fix;
    const char *args[] = {
        "--source",    "sim",  "--sim-rate", "0",
        "--sim-count", "5000", "--pub",      "@tcp://127.0.0.1:17110",
        NULL};
    ingest_t *ingest = s_new_ok(fix, args);
    assert_int_equal(ingest_run(ingest), SYM_OK);
    assert_int_equal(ingest_accepted(ingest), 5000);
    assert_int_equal(ingest_stream_count(ingest), 12);
    ingest_destroy(&ingest);
}

static void
test_ingest_drop_newest_counts_without_peer(void **state)
{
    s_fix_t *fix = *state;
    const char *args[] = {
        "--source",    "sim",         "--sim-rate",  "0",
        "--sim-count", "1000",        "--push",      ">tcp://127.0.0.1:17111",
        "--on-full",   "drop-newest", "--linger-ms", "0",
        NULL};
    ingest_t *ingest = s_new_ok(fix, args);
    assert_int_equal(ingest_run(ingest), SYM_OK);
    const sym_stats_t *stats = ingest_stats(ingest);
    /* No peer was ever connected: the drops say so, not "full". */
    assert_int_equal(stats->values[SYM_CTR_DROP_NO_PEER], 1000 + 12);
    assert_int_equal(stats->values[SYM_CTR_DROP_FULL], 0);
    assert_int_equal(stats->values[SYM_CTR_SENT], 0);
    ingest_destroy(&ingest);
}

/* ingest_new refuses the options and names the one at fault. */
static void
s_assert_refused(s_fix_t *fix, const char *const *args, const char *needle)
{
    int rc = SYM_OK;
    char err[256] = "";
    ingest_t *ingest = s_new(fix, args, &rc, err, sizeof err);
    assert_null(ingest);
    assert_int_equal(rc, SYM_EINVAL);
    if (strstr(err, needle) == NULL) {
        fail_msg("error '%s' does not mention '%s'", err, needle);
    }
}

static void
test_ingest_refuses_bad_options(void **state)
{
    s_fix_t *fix = *state;
    const char *push[] = {"--push", ">tcp://127.0.0.1:17112"};
#define S_ARGS(...) ((const char *const[]){__VA_ARGS__, push[0], push[1], NULL})
    s_assert_refused(fix, (const char *const[]){"--source", "sim", NULL},
                     "--push");
    s_assert_refused(fix, S_ARGS("--source", "ftp:x"), "--source");
    s_assert_refused(fix, S_ARGS("--source", "file:/tmp/x.txt"), "--format");
    s_assert_refused(fix, S_ARGS("--source", "file:/nonexistent/x.csv"),
                     "--source");
    s_assert_refused(fix, S_ARGS("--source", "stdin", "--format", "xml"),
                     "--format");
    s_assert_refused(fix, S_ARGS("--source", "stdin", "--speed", "fast"),
                     "--speed");
    s_assert_refused(fix, S_ARGS("--stream", "x.{"), "x.{");
    s_assert_refused(fix, S_ARGS("--topic", ""), "--topic");
    s_assert_refused(fix, S_ARGS("--match", "nothing"), "--match");
    s_assert_refused(fix, S_ARGS("--on-full", "maybe"), "--on-full");
    s_assert_refused(fix, S_ARGS("--batch-bytes", "0"), "--batch-bytes");
    s_assert_refused(fix, S_ARGS("--sim-channels", "0"), "--sim-channels");
    s_assert_refused(fix, S_ARGS("--sim-rate", "-1"), "--sim-rate");
    s_assert_refused(fix, (const char *const[]){"--pub", "tcp://nohost", NULL},
                     "nohost");
#undef S_ARGS
}

int
main(void)
{
    sym_log_init("ingest", "test", "warn");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_ingest_csv_three_stations, s_setup,
                                        s_teardown),
        cmocka_unit_test_setup_teardown(test_ingest_match_keeps_one_station,
                                        s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_ingest_header_only_sends_nothing,
                                        s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(
            test_ingest_missing_template_field_is_bad_input, s_setup,
            s_teardown),
        cmocka_unit_test_setup_teardown(test_ingest_replays_at_speed, s_setup,
                                        s_teardown),
        cmocka_unit_test_setup_teardown(test_ingest_stops_on_request, s_setup,
                                        s_teardown),
        cmocka_unit_test_setup_teardown(test_ingest_sim_keeps_its_rate, s_setup,
                                        s_teardown),
        cmocka_unit_test_setup_teardown(
            test_ingest_stdin_sends_while_input_is_slow, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_ingest_pub_never_blocks, s_setup,
                                        s_teardown),
        cmocka_unit_test_setup_teardown(
            test_ingest_drop_newest_counts_without_peer, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_ingest_refuses_bad_options,
                                        s_setup, s_teardown),
    };
    return cmocka_run_group_tests_name("ingest", tests, NULL, NULL);
}
