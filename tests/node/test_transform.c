/* test_transform.c: a transform node between a PUSH and a PULL the test
 * owns, over tcp on loopback.
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

#include <czmq.h>
#include <msgpack.h>

#include "../unit/test_transform_collect.h"
#include "sym_err.h"
#include "sym_log.h"
#include "sym_rec.h"
#include "sym_stats.h"
#include "sym_wire.h"
#include "transform.h"

#define TOPIC "tlm.qb50.tartu"
#define STREAM "qb50.tartu"
#define DEADLINE_MS 10000

/* A transform running in an actor thread. */
typedef struct {
    transform_cfg_t cfg;
    transform_t *transform;
    zactor_t *actor;
    int run_rc;
    char dir[64];
    char steps_path[128];
} s_node_t;

static void
s_actor(zsock_t *pipe, void *args)
{
    s_node_t *node = args;
    zsock_signal(pipe, 0);
    node->run_rc = transform_run(node->transform);
}

/* Write the steps file, parse argv as main would, and start the node. */
static void
s_node_start(s_node_t *node, const char *steps, const char **args,
             int arg_count)
{
    memset(node, 0, sizeof *node);
    snprintf(node->dir, sizeof node->dir, "/tmp/test_transform_XXXXXX");
    assert_non_null(mkdtemp(node->dir));
    snprintf(node->steps_path, sizeof node->steps_path, "%s/demo.steps",
             node->dir);
    FILE *file = fopen(node->steps_path, "w");
    assert_non_null(file);
    fputs(steps, file);
    fclose(file);

    char *argv[32] = {"symphony-transform", "--name", "t1", "--steps",
                      node->steps_path};
    int argc = 5;
    for (int i = 0; i < arg_count && argc < 32; i++) {
        argv[argc++] = (char *) args[i];
    }
    char err[512] = "";
    int rc = sym_opt_parse(transform_options, &node->cfg, argc, argv, err,
                           sizeof err);
    assert_int_equal(rc, SYM_OK);
    node->transform = transform_new(&node->cfg, &rc, err, sizeof err);
    if (node->transform == NULL) {
        fail_msg("transform_new: %s", err);
    }
    node->actor = zactor_new(s_actor, node);
    assert_non_null(node->actor);
}

static void
s_node_stop(s_node_t *node)
{
    transform_stop(node->transform);
    zactor_destroy(&node->actor);
    assert_int_equal(node->run_rc, SYM_OK);
}

static void
s_node_destroy(s_node_t *node)
{
    transform_destroy(&node->transform);
    sym_opt_free(transform_options, &node->cfg);
    unlink(node->steps_path);
    rmdir(node->dir);
}

/* A data record with a vbatt sample and an on-board time. */
static sym_rec_t *
s_sample(sym_rec_t *rec, uint64_t seq, const char *time, double vbatt)
{
    tt_data(rec, STREAM, seq);
    sym_rec_set_str(rec, "time", time, strlen(time));
    sym_rec_set_double(rec, "vbatt", vbatt);
    sym_rec_set_int(rec, "mode", 0);
    return rec;
}

static sym_rec_t *
s_eos(sym_rec_t *rec, const char *stream, uint64_t last_seq)
{
    tt_data(rec, stream, last_seq);
    rec->kind = SYM_KIND_EOS;
    return rec;
}

/* Encode rec into buf, and keep a copy of it in sent. */
static void
s_add(msgpack_sbuffer *buf, const sym_rec_t *rec, tt_collect_t *sent)
{
    assert_int_equal(sym_wire_encode(rec, buf), SYM_OK);
    if (sent) {
        assert_int_equal(tt_collect_add(sent, TOPIC, rec), SYM_OK);
    }
}

static void
s_send(zsock_t *sock, const char *topic, msgpack_sbuffer *buf)
{
    zframe_t *payload = zframe_new(buf->data, buf->size);
    assert_int_equal(zsock_send(sock, "sf", topic, payload), 0);
    zframe_destroy(&payload);
    msgpack_sbuffer_clear(buf);
}

/* Decode every record of one message into out. Returns true when one
 * of them is an end-of-stream of stream. */
static bool
s_collect_message(zsock_t *sock, sym_wire_decoder_t *decoder, sym_rec_t *rec,
                  tt_collect_t *out, const char *stream)
{
    char *topic = NULL;
    zframe_t *payload = NULL;
    assert_int_equal(zsock_recv(sock, "sf", &topic, &payload), 0);
    const char *data = (const char *) zframe_data(payload);
    size_t size = zframe_size(payload);
    bool has_eos = false;
    for (size_t offset = 0; offset < size;) {
        size_t used = 0;
        assert_int_equal(
            sym_wire_decode(decoder, data + offset, size - offset, rec, &used),
            SYM_OK);
        assert_int_equal(tt_collect_add(out, topic, rec), SYM_OK);
        if (rec->kind == SYM_KIND_EOS && sym_str_eq(rec->stream, stream)) {
            has_eos = true;
        }
        offset += used;
    }
    zstr_free(&topic);
    zframe_destroy(&payload);
    return has_eos;
}

/* Receive until an end-of-stream of stream arrives; fails after the
 * deadline. */
static void
s_recv_until_eos(zsock_t *sock, tt_collect_t *out, const char *stream)
{
    sym_wire_decoder_t *decoder = sym_wire_decoder_new(NULL);
    sym_rec_t *rec = sym_rec_new();
    zpoller_t *poller = zpoller_new(sock, NULL);
    int64_t deadline = zclock_mono() + DEADLINE_MS;
    bool is_done = false;
    while (!is_done && zclock_mono() < deadline) {
        if (zpoller_wait(poller, 100) == sock) {
            is_done = s_collect_message(sock, decoder, rec, out, stream);
        }
    }
    zpoller_destroy(&poller);
    sym_rec_destroy(&rec);
    sym_wire_decoder_destroy(&decoder);
    if (!is_done) {
        fail_msg("no end of stream %s within %d ms", stream, DEADLINE_MS);
    }
}

/* The origin envelope of got is the one of want; kinds may differ. */
static void
s_assert_envelope(const sym_rec_t *got, const sym_rec_t *want)
{
    assert_int_equal(got->stream.len, want->stream.len);
    assert_memory_equal(got->stream.ptr, want->stream.ptr, want->stream.len);
    assert_int_equal(got->epoch, want->epoch);
    assert_int_equal(got->seq, want->seq);
    assert_int_equal(got->event_ns, want->event_ns);
    assert_int_equal(got->ingest_ns, want->ingest_ns);
}

static const char *const s_steps =
    "# the demo's battery limits, and duplicates by time and value\n"
    "limits vbatt red-low=6.5 yellow-low=7.0 yellow-high=8.3 red-high=8.6\n"
    "dedupe key=time,vbatt\n";

/* One batch: a duplicate (seq 3), three crossings, then the end. A copy
 * of each record goes to sent. */
static void
s_send_demo_batch(zsock_t *source, tt_collect_t *sent)
{
    sym_rec_t *rec = sym_rec_new();
    msgpack_sbuffer buf;
    msgpack_sbuffer_init(&buf);
    s_add(&buf, s_sample(rec, 1, "2017-05-17T06:34:00Z", 8.1), sent);
    s_add(&buf, s_sample(rec, 2, "2017-05-17T06:34:10Z", 8.4), sent);
    s_add(&buf, s_sample(rec, 3, "2017-05-17T06:34:10Z", 8.4), sent);
    s_add(&buf, s_sample(rec, 4, "2017-05-17T06:34:20Z", 8.7), sent);
    s_add(&buf, s_sample(rec, 5, "2017-05-17T06:34:30Z", 8.0), sent);
    s_add(&buf, s_eos(rec, STREAM, 5), sent);
    s_send(source, TOPIC, &buf);
    msgpack_sbuffer_destroy(&buf);
    sym_rec_destroy(&rec);
}

/* On the data topic: every sequence in order, envelopes unchanged, the
 * duplicate as a REMOVED notice and the end last. */
static void
s_assert_data_topic(const tt_collect_t *got, const tt_collect_t *sent)
{
    static const sym_kind_t kinds[] = {SYM_KIND_DATA,    SYM_KIND_DATA,
                                       SYM_KIND_REMOVED, SYM_KIND_DATA,
                                       SYM_KIND_DATA,    SYM_KIND_EOS};
    size_t on_topic = 0;
    for (size_t i = 0; i < got->count; i++) {
        if (strcmp(got->topics[i], TOPIC) == 0) {
            assert_true(on_topic < 6);
            assert_int_equal(got->recs[i]->kind, kinds[on_topic]);
            s_assert_envelope(got->recs[i], sent->recs[on_topic++]);
        }
    }
    assert_int_equal(on_topic, 6);
    const sym_rec_t *removed = tt_collect_nth(got, SYM_KIND_REMOVED, 0, NULL);
    assert_int_equal(removed->field_count, 1);
    assert_string_equal(tt_str(removed, "reason"), "dedupe");
    const sym_rec_t *data = tt_collect_nth(got, SYM_KIND_DATA, 2, NULL);
    assert_string_equal(tt_str(data, "vbatt.limit"), "red-high");
    assert_true(tt_num(data, "vbatt") == 8.7);
}

static void
s_assert_demo_alarms(const tt_collect_t *got)
{
    static const char *const to[] = {"yellow-high", "red-high", "nominal"};
    static const double source_seq[] = {2, 4, 5};
    for (size_t i = 0; i < 3; i++) {
        const char *topic = NULL;
        const sym_rec_t *alarm = tt_collect_nth(got, SYM_KIND_ALARM, i, &topic);
        assert_non_null(alarm);
        assert_string_equal(topic, "alarm." TOPIC);
        assert_true(sym_str_eq(alarm->stream, "alarm.t1"));
        assert_int_equal(alarm->seq, i + 1);
        assert_string_equal(tt_str(alarm, "to"), to[i]);
        assert_true(tt_num(alarm, "source_seq") == source_seq[i]);
    }
}

static void
test_transform_node_relays_batch_with_removed_and_alarms(void **state)
{
    (void) state;
    zsock_t *sink = zsock_new_pull("@tcp://127.0.0.1:17202");
    assert_non_null(sink);
    s_node_t node;
    const char *args[] = {"--pull", "tcp://127.0.0.1:17201", "--push",
                          "tcp://127.0.0.1:17202"};
    s_node_start(&node, s_steps, args, 4);
    zsock_t *source = zsock_new_push(">tcp://127.0.0.1:17201");
    assert_non_null(source);

    tt_collect_t *sent = tt_collect_new();
    tt_collect_t *got = tt_collect_new();
    s_send_demo_batch(source, sent);
    s_recv_until_eos(sink, got, STREAM);
    assert_int_equal(got->count, 9);
    assert_int_equal(got->kinds[SYM_KIND_DATA], 4);
    assert_int_equal(got->kinds[SYM_KIND_REMOVED], 1);
    assert_int_equal(got->kinds[SYM_KIND_ALARM], 3);
    assert_int_equal(got->kinds[SYM_KIND_EOS], 1);
    s_assert_data_topic(got, sent);
    s_assert_demo_alarms(got);

    s_node_stop(&node);
    const uint64_t *counters = transform_stats(node.transform)->values;
    assert_int_equal(counters[SYM_CTR_RECEIVED], 6);
    assert_int_equal(counters[SYM_CTR_SENT], 9);
    assert_int_equal(counters[SYM_CTR_REMOVED], 1);
    assert_int_equal(counters[SYM_CTR_ALARMS], 3);
    assert_int_equal(counters[SYM_CTR_EOS], 1);
    assert_int_equal(counters[SYM_CTR_GAPS], 0);
    assert_int_equal(counters[SYM_CTR_DROP_DECODE], 0);

    s_node_destroy(&node);
    tt_collect_destroy(&sent);
    tt_collect_destroy(&got);
    zsock_destroy(&source);
    zsock_destroy(&sink);
}

/* Good records around bad payloads and a bad message. */
static void
s_send_with_garbage(zsock_t *source)
{
    sym_rec_t *rec = sym_rec_new();
    msgpack_sbuffer buf;
    msgpack_sbuffer_init(&buf);
    s_add(&buf, s_sample(rec, 1, "T1", 8.1), NULL);
    s_add(&buf, s_sample(rec, 2, "T2", 8.1), NULL);
    s_send(source, TOPIC, &buf);
    /* 0xc1 is never valid msgpack. */
    msgpack_sbuffer_write(&buf, "\xc1\xc1\xc1\xc1", 4);
    s_send(source, TOPIC, &buf);
    /* A good record, then a truncated map: the record still counts. */
    s_add(&buf, s_sample(rec, 3, "T3", 8.1), NULL);
    msgpack_sbuffer_write(&buf, "\x81\xa1", 2);
    s_send(source, TOPIC, &buf);
    /* A message of one frame. */
    assert_int_equal(zstr_send(source, "lonely"), 0);
    s_add(&buf, s_sample(rec, 4, "T4", 8.1), NULL);
    s_add(&buf, s_eos(rec, STREAM, 4), NULL);
    s_send(source, TOPIC, &buf);
    msgpack_sbuffer_destroy(&buf);
    sym_rec_destroy(&rec);
}

static void
test_transform_node_survives_malformed_payloads(void **state)
{
    (void) state;
    zsock_t *sink = zsock_new_pull("@tcp://127.0.0.1:17204");
    assert_non_null(sink);
    s_node_t node;
    const char *args[] = {"--pull", "@tcp://127.0.0.1:17203", "--push",
                          ">tcp://127.0.0.1:17204"};
    s_node_start(&node, s_steps, args, 4);
    zsock_t *source = zsock_new_push(">tcp://127.0.0.1:17203");
    assert_non_null(source);

    s_send_with_garbage(source);
    tt_collect_t *got = tt_collect_new();
    s_recv_until_eos(sink, got, STREAM);
    assert_int_equal(got->count, 5);
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(got->recs[i]->kind, SYM_KIND_DATA);
        assert_int_equal(got->recs[i]->seq, i + 1);
    }
    assert_int_equal(got->recs[4]->kind, SYM_KIND_EOS);

    s_node_stop(&node);
    const uint64_t *counters = transform_stats(node.transform)->values;
    assert_int_equal(counters[SYM_CTR_RECEIVED], 5);
    assert_int_equal(counters[SYM_CTR_DROP_DECODE], 2);
    assert_int_equal(counters[SYM_CTR_DROP_FRAMES], 1);
    assert_int_equal(counters[SYM_CTR_SENT], 5);

    s_node_destroy(&node);
    tt_collect_destroy(&got);
    zsock_destroy(&source);
    zsock_destroy(&sink);
}

/* Send probes through source until listener hears one, so that the data
 * after them gets past every subscription on the way. */
static void
s_wait_subscribed(zsock_t *source, zsock_t *listener)
{
    sym_rec_t *rec = sym_rec_new();
    msgpack_sbuffer buf;
    msgpack_sbuffer_init(&buf);
    int64_t deadline = zclock_mono() + DEADLINE_MS;
    bool is_heard = false;
    for (uint64_t seq = 1; !is_heard && zclock_mono() < deadline; seq++) {
        s_add(&buf, s_eos(rec, "probe", seq), NULL);
        s_send(source, "probe", &buf);
        zpoller_t *poller = zpoller_new(listener, NULL);
        is_heard = zpoller_wait(poller, 50) == listener;
        zpoller_destroy(&poller);
    }
    msgpack_sbuffer_destroy(&buf);
    sym_rec_destroy(&rec);
    assert_true(is_heard);
}

/* Count the kept records of stream. */
static size_t
s_count_stream(const tt_collect_t *got, const char *stream)
{
    size_t count = 0;
    for (size_t i = 0; i < got->count && i < TT_MAX_KEPT; i++) {
        count += sym_str_eq(got->recs[i]->stream, stream);
    }
    return count;
}

static void
test_transform_node_feeds_push_and_pub(void **state)
{
    (void) state;
    zsock_t *sink = zsock_new_pull("@tcp://127.0.0.1:17206");
    assert_non_null(sink);
    s_node_t node;
    const char *args[] = {"--pull", "@tcp://127.0.0.1:17205",
                          "--push", "tcp://127.0.0.1:17206",
                          "--pub",  "tcp://127.0.0.1:17207"};
    s_node_start(&node, s_steps, args, 6);
    zsock_t *source = zsock_new_push(">tcp://127.0.0.1:17205");
    zsock_t *tap = zsock_new_sub(">tcp://127.0.0.1:17207", "");
    assert_non_null(source);
    assert_non_null(tap);
    s_wait_subscribed(source, tap);

    sym_rec_t *rec = sym_rec_new();
    msgpack_sbuffer buf;
    msgpack_sbuffer_init(&buf);
    s_add(&buf, s_sample(rec, 1, "T1", 8.1), NULL);
    s_add(&buf, s_sample(rec, 2, "T1", 8.1), NULL);
    s_add(&buf, s_sample(rec, 3, "T2", 9.0), NULL);
    s_add(&buf, s_eos(rec, STREAM, 3), NULL);
    s_send(source, TOPIC, &buf);

    tt_collect_t *pushed = tt_collect_new();
    tt_collect_t *published = tt_collect_new();
    s_recv_until_eos(sink, pushed, STREAM);
    s_recv_until_eos(tap, published, STREAM);
    /* Two data records, a REMOVED notice, an alarm and the end. */
    assert_int_equal(s_count_stream(pushed, STREAM), 4);
    assert_int_equal(s_count_stream(published, STREAM), 4);
    assert_int_equal(s_count_stream(pushed, "alarm.t1"), 1);
    assert_int_equal(s_count_stream(published, "alarm.t1"), 1);

    s_node_stop(&node);
    s_node_destroy(&node);
    msgpack_sbuffer_destroy(&buf);
    sym_rec_destroy(&rec);
    tt_collect_destroy(&pushed);
    tt_collect_destroy(&published);
    zsock_destroy(&tap);
    zsock_destroy(&source);
    zsock_destroy(&sink);
}

static void
test_transform_node_subscribes_to_topic_prefixes(void **state)
{
    (void) state;
    zsock_t *sink = zsock_new_pull("@tcp://127.0.0.1:17209");
    zsock_t *source = zsock_new_pub("@tcp://127.0.0.1:17208");
    assert_non_null(sink);
    assert_non_null(source);
    s_node_t node;
    const char *args[] = {"--sub",   "tcp://127.0.0.1:17208",
                          "--topic", "tlm.qb50.tartu",
                          "--topic", "probe",
                          "--push",  "tcp://127.0.0.1:17209"};
    s_node_start(&node, s_steps, args, 8);
    s_wait_subscribed(source, sink);

    /* Aalto goes first: were it let through, it would arrive first. */
    sym_rec_t *rec = sym_rec_new();
    msgpack_sbuffer buf;
    msgpack_sbuffer_init(&buf);
    s_sample(rec, 1, "T1", 8.1);
    sym_rec_set_stream(rec, "qb50.aalto", 10);
    s_add(&buf, rec, NULL);
    s_send(source, "tlm.qb50.aalto", &buf);
    s_add(&buf, s_sample(rec, 1, "T1", 8.1), NULL);
    s_add(&buf, s_eos(rec, STREAM, 1), NULL);
    s_send(source, TOPIC, &buf);

    tt_collect_t *got = tt_collect_new();
    s_recv_until_eos(sink, got, STREAM);
    assert_int_equal(s_count_stream(got, "qb50.aalto"), 0);
    assert_int_equal(s_count_stream(got, STREAM), 2);

    s_node_stop(&node);
    s_node_destroy(&node);
    msgpack_sbuffer_destroy(&buf);
    sym_rec_destroy(&rec);
    tt_collect_destroy(&got);
    zsock_destroy(&source);
    zsock_destroy(&sink);
}

static void
test_transform_node_rejects_bad_settings(void **state)
{
    (void) state;
    static const struct {
        const char *args[4];
        const char *want;
    } cases[] = {
        {{"--push", "tcp://127.0.0.1:17210", NULL},
         "expected an input: --sub or --pull"},
        {{"--pull", "@tcp://127.0.0.1:17211", NULL},
         "expected an output: --pub or --push"},
        {{"--pull", "@tcp://127.0.0.1:17212", "--push", "tcp://127.0.0.1:0"},
         "option '--push': tcp port '0' is not 1-65535"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *argv[8] = {"symphony-transform"};
        int argc = 1;
        for (int k = 0; k < 4 && cases[i].args[k]; k++) {
            argv[argc++] = (char *) cases[i].args[k];
        }
        transform_cfg_t cfg;
        memset(&cfg, 0, sizeof cfg);
        char err[512] = "";
        assert_int_equal(
            sym_opt_parse(transform_options, &cfg, argc, argv, err, sizeof err),
            SYM_OK);
        int rc = SYM_OK;
        transform_t *transform = transform_new(&cfg, &rc, err, sizeof err);
        assert_null(transform);
        assert_int_equal(rc, SYM_EINVAL);
        assert_string_equal(err, cases[i].want);
        sym_opt_free(transform_options, &cfg);
    }
}

int
main(void)
{
    sym_log_init("transform", "test", "info");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(
            test_transform_node_relays_batch_with_removed_and_alarms),
        cmocka_unit_test(test_transform_node_survives_malformed_payloads),
        cmocka_unit_test(test_transform_node_feeds_push_and_pub),
        cmocka_unit_test(test_transform_node_subscribes_to_topic_prefixes),
        cmocka_unit_test(test_transform_node_rejects_bad_settings),
    };
    return cmocka_run_group_tests_name("transform_node", tests, NULL, NULL);
}
