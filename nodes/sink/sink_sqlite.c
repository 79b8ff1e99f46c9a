/* sink_sqlite.c: the sqlite:PATH output, batched transactions in WAL mode.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "sink_output.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "sink_rows.h"
#include "sym_err.h"
#include "sym_json.h"
#include "sym_time.h"

/* How long a statement waits for another connection's lock. */
#define S_BUSY_TIMEOUT_MS 5000

/* Columns of records and alarms; fields is a JSON object. */
#define S_RECORD_COLUMNS                                                       \
    "(id INTEGER PRIMARY KEY, topic TEXT NOT NULL, stream TEXT NOT NULL,"      \
    " epoch INTEGER NOT NULL, seq INTEGER NOT NULL,"                           \
    " event_ns INTEGER NOT NULL, ingest_ns INTEGER NOT NULL,"                  \
    " stored_ns INTEGER NOT NULL, fields TEXT NOT NULL)"

static const char s_schema[] =
    "BEGIN;"
    "CREATE TABLE IF NOT EXISTS records" S_RECORD_COLUMNS ";"
    "CREATE INDEX IF NOT EXISTS records_stream_time"
    " ON records(stream, event_ns);"
    "CREATE TABLE IF NOT EXISTS alarms" S_RECORD_COLUMNS ";"
    "CREATE INDEX IF NOT EXISTS alarms_stream_time"
    " ON alarms(stream, event_ns);"
    "CREATE TABLE IF NOT EXISTS streams(stream TEXT, epoch INTEGER,"
    " first_seq INTEGER, expected INTEGER, delivered INTEGER,"
    " removed INTEGER, lost INTEGER, duplicates INTEGER, eos INTEGER,"
    " last_seq INTEGER, updated_ns INTEGER, PRIMARY KEY(stream, epoch));"
    "CREATE TABLE IF NOT EXISTS removals(stream TEXT, epoch INTEGER,"
    " reason TEXT, count INTEGER, PRIMARY KEY(stream, epoch, reason));"
    "COMMIT;";

/* One index per table, on (stream, event_ns). A time range across all
 * streams uses it too, one seek per stream (a skip-scan), once
 * sqlite_stat1 says each stream has many rows: the planner skip-scans only
 * with statistics, so they are seeded when missing. A second index on
 * event_ns alone cost an eighth of the sink's time per row. A database
 * made before keeps the records_time index it has. */
#define S_STREAM_STATS(table)                                                  \
    "INSERT INTO sqlite_stat1(tbl, idx, stat) SELECT '" table "', '" table     \
    "_stream_time', '1000000 10000 1' WHERE NOT EXISTS (SELECT 1 FROM"         \
    " sqlite_stat1 WHERE idx = '" table "_stream_time');"

/* ANALYZE of the schema table alone creates sqlite_stat1 when missing. */
static const char s_stats[] = "BEGIN;"
                              "ANALYZE sqlite_schema;" S_STREAM_STATS("records")
                                  S_STREAM_STATS("alarms") "COMMIT;";

/* Pages of 16 KiB rather than 4: a row of about 300 bytes appended to the
 * table and its index fills and writes a quarter as many pages, WAL frames
 * and splits. In the bench chain this took about 285,000 records/s to
 * about 310,000 (32 KiB: 312,000, 64 KiB: 305,000). It applies to a new
 * file; one that exists keeps its page size. */
static const char s_page_size[] = "PRAGMA page_size=16384;";

/* WAL with synchronous=NORMAL: a commit is not synced, a checkpoint is, so
 * a power failure may lose the last commits but never corrupts the file.
 * A batch of --batch records fits in the page cache, so it is written once
 * at commit rather than spilled; the WAL is copied back every 4096 pages
 * (64 MB). */
static const char s_pragmas[] = "PRAGMA synchronous=NORMAL;"
                                "PRAGMA cache_size=-32768;"
                                "PRAGMA wal_autocheckpoint=4096;";

#define S_INSERT(table)                                                        \
    "INSERT INTO " table "(topic, stream, epoch, seq, event_ns, ingest_ns,"    \
    " stored_ns, fields) VALUES(?, ?, ?, ?, ?, ?, ?, ?)"

typedef enum {
    S_INSERT_RECORD = 0,
    S_INSERT_ALARM,
    S_UPSERT_STREAM,
    S_UPSERT_REMOVAL,
    S_BEGIN,
    S_COMMIT,
    S_ROLLBACK,
    S_STMT_COUNT
} s_stmt_t;

static const char *const s_sql[S_STMT_COUNT] = {
    [S_INSERT_RECORD] = S_INSERT("records"),
    [S_INSERT_ALARM] = S_INSERT("alarms"),
    [S_UPSERT_STREAM] =
        "INSERT INTO streams(stream, epoch, first_seq, expected, delivered,"
        " removed, lost, duplicates, eos, last_seq, updated_ns)"
        " VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT(stream, epoch) DO UPDATE SET"
        " first_seq = excluded.first_seq, expected = excluded.expected,"
        " delivered = excluded.delivered, removed = excluded.removed,"
        " lost = excluded.lost, duplicates = excluded.duplicates,"
        " eos = excluded.eos, last_seq = excluded.last_seq,"
        " updated_ns = excluded.updated_ns",
    [S_UPSERT_REMOVAL] = "INSERT INTO removals(stream, epoch, reason, count)"
                         " VALUES(?, ?, ?, ?)"
                         " ON CONFLICT(stream, epoch, reason) DO UPDATE SET"
                         " count = excluded.count",
    [S_BEGIN] = "BEGIN IMMEDIATE",
    [S_COMMIT] = "COMMIT",
    [S_ROLLBACK] = "ROLLBACK",
};

/* What a queued row is; its values sit in the sink_row_t as follows. */
typedef enum {
    S_ROW_RECORD = 0, /* texts topic, stream, fields; ints epoch, seq,
                         event_ns, ingest_ns, stored_ns */
    S_ROW_ALARM,      /* the same, into alarms */
    S_ROW_ACCOUNT,    /* text stream; ints as the columns of streams */
    S_ROW_REMOVAL     /* texts stream, reason; ints epoch, count */
} s_row_kind_t;

/* Records, accounts and removals are formatted by the sink's main thread
 * and inserted by a writer thread (sink_rows.h); commit, abort and load
 * wait for it and then use the connection from the main thread. The
 * writer's failures are kept apart from self->error, which the main
 * thread writes, and copied there when the main thread collects them. */
typedef struct {
    sqlite3 *db;                       /* the connection */
    sqlite3_stmt *stmts[S_STMT_COUNT]; /* prepared once, reused */
    sink_rows_t *rows;                 /* the writer thread's queue */
    char *fields;                      /* a record's fields as JSON, reused */
    size_t fields_cap;                 /* bytes allocated at fields */
    char writer_error[SINK_OUTPUT_ERR_MAX]; /* the writer's last failure */
} s_sqlite_t;

/* Keep sqlite's message for the log, prefixed with what was tried. */
static int
s_fail_into(char *error, size_t size, sqlite3 *db, const char *what)
{
    snprintf(error, size, "%s: %s", what,
             db ? sqlite3_errmsg(db) : "out of memory");
    return SYM_EIO;
}

static int
s_fail(sink_output_t *self, const char *what)
{
    s_sqlite_t *state = self->state;
    return s_fail_into(self->error, sizeof self->error,
                       state ? state->db : NULL, what);
}

/* Opening and setting up the file: sqlite's "unable to open database
 * file" and "readonly database" say neither which call failed nor why, so
 * the system's reason and what the sink needs go with them. */
static int
s_fail_setup(sink_output_t *self, const char *what)
{
    s_sqlite_t *state = self->state;
    if (state == NULL || state->db == NULL) {
        return s_fail(self, what);
    }
    int code = sqlite3_errcode(state->db);
    int os_errno = sqlite3_system_errno(state->db);
    const char *need = code == SQLITE_READONLY || code == SQLITE_CANTOPEN
                           ? "; the sink needs write access to the file and to"
                             " its folder, for the -wal and -shm files"
                           : "";
    snprintf(self->error, sizeof self->error, "%s: %s%s%s%s%s", what,
             sqlite3_errmsg(state->db), os_errno ? " (" : "",
             os_errno ? strerror(os_errno) : "", os_errno ? ")" : "", need);
    return SYM_EIO;
}

/* Run a statement to its end and make it ready for the next use; a
 * failure is described in error. */
static int
s_step_into(char *error, size_t size, s_sqlite_t *state, s_stmt_t which,
            const char *what)
{
    sqlite3_stmt *stmt = state->stmts[which];
    int rc = sqlite3_step(stmt);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
        s_fail_into(error, size, state->db, what);
        sqlite3_reset(stmt);
        return SYM_EIO;
    }
    sqlite3_reset(stmt);
    return SYM_OK;
}

static int
s_step(sink_output_t *self, s_stmt_t which, const char *what)
{
    return s_step_into(self->error, sizeof self->error, self->state, which,
                       what);
}

/* The same from the writer thread. */
static int
s_writer_step(s_sqlite_t *state, s_stmt_t which, const char *what)
{
    return s_step_into(state->writer_error, sizeof state->writer_error, state,
                       which, what);
}

/* Collect the writer's outcome once every queued row has run. */
static int
s_sync(sink_output_t *self)
{
    s_sqlite_t *state = self->state;
    int rc = sink_rows_sync(state->rows);
    if (rc != SYM_OK) {
        snprintf(self->error, sizeof self->error, "%s", state->writer_error);
    }
    return rc;
}

/* Check that WAL mode took: it cannot on some file systems. */
static int
s_set_wal(sink_output_t *self)
{
    s_sqlite_t *state = self->state;
    sqlite3_stmt *stmt = NULL;
    int rc = sqlite3_prepare_v2(state->db, "PRAGMA journal_mode=WAL", -1, &stmt,
                                NULL);
    if (rc != SQLITE_OK || sqlite3_step(stmt) != SQLITE_ROW) {
        sqlite3_finalize(stmt);
        return s_fail_setup(self, "set journal_mode=WAL");
    }
    const char *mode = (const char *) sqlite3_column_text(stmt, 0);
    bool is_wal = mode && sqlite3_stricmp(mode, "wal") == 0;
    if (!is_wal) {
        snprintf(self->error, sizeof self->error, "journal_mode is %s, not wal",
                 mode ? mode : "unknown");
    }
    sqlite3_finalize(stmt);
    return is_wal ? SYM_OK : SYM_EIO;
}

static int
s_prepare(sink_output_t *self)
{
    s_sqlite_t *state = self->state;
    for (int i = 0; i < S_STMT_COUNT; i++) {
        if (sqlite3_prepare_v3(state->db, s_sql[i], -1,
                               SQLITE_PREPARE_PERSISTENT, &state->stmts[i],
                               NULL) != SQLITE_OK) {
            return s_fail(self, "prepare");
        }
    }
    return SYM_OK;
}

static void
s_close(sink_output_t *self)
{
    s_sqlite_t *state = self->state;
    if (state == NULL) {
        return;
    }
    sink_rows_destroy(&state->rows);
    for (int i = 0; i < S_STMT_COUNT; i++) {
        sqlite3_finalize(state->stmts[i]);
    }
    /* The last connection to close checkpoints and removes the WAL. */
    sqlite3_close(state->db);
    free(state->fields);
    free(state);
    self->state = NULL;
}

static int s_run_row(void *arg, const sink_row_t *row);

static int
s_open(sink_output_t *self)
{
    s_sqlite_t *state = calloc(1, sizeof *state);
    self->state = state;
    if (state == NULL) {
        return s_fail(self, "open");
    }
    /* One thread at a time uses the connection, handed over under the
     * queue's lock, and nothing reads sqlite's memory statistics: both
     * would cost a mutex per call. This fails harmlessly once sqlite is
     * initialised. */
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    int flags =
        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    int rc = SYM_EIO;
    if (sqlite3_open_v2(self->path, &state->db, flags, NULL) != SQLITE_OK) {
        rc = s_fail_setup(self, "open");
        goto fail;
    }
    sqlite3_busy_timeout(state->db, S_BUSY_TIMEOUT_MS);
    rc = sqlite3_exec(state->db, s_page_size, NULL, NULL, NULL) == SQLITE_OK
             ? s_set_wal(self)
             : s_fail_setup(self, "set page_size");
    if (rc == SYM_OK &&
        sqlite3_exec(state->db, s_pragmas, NULL, NULL, NULL) != SQLITE_OK) {
        rc = s_fail(self, "set pragmas");
    }
    if (rc == SYM_OK &&
        (sqlite3_exec(state->db, s_schema, NULL, NULL, NULL) != SQLITE_OK ||
         sqlite3_exec(state->db, s_stats, NULL, NULL, NULL) != SQLITE_OK)) {
        rc = s_fail_setup(self, "create tables");
    }
    if (rc == SYM_OK) {
        rc = s_prepare(self);
    }
    if (rc == SYM_OK &&
        (state->rows = sink_rows_new(s_run_row, self)) == NULL) {
        snprintf(self->error, sizeof self->error,
                 "start the writer thread: out of resources");
        rc = SYM_ENOMEM;
    }
    if (rc != SYM_OK) {
        goto fail;
    }
    return SYM_OK;

fail:
    s_close(self);
    return rc;
}

/* In the writer thread: open a transaction unless one is open. */
static int
s_writer_begin(s_sqlite_t *state)
{
    if (!sqlite3_get_autocommit(state->db)) {
        return SYM_OK;
    }
    return s_writer_step(state, S_BEGIN, "begin");
}

/* Bind count of the row's strings from its first, to columns from first.
 * They live until the step; every use rebinds them. */
static void
s_bind_texts(sqlite3_stmt *stmt, int column, const sink_row_t *row, int first,
             int count)
{
    for (int i = 0; i < count; i++) {
        sqlite3_bind_text(stmt, column + i, row->texts[first + i],
                          (int) row->lens[first + i], SQLITE_STATIC);
    }
}

static void
s_bind_ints(sqlite3_stmt *stmt, int column, const sink_row_t *row, int first,
            int count)
{
    for (int i = 0; i < count; i++) {
        sqlite3_bind_int64(stmt, column + i, row->ints[first + i]);
    }
}

/* In the writer thread: insert one queued row into the open transaction.
 * The columns follow the order of the statements above. */
static int
s_run_row(void *arg, const sink_row_t *row)
{
    sink_output_t *self = arg;
    s_sqlite_t *state = self->state;
    int rc = s_writer_begin(state);
    if (rc != SYM_OK) {
        return rc;
    }
    sqlite3_stmt *stmt = NULL;
    switch ((s_row_kind_t) row->kind) {
    case S_ROW_RECORD:
    case S_ROW_ALARM: {
        s_stmt_t which =
            row->kind == S_ROW_ALARM ? S_INSERT_ALARM : S_INSERT_RECORD;
        stmt = state->stmts[which];
        s_bind_texts(stmt, 1, row, 0, 2);
        s_bind_ints(stmt, 3, row, 0, 5);
        s_bind_texts(stmt, 8, row, 2, 1);
        return s_writer_step(state, which, "insert");
    }
    case S_ROW_ACCOUNT:
        stmt = state->stmts[S_UPSERT_STREAM];
        s_bind_texts(stmt, 1, row, 0, 1);
        s_bind_ints(stmt, 2, row, 0, 10);
        return s_writer_step(state, S_UPSERT_STREAM, "update streams");
    case S_ROW_REMOVAL:
        stmt = state->stmts[S_UPSERT_REMOVAL];
        s_bind_texts(stmt, 1, row, 0, 1);
        s_bind_ints(stmt, 2, row, 0, 1);
        s_bind_texts(stmt, 3, row, 1, 1);
        s_bind_ints(stmt, 4, row, 1, 1);
        return s_writer_step(state, S_UPSERT_REMOVAL, "update removals");
    }
    snprintf(state->writer_error, sizeof state->writer_error,
             "unknown row kind %d", row->kind);
    return SYM_EINVAL;
}

/* Queue a row for the writer thread. A failure of an earlier row of the
 * batch shows here, or at commit at the latest. */
static int
s_put(sink_output_t *self, const sink_row_t *row)
{
    s_sqlite_t *state = self->state;
    int rc = sink_rows_put(state->rows, row);
    if (rc == SYM_ENOMEM) {
        snprintf(self->error, sizeof self->error, "queue a row: out of memory");
    } else if (rc != SYM_OK) {
        /* Wait for the writer before reading what it wrote. */
        s_sync(self);
    }
    return rc;
}

static void
s_set_text(sink_row_t *row, int i, const char *text, size_t len)
{
    row->texts[i] = text;
    row->lens[i] = len;
}

static int
s_write(sink_output_t *self, const char *topic, const sym_rec_t *rec)
{
    s_sqlite_t *state = self->state;
    size_t fields_len = 0;
    if (sym_json_fields_text(rec, &state->fields, &state->fields_cap,
                             &fields_len) != SYM_OK) {
        snprintf(self->error, sizeof self->error,
                 "fields as JSON: out of memory");
        return SYM_ENOMEM;
    }
    sink_row_t row = {
        .kind = rec->kind == SYM_KIND_ALARM ? S_ROW_ALARM : S_ROW_RECORD,
        .ints = {(int64_t) rec->epoch, (int64_t) rec->seq, rec->event_ns,
                 rec->ingest_ns, sym_time_now_ns()},
    };
    s_set_text(&row, 0, topic, strlen(topic));
    s_set_text(&row, 1, rec->stream.ptr, rec->stream.len);
    s_set_text(&row, 2, state->fields, fields_len);
    return s_put(self, &row);
}

static int
s_account(sink_output_t *self, const sink_account_t *account)
{
    sink_row_t row = {
        .kind = S_ROW_ACCOUNT,
        .ints = {(int64_t) account->epoch, (int64_t) account->first_seq,
                 (int64_t) account->expected, (int64_t) account->delivered,
                 (int64_t) account->removed, (int64_t) account->lost,
                 (int64_t) account->duplicates, account->has_eos ? 1 : 0,
                 (int64_t) account->last_seq, account->updated_ns},
    };
    s_set_text(&row, 0, account->stream, strlen(account->stream));
    return s_put(self, &row);
}

static int
s_removal(sink_output_t *self, const sink_removal_t *removal)
{
    sink_row_t row = {
        .kind = S_ROW_REMOVAL,
        .ints = {(int64_t) removal->epoch, (int64_t) removal->count},
    };
    s_set_text(&row, 0, removal->stream, strlen(removal->stream));
    s_set_text(&row, 1, removal->reason, strlen(removal->reason));
    return s_put(self, &row);
}

/* Queries that read back what an earlier run kept. The seen query takes
 * the sequences stored within the window behind each account's last. */
static const char s_load_accounts_sql[] =
    "SELECT stream, epoch, first_seq, delivered, removed, duplicates, eos,"
    " last_seq FROM streams";
static const char s_load_removals_sql[] =
    "SELECT stream, epoch, reason, count FROM removals";
#define S_SEEN(table)                                                          \
    "SELECT r.stream, r.epoch, r.seq FROM " table " r JOIN streams s"          \
    " ON s.stream = r.stream AND s.epoch = r.epoch"                            \
    " WHERE r.seq > s.last_seq - ?1"
static const char s_load_seen_sql[] =
    S_SEEN("records") " UNION ALL " S_SEEN("alarms");

typedef int (*s_row_fn)(sqlite3_stmt *stmt, const sink_load_t *load);

static int
s_account_row(sqlite3_stmt *stmt, const sink_load_t *load)
{
    sink_account_t account = {
        .stream = (const char *) sqlite3_column_text(stmt, 0),
        .epoch = (uint64_t) sqlite3_column_int64(stmt, 1),
        .first_seq = (uint64_t) sqlite3_column_int64(stmt, 2),
        .delivered = (uint64_t) sqlite3_column_int64(stmt, 3),
        .removed = (uint64_t) sqlite3_column_int64(stmt, 4),
        .duplicates = (uint64_t) sqlite3_column_int64(stmt, 5),
        .has_eos = sqlite3_column_int(stmt, 6) != 0,
        .last_seq = (uint64_t) sqlite3_column_int64(stmt, 7),
    };
    return account.stream ? load->account(load->arg, &account) : SYM_OK;
}

static int
s_removal_row(sqlite3_stmt *stmt, const sink_load_t *load)
{
    sink_removal_t removal = {
        .stream = (const char *) sqlite3_column_text(stmt, 0),
        .epoch = (uint64_t) sqlite3_column_int64(stmt, 1),
        .reason = (const char *) sqlite3_column_text(stmt, 2),
        .count = (uint64_t) sqlite3_column_int64(stmt, 3),
    };
    if (removal.stream == NULL || removal.reason == NULL) {
        return SYM_OK;
    }
    return load->removal(load->arg, &removal);
}

static int
s_seen_row(sqlite3_stmt *stmt, const sink_load_t *load)
{
    const char *stream = (const char *) sqlite3_column_text(stmt, 0);
    if (stream == NULL) {
        return SYM_OK;
    }
    return load->seen(load->arg, stream,
                      (uint64_t) sqlite3_column_int64(stmt, 1),
                      (uint64_t) sqlite3_column_int64(stmt, 2));
}

/* Run a read-only query, handing each row to on_row. */
static int
s_load_query(sink_output_t *self, const char *sql, s_row_fn on_row,
             const sink_load_t *load)
{
    s_sqlite_t *state = self->state;
    sqlite3_stmt *stmt = NULL;
    if (sqlite3_prepare_v2(state->db, sql, -1, &stmt, NULL) != SQLITE_OK) {
        return s_fail(self, "prepare load");
    }
    if (sqlite3_bind_parameter_count(stmt) > 0) {
        sqlite3_bind_int64(stmt, 1, (sqlite3_int64) load->window);
    }
    int rc = SYM_OK;
    int step = SQLITE_ROW;
    while (rc == SYM_OK && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
        rc = on_row(stmt, load);
    }
    if (rc == SYM_OK && step != SQLITE_DONE) {
        rc = s_fail(self, "load");
    } else if (rc != SYM_OK) {
        snprintf(self->error, sizeof self->error, "load: %s", sym_strerror(rc));
    }
    sqlite3_finalize(stmt);
    return rc;
}

/* One read transaction, so the three queries see the same commit. */
static int
s_load(sink_output_t *self, const sink_load_t *load)
{
    s_sqlite_t *state = self->state;
    s_sync(self);
    if (sqlite3_exec(state->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
        return s_fail(self, "begin load");
    }
    int rc = s_load_query(self, s_load_accounts_sql, s_account_row, load);
    if (rc == SYM_OK) {
        rc = s_load_query(self, s_load_removals_sql, s_removal_row, load);
    }
    if (rc == SYM_OK) {
        rc = s_load_query(self, s_load_seen_sql, s_seen_row, load);
    }
    sqlite3_exec(state->db, "COMMIT", NULL, NULL, NULL);
    return rc;
}

static void
s_abort(sink_output_t *self)
{
    s_sqlite_t *state = self->state;
    if (state == NULL) {
        return;
    }
    sink_rows_sync(state->rows);
    if (!sqlite3_get_autocommit(state->db)) {
        sqlite3_step(state->stmts[S_ROLLBACK]);
        sqlite3_reset(state->stmts[S_ROLLBACK]);
    }
}

static int
s_commit(sink_output_t *self)
{
    s_sqlite_t *state = self->state;
    int rc = s_sync(self);
    if (rc != SYM_OK) {
        s_abort(self);
        return rc;
    }
    if (sqlite3_get_autocommit(state->db)) {
        return SYM_OK;
    }
    rc = s_step(self, S_COMMIT, "commit");
    if (rc != SYM_OK) {
        s_abort(self);
    }
    return rc;
}

const sink_output_ops_t sink_sqlite_ops = {
    .scheme = "sqlite",
    .needs_path = true,
    .arg = "PATH",
    .open = s_open,
    .write = s_write,
    .account = s_account,
    .removal = s_removal,
    .load = s_load,
    .commit = s_commit,
    .abort = s_abort,
    .close = s_close,
};
