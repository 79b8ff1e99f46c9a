/* sink_postgres.c: the postgres:CONNINFO output, batches sent with COPY.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "sink_output.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sink_libpq.h"
#include "sym_err.h"
#include "sym_json.h"
#include "sym_log.h"
#include "sym_sig.h"
#include "sym_time.h"

/* Reconnect delays double from the first to the cap. */
#define S_BACKOFF_FIRST_MS 100
#define S_BACKOFF_MAX_MS 5000
/* How often a backoff wait looks at the stop flag. */
#define S_STOP_POLL_MS 50
/* Records text handed to the server while the batch fills, in chunks of
 * at least this size, so the server parses and indexes rows while the
 * sink receives the next ones instead of all at the commit. */
#define S_STREAM_CHUNK 16384

/* libpq, opened with the first postgres output. */
static const sink_libpq_t *s_pq;

/* A record is named by (stream, epoch, seq), so a serial key would only
 * add a sequence call and a third index per row. Stream names compare as
 * bytes, which is cheaper for the index than the database's collation.
 * fields is json: the server checks the text and stores it as sent,
 * where jsonb would rebuild it, which cost a third of the rate; COPY
 * names its columns, so a table created beforehand with jsonb (or with a
 * serial id) works as well. */
#define S_RECORD_COLUMNS                                                       \
    "(topic text NOT NULL, stream text COLLATE \"C\" NOT NULL,"                \
    " epoch bigint NOT NULL, seq bigint NOT NULL,"                             \
    " event_ns bigint NOT NULL, ingest_ns bigint NOT NULL,"                    \
    " stored_ns bigint NOT NULL, fields json NOT NULL)"

/* The advisory lock keeps two sinks from creating the tables at once.
 * Records arrive about in event time order, so a BRIN index finds a time
 * range across streams at a fraction of a B-tree's cost per row. */
static const char s_schema[] =
    "BEGIN;"
    "SELECT pg_advisory_xact_lock(7945031);"
    "CREATE TABLE IF NOT EXISTS records" S_RECORD_COLUMNS ";"
    "CREATE INDEX IF NOT EXISTS records_stream_time"
    " ON records(stream, event_ns);"
    "CREATE INDEX IF NOT EXISTS records_time ON records USING brin(event_ns);"
    "CREATE TABLE IF NOT EXISTS alarms" S_RECORD_COLUMNS ";"
    "CREATE INDEX IF NOT EXISTS alarms_stream_time"
    " ON alarms(stream, event_ns);"
    "CREATE TABLE IF NOT EXISTS streams(stream text, epoch bigint,"
    " first_seq bigint, expected bigint, delivered bigint, removed bigint,"
    " lost bigint, duplicates bigint, eos boolean, last_seq bigint,"
    " updated_ns bigint, PRIMARY KEY(stream, epoch));"
    "CREATE TABLE IF NOT EXISTS removals(stream text, epoch bigint,"
    " reason text, count bigint, PRIMARY KEY(stream, epoch, reason));"
    "CREATE TABLE IF NOT EXISTS sink_batches(writer text PRIMARY KEY,"
    " batch bigint NOT NULL, committed_ns bigint NOT NULL);"
    "COMMIT;";

/* Per connection: staging tables for the bookkeeping rows, emptied by
 * every commit. */
static const char s_session[] =
    "CREATE TEMP TABLE IF NOT EXISTS streams_in (LIKE streams)"
    " ON COMMIT DELETE ROWS;"
    "CREATE TEMP TABLE IF NOT EXISTS removals_in (LIKE removals)"
    " ON COMMIT DELETE ROWS;";

#define S_RECORD_COPY                                                          \
    "(topic, stream, epoch, seq, event_ns, ingest_ns, stored_ns, fields)"      \
    " FROM STDIN"

static const char *const s_copy_sql[] = {
    "COPY records " S_RECORD_COPY,
    "COPY alarms " S_RECORD_COPY,
    "COPY streams_in FROM STDIN",
    "COPY removals_in FROM STDIN",
};

static const char s_merge_sql[] =
    "INSERT INTO streams SELECT * FROM streams_in"
    " ON CONFLICT(stream, epoch) DO UPDATE SET"
    " first_seq = excluded.first_seq, expected = excluded.expected,"
    " delivered = excluded.delivered, removed = excluded.removed,"
    " lost = excluded.lost, duplicates = excluded.duplicates,"
    " eos = excluded.eos, last_seq = excluded.last_seq,"
    " updated_ns = excluded.updated_ns;"
    "INSERT INTO removals SELECT * FROM removals_in"
    " ON CONFLICT(stream, epoch, reason) DO UPDATE SET"
    " count = excluded.count;";

static const char s_mark_sql[] =
    "INSERT INTO sink_batches(writer, batch, committed_ns)"
    " VALUES($1, $2, $3) ON CONFLICT(writer) DO UPDATE SET"
    " batch = excluded.batch, committed_ns = excluded.committed_ns";

static const char s_done_sql[] =
    "SELECT batch FROM sink_batches WHERE writer = $1";

/* The open batch as COPY text, one buffer per table. */
typedef enum {
    S_RECORDS = 0,
    S_ALARMS,
    S_STREAMS,
    S_REMOVALS,
    S_TABLE_COUNT
} s_table_t;

typedef struct {
    char *ptr;
    size_t len;
    size_t cap;
} s_buf_t;

typedef struct {
    PGconn *conn;                /* the connection, maybe broken */
    s_buf_t rows[S_TABLE_COUNT]; /* the open batch */
    uint64_t row_count;          /* records and alarms in it */
    char writer[160];            /* names this sink's batches */
    uint64_t batch_id;           /* of the last batch sent */
    bool is_away;                /* the server went away */
    bool is_copying;             /* COPY records open, batch streaming */
    bool is_broken;              /* streaming failed: replay at commit */
    size_t sent;                 /* bytes of the records text streamed */
    char *fields;                /* a record's fields as JSON, reused */
    size_t fields_cap;           /* bytes allocated at fields */
} s_pg_t;

static int
s_buf_put(s_buf_t *buf, const char *data, size_t len)
{
    if (buf->cap - buf->len < len) {
        size_t cap = buf->cap ? buf->cap : 65536;
        while (cap - buf->len < len) {
            cap *= 2;
        }
        char *ptr = realloc(buf->ptr, cap);
        if (ptr == NULL) {
            return SYM_ENOMEM;
        }
        buf->ptr = ptr;
        buf->cap = cap;
    }
    memcpy(buf->ptr + buf->len, data, len);
    buf->len += len;
    return SYM_OK;
}

/* One text column in COPY's text format, then sep. NUL bytes cannot be
 * stored in text and are left out. */
static int
s_put_text(s_buf_t *buf, const char *text, size_t len, char sep)
{
    int rc = SYM_OK;
    size_t start = 0;
    for (size_t i = 0; i <= len && rc == SYM_OK; i++) {
        char c = i < len ? text[i] : '\0';
        const char *escape = c == '\\'   ? "\\\\"
                             : c == '\n' ? "\\n"
                             : c == '\r' ? "\\r"
                             : c == '\t' ? "\\t"
                             : c == '\0' ? ""
                                         : NULL;
        if (escape == NULL) {
            continue;
        }
        rc = s_buf_put(buf, text + start, i - start);
        if (rc == SYM_OK) {
            rc = s_buf_put(buf, escape, strlen(escape));
        }
        start = i + 1;
    }
    return rc == SYM_OK ? s_buf_put(buf, &sep, 1) : rc;
}

static int
s_put_number(s_buf_t *buf, int64_t value, char sep)
{
    char text[32];
    int len = snprintf(text, sizeof text, "%" PRId64 "%c", value, sep);
    return s_buf_put(buf, text, (size_t) len);
}

/* The next attempt at a batch sends it all from the start. */
static void
s_restart(s_pg_t *state)
{
    state->is_copying = false;
    state->is_broken = false;
    state->sent = 0;
    if (state->conn) {
        s_pq->PQsetnonblocking(state->conn, 0);
    }
}

static void
s_discard(s_pg_t *state)
{
    for (int i = 0; i < S_TABLE_COUNT; i++) {
        state->rows[i].len = 0;
    }
    state->row_count = 0;
    s_restart(state);
}

/* Keep libpq's message, without its final newline, for the log. */
static int
s_fail(sink_output_t *self, const char *what, int rc)
{
    s_pg_t *state = self->state;
    const char *why = state && state->conn ? s_pq->PQerrorMessage(state->conn)
                                           : "out of memory";
    int len = (int) strcspn(why, "\n");
    snprintf(self->error, sizeof self->error, "%s: %.*s", what, len, why);
    return rc;
}

/* SYM_ECLOSED when the failure came from a lost connection or a server
 * going down (SQLSTATE classes 08 and 57P), else SYM_EIO. */
static int
s_classify(s_pg_t *state, const PGresult *res)
{
    if (s_pq->PQstatus(state->conn) != CONNECTION_OK) {
        return SYM_ECLOSED;
    }
    const char *code =
        res ? s_pq->PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    if (code == NULL || strncmp(code, "08", 2) == 0 ||
        strncmp(code, "57P", 3) == 0) {
        return SYM_ECLOSED;
    }
    return SYM_EIO;
}

/* Run sql and check its status. */
static int
s_exec(sink_output_t *self, const char *sql, const char *what)
{
    s_pg_t *state = self->state;
    PGresult *res = s_pq->PQexec(state->conn, sql);
    ExecStatusType status = s_pq->PQresultStatus(res);
    int rc = SYM_OK;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
        rc = s_fail(self, what, s_classify(state, res));
    }
    s_pq->PQclear(res);
    return rc;
}

/* Send one buffer with COPY FROM STDIN. */
static int
s_copy(sink_output_t *self, s_table_t table)
{
    s_pg_t *state = self->state;
    const s_buf_t *buf = &state->rows[table];
    if (buf->len == 0) {
        return SYM_OK;
    }
    PGresult *res = s_pq->PQexec(state->conn, s_copy_sql[table]);
    bool is_ready = s_pq->PQresultStatus(res) == PGRES_COPY_IN;
    int rc = is_ready ? SYM_OK : s_fail(self, "copy", s_classify(state, res));
    s_pq->PQclear(res);
    if (rc != SYM_OK) {
        return rc;
    }
    if (s_pq->PQputCopyData(state->conn, buf->ptr, (int) buf->len) != 1 ||
        s_pq->PQputCopyEnd(state->conn, NULL) != 1) {
        return s_fail(self, "copy", SYM_ECLOSED);
    }
    while ((res = s_pq->PQgetResult(state->conn)) != NULL) {
        if (s_pq->PQresultStatus(res) != PGRES_COMMAND_OK && rc == SYM_OK) {
            rc = s_fail(self, "copy", s_classify(state, res));
        }
        s_pq->PQclear(res);
    }
    return rc;
}

/* Open the batch's transaction and its COPY of records, which then takes
 * the records text as it grows. */
static int
s_copy_begin(sink_output_t *self)
{
    s_pg_t *state = self->state;
    int rc = s_exec(self, "BEGIN", "begin");
    if (rc != SYM_OK) {
        return rc;
    }
    PGresult *res = s_pq->PQexec(state->conn, s_copy_sql[S_RECORDS]);
    if (s_pq->PQresultStatus(res) != PGRES_COPY_IN) {
        rc = s_fail(self, "copy", s_classify(state, res));
    }
    s_pq->PQclear(res);
    state->is_copying = rc == SYM_OK;
    return rc;
}

/* Hand the records text not yet sent to libpq without waiting for the
 * server; what the socket cannot take now goes with the next chunk. */
static void
s_stream(sink_output_t *self)
{
    s_pg_t *state = self->state;
    const s_buf_t *buf = &state->rows[S_RECORDS];
    if (!state->is_copying) {
        if (s_copy_begin(self) != SYM_OK) {
            state->is_broken = true;
            return;
        }
        s_pq->PQsetnonblocking(state->conn, 1);
    }
    int put = s_pq->PQputCopyData(state->conn, buf->ptr + state->sent,
                                  (int) (buf->len - state->sent));
    if (put == 1) {
        state->sent = buf->len;
    } else if (put < 0) {
        state->is_broken = true;
    }
}

/* Send the rest of the records text and end their COPY, waiting for the
 * server's count. */
static int
s_copy_finish(sink_output_t *self)
{
    s_pg_t *state = self->state;
    const s_buf_t *buf = &state->rows[S_RECORDS];
    state->is_copying = false;
    s_pq->PQsetnonblocking(state->conn, 0);
    if ((buf->len > state->sent &&
         s_pq->PQputCopyData(state->conn, buf->ptr + state->sent,
                             (int) (buf->len - state->sent)) != 1) ||
        s_pq->PQputCopyEnd(state->conn, NULL) != 1) {
        return s_fail(self, "copy", SYM_ECLOSED);
    }
    state->sent = buf->len;
    int rc = SYM_OK;
    PGresult *res;
    while ((res = s_pq->PQgetResult(state->conn)) != NULL) {
        if (s_pq->PQresultStatus(res) != PGRES_COMMAND_OK && rc == SYM_OK) {
            rc = s_fail(self, "copy", s_classify(state, res));
        }
        s_pq->PQclear(res);
    }
    return rc;
}

/* A batch given up while its COPY was open: end the COPY with an error
 * so the server drops the rows, and roll the transaction back. */
static void
s_copy_cancel(s_pg_t *state)
{
    if (!state->is_copying) {
        return;
    }
    state->is_copying = false;
    s_pq->PQsetnonblocking(state->conn, 0);
    if (s_pq->PQputCopyEnd(state->conn, "batch abandoned") == 1) {
        PGresult *res;
        while ((res = s_pq->PQgetResult(state->conn)) != NULL) {
            s_pq->PQclear(res);
        }
    }
    PGresult *res = s_pq->PQexec(state->conn, "ROLLBACK");
    s_pq->PQclear(res);
}

/* Record this batch as committed, in the same transaction. */
static int
s_mark(sink_output_t *self)
{
    s_pg_t *state = self->state;
    char batch[32];
    char now[32];
    snprintf(batch, sizeof batch, "%" PRIu64, state->batch_id);
    snprintf(now, sizeof now, "%" PRId64, sym_time_now_ns());
    const char *values[] = {state->writer, batch, now};
    PGresult *res = s_pq->PQexecParams(state->conn, s_mark_sql, 3, NULL, values,
                                       NULL, NULL, 0);
    int rc = SYM_OK;
    if (s_pq->PQresultStatus(res) != PGRES_COMMAND_OK) {
        rc = s_fail(self, "mark batch", s_classify(state, res));
    }
    s_pq->PQclear(res);
    return rc;
}

/* One attempt at the whole batch in one transaction. */
static int
s_send(sink_output_t *self)
{
    s_pg_t *state = self->state;
    if (state->is_broken) {
        return s_fail(self, "copy", s_classify(state, NULL));
    }
    int rc = state->is_copying ? SYM_OK : s_copy_begin(self);
    if (rc == SYM_OK) {
        rc = s_copy_finish(self);
    }
    for (int i = S_RECORDS + 1; i < S_TABLE_COUNT && rc == SYM_OK; i++) {
        rc = s_copy(self, (s_table_t) i);
    }
    if (rc == SYM_OK) {
        rc = s_exec(self, s_merge_sql, "update accounts");
    }
    if (rc == SYM_OK) {
        rc = s_mark(self);
    }
    if (rc == SYM_OK) {
        rc = s_exec(self, "COMMIT", "commit");
    }
    return rc;
}

/* The last batch id the server has committed for this writer, or 0. */
static int
s_last_done(sink_output_t *self, uint64_t *batch_id)
{
    s_pg_t *state = self->state;
    const char *values[] = {state->writer};
    PGresult *res = s_pq->PQexecParams(state->conn, s_done_sql, 1, NULL, values,
                                       NULL, NULL, 0);
    int rc = SYM_OK;
    *batch_id = 0;
    if (s_pq->PQresultStatus(res) != PGRES_TUPLES_OK) {
        rc = s_fail(self, "read batch mark", s_classify(state, res));
    } else if (s_pq->PQntuples(res) == 1) {
        *batch_id = strtoull(s_pq->PQgetvalue(res, 0, 0), NULL, 10);
    }
    s_pq->PQclear(res);
    return rc;
}

static bool
s_stopping(const sink_output_t *self)
{
    return sym_sig_stopping() || (self->opts.stop && *self->opts.stop);
}

/* Wait ms in small steps; false when a stop was asked for. */
static bool
s_wait(const sink_output_t *self, int64_t ms)
{
    int64_t until = sym_time_mono_ms() + ms;
    while (!s_stopping(self)) {
        int64_t left = until - sym_time_mono_ms();
        if (left <= 0) {
            return true;
        }
        int64_t step = left < S_STOP_POLL_MS ? left : S_STOP_POLL_MS;
        struct timespec pause = {0, (long) step * 1000000L};
        nanosleep(&pause, NULL);
    }
    return false;
}

/* The server's notices ("already exists, skipping") are for debugging. */
static void
s_on_notice(void *arg, const char *message)
{
    (void) arg;
    sym_log_debug("postgres", "notice: %.*s", (int) strcspn(message, "\n"),
                  message);
}

/* Connect or reconnect, create what is missing (again: the database may
 * have been restored meanwhile) and set up the session. */
static int
s_connect(sink_output_t *self)
{
    s_pg_t *state = self->state;
    if (state->conn == NULL) {
        state->conn = s_pq->PQconnectdb(self->path);
        if (state->conn) {
            s_pq->PQsetNoticeProcessor(state->conn, s_on_notice, NULL);
        }
    } else {
        s_pq->PQreset(state->conn);
    }
    if (state->conn == NULL) {
        return s_fail(self, "connect", SYM_ENOMEM);
    }
    if (s_pq->PQstatus(state->conn) != CONNECTION_OK) {
        return s_fail(self, "connect", SYM_ECLOSED);
    }
    int rc = s_exec(self, s_schema, "create tables");
    if (rc != SYM_OK) {
        PGresult *res = s_pq->PQexec(state->conn, "ROLLBACK");
        s_pq->PQclear(res);
        return rc;
    }
    return s_exec(self, s_session, "create staging tables");
}

/* Reconnect with capped exponential backoff until it works or a stop
 * is asked for. Input is not read meanwhile, which is the backpressure
 * upstream sees. */
static int
s_reconnect(sink_output_t *self)
{
    s_pg_t *state = self->state;
    int64_t delay_ms = S_BACKOFF_FIRST_MS;
    for (int attempt = 1;; attempt++) {
        sym_log_warn("postgres",
                     "server away, batch held and input paused "
                     "records=%" PRIu64 " attempt=%d retry_ms=%" PRId64
                     " err=\"%s\"",
                     state->row_count, attempt, delay_ms, self->error);
        if (!s_wait(self, delay_ms)) {
            snprintf(self->error, sizeof self->error,
                     "stopped while the server was away");
            return SYM_EIO;
        }
        int rc = s_connect(self);
        if (rc == SYM_OK) {
            sym_log_warn("postgres",
                         "reconnected, replaying the batch "
                         "records=%" PRIu64 " attempts=%d",
                         state->row_count, attempt);
            return SYM_OK;
        }
        if (rc != SYM_ECLOSED) {
            return rc;
        }
        delay_ms =
            delay_ms * 2 > S_BACKOFF_MAX_MS ? S_BACKOFF_MAX_MS : delay_ms * 2;
    }
}

static int
s_commit(sink_output_t *self)
{
    s_pg_t *state = self->state;
    state->batch_id++;
    int rc = state->is_away ? SYM_ECLOSED : s_send(self);
    while (rc == SYM_ECLOSED) {
        state->is_away = true;
        rc = s_reconnect(self);
        if (rc != SYM_OK) {
            break;
        }
        state->is_away = false;
        s_restart(state);
        /* A COMMIT cut off by the lost connection may have landed. */
        uint64_t done_id = 0;
        rc = s_last_done(self, &done_id);
        if (rc == SYM_OK && done_id >= state->batch_id) {
            sym_log_warn("postgres",
                         "batch had committed, not sent again "
                         "batch=%" PRIu64,
                         state->batch_id);
            break;
        }
        rc = rc == SYM_OK ? s_send(self) : rc;
    }
    if (rc != SYM_OK && !state->is_away) {
        s_copy_cancel(state);
        PGresult *res = s_pq->PQexec(state->conn, "ROLLBACK");
        s_pq->PQclear(res);
    }
    s_discard(state);
    return rc == SYM_OK ? SYM_OK : SYM_EIO;
}

static void
s_close(sink_output_t *self)
{
    s_pg_t *state = self->state;
    if (state == NULL) {
        return;
    }
    s_pq->PQfinish(state->conn);
    for (int i = 0; i < S_TABLE_COUNT; i++) {
        free(state->rows[i].ptr);
    }
    free(state->fields);
    free(state);
    self->state = NULL;
}

/* The writer names this sink's batches in sink_batches: the sink's name,
 * host, process and start time, so no other run shares it. */
static void
s_name_writer(sink_output_t *self, s_pg_t *state)
{
    char host[64] = "";
    gethostname(host, sizeof host - 1);
    snprintf(state->writer, sizeof state->writer, "%s@%s/%ld/%" PRId64,
             self->opts.writer ? self->opts.writer : "sink", host,
             (long) getpid(), sym_time_now_ns());
}

static int
s_open(sink_output_t *self)
{
    if (s_pq == NULL) {
        s_pq = sink_libpq_open(self->error, sizeof self->error);
        if (s_pq == NULL) {
            return SYM_EIO;
        }
    }
    s_pg_t *state = calloc(1, sizeof *state);
    self->state = state;
    if (state == NULL) {
        snprintf(self->error, sizeof self->error, "out of memory");
        return SYM_ENOMEM;
    }
    s_name_writer(self, state);
    int rc = s_connect(self);
    if (rc != SYM_OK) {
        s_close(self);
        return rc == SYM_ENOMEM ? rc : SYM_EIO;
    }
    return SYM_OK;
}

static int
s_put_fields(sink_output_t *self, s_buf_t *buf, const sym_rec_t *rec)
{
    s_pg_t *state = self->state;
    size_t len = 0;
    int rc =
        sym_json_fields_text(rec, &state->fields, &state->fields_cap, &len);
    if (rc == SYM_OK) {
        rc = s_put_text(buf, state->fields, len, '\n');
    }
    if (rc != SYM_OK) {
        snprintf(self->error, sizeof self->error, "batch: out of memory");
    }
    return rc;
}

static int
s_write(sink_output_t *self, const char *topic, const sym_rec_t *rec)
{
    s_pg_t *state = self->state;
    s_buf_t *buf =
        &state->rows[rec->kind == SYM_KIND_ALARM ? S_ALARMS : S_RECORDS];
    size_t mark = buf->len;
    int rc = s_put_text(buf, topic, strlen(topic), '\t');
    if (rc == SYM_OK) {
        rc = s_put_text(buf, rec->stream.ptr, rec->stream.len, '\t');
    }
    const int64_t numbers[] = {(int64_t) rec->epoch, (int64_t) rec->seq,
                               rec->event_ns, rec->ingest_ns,
                               sym_time_now_ns()};
    for (size_t i = 0; i < 5 && rc == SYM_OK; i++) {
        rc = s_put_number(buf, numbers[i], '\t');
    }
    if (rc == SYM_OK) {
        rc = s_put_fields(self, buf, rec);
    }
    if (rc != SYM_OK) {
        buf->len = mark;
        snprintf(self->error, sizeof self->error, "batch: out of memory");
        return rc;
    }
    state->row_count++;
    if (buf == &state->rows[S_RECORDS] && !state->is_away &&
        !state->is_broken && buf->len - state->sent >= S_STREAM_CHUNK) {
        s_stream(self);
    }
    return SYM_OK;
}

static int
s_account(sink_output_t *self, const sink_account_t *account)
{
    s_pg_t *state = self->state;
    s_buf_t *buf = &state->rows[S_STREAMS];
    int rc = s_put_text(buf, account->stream, strlen(account->stream), '\t');
    const int64_t numbers[] = {
        (int64_t) account->epoch,     (int64_t) account->first_seq,
        (int64_t) account->expected,  (int64_t) account->delivered,
        (int64_t) account->removed,   (int64_t) account->lost,
        (int64_t) account->duplicates};
    for (size_t i = 0; i < 7 && rc == SYM_OK; i++) {
        rc = s_put_number(buf, numbers[i], '\t');
    }
    if (rc == SYM_OK) {
        rc = s_buf_put(buf, account->has_eos ? "t\t" : "f\t", 2);
    }
    if (rc == SYM_OK) {
        rc = s_put_number(buf, (int64_t) account->last_seq, '\t');
    }
    if (rc == SYM_OK) {
        rc = s_put_number(buf, account->updated_ns, '\n');
    }
    if (rc != SYM_OK) {
        snprintf(self->error, sizeof self->error, "batch: out of memory");
    }
    return rc;
}

static int
s_removal(sink_output_t *self, const sink_removal_t *removal)
{
    s_pg_t *state = self->state;
    s_buf_t *buf = &state->rows[S_REMOVALS];
    int rc = s_put_text(buf, removal->stream, strlen(removal->stream), '\t');
    if (rc == SYM_OK) {
        rc = s_put_number(buf, (int64_t) removal->epoch, '\t');
    }
    if (rc == SYM_OK) {
        rc = s_put_text(buf, removal->reason, strlen(removal->reason), '\t');
    }
    if (rc == SYM_OK) {
        rc = s_put_number(buf, (int64_t) removal->count, '\n');
    }
    if (rc != SYM_OK) {
        snprintf(self->error, sizeof self->error, "batch: out of memory");
    }
    return rc;
}

static void
s_abort(sink_output_t *self)
{
    if (self->state) {
        s_copy_cancel(self->state);
        s_discard(self->state);
    }
}

const sink_output_ops_t sink_postgres_ops = {
    .scheme = "postgres",
    .needs_path = true,
    .arg = "CONNINFO",
    .open = s_open,
    .write = s_write,
    .account = s_account,
    .removal = s_removal,
    .commit = s_commit,
    .abort = s_abort,
    .close = s_close,
};
