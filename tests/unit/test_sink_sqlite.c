/* test_sink_sqlite.c: the sqlite:PATH output, read back with sqlite3.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "sink_output.h"
#include "sym_err.h"

#define S_EPOCH 1700000000123456789ULL
#define S_EVENT_NS 1495066860000000000LL

typedef struct {
    char dir[64];
    char uri[160];
    char path[128];
    sink_output_t *out;
    sym_rec_t *rec;
    sqlite3 *db;
} s_fixture_t;

static int
s_setup(void **state)
{
    s_fixture_t *fix = calloc(1, sizeof *fix);
    assert_non_null(fix);
    strcpy(fix->dir, "/tmp/sink-sqlite-XXXXXX");
    assert_non_null(mkdtemp(fix->dir));
    snprintf(fix->path, sizeof fix->path, "%s/t.db", fix->dir);
    snprintf(fix->uri, sizeof fix->uri, "sqlite:%s", fix->path);
    fix->rec = sym_rec_new();
    assert_non_null(fix->rec);
    *state = fix;
    return 0;
}

static int
s_teardown(void **state)
{
    s_fixture_t *fix = *state;
    sqlite3_close(fix->db);
    sink_output_destroy(&fix->out);
    sym_rec_destroy(&fix->rec);
    DIR *dir = opendir(fix->dir);
    for (struct dirent *e = dir ? readdir(dir) : NULL; e; e = readdir(dir)) {
        char path[384];
        snprintf(path, sizeof path, "%s/%s", fix->dir, e->d_name);
        if (e->d_name[0] != '.') {
            unlink(path);
        }
    }
    if (dir) {
        closedir(dir);
    }
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
    assert_non_null(fix->out);
    assert_int_equal(rc, SYM_OK);
}

/* A second connection, as a reader of the database would have. */
static sqlite3 *
s_reader(s_fixture_t *fix)
{
    if (fix->db == NULL) {
        assert_int_equal(
            sqlite3_open_v2(fix->path, &fix->db, SQLITE_OPEN_READONLY, NULL),
            SQLITE_OK);
    }
    return fix->db;
}

static sqlite3_stmt *
s_query(s_fixture_t *fix, const char *sql)
{
    sqlite3_stmt *stmt = NULL;
    int rc = sqlite3_prepare_v2(s_reader(fix), sql, -1, &stmt, NULL);
    if (rc != SQLITE_OK) {
        fail_msg("%s: %s", sql, sqlite3_errmsg(fix->db));
    }
    assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
    return stmt;
}

static int64_t
s_int(s_fixture_t *fix, const char *sql)
{
    sqlite3_stmt *stmt = s_query(fix, sql);
    int64_t value = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    return value;
}

static double
s_double(s_fixture_t *fix, const char *sql)
{
    sqlite3_stmt *stmt = s_query(fix, sql);
    assert_int_equal(sqlite3_column_type(stmt, 0), SQLITE_FLOAT);
    double value = sqlite3_column_double(stmt, 0);
    sqlite3_finalize(stmt);
    return value;
}

static void
s_assert_text(s_fixture_t *fix, const char *sql, const char *expected)
{
    sqlite3_stmt *stmt = s_query(fix, sql);
    const char *text = (const char *) sqlite3_column_text(stmt, 0);
    assert_non_null(text);
    assert_string_equal(text, expected);
    sqlite3_finalize(stmt);
}

static void
s_fill(sym_rec_t *rec, sym_kind_t kind, const char *stream, uint64_t seq)
{
    sym_rec_reset(rec);
    rec->kind = kind;
    rec->epoch = S_EPOCH;
    rec->seq = seq;
    rec->event_ns = S_EVENT_NS + (int64_t) seq;
    rec->ingest_ns = S_EVENT_NS + 1000;
    assert_int_equal(sym_rec_set_stream(rec, stream, strlen(stream)), SYM_OK);
}

/* Write one data record of stream "s" and commit it on its own. */
static void
s_store_one(s_fixture_t *fix, uint64_t seq)
{
    s_fill(fix->rec, SYM_KIND_DATA, "s", seq);
    assert_int_equal(sink_output_write(fix->out, "t", fix->rec), SYM_OK);
    assert_int_equal(sink_output_commit(fix->out), SYM_OK);
}

static void
test_sink_sqlite_stores_records_and_accounts(void **state)
{
    s_fixture_t *fix = *state;
    s_open(fix);

    s_fill(fix->rec, SYM_KIND_DATA, "qb50.tartu", 1);
    assert_int_equal(sym_rec_set_double(fix->rec, "vbatt", 8.1), SYM_OK);
    assert_int_equal(sym_rec_set_double(fix->rec, "sum", 0.1 + 0.2), SYM_OK);
    assert_int_equal(sym_rec_set_int(fix->rec, "count", -42), SYM_OK);
    assert_int_equal(sym_rec_set_str(fix->rec, "mode", "safe \"1\"", 8),
                     SYM_OK);
    assert_int_equal(sink_output_write(fix->out, "tlm.qb50.tartu", fix->rec),
                     SYM_OK);
    s_fill(fix->rec, SYM_KIND_ALARM, "alarm.t1", 1);
    assert_int_equal(sym_rec_set_str(fix->rec, "state", "red-high", 8), SYM_OK);
    assert_int_equal(
        sink_output_write(fix->out, "alarm.tlm.qb50.tartu", fix->rec), SYM_OK);
    sink_account_t account = {.stream = "qb50.tartu",
                              .epoch = S_EPOCH,
                              .first_seq = 1,
                              .expected = 3,
                              .delivered = 1,
                              .removed = 1,
                              .lost = 1,
                              .duplicates = 2,
                              .has_eos = true,
                              .last_seq = 3,
                              .updated_ns = 5};
    assert_int_equal(sink_output_account(fix->out, &account), SYM_OK);
    sink_removal_t removal = {.stream = "qb50.tartu",
                              .epoch = S_EPOCH,
                              .reason = "filter",
                              .count = 1};
    assert_int_equal(sink_output_removal(fix->out, &removal), SYM_OK);
    assert_int_equal(sink_output_commit(fix->out), SYM_OK);

    assert_int_equal(s_int(fix, "SELECT count(*) FROM records"), 1);
    s_assert_text(fix, "SELECT topic || ' ' || stream FROM records",
                  "tlm.qb50.tartu qb50.tartu");
    assert_int_equal(s_int(fix, "SELECT epoch FROM records"), S_EPOCH);
    assert_int_equal(s_int(fix, "SELECT event_ns FROM records"),
                     S_EVENT_NS + 1);
    assert_true(s_int(fix, "SELECT stored_ns FROM records") > S_EVENT_NS);
    assert_true(s_double(fix, "SELECT json_extract(fields, '$.vbatt')"
                              " FROM records") == 8.1);
    assert_true(s_double(fix, "SELECT json_extract(fields, '$.sum')"
                              " FROM records") == 0.1 + 0.2);
    assert_int_equal(
        s_int(fix, "SELECT json_extract(fields, '$.count') FROM records"), -42);
    s_assert_text(fix, "SELECT json_extract(fields, '$.mode') FROM records",
                  "safe \"1\"");
    s_assert_text(fix, "SELECT stream || ' ' || fields FROM alarms",
                  "alarm.t1 {\"state\":\"red-high\"}");
    s_assert_text(fix,
                  "SELECT format('%d %d %d %d %d %d %d %d', first_seq,"
                  " expected, delivered, removed, lost, duplicates, eos,"
                  " last_seq) FROM streams WHERE stream = 'qb50.tartu'",
                  "1 3 1 1 1 2 1 3");
    s_assert_text(fix, "SELECT reason || ' ' || count FROM removals",
                  "filter 1");
    s_assert_text(fix, "PRAGMA journal_mode", "wal");
}

static void
test_sink_sqlite_account_rows_are_replaced(void **state)
{
    s_fixture_t *fix = *state;
    s_open(fix);

    sink_account_t account = {.stream = "s",
                              .epoch = 9,
                              .first_seq = 1,
                              .expected = 2,
                              .delivered = 1,
                              .lost = 1};
    sink_removal_t removal = {
        .stream = "s", .epoch = 9, .reason = "dedupe", .count = 1};
    assert_int_equal(sink_output_account(fix->out, &account), SYM_OK);
    assert_int_equal(sink_output_removal(fix->out, &removal), SYM_OK);
    assert_int_equal(sink_output_commit(fix->out), SYM_OK);
    account.expected = 5;
    account.delivered = 4;
    removal.count = 7;
    assert_int_equal(sink_output_account(fix->out, &account), SYM_OK);
    assert_int_equal(sink_output_removal(fix->out, &removal), SYM_OK);
    assert_int_equal(sink_output_commit(fix->out), SYM_OK);

    assert_int_equal(s_int(fix, "SELECT count(*) FROM streams"), 1);
    s_assert_text(fix, "SELECT expected || ' ' || delivered FROM streams",
                  "5 4");
    assert_int_equal(s_int(fix, "SELECT count(*) FROM removals"), 1);
    assert_int_equal(s_int(fix, "SELECT count FROM removals"), 7);
}

static void
test_sink_sqlite_abort_keeps_nothing(void **state)
{
    s_fixture_t *fix = *state;
    s_open(fix);

    s_fill(fix->rec, SYM_KIND_DATA, "s", 1);
    assert_int_equal(sink_output_write(fix->out, "t", fix->rec), SYM_OK);
    sink_output_abort(fix->out);
    assert_int_equal(sink_output_commit(fix->out), SYM_OK);
    assert_int_equal(s_int(fix, "SELECT count(*) FROM records"), 0);

    s_store_one(fix, 2);
    assert_int_equal(s_int(fix, "SELECT seq FROM records"), 2);
    s_assert_text(fix, "SELECT fields FROM records", "{}");
}

static void
test_sink_sqlite_reopen_appends(void **state)
{
    s_fixture_t *fix = *state;
    s_open(fix);
    s_store_one(fix, 1);
    sink_output_destroy(&fix->out);

    s_open(fix);
    s_store_one(fix, 2);
    assert_int_equal(s_int(fix, "SELECT count(*) FROM records"), 2);
}

/* A trigger that refuses the record of sequence seq, as a constraint an
 * operator added would. */
static void
s_refuse_seq(s_fixture_t *fix, int seq)
{
    char sql[256];
    snprintf(sql, sizeof sql,
             "CREATE TRIGGER refuse BEFORE INSERT ON records"
             " WHEN NEW.seq = %d BEGIN"
             " SELECT RAISE(ABORT, 'refused by the test'); END",
             seq);
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(fix->path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

/* Rows are inserted by the writer thread, so a refused one fails the
 * commit of its batch if no later write noticed it first. */
static void
test_sink_sqlite_failed_insert_names_the_cause(void **state)
{
    s_fixture_t *fix = *state;
    s_open(fix);
    s_refuse_seq(fix, 2);

    s_fill(fix->rec, SYM_KIND_DATA, "s", 1);
    assert_int_equal(sink_output_write(fix->out, "t", fix->rec), SYM_OK);
    s_fill(fix->rec, SYM_KIND_DATA, "s", 2);
    assert_int_equal(sink_output_write(fix->out, "t", fix->rec), SYM_OK);
    assert_int_equal(sink_output_commit(fix->out), SYM_EIO);
    assert_non_null(strstr(sink_output_error(fix->out), "refused by the test"));
    sink_output_abort(fix->out);

    s_store_one(fix, 3);
    assert_int_equal(s_int(fix, "SELECT group_concat(seq) FROM records"), 3);
}

/* In a large batch the failure shows at a later write, and the batch
 * keeps nothing, neither the rows before the refused one nor after. */
static void
test_sink_sqlite_failure_shows_at_a_later_write(void **state)
{
    s_fixture_t *fix = *state;
    s_open(fix);
    s_refuse_seq(fix, 2);

    int rc = SYM_OK;
    uint64_t seq = 0;
    while (rc == SYM_OK && seq < 100000) {
        s_fill(fix->rec, SYM_KIND_DATA, "s", ++seq);
        rc = sink_output_write(fix->out, "t", fix->rec);
    }
    assert_int_equal(rc, SYM_EIO);
    assert_true(seq > 2);
    assert_non_null(strstr(sink_output_error(fix->out), "refused by the test"));
    sink_output_abort(fix->out);
    assert_int_equal(sink_output_commit(fix->out), SYM_OK);
    assert_int_equal(s_int(fix, "SELECT count(*) FROM records"), 0);

    s_store_one(fix, 3);
    assert_int_equal(s_int(fix, "SELECT group_concat(seq) FROM records"), 3);
}

static void
test_sink_sqlite_open_failure_names_the_path(void **state)
{
    s_fixture_t *fix = *state;
    char uri[160];
    snprintf(uri, sizeof uri, "sqlite:%s/missing/t.db", fix->dir);
    int rc = SYM_OK;
    char err[256] = "";

    assert_null(sink_output_open(uri, &rc, err, sizeof err));
    assert_int_equal(rc, SYM_EIO);
    assert_non_null(strstr(err, uri));
    assert_non_null(strstr(err, "unable to open"));
    assert_non_null(strstr(err, strerror(ENOENT)));
}

static void
test_sink_sqlite_refuses_a_file_that_is_not_a_database(void **state)
{
    s_fixture_t *fix = *state;
    FILE *file = fopen(fix->path, "w");
    assert_non_null(file);
    fputs("this is not a database, but it is long enough to look like a "
          "header of one when sqlite reads the first page of it\n",
          file);
    fclose(file);
    int rc = SYM_OK;
    char err[256] = "";

    assert_null(sink_output_open(fix->uri, &rc, err, sizeof err));
    assert_int_equal(rc, SYM_EIO);
    assert_non_null(strstr(err, fix->path));
}

/* The plan a reader's query gets, as EXPLAIN QUERY PLAN's first line. */
static void
s_assert_plan(s_fixture_t *fix, const char *sql, const char *expected)
{
    char explain[512];
    snprintf(explain, sizeof explain, "EXPLAIN QUERY PLAN %s", sql);
    sqlite3_stmt *stmt = s_query(fix, explain);
    const char *detail = (const char *) sqlite3_column_text(stmt, 3);
    assert_non_null(detail);
    if (strstr(detail, expected) == NULL) {
        fail_msg("%s: plan \"%s\", want \"%s\"", sql, detail, expected);
    }
    sqlite3_finalize(stmt);
}

static void
test_sink_sqlite_time_ranges_use_the_stream_index(void **state)
{
    s_fixture_t *fix = *state;
    s_open(fix);
    s_store_one(fix, 1);
    sink_output_destroy(&fix->out);
    s_open(fix); /* a second open seeds nothing twice */

    s_assert_plan(fix, "SELECT * FROM records WHERE event_ns BETWEEN 1 AND 2",
                  "USING INDEX records_stream_time (ANY(stream) AND "
                  "event_ns>? AND event_ns<?)");
    s_assert_plan(fix,
                  "SELECT * FROM records WHERE stream = 's' AND event_ns > 1",
                  "USING INDEX records_stream_time (stream=? AND event_ns>?)");
    s_assert_plan(fix, "SELECT * FROM alarms WHERE event_ns < 5",
                  "USING INDEX alarms_stream_time (ANY(stream) AND "
                  "event_ns<?)");
    assert_int_equal(s_int(fix, "SELECT count(*) FROM sqlite_stat1 WHERE "
                                "idx = 'records_stream_time'"),
                     1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            test_sink_sqlite_stores_records_and_accounts, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(
            test_sink_sqlite_account_rows_are_replaced, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_sink_sqlite_abort_keeps_nothing,
                                        s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_sink_sqlite_reopen_appends,
                                        s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(
            test_sink_sqlite_time_ranges_use_the_stream_index, s_setup,
            s_teardown),
        cmocka_unit_test_setup_teardown(
            test_sink_sqlite_failed_insert_names_the_cause, s_setup,
            s_teardown),
        cmocka_unit_test_setup_teardown(
            test_sink_sqlite_failure_shows_at_a_later_write, s_setup,
            s_teardown),
        cmocka_unit_test_setup_teardown(
            test_sink_sqlite_open_failure_names_the_path, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(
            test_sink_sqlite_refuses_a_file_that_is_not_a_database, s_setup,
            s_teardown),
    };
    return cmocka_run_group_tests_name("sink_sqlite", tests, NULL, NULL);
}
