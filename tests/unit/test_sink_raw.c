/* test_sink_raw.c: raw:TEMPLATE files, names and rotation of file outputs.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sink_name.h"
#include "sink_output.h"
#include "sym_err.h"
#include "sym_time.h"

typedef struct {
    char dir[64];
    sym_rec_t *rec;
    sink_output_t *out;
} s_fixture_t;

static int
s_setup(void **state)
{
    s_fixture_t *fix = calloc(1, sizeof *fix);
    assert_non_null(fix);
    strcpy(fix->dir, "/tmp/sink-raw-XXXXXX");
    assert_non_null(mkdtemp(fix->dir));
    fix->rec = sym_rec_new();
    assert_non_null(fix->rec);
    *state = fix;
    return 0;
}

/* Remove dir and what is under it, one level of subfolders deep. */
static void
s_remove_tree(const char *path)
{
    DIR *dir = opendir(path);
    for (struct dirent *e = dir ? readdir(dir) : NULL; e; e = readdir(dir)) {
        char child[512];
        snprintf(child, sizeof child, "%s/%s", path, e->d_name);
        if (e->d_name[0] != '.' && unlink(child) != 0) {
            s_remove_tree(child);
        }
    }
    if (dir) {
        closedir(dir);
    }
    rmdir(path);
}

static int
s_teardown(void **state)
{
    s_fixture_t *fix = *state;
    sink_output_destroy(&fix->out);
    sym_rec_destroy(&fix->rec);
    s_remove_tree(fix->dir);
    free(fix);
    return 0;
}

static void
s_open(s_fixture_t *fix, const char *scheme, const char *tail,
       const sink_output_opts_t *opts)
{
    char uri[256];
    snprintf(uri, sizeof uri, "%s:%s/%s", scheme, fix->dir, tail);
    int rc = SYM_OK;
    char err[256] = "";
    fix->out = sink_output_open_with(uri, opts, &rc, err, sizeof err);
    assert_non_null(fix->out);
    assert_int_equal(rc, SYM_OK);
}

/* A record of stream s, seq seq, with the packet bytes and an apid. */
static void
s_packet(sym_rec_t *rec, uint64_t seq, int64_t apid, const char *bytes,
         size_t len)
{
    sym_rec_reset(rec);
    assert_int_equal(sym_rec_set_stream(rec, "cygnss", 6), SYM_OK);
    rec->seq = seq;
    rec->epoch = 1;
    sym_str_t owned;
    assert_int_equal(sym_rec_own(rec, bytes, len, &owned), SYM_OK);
    sym_val_t val = {.type = SYM_VAL_BIN, .as.s = owned};
    assert_int_equal(sym_rec_set(rec, "packet", 6, val), SYM_OK);
    assert_int_equal(sym_rec_set_int(rec, "apid", apid), SYM_OK);
}

/* The whole content of dir/name into buf; returns its length or -1. */
static long
s_read(const char *dir, const char *name, char *buf, size_t size)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *in = fopen(path, "rb");
    if (in == NULL) {
        return -1;
    }
    size_t len = fread(buf, 1, size, in);
    fclose(in);
    return (long) len;
}

static void
test_sink_raw_writes_each_apid_file_byte_exact(void **state)
{
    s_fixture_t *fix = *state;
    s_open(fix, "raw", "split/apid{apid:05}.tlm", NULL);

    /* Bytes with NUL, newline and high bits: written verbatim. */
    const char a1[] = {0x08, 0x00, '\0', '\n', (char) 0xff};
    const char b1[] = {0x09, 0x7f};
    const char a2[] = {0x08, 0x01, '\r'};
    s_packet(fix->rec, 1, 384, a1, sizeof a1);
    assert_int_equal(sink_output_write(fix->out, "ccsds.384", fix->rec), 0);
    s_packet(fix->rec, 2, 7, b1, sizeof b1);
    assert_int_equal(sink_output_write(fix->out, "ccsds.7", fix->rec), 0);
    s_packet(fix->rec, 3, 384, a2, sizeof a2);
    assert_int_equal(sink_output_write(fix->out, "ccsds.384", fix->rec), 0);

    char dir[128];
    snprintf(dir, sizeof dir, "%s/split", fix->dir);
    char buf[64];
    assert_int_equal(s_read(dir, "apid00384.tlm", buf, sizeof buf), 0);
    assert_int_equal(sink_output_commit(fix->out), SYM_OK);

    assert_int_equal(s_read(dir, "apid00384.tlm", buf, sizeof buf), 8);
    assert_memory_equal(buf, a1, sizeof a1);
    assert_memory_equal(buf + sizeof a1, a2, sizeof a2);
    assert_int_equal(s_read(dir, "apid00007.tlm", buf, sizeof buf), 2);
    assert_memory_equal(buf, b1, sizeof b1);
}

static void
test_sink_raw_names_files_by_topic_and_skips_records_without_field(void **state)
{
    s_fixture_t *fix = *state;
    s_open(fix, "raw", "{topic}.bin", NULL);

    s_packet(fix->rec, 1, 1, "ab", 2);
    assert_int_equal(sink_output_write(fix->out, "ccsds/1", fix->rec), 0);
    sym_rec_remove(fix->rec, "packet", 6);
    assert_int_equal(sink_output_write(fix->out, "ccsds/1", fix->rec), 0);
    sink_output_abort(fix->out);
    s_packet(fix->rec, 2, 1, "cd", 2);
    assert_int_equal(sink_output_write(fix->out, "ccsds/1", fix->rec), 0);
    assert_int_equal(sink_output_commit(fix->out), SYM_OK);

    char buf[16];
    /* A '/' in a value cannot leave the folder; the aborted batch is
     * not written. */
    assert_int_equal(s_read(fix->dir, "ccsds_1.bin", buf, sizeof buf), 2);
    assert_memory_equal(buf, "cd", 2);
}

static void
test_sink_name_rejects_bad_placeholders(void **state)
{
    (void) state;
    char err[256];
    assert_int_equal(sink_name_check("a{apid:05}.tlm", err, sizeof err), 0);
    assert_int_equal(sink_name_check("a{apid", err, sizeof err), SYM_EINVAL);
    assert_int_equal(sink_name_check("a{}", err, sizeof err), SYM_EINVAL);
    assert_int_equal(sink_name_check("{x:5}", err, sizeof err), SYM_EINVAL);
    assert_int_equal(sink_name_check("{x:0}", err, sizeof err), SYM_EINVAL);
}

/* Lines of a file, or -1 when it is missing. */
static int
s_lines(const char *dir, const char *name)
{
    char buf[65536];
    long len = s_read(dir, name, buf, sizeof buf);
    if (len < 0) {
        return -1;
    }
    int lines = 0;
    for (long i = 0; i < len; i++) {
        lines += buf[i] == '\n';
    }
    assert_true(len == 0 || buf[len - 1] == '\n');
    return lines;
}

static void
s_write_batch(s_fixture_t *fix, uint64_t first_seq, int count)
{
    for (int i = 0; i < count; i++) {
        s_packet(fix->rec, first_seq + (uint64_t) i, 1, "xy", 2);
        assert_int_equal(sink_output_write(fix->out, "t", fix->rec), 0);
    }
    assert_int_equal(sink_output_commit(fix->out), SYM_OK);
}

static void
test_sink_jsonl_rotates_by_size_at_batch_boundaries(void **state)
{
    s_fixture_t *fix = *state;
    sink_output_opts_t opts = {.rotate_bytes = 600};
    s_open(fix, "jsonl", "out.jsonl", &opts);

    /* One record is about 200 bytes: batches of 2 fill a file. */
    s_write_batch(fix, 1, 2);
    s_write_batch(fix, 3, 2);
    s_write_batch(fix, 5, 2);

    assert_int_equal(s_lines(fix->dir, "out.jsonl.1"), 2);
    assert_int_equal(s_lines(fix->dir, "out.jsonl.2"), 2);
    assert_int_equal(s_lines(fix->dir, "out.jsonl"), 2);
    assert_int_equal(s_lines(fix->dir, "out.jsonl.3"), -1);
}

static void
test_sink_csv_rotates_by_time_with_a_header_in_each_file(void **state)
{
    s_fixture_t *fix = *state;
    /* 1 ms: every commit finds the file old enough. */
    sink_output_opts_t opts = {.rotate_ms = 1};
    s_open(fix, "csv", "out.csv", &opts);

    s_write_batch(fix, 1, 3);
    int64_t written_ms = sym_time_mono_ms();
    while (sym_time_mono_ms() - written_ms < 2) {
        /* the file must age past rotate_ms */
    }
    s_write_batch(fix, 4, 1);

    char buf[4096];
    long len = s_read(fix->dir, "out.csv.1", buf, sizeof buf - 1);
    assert_true(len > 0);
    buf[len] = '\0';
    assert_non_null(strstr(buf, "topic,kind,stream,epoch,seq,event_time"));
    assert_int_equal(s_lines(fix->dir, "out.csv.1"), 4);
    len = s_read(fix->dir, "out.csv", buf, sizeof buf - 1);
    buf[len] = '\0';
    assert_int_equal(strncmp(buf, "topic,kind,stream", 17), 0);
    assert_int_equal(s_lines(fix->dir, "out.csv"), 2);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            test_sink_raw_writes_each_apid_file_byte_exact, s_setup,
            s_teardown),
        cmocka_unit_test_setup_teardown(
            test_sink_raw_names_files_by_topic_and_skips_records_without_field,
            s_setup, s_teardown),
        cmocka_unit_test(test_sink_name_rejects_bad_placeholders),
        cmocka_unit_test_setup_teardown(
            test_sink_jsonl_rotates_by_size_at_batch_boundaries, s_setup,
            s_teardown),
        cmocka_unit_test_setup_teardown(
            test_sink_csv_rotates_by_time_with_a_header_in_each_file, s_setup,
            s_teardown),
    };
    return cmocka_run_group_tests_name("sink_raw", tests, NULL, NULL);
}
