/* test_tap.c: symphony-tap against a test publisher on loopback TCP.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <czmq.h>
#include <jansson.h>
#include <msgpack.h>

#include "sym_err.h"
#include "sym_log.h"
#include "sym_rec.h"
#include "sym_stats.h"
#include "sym_wire.h"
#include "tap.h"
#include "tap_print.h"

#define TEST_EPOCH 1767225600000000000ULL
#define TEST_EVENT_NS 1495066860000000000LL /* 2017-05-18T00:21:00Z */
#define TEST_DEADLINE_MS 5000

/* One tap running in a thread, printing into a pipe the test reads, and
 * the XPUB that feeds it: an XPUB sees the tap's subscriptions arrive,
 * so the test publishes only once they are in place. */
typedef struct {
    tap_cfg_t cfg; /* what the test asks of the tap */
    zsock_t *pub;  /* the test publisher */
    int read_fd;   /* the test's end of the output pipe */
    FILE *out;     /* the tap's end */
    tap_t *tap;
    pthread_t thread;
    bool has_thread;
    atomic_bool is_done; /* tap_run returned */
    int rc;              /* what it returned */
    char buf[65536];     /* output read but not yet split into lines */
    size_t buf_len;
} fixture_t;

static int
s_setup(void **state)
{
    fixture_t *fx = calloc(1, sizeof *fx);
    assert_non_null(fx);
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    fx->read_fd = fds[0];
    fx->out = fdopen(fds[1], "w");
    assert_non_null(fx->out);
    fx->cfg.rcvhwm = 1000;
    atomic_init(&fx->is_done, false);
    *state = fx;
    return 0;
}

static int
s_teardown(void **state)
{
    fixture_t *fx = *state;
    if (fx->has_thread) {
        tap_stop(fx->tap);
        pthread_join(fx->thread, NULL);
    }
    tap_destroy(&fx->tap);
    zsock_destroy(&fx->pub);
    fclose(fx->out);
    if (fx->read_fd >= 0) {
        close(fx->read_fd);
    }
    sym_strlist_clear(&fx->cfg.connect);
    sym_strlist_clear(&fx->cfg.topic);
    free(fx);
    return 0;
}

static void *
s_tap_thread(void *arg)
{
    fixture_t *fx = arg;
    fx->rc = tap_run(fx->tap);
    atomic_store(&fx->is_done, true);
    return NULL;
}

/* Wait until the publisher has seen `count` subscriptions. */
static void
s_wait_subscribed(fixture_t *fx, int count)
{
    int64_t deadline_ms = zclock_mono() + TEST_DEADLINE_MS;
    while (count > 0) {
        int64_t left_ms = deadline_ms - zclock_mono();
        assert_true(left_ms > 0);
        zmq_pollitem_t item = {zsock_resolve(fx->pub), 0, ZMQ_POLLIN, 0};
        if (zmq_poll(&item, 1, (long) left_ms) != 1) {
            continue;
        }
        zframe_t *frame = zframe_recv(fx->pub);
        assert_non_null(frame);
        if (zframe_size(frame) > 0 && zframe_data(frame)[0] == 1) {
            count--;
        }
        zframe_destroy(&frame);
    }
}

/* Bind the publisher on port, start the tap connected to it, and wait
 * for its subscriptions (one per --topic, or one for everything). */
static void
s_start(fixture_t *fx, int port)
{
    char endpoint[64];
    snprintf(endpoint, sizeof endpoint, "tcp://127.0.0.1:%d", port);
    fx->pub = zsock_new(ZMQ_XPUB);
    assert_non_null(fx->pub);
    zsock_set_linger(fx->pub, 0);
    assert_int_equal(zsock_bind(fx->pub, "%s", endpoint), port);

    assert_int_equal(sym_strlist_append(&fx->cfg.connect, endpoint), SYM_OK);
    char err[256] = "";
    int rc = SYM_OK;
    fx->tap = tap_new(&fx->cfg, fx->out, &rc, err, sizeof err);
    assert_non_null(fx->tap);
    assert_int_equal(pthread_create(&fx->thread, NULL, s_tap_thread, fx), 0);
    fx->has_thread = true;
    int topics = fx->cfg.topic.count ? (int) fx->cfg.topic.count : 1;
    s_wait_subscribed(fx, topics);
}

/* Wait for tap_run to return, then join its thread. */
static void
s_join(fixture_t *fx)
{
    int64_t deadline_ms = zclock_mono() + TEST_DEADLINE_MS;
    while (!atomic_load(&fx->is_done)) {
        assert_true(zclock_mono() < deadline_ms);
        zclock_sleep(5);
    }
    pthread_join(fx->thread, NULL);
    fx->has_thread = false;
}

/* Append one record to batch. */
static void
s_add_record(msgpack_sbuffer *batch, sym_kind_t kind, const char *stream,
             uint64_t seq)
{
    sym_rec_t *rec = sym_rec_new();
    assert_non_null(rec);
    rec->kind = kind;
    assert_int_equal(sym_rec_set_stream(rec, stream, strlen(stream)), 0);
    rec->epoch = TEST_EPOCH;
    rec->seq = seq;
    rec->event_ns = TEST_EVENT_NS;
    rec->ingest_ns = TEST_EVENT_NS + 1000;
    assert_int_equal(sym_rec_set_double(rec, "temp", 21.5), SYM_OK);
    assert_int_equal(sym_rec_set_str(rec, "site", "tartu", 5), SYM_OK);
    assert_int_equal(sym_wire_encode(rec, batch), SYM_OK);
    sym_rec_destroy(&rec);
}

static void
s_send_frames(fixture_t *fx, const char *topic, const void *payload, size_t len)
{
    void *handle = zsock_resolve(fx->pub);
    assert_int_equal(zmq_send(handle, topic, strlen(topic), ZMQ_SNDMORE),
                     (int) strlen(topic));
    assert_int_equal(zmq_send(handle, payload, len, 0), (int) len);
}

/* Publish one message of records seq first..last of stream. */
static void
s_publish(fixture_t *fx, const char *topic, sym_kind_t kind, const char *stream,
          uint64_t first, uint64_t last)
{
    msgpack_sbuffer batch;
    msgpack_sbuffer_init(&batch);
    for (uint64_t seq = first; seq <= last; seq++) {
        s_add_record(&batch, kind, stream, seq);
    }
    s_send_frames(fx, topic, batch.data, batch.size);
    msgpack_sbuffer_destroy(&batch);
}

/* Read one line of the tap's output into line, without the newline. */
static void
s_read_line(fixture_t *fx, char *line, size_t size)
{
    int64_t deadline_ms = zclock_mono() + TEST_DEADLINE_MS;
    while (true) {
        char *newline = memchr(fx->buf, '\n', fx->buf_len);
        if (newline) {
            size_t len = (size_t) (newline - fx->buf);
            assert_true(len < size);
            memcpy(line, fx->buf, len);
            line[len] = '\0';
            fx->buf_len -= len + 1;
            memmove(fx->buf, newline + 1, fx->buf_len);
            return;
        }
        int64_t left_ms = deadline_ms - zclock_mono();
        assert_true(left_ms > 0);
        assert_true(fx->buf_len < sizeof fx->buf);
        struct pollfd item = {.fd = fx->read_fd, .events = POLLIN};
        if (poll(&item, 1, (int) left_ms) == 1) {
            ssize_t n = read(fx->read_fd, fx->buf + fx->buf_len,
                             sizeof fx->buf - fx->buf_len);
            assert_true(n > 0);
            fx->buf_len += (size_t) n;
        }
    }
}

/* Read one JSON line and check its envelope. The caller owns the
 * object. */
static json_t *
s_read_record(fixture_t *fx, const char *topic, const char *kind, uint64_t seq)
{
    char line[4096];
    s_read_line(fx, line, sizeof line);
    json_error_t error;
    json_t *rec = json_loads(line, 0, &error);
    if (rec == NULL) {
        fail_msg("not JSON: %s (%s)", line, error.text);
    }
    assert_string_equal(json_string_value(json_object_get(rec, "topic")),
                        topic);
    assert_string_equal(json_string_value(json_object_get(rec, "kind")), kind);
    assert_int_equal(json_integer_value(json_object_get(rec, "seq")), seq);
    return rec;
}

static void
test_tap_prints_records_as_json(void **state)
{
    fixture_t *fx = *state;
    fx->cfg.count = 3;
    s_start(fx, 17410);

    s_publish(fx, "tlm.qb50.tartu", SYM_KIND_DATA, "qb50.tartu", 1, 2);
    s_publish(fx, "tlm.qb50.tartu", SYM_KIND_DATA, "qb50.tartu", 3, 3);
    for (uint64_t seq = 1; seq <= 3; seq++) {
        json_t *rec = s_read_record(fx, "tlm.qb50.tartu", "data", seq);
        json_t *fields = json_object_get(rec, "fields");
        assert_string_equal(json_string_value(json_object_get(rec, "stream")),
                            "qb50.tartu");
        assert_true(json_integer_value(json_object_get(rec, "epoch")) ==
                    (json_int_t) TEST_EPOCH);
        assert_string_equal(
            json_string_value(json_object_get(rec, "event_time")),
            "2017-05-18T00:21:00.000000000Z");
        assert_true(json_real_value(json_object_get(fields, "temp")) == 21.5);
        assert_string_equal(json_string_value(json_object_get(fields, "site")),
                            "tartu");
        json_decref(rec);
    }

    s_join(fx);
    assert_int_equal(fx->rc, SYM_OK);
    assert_int_equal(tap_printed(fx->tap), 3);
    assert_int_equal(tap_malformed(fx->tap), 0);
}

static void
test_tap_topic_prefix_filters(void **state)
{
    fixture_t *fx = *state;
    fx->cfg.count = 2;
    assert_int_equal(sym_strlist_append(&fx->cfg.topic, "tlm.a"), SYM_OK);
    s_start(fx, 17411);

    /* Ordered on one connection: a leak of tlm.b would come first. */
    s_publish(fx, "tlm.b", SYM_KIND_DATA, "b", 1, 1);
    s_publish(fx, "tlm.a", SYM_KIND_DATA, "a", 1, 1);
    s_publish(fx, "tlm.b", SYM_KIND_DATA, "b", 2, 2);
    s_publish(fx, "tlm.a", SYM_KIND_DATA, "a", 2, 2);
    json_decref(s_read_record(fx, "tlm.a", "data", 1));
    json_decref(s_read_record(fx, "tlm.a", "data", 2));
    s_join(fx);
    assert_int_equal(tap_stats(fx->tap)->values[SYM_CTR_RECEIVED], 2);
}

static void
test_tap_kinds_filters(void **state)
{
    fixture_t *fx = *state;
    fx->cfg.count = 1;
    fx->cfg.kinds = (char *) "alarm,eos";
    s_start(fx, 17412);

    s_publish(fx, "tlm.k", SYM_KIND_DATA, "k", 1, 2);
    s_publish(fx, "alarm.tlm.k", SYM_KIND_ALARM, "alarm.t1", 7, 7);
    json_decref(s_read_record(fx, "alarm.tlm.k", "alarm", 7));
    s_join(fx);
    assert_int_equal(tap_stats(fx->tap)->values[SYM_CTR_RECEIVED], 3);
}

static void
test_tap_pretty_prints_indented_json(void **state)
{
    fixture_t *fx = *state;
    fx->cfg.count = 1;
    fx->cfg.is_pretty = true;
    s_start(fx, 17413);

    s_publish(fx, "tlm.p", SYM_KIND_DATA, "p", 4, 4);
    char text[8192] = "";
    char line[1024];
    size_t lines = 0;
    do {
        s_read_line(fx, line, sizeof line);
        strncat(text, line, sizeof text - strlen(text) - 1);
        lines++;
    } while (strcmp(line, "}") != 0);
    assert_true(lines > 5);
    json_t *rec = json_loads(text, 0, NULL);
    assert_non_null(rec);
    assert_int_equal(json_integer_value(json_object_get(rec, "seq")), 4);
    json_decref(rec);
    s_join(fx);
}

static void
test_tap_raw_prints_hex_of_both_frames(void **state)
{
    fixture_t *fx = *state;
    fx->cfg.count = 1;
    fx->cfg.is_raw = true;
    s_start(fx, 17414);

    msgpack_sbuffer batch;
    msgpack_sbuffer_init(&batch);
    s_add_record(&batch, SYM_KIND_DATA, "qb50.raw", 1);
    s_send_frames(fx, "tlm.raw", batch.data, batch.size);

    char line[256];
    s_read_line(fx, line, sizeof line);
    assert_string_equal(line, "topic=tlm.raw frame=1/2 bytes=7");
    s_read_line(fx, line, sizeof line);
    assert_string_equal(line, "00000000  74 6c 6d 2e 72 61 77              "
                              "                |tlm.raw|");
    s_read_line(fx, line, sizeof line);
    assert_string_equal(line, "00000007");

    char expected[128];
    snprintf(expected, sizeof expected, "topic=tlm.raw frame=2/2 bytes=%zu",
             batch.size);
    s_read_line(fx, line, sizeof line);
    assert_string_equal(line, expected);
    /* The record map starts with fixmap 0x88 and the key "v". */
    s_read_line(fx, line, sizeof line);
    assert_memory_equal(line, "00000000  88 a1 76 01 ", 22);
    for (size_t offset = 16; offset < batch.size; offset += 16) {
        snprintf(expected, sizeof expected, "%08zx  ", offset);
        s_read_line(fx, line, sizeof line);
        assert_memory_equal(line, expected, strlen(expected));
    }
    snprintf(expected, sizeof expected, "%08zx", batch.size);
    s_read_line(fx, line, sizeof line);
    assert_string_equal(line, expected);
    msgpack_sbuffer_destroy(&batch);
    s_join(fx);
}

static void
test_tap_raw_folds_repeated_lines(void **state)
{
    (void) state;
    char bytes[49];
    memset(bytes, 0, 48);
    bytes[48] = 'X';
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    assert_non_null(out);
    tap_print_frame(out, "t", 2, 2, bytes, sizeof bytes);
    fclose(out);
    /* What hexdump -C prints for the same bytes, after the header. */
    assert_string_equal(text, "topic=t frame=2/2 bytes=49\n"
                              "00000000  00 00 00 00 00 00 00 00  00 00 00 00 "
                              "00 00 00 00  |................|\n"
                              "*\n"
                              "00000030  58                                    "
                              "            |X|\n"
                              "00000031\n");
    free(text);
}

/* Read report lines until the one for stream shows total records. */
static void
s_read_stats_line(fixture_t *fx, const char *stream, uint64_t total, char *line,
                  size_t size)
{
    char want_stream[64];
    char want_total[32];
    snprintf(want_stream, sizeof want_stream, " stream=%s ", stream);
    snprintf(want_total, sizeof want_total, " total=%llu ",
             (unsigned long long) total);
    do {
        s_read_line(fx, line, size);
    } while (!strstr(line, want_stream) || !strstr(line, want_total));
}

static void
test_tap_stats_counts_gap_as_lost(void **state)
{
    fixture_t *fx = *state;
    fx->cfg.is_stats = true;
    s_start(fx, 17415);

    s_publish(fx, "tlm.gap", SYM_KIND_DATA, "qb50.gap", 1, 2);
    s_publish(fx, "tlm.gap", SYM_KIND_DATA, "qb50.gap", 4, 4);
    s_publish(fx, "tlm.gap", SYM_KIND_DATA, "qb50.gap", 2, 2);
    char line[512];
    s_read_stats_line(fx, "qb50.gap", 4, line, sizeof line);
    char expected[256];
    snprintf(expected, sizeof expected, " stream=qb50.gap epoch=%llu ",
             (unsigned long long) TEST_EPOCH);
    assert_non_null(strstr(line, expected));
    assert_non_null(strstr(line, " lost=1 duplicates=1 last_seq=4"));

    s_read_line(fx, line, sizeof line);
    assert_non_null(strstr(line, " malformed rate=0 total=0 "));
    tap_stop(fx->tap);
    s_join(fx);
    assert_int_equal(fx->rc, SYM_OK);
    assert_int_equal(tap_stats(fx->tap)->values[SYM_CTR_DUPLICATES], 1);
}

static void
test_tap_malformed_is_counted_and_next_prints(void **state)
{
    fixture_t *fx = *state;
    fx->cfg.count = 2;
    s_start(fx, 17416);

    s_send_frames(fx, "tlm.bad", "\xc1\xc1", 2);
    assert_int_equal(zsock_send(fx->pub, "s", "tlm.bad"), 0);
    /* A good record, then bytes that do not decode: the record prints and
     * the rest of the payload is dropped. */
    msgpack_sbuffer batch;
    msgpack_sbuffer_init(&batch);
    s_add_record(&batch, SYM_KIND_DATA, "qb50.bad", 5);
    msgpack_sbuffer_write(&batch, "\x92\x01", 2);
    s_send_frames(fx, "tlm.bad", batch.data, batch.size);
    msgpack_sbuffer_destroy(&batch);
    s_publish(fx, "tlm.bad", SYM_KIND_DATA, "qb50.bad", 6, 6);

    json_decref(s_read_record(fx, "tlm.bad", "data", 5));
    json_decref(s_read_record(fx, "tlm.bad", "data", 6));
    s_join(fx);
    assert_int_equal(fx->rc, SYM_OK);
    assert_int_equal(tap_malformed(fx->tap), 3);
    const sym_stats_t *stats = tap_stats(fx->tap);
    assert_int_equal(stats->values[SYM_CTR_DROP_FRAMES], 1);
    assert_int_equal(stats->values[SYM_CTR_DROP_DECODE], 2);
}

static void
test_tap_stops_quietly_when_reader_goes(void **state)
{
    fixture_t *fx = *state;
    s_start(fx, 17417);

    close(fx->read_fd);
    fx->read_fd = -1;
    int64_t deadline_ms = zclock_mono() + TEST_DEADLINE_MS;
    for (uint64_t seq = 1; !atomic_load(&fx->is_done); seq++) {
        assert_true(zclock_mono() < deadline_ms);
        s_publish(fx, "tlm.head", SYM_KIND_DATA, "head", seq, seq);
        zclock_sleep(10);
    }
    s_join(fx);
    assert_int_equal(fx->rc, SYM_OK);
    assert_true(tap_output_closed(fx->tap));
}

/* tap_new refuses cfg, and err names the option. */
static void
s_expect_usage_error(fixture_t *fx, const char *option)
{
    char err[256] = "";
    int rc = SYM_OK;
    tap_t *tap = tap_new(&fx->cfg, fx->out, &rc, err, sizeof err);
    assert_null(tap);
    assert_int_equal(rc, SYM_EINVAL);
    if (strstr(err, option) == NULL) {
        fail_msg("'%s' does not name %s", err, option);
    }
}

static void
test_tap_rejects_bad_options(void **state)
{
    fixture_t *fx = *state;
    s_expect_usage_error(fx, "--connect");
    sym_strlist_append(&fx->cfg.connect, "tcp://127.0.0.1:17418");
    fx->cfg.kinds = (char *) "data,bogus";
    s_expect_usage_error(fx, "--kinds");
    fx->cfg.kinds = NULL;
    fx->cfg.is_raw = true;
    fx->cfg.is_stats = true;
    s_expect_usage_error(fx, "--raw");
    fx->cfg.is_stats = false;
    fx->cfg.is_pretty = true;
    s_expect_usage_error(fx, "--pretty");
    fx->cfg.is_pretty = false;
    fx->cfg.count = -1;
    s_expect_usage_error(fx, "--count");
    fx->cfg.count = 0;
    fx->cfg.rcvhwm = 0;
    s_expect_usage_error(fx, "--rcvhwm");
    fx->cfg.rcvhwm = 1000;
    sym_strlist_append(&fx->cfg.connect, "tcp://127.0.0.1");
    s_expect_usage_error(fx, "--connect");
}

int
main(void)
{
    /* As in the binary: a closed output is an error code, not a signal. */
    signal(SIGPIPE, SIG_IGN);
    sym_log_init("tap", "test", "warn");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_tap_prints_records_as_json,
                                        s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_tap_topic_prefix_filters, s_setup,
                                        s_teardown),
        cmocka_unit_test_setup_teardown(test_tap_kinds_filters, s_setup,
                                        s_teardown),
        cmocka_unit_test_setup_teardown(test_tap_pretty_prints_indented_json,
                                        s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_tap_raw_prints_hex_of_both_frames,
                                        s_setup, s_teardown),
        cmocka_unit_test(test_tap_raw_folds_repeated_lines),
        cmocka_unit_test_setup_teardown(test_tap_stats_counts_gap_as_lost,
                                        s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(
            test_tap_malformed_is_counted_and_next_prints, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_tap_stops_quietly_when_reader_goes,
                                        s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_tap_rejects_bad_options, s_setup,
                                        s_teardown),
    };
    return cmocka_run_group_tests_name("tap", tests, NULL, NULL);
}
