/* test_sink_csv.c: the csv:PATH output, header and rows read back.
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

#include "sink_output.h"
#include "sym_err.h"

#define S_WHEN "2017-05-18T00:21:00.000000000Z"
#define S_HEADER "topic,kind,stream,epoch,seq,event_time"

typedef struct {
    char dir[64];
    char path[128];
    char uri[160];
    sink_output_t *out;
    sym_rec_t *rec;
} s_fixture_t;

static int
s_setup(void **state)
{
    s_fixture_t *fix = calloc(1, sizeof *fix);
    assert_non_null(fix);
    strcpy(fix->dir, "/tmp/sink-csv-XXXXXX");
    assert_non_null(mkdtemp(fix->dir));
    snprintf(fix->path, sizeof fix->path, "%s/out.csv", fix->dir);
    snprintf(fix->uri, sizeof fix->uri, "csv:%s", fix->path);
    fix->rec = sym_rec_new();
    assert_non_null(fix->rec);
    *state = fix;
    return 0;
}

static int
s_teardown(void **state)
{
    s_fixture_t *fix = *state;
    sink_output_destroy(&fix->out);
    sym_rec_destroy(&fix->rec);
    unlink(fix->path);
    rmdir(fix->dir);
    free(fix);
    return 0;
}

static void
s_open(s_fixture_t *fix)
{
    int rc = SYM_OK;
    char err[256] = "";
    fix->out = sink_output_open(fix->uri, &rc, err, sizeof err);
    if (fix->out == NULL) {
        fail_msg("open %s: %s", fix->uri, err);
    }
}

static void
s_fill(sym_rec_t *rec, uint64_t seq)
{
    sym_rec_reset(rec);
    rec->epoch = 9;
    rec->seq = seq;
    rec->event_ns = 1495066860000000000LL;
    assert_int_equal(sym_rec_set_stream(rec, "qb50.tartu", 10), SYM_OK);
}

static void
s_write(s_fixture_t *fix)
{
    assert_int_equal(sink_output_write(fix->out, "tlm.qb50", fix->rec), SYM_OK);
}

static void
s_assert_file(const char *path, const char *expected)
{
    FILE *file = fopen(path, "r");
    assert_non_null(file);
    char text[4096];
    size_t len = fread(text, 1, sizeof text - 1, file);
    text[len] = '\0';
    fclose(file);
    assert_string_equal(text, expected);
}

static void
test_sink_csv_writes_header_then_rows(void **state)
{
    s_fixture_t *fix = *state;
    s_open(fix);

    s_fill(fix->rec, 1);
    assert_int_equal(sym_rec_set_int(fix->rec, "a", 1), SYM_OK);
    assert_int_equal(sym_rec_set_str(fix->rec, "b", "x, \"y\"", 6), SYM_OK);
    assert_int_equal(sym_rec_set_double(fix->rec, "c", 0.1), SYM_OK);
    s_write(fix);
    s_fill(fix->rec, 2);
    assert_int_equal(sym_rec_set_double(fix->rec, "c", 0.1 + 0.2), SYM_OK);
    assert_int_equal(sym_rec_set_int(fix->rec, "d", 9), SYM_OK);
    assert_int_equal(sym_rec_set_str(fix->rec, "b", "", 0), SYM_OK);
    s_write(fix);
    s_assert_file(fix->path, "");
    assert_int_equal(sink_output_commit(fix->out), SYM_OK);

    s_assert_file(fix->path, S_HEADER ",a,b,c\n"
                                      "tlm.qb50,data,qb50.tartu,9,1," S_WHEN
                                      ",1,\"x, \"\"y\"\"\",0.1\n"
                                      "tlm.qb50,data,qb50.tartu,9,2," S_WHEN
                                      ",,\"\",0.30000000000000004\n");
}

static void
test_sink_csv_reopen_keeps_the_columns(void **state)
{
    s_fixture_t *fix = *state;
    s_open(fix);
    s_fill(fix->rec, 1);
    assert_int_equal(sym_rec_set_int(fix->rec, "a", 1), SYM_OK);
    assert_int_equal(sym_rec_set_int(fix->rec, "b", 2), SYM_OK);
    s_write(fix);
    assert_int_equal(sink_output_commit(fix->out), SYM_OK);
    sink_output_destroy(&fix->out);

    s_open(fix);
    s_fill(fix->rec, 2);
    assert_int_equal(sym_rec_set_int(fix->rec, "b", 20), SYM_OK);
    assert_int_equal(sym_rec_set_int(fix->rec, "a", 10), SYM_OK);
    s_write(fix);
    assert_int_equal(sink_output_commit(fix->out), SYM_OK);

    s_assert_file(fix->path,
                  S_HEADER ",a,b\n"
                           "tlm.qb50,data,qb50.tartu,9,1," S_WHEN ",1,2\n"
                           "tlm.qb50,data,qb50.tartu,9,2," S_WHEN ",10,20\n");
}

static void
test_sink_csv_aborted_header_is_written_again(void **state)
{
    s_fixture_t *fix = *state;
    s_open(fix);
    s_fill(fix->rec, 1);
    assert_int_equal(sym_rec_set_int(fix->rec, "old", 1), SYM_OK);
    s_write(fix);
    sink_output_abort(fix->out);

    s_fill(fix->rec, 2);
    assert_int_equal(sym_rec_set_str(fix->rec, "new", "v", 1), SYM_OK);
    s_write(fix);
    assert_int_equal(sink_output_commit(fix->out), SYM_OK);

    s_assert_file(fix->path,
                  S_HEADER ",new\ntlm.qb50,data,qb50.tartu,9,2," S_WHEN ",v\n");
}

static void
test_sink_csv_refuses_a_file_without_the_header(void **state)
{
    s_fixture_t *fix = *state;
    FILE *file = fopen(fix->path, "w");
    assert_non_null(file);
    fputs("name,value\nx,1\n", file);
    fclose(file);
    int rc = SYM_OK;
    char err[256] = "";

    assert_null(sink_output_open(fix->uri, &rc, err, sizeof err));
    assert_int_equal(rc, SYM_EIO);
    assert_non_null(strstr(err, fix->path));
    assert_non_null(strstr(err, "header"));
    s_assert_file(fix->path, "name,value\nx,1\n");
}

static void
test_sink_csv_full_disk_fails_the_batch(void **state)
{
    s_fixture_t *fix = *state;
    int rc = SYM_OK;
    char err[256] = "";
    fix->out = sink_output_open("csv:/dev/full", &rc, err, sizeof err);
    assert_non_null(fix->out);

    s_fill(fix->rec, 1);
    s_write(fix);
    assert_int_equal(sink_output_commit(fix->out), SYM_EIO);
    assert_non_null(strstr(sink_output_error(fix->out), "No space left"));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_sink_csv_writes_header_then_rows,
                                        s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_sink_csv_reopen_keeps_the_columns,
                                        s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(
            test_sink_csv_aborted_header_is_written_again, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(
            test_sink_csv_refuses_a_file_without_the_header, s_setup,
            s_teardown),
        cmocka_unit_test_setup_teardown(test_sink_csv_full_disk_fails_the_batch,
                                        s_setup, s_teardown),
    };
    return cmocka_run_group_tests_name("sink_csv", tests, NULL, NULL);
}
