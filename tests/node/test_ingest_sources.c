/* test_ingest_sources.c: the CCSDS file source and foreign ZeroMQ
 * producers, driven in-process against a PULL receiver.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest.h"
#include "sym_err.h"
#include "sym_in.h"
#include "sym_sig.h"
#include "sym_time.h"
#include "sym_wire.h"

#define S_WAIT_MS 5000
#define S_APIDS 7

static const int s_apids[S_APIDS] = {384, 386, 391, 392, 393, 394, 1313};
static const int s_counts[S_APIDS] = {4, 4, 1, 4, 40, 39, 9};

/* Packets received for one APID, concatenated. */
typedef struct {
    uint8_t bytes[8192];
    size_t len;
    uint64_t count;
    uint64_t last_seq;
    int64_t gaps; /* sum of ccsds_gap */
    bool has_eos;
} s_apid_t;

typedef struct {
    sym_in_t *in;
    sym_stats_t in_stats;
    sym_wire_decoder_t *decoder;
    sym_rec_t *rec;
    ingest_cfg_t cfg;
    s_apid_t apids[S_APIDS];
    uint64_t records;
    char last_topic[64];
    char last_message[256];
} s_fix_t;

static void
s_data_path(const char *name, char *path, size_t size)
{
    const char *slash = strrchr(__FILE__, '/');
    int dir_len = slash ? (int) (slash - __FILE__) : 1;
    snprintf(path, size, "%.*s/../data/ccsds/%s", dir_len,
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
    assert_int_equal(
        sym_in_add(fix->in, ZMQ_PULL, endpoint, NULL, &policy, err, sizeof err),
        SYM_OK);
}

static ingest_t *
s_new(s_fix_t *fix, const char *const *args)
{
    char *argv[40] = {"test_ingest_sources"};
    int argc = 1;
    for (; args[argc - 1]; argc++) {
        argv[argc] = (char *) args[argc - 1];
    }
    char err[256] = "";
    sym_opt_free(ingest_opt_table, &fix->cfg);
    memset(&fix->cfg, 0, sizeof fix->cfg);
    assert_int_equal(
        sym_opt_parse(ingest_opt_table, &fix->cfg, argc, argv, err, sizeof err),
        SYM_OK);
    int rc = SYM_OK;
    ingest_t *ingest = ingest_new(&fix->cfg, &rc, err, sizeof err);
    if (ingest == NULL) {
        fail_msg("ingest_new: %s", err);
    }
    return ingest;
}

static s_apid_t *
s_apid_of(s_fix_t *fix, const sym_rec_t *rec)
{
    for (int i = 0; i < S_APIDS; i++) {
        char name[32];
        snprintf(name, sizeof name, "ccsds.%d", s_apids[i]);
        if (sym_str_eq(rec->stream, name)) {
            return &fix->apids[i];
        }
    }
    fail_msg("unexpected stream %.*s", (int) rec->stream.len, rec->stream.ptr);
    return NULL;
}

static void
s_account_ccsds(s_fix_t *fix, const sym_rec_t *rec)
{
    s_apid_t *apid = s_apid_of(fix, rec);
    if (rec->kind == SYM_KIND_EOS) {
        assert_int_equal(rec->seq, apid->count);
        apid->has_eos = true;
        return;
    }
    assert_int_equal(rec->seq, apid->last_seq + 1);
    apid->last_seq = rec->seq;
    apid->count++;
    const sym_val_t *packet = sym_rec_get_const(rec, "packet", 6);
    assert_non_null(packet);
    assert_int_equal(packet->type, SYM_VAL_BIN);
    assert_true(apid->len + packet->as.s.len <= sizeof apid->bytes);
    memcpy(apid->bytes + apid->len, packet->as.s.ptr, packet->as.s.len);
    apid->len += packet->as.s.len;
    apid->gaps += sym_rec_get_const(rec, "ccsds_gap", 9)->as.i;
}

/* Account for one received record. */
static void
s_account(s_fix_t *fix, const sym_rec_t *rec, const char *topic)
{
    snprintf(fix->last_topic, sizeof fix->last_topic, "%s", topic);
    if (rec->kind == SYM_KIND_DATA) {
        fix->records++;
    }
    if (rec->stream.len > 6 && memcmp(rec->stream.ptr, "ccsds.", 6) == 0) {
        s_account_ccsds(fix, rec);
        return;
    }
    const sym_val_t *message = sym_rec_get_const(rec, "message", 7);
    if (message && message->type == SYM_VAL_STR) {
        snprintf(fix->last_message, sizeof fix->last_message, "%.*s",
                 (int) message->as.s.len, message->as.s.ptr);
    }
}

/* Receive until records data records arrived, or fail at the deadline;
 * then take what follows within 100 ms. */
static void
s_drain(s_fix_t *fix, uint64_t records)
{
    int64_t deadline_ms = sym_time_mono_ms() + S_WAIT_MS;
    int timeout_ms = 100;
    while (true) {
        sym_in_msg_t msg;
        if (fix->records < records) {
            timeout_ms = (int) (deadline_ms - sym_time_mono_ms());
            assert_true(timeout_ms > 0);
        }
        if (sym_in_recv(fix->in, fix->records < records ? timeout_ms : 100,
                        &msg) != SYM_OK) {
            if (fix->records >= records) {
                return;
            }
            continue;
        }
        for (size_t offset = 0; offset < msg.payload_len;) {
            size_t used = 0;
            assert_int_equal(sym_wire_decode(fix->decoder, msg.payload + offset,
                                             msg.payload_len - offset, fix->rec,
                                             &used),
                             SYM_OK);
            offset += used;
            s_account(fix, fix->rec, msg.topic);
        }
    }
}

static void
s_assert_split_equal(const s_apid_t *apid, int number)
{
    char name[64];
    char path[512];
    snprintf(name, sizeof name, "split/apid%05d.tlm", number);
    s_data_path(name, path, sizeof path);
    FILE *file = fopen(path, "rb");
    assert_non_null(file);
    static uint8_t expected[8192];
    size_t len = fread(expected, 1, sizeof expected, file);
    fclose(file);
    assert_int_equal(apid->len, len);
    assert_memory_equal(apid->bytes, expected, len);
}

static void
test_ingest_ccsds_file_matches_split_oracle(void **state)
{
    s_fix_t *fix = *state;
    s_bind(fix, "@inproc://ingest-ccsds-file");
    char source[600];
    char path[512];
    s_data_path("CYGNSS_F7_L0_2022_086_10_15_V01_F__first101pkts.tlm", path,
                sizeof path);
    snprintf(source, sizeof source, "file:%s", path);
    char dict[600];
    char dict_path[512];
    s_data_path("defs/ENG_PVT.csv", dict_path, sizeof dict_path);
    snprintf(dict, sizeof dict, "394=%s", dict_path);
    const char *args[] = {"--source",
                          source,
                          "--format",
                          "ccsds",
                          "--ccsds-dict",
                          dict,
                          "--push",
                          ">inproc://ingest-ccsds-file",
                          NULL};
    ingest_t *ingest = s_new(fix, args);
    assert_int_equal(ingest_run(ingest), SYM_OK);
    s_drain(fix, 101);
    assert_int_equal(fix->records, 101);
    for (int i = 0; i < S_APIDS; i++) {
        assert_int_equal(fix->apids[i].count, s_counts[i]);
        assert_true(fix->apids[i].has_eos);
        assert_int_equal(fix->apids[i].gaps, 0);
        s_assert_split_equal(&fix->apids[i], s_apids[i]);
    }
    assert_int_equal(ingest_stats(ingest)->values[SYM_CTR_GAPS], 0);
    assert_int_equal(ingest_stats(ingest)->values[SYM_CTR_DROP_BAD_INPUT], 0);
    assert_int_equal(ingest_stream_count(ingest), S_APIDS);
    ingest_destroy(&ingest);
}

static void *
s_run_thread(void *arg)
{
    ingest_run(arg);
    return NULL;
}

static void
test_ingest_from_pull_takes_envelopes(void **state)
{
    s_fix_t *fix = *state;
    s_bind(fix, "@inproc://ingest-from-pull-out");
    const char *args[] = {"--from-pull",
                          "@inproc://ingest-from-pull-in",
                          "--from-format",
                          "envelope",
                          "--push",
                          ">inproc://ingest-from-pull-out",
                          "--stream",
                          "foreign.{topic}",
                          NULL};
    ingest_t *ingest = s_new(fix, args);
    pthread_t thread;
    assert_int_equal(pthread_create(&thread, NULL, s_run_thread, ingest), 0);
    zsock_t *push = zsock_new_push(">inproc://ingest-from-pull-in");
    assert_non_null(push);
    for (int i = 0; i < 1000; i++) {
        assert_int_equal(zstr_sendm(push, "syslog"), 0);
        assert_int_equal(zstr_sendf(push, "line %d", i), 0);
    }
    assert_int_equal(zstr_send(push, "one frame only"), 0); /* bad */
    s_drain(fix, 1000);
    sym_sig_request_stop();
    pthread_join(thread, NULL);
    zsock_destroy(&push);
    assert_int_equal(fix->records, 1000);
    assert_string_equal(fix->last_topic, "tlm.foreign.syslog");
    assert_string_equal(fix->last_message, "line 999");
    assert_int_equal(ingest_stats(ingest)->values[SYM_CTR_DROP_BAD_INPUT], 1);
    ingest_destroy(&ingest);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            test_ingest_ccsds_file_matches_split_oracle, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_ingest_from_pull_takes_envelopes,
                                        s_setup, s_teardown),
    };
    return cmocka_run_group_tests_name("ingest_sources", tests, NULL, NULL);
}
