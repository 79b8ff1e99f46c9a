/* test_sink.c: the sink end to end: records in over ZeroMQ, rows out.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <czmq.h>
#include <msgpack.h>
#include <sqlite3.h>

#include "sink.h"
#include "sym_err.h"
#include "sym_rec.h"
#include "sym_sig.h"
#include "sym_stats.h"
#include "sym_time.h"
#include "sym_wire.h"

#define S_FIRST_PORT 17301
#define S_EPOCH_A 1700000000000000001ULL
#define S_EPOCH_B 1700000000000000002ULL
#define S_EPOCH_ALARM 77ULL
#define S_DEADLINE_MS 5000

static int s_next_port = S_FIRST_PORT;

typedef struct {
    char dir[64];
    char db_path[128];
    char output[160];
    char bind[64];
    sink_cfg_t cfg;
    sink_t *sink;
    pthread_t thread;
    bool has_thread;
    atomic_bool is_finished;
    int run_rc;
    zsock_t *push;
    sym_rec_t *rec;
    msgpack_sbuffer buf;
    sqlite3 *db;
} s_fixture_t;

static int
s_setup(void **state)
{
    s_fixture_t *fix = calloc(1, sizeof *fix);
    assert_non_null(fix);
    strcpy(fix->dir, "/tmp/sink-node-XXXXXX");
    assert_non_null(mkdtemp(fix->dir));
    snprintf(fix->db_path, sizeof fix->db_path, "%s/t.db", fix->dir);
    snprintf(fix->output, sizeof fix->output, "sqlite:%s", fix->db_path);
    snprintf(fix->bind, sizeof fix->bind, "tcp://127.0.0.1:%d", s_next_port++);
    fix->rec = sym_rec_new();
    assert_non_null(fix->rec);
    msgpack_sbuffer_init(&fix->buf);
    fix->push = zsock_new_push(NULL);
    assert_non_null(fix->push);
    assert_int_equal(zsock_connect(fix->push, "%s", fix->bind), 0);
    sym_sig_reset();
    *state = fix;
    return 0;
}

static void
s_remove_dir(const char *path)
{
    DIR *dir = opendir(path);
    for (struct dirent *e = dir ? readdir(dir) : NULL; e; e = readdir(dir)) {
        char file[384];
        snprintf(file, sizeof file, "%s/%s", path, e->d_name);
        if (e->d_name[0] != '.') {
            unlink(file);
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
    if (fix->has_thread) {
        sink_stop(fix->sink);
        pthread_join(fix->thread, NULL);
    }
    sink_destroy(&fix->sink);
    sqlite3_close(fix->db);
    zsock_destroy(&fix->push);
    sym_strlist_clear(&fix->cfg.pull);
    msgpack_sbuffer_destroy(&fix->buf);
    sym_rec_destroy(&fix->rec);
    s_remove_dir(fix->dir);
    free(fix);
    return 0;
}

static void *
s_runner(void *arg)
{
    s_fixture_t *fix = arg;
    fix->run_rc = sink_run(fix->sink);
    atomic_store(&fix->is_finished, true);
    return NULL;
}

/* Start a sink on its own thread, reading from the test's PUSH. */
static void
s_start(s_fixture_t *fix, int64_t exit_on_eos, int64_t grace_ms, int64_t batch)
{
    char endpoint[80];
    snprintf(endpoint, sizeof endpoint, "@%s", fix->bind);
    assert_int_equal(sym_strlist_append(&fix->cfg.pull, endpoint), SYM_OK);
    fix->cfg.output = fix->output;
    fix->cfg.rcvhwm = 1000;
    fix->cfg.batch = batch;
    fix->cfg.flush_ms = 50;
    fix->cfg.exit_on_eos = exit_on_eos;
    fix->cfg.eos_grace_ms = grace_ms;
    int rc = SYM_OK;
    char err[256] = "";
    fix->sink = sink_new(&fix->cfg, &rc, err, sizeof err);
    if (fix->sink == NULL) {
        fail_msg("sink_new: %s", err);
    }
    assert_int_equal(pthread_create(&fix->thread, NULL, s_runner, fix), 0);
    fix->has_thread = true;
}

static bool
s_wait_finished(s_fixture_t *fix, int64_t timeout_ms)
{
    int64_t deadline = sym_time_mono_ms() + timeout_ms;
    while (!atomic_load(&fix->is_finished)) {
        if (sym_time_mono_ms() > deadline) {
            return false;
        }
        zclock_sleep(5);
    }
    pthread_join(fix->thread, NULL);
    fix->has_thread = false;
    return true;
}

/* Add one record to the payload being built. */
static void
s_add(s_fixture_t *fix, sym_kind_t kind, const char *stream, uint64_t epoch,
      uint64_t seq)
{
    sym_rec_t *rec = fix->rec;
    sym_rec_reset(rec);
    rec->kind = kind;
    rec->epoch = epoch;
    rec->seq = seq;
    rec->event_ns = 1495066860000000000LL + (int64_t) seq * SYM_NS_PER_SEC;
    rec->ingest_ns = rec->event_ns + 5;
    assert_int_equal(sym_rec_set_stream(rec, stream, strlen(stream)), SYM_OK);
    if (kind == SYM_KIND_DATA) {
        assert_int_equal(sym_rec_set_double(rec, "vbatt", 7.0 + seq * 0.1),
                         SYM_OK);
    } else if (kind == SYM_KIND_ALARM) {
        assert_int_equal(sym_rec_set_str(rec, "state", "red-high", 8), SYM_OK);
    }
    assert_int_equal(sym_wire_encode(rec, &fix->buf), SYM_OK);
}

static void
s_add_removed(s_fixture_t *fix, const char *stream, uint64_t epoch,
              uint64_t seq, const char *reason)
{
    sym_rec_t *rec = fix->rec;
    sym_rec_reset(rec);
    rec->kind = SYM_KIND_REMOVED;
    rec->epoch = epoch;
    rec->seq = seq;
    assert_int_equal(sym_rec_set_stream(rec, stream, strlen(stream)), SYM_OK);
    assert_int_equal(sym_rec_set_str(rec, "reason", reason, strlen(reason)),
                     SYM_OK);
    assert_int_equal(sym_wire_encode(rec, &fix->buf), SYM_OK);
}

/* Send the payload built so far as one message. */
static void
s_send(s_fixture_t *fix, const char *topic)
{
    assert_int_equal(
        zsock_send(fix->push, "sb", topic, fix->buf.data, fix->buf.size), 0);
    msgpack_sbuffer_clear(&fix->buf);
}

static void
s_send_one(s_fixture_t *fix, const char *topic, sym_kind_t kind,
           const char *stream, uint64_t epoch, uint64_t seq)
{
    s_add(fix, kind, stream, epoch, seq);
    s_send(fix, topic);
}

/* The first column of the first row as an integer, or -1 while the
 * database cannot be read yet. */
static int64_t
s_try_int(s_fixture_t *fix, const char *sql)
{
    if (fix->db == NULL &&
        sqlite3_open_v2(fix->db_path, &fix->db, SQLITE_OPEN_READONLY, NULL) !=
            SQLITE_OK) {
        sqlite3_close(fix->db);
        fix->db = NULL;
        return -1;
    }
    sqlite3_stmt *stmt = NULL;
    int64_t value = -1;
    if (sqlite3_prepare_v2(fix->db, sql, -1, &stmt, NULL) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW) {
        value = sqlite3_column_int64(stmt, 0);
    }
    sqlite3_finalize(stmt);
    return value;
}

static void
s_wait_rows(s_fixture_t *fix, const char *sql, int64_t expected)
{
    int64_t deadline = sym_time_mono_ms() + S_DEADLINE_MS;
    int64_t value = s_try_int(fix, sql);
    while (value != expected && sym_time_mono_ms() < deadline) {
        zclock_sleep(10);
        value = s_try_int(fix, sql);
    }
    if (value != expected) {
        fail_msg("%s gave %lld, expected %lld", sql, (long long) value,
                 (long long) expected);
    }
}

static void
s_assert_text(s_fixture_t *fix, const char *sql, const char *expected)
{
    assert_true(s_try_int(fix, "SELECT 1") == 1);
    sqlite3_stmt *stmt = NULL;
    assert_int_equal(sqlite3_prepare_v2(fix->db, sql, -1, &stmt, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
    const char *text = (const char *) sqlite3_column_text(stmt, 0);
    if (text == NULL || strcmp(text, expected) != 0) {
        fail_msg("%s gave '%s', expected '%s'", sql, text ? text : "NULL",
                 expected);
    }
    sqlite3_finalize(stmt);
}

#define S_ACCOUNT(stream)                                                      \
    "SELECT format('%d %d %d %d %d %d %d %d', first_seq, expected,"            \
    " delivered, removed, lost, duplicates, eos, last_seq) FROM streams"       \
    " WHERE stream = '" stream "'"

/* Two streams with a gap, a removal, a duplicate and an alarm; a
 * malformed payload and a one-frame message between good ones. */
static void
s_send_two_streams(s_fixture_t *fix)
{
    const char *a = "qb50.tartu";
    const char *b = "qb50.vigo";
    s_send_one(fix, "tlm.qb50.tartu", SYM_KIND_DATA, a, S_EPOCH_A, 1);
    s_send_one(fix, "tlm.qb50.tartu", SYM_KIND_DATA, a, S_EPOCH_A, 2);
    s_send_one(fix, "tlm.qb50.tartu", SYM_KIND_DATA, a, S_EPOCH_A, 4);
    s_add_removed(fix, a, S_EPOCH_A, 5, "filter");
    s_send(fix, "tlm.qb50.tartu");
    s_send_one(fix, "tlm.qb50.tartu", SYM_KIND_DATA, a, S_EPOCH_A, 6);
    s_send_one(fix, "tlm.qb50.tartu", SYM_KIND_DATA, a, S_EPOCH_A, 2);
    s_send_one(fix, "alarm.tlm.qb50.tartu", SYM_KIND_ALARM, "alarm.t1",
               S_EPOCH_ALARM, 1);

    for (uint64_t seq = 1; seq <= 3; seq++) {
        s_add(fix, SYM_KIND_DATA, b, S_EPOCH_B, seq);
    }
    s_send(fix, "tlm.qb50.vigo");
    s_add_removed(fix, b, S_EPOCH_B, 4, "dedupe");
    s_send(fix, "tlm.qb50.vigo");
    s_send_one(fix, "tlm.qb50.vigo", SYM_KIND_DATA, b, S_EPOCH_B, 5);
    const char garbage[] = "\xc1 not msgpack";
    assert_int_equal(
        zsock_send(fix->push, "sb", "tlm.qb50.vigo", garbage, sizeof garbage),
        0);
    assert_int_equal(zstr_send(fix->push, "one frame only"), 0);
    s_send_one(fix, "tlm.qb50.vigo", SYM_KIND_DATA, b, S_EPOCH_B, 6);
}

static void
s_assert_two_streams_stats(const sym_stats_t *stats)
{
    const uint64_t *v = stats->values;
    assert_int_equal(v[SYM_CTR_RECEIVED], 15);
    assert_int_equal(v[SYM_CTR_STORED], 10);
    assert_int_equal(v[SYM_CTR_ALARMS], 1);
    assert_int_equal(v[SYM_CTR_REMOVED], 2);
    assert_int_equal(v[SYM_CTR_DUPLICATES], 1);
    assert_int_equal(v[SYM_CTR_EOS], 2);
    assert_int_equal(v[SYM_CTR_GAPS], 1);
    assert_int_equal(v[SYM_CTR_DROP_DECODE], 1);
    assert_int_equal(v[SYM_CTR_DROP_FRAMES], 1);
    assert_int_equal(v[SYM_CTR_DROP_WRITE], 0);
}

static void
test_sink_stores_and_accounts_two_streams(void **state)
{
    s_fixture_t *fix = *state;
    s_start(fix, 2, 300, 5000);

    s_send_two_streams(fix);
    /* Committed while running: the input went idle. */
    s_wait_rows(fix, "SELECT count(*) FROM records", 9);
    assert_false(atomic_load(&fix->is_finished));
    s_send_one(fix, "tlm.qb50.tartu", SYM_KIND_EOS, "qb50.tartu", S_EPOCH_A, 6);
    s_send_one(fix, "tlm.qb50.vigo", SYM_KIND_EOS, "qb50.vigo", S_EPOCH_B, 6);
    assert_true(s_wait_finished(fix, S_DEADLINE_MS));
    assert_int_equal(fix->run_rc, SYM_OK);

    s_assert_two_streams_stats(sink_stats(fix->sink));
    assert_int_equal(sink_lost(fix->sink), 1);
    assert_int_equal(s_try_int(fix, "SELECT count(*) FROM records"), 9);
    assert_int_equal(s_try_int(fix, "SELECT count(*) FROM records WHERE"
                                    " stream = 'qb50.tartu' AND seq = 2"),
                     1);
    s_assert_text(fix,
                  "SELECT group_concat(seq) FROM records WHERE"
                  " stream = 'qb50.tartu'",
                  "1,2,4,6");
    assert_true(s_try_int(fix, "SELECT json_extract(fields, '$.vbatt') ="
                               " 7.0 + 5 * 0.1 FROM records WHERE"
                               " stream = 'qb50.vigo' AND seq = 5") == 1);
    s_assert_text(fix,
                  "SELECT stream || ' ' || topic || ' ' ||"
                  " json_extract(fields, '$.state') FROM alarms",
                  "alarm.t1 alarm.tlm.qb50.tartu red-high");
    assert_int_equal(s_try_int(fix, "SELECT count(*) FROM alarms"), 1);
    s_assert_text(fix, S_ACCOUNT("qb50.tartu"), "1 6 4 1 1 1 1 6");
    s_assert_text(fix, S_ACCOUNT("qb50.vigo"), "1 6 5 1 0 0 1 6");
    s_assert_text(fix, S_ACCOUNT("alarm.t1"), "1 1 1 0 0 0 0 1");
    s_assert_text(fix,
                  "SELECT group_concat(stream || ' ' || reason || ' ' ||"
                  " count, '; ') FROM (SELECT * FROM removals"
                  " ORDER BY stream)",
                  "qb50.tartu filter 1; qb50.vigo dedupe 1");
    assert_int_equal(s_try_int(fix, "SELECT count(*) FROM streams WHERE"
                                    " expected != delivered + removed + lost"),
                     0);
}

static void
test_sink_waits_for_records_after_eos(void **state)
{
    s_fixture_t *fix = *state;
    /* A grace longer than the deadline: only completeness can end it. */
    s_start(fix, 1, 60000, 5000);

    s_send_one(fix, "tlm.c", SYM_KIND_EOS, "c", S_EPOCH_A, 3);
    s_add(fix, SYM_KIND_DATA, "c", S_EPOCH_A, 2);
    s_send(fix, "tlm.c");
    s_add_removed(fix, "c", S_EPOCH_A, 1, "filter");
    s_add(fix, SYM_KIND_DATA, "c", S_EPOCH_A, 3);
    s_send(fix, "tlm.c");
    assert_true(s_wait_finished(fix, S_DEADLINE_MS));

    assert_int_equal(fix->run_rc, SYM_OK);
    assert_int_equal(s_try_int(fix, "SELECT count(*) FROM records"), 2);
    s_assert_text(fix, S_ACCOUNT("c"), "1 3 2 1 0 0 1 3");
}

static void
test_sink_failed_batch_is_counted_and_the_next_stored(void **state)
{
    s_fixture_t *fix = *state;
    s_start(fix, 1, 300, 1);
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(fix->db_path, &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    assert_int_equal(
        sqlite3_exec(db,
                     "CREATE TRIGGER refuse BEFORE INSERT ON records"
                     " WHEN NEW.seq = 3 BEGIN"
                     " SELECT RAISE(ABORT, 'refused by the test'); END",
                     NULL, NULL, NULL),
        SQLITE_OK);
    sqlite3_close(db);

    for (uint64_t seq = 1; seq <= 5; seq++) {
        s_send_one(fix, "tlm.d", SYM_KIND_DATA, "d", S_EPOCH_A, seq);
    }
    s_send_one(fix, "tlm.d", SYM_KIND_EOS, "d", S_EPOCH_A, 5);
    assert_true(s_wait_finished(fix, S_DEADLINE_MS));

    assert_int_equal(fix->run_rc, SYM_OK);
    const sym_stats_t *stats = sink_stats(fix->sink);
    assert_int_equal(stats->values[SYM_CTR_DROP_WRITE], 1);
    assert_int_equal(stats->values[SYM_CTR_STORED], 4);
    assert_int_equal(sink_lost(fix->sink), 0);
    s_assert_text(fix, "SELECT group_concat(seq) FROM records", "1,2,4,5");
    s_assert_text(fix, S_ACCOUNT("d"), "1 5 4 0 1 0 1 5");
}

static void
test_sink_stop_commits_and_returns(void **state)
{
    s_fixture_t *fix = *state;
    s_start(fix, 0, 0, 5000);

    s_add(fix, SYM_KIND_DATA, "e", S_EPOCH_A, 1);
    s_add(fix, SYM_KIND_DATA, "e", S_EPOCH_A, 2);
    s_send(fix, "tlm.e");
    s_wait_rows(fix, "SELECT count(*) FROM records", 2);
    sink_stop(fix->sink);
    assert_true(s_wait_finished(fix, 2000));

    assert_int_equal(fix->run_rc, SYM_OK);
    s_assert_text(fix, S_ACCOUNT("e"), "1 2 2 0 0 0 0 2");
}

/* The symphony-sink binary, next to this test in the build tree. */
static void
s_binary(char *path, size_t size)
{
    char self[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
    assert_true(len > 0);
    self[len] = '\0';
    snprintf(path, size, "%s/../nodes/sink/symphony-sink", dirname(self));
    if (access(path, X_OK) != 0) {
        fail_msg("no binary at %s", path);
    }
}

/* Run the binary with its standard output and error going to log. */
static pid_t
s_spawn(char *const argv[], const char *log)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd < 0 || dup2(fd, STDERR_FILENO) < 0 ||
            dup2(fd, STDOUT_FILENO) < 0) {
            _exit(127);
        }
        execv(argv[0], argv);
        _exit(127);
    }
    return pid;
}

/* Wait for pid to exit; returns its exit status, or -1 on a timeout
 * (then the process is killed) or a death by signal. */
static int
s_wait_exit(pid_t pid, int64_t timeout_ms)
{
    int64_t deadline = sym_time_mono_ms() + timeout_ms;
    int status = 0;
    while (waitpid(pid, &status, WNOHANG) == 0) {
        if (sym_time_mono_ms() > deadline) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            return -1;
        }
        zclock_sleep(5);
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static char *
s_read_file(const char *path)
{
    FILE *file = fopen(path, "r");
    assert_non_null(file);
    char *text = calloc(1, 65536);
    assert_non_null(text);
    size_t len = fread(text, 1, 65535, file);
    text[len] = '\0';
    fclose(file);
    return text;
}

static void
test_sink_process_stops_on_sigterm(void **state)
{
    s_fixture_t *fix = *state;
    char binary[PATH_MAX + 64];
    s_binary(binary, sizeof binary);
    char log[160];
    snprintf(log, sizeof log, "%s/sink.log", fix->dir);
    char pull[80];
    snprintf(pull, sizeof pull, "@%s", fix->bind);
    char *argv[] = {binary, "--name",   "s1",        "--pull",
                    pull,   "--output", fix->output, NULL};
    pid_t pid = s_spawn(argv, log);

    for (uint64_t seq = 1; seq <= 3; seq++) {
        s_add(fix, SYM_KIND_DATA, "f", S_EPOCH_A, seq);
    }
    s_send(fix, "tlm.f");
    s_wait_rows(fix, "SELECT count(*) FROM records", 3);
    sqlite3_close(fix->db);
    fix->db = NULL;
    int64_t started_ms = sym_time_mono_ms();
    assert_int_equal(kill(pid, SIGTERM), 0);
    assert_int_equal(s_wait_exit(pid, 2000), 0);
    assert_true(sym_time_mono_ms() - started_ms <= 2000);

    char wal[160];
    snprintf(wal, sizeof wal, "%s-wal", fix->db_path);
    assert_int_not_equal(access(wal, F_OK), 0);
    char *text = s_read_file(log);
    assert_non_null(strstr(text, "INFO  sink[s1] node: started version="));
    assert_non_null(strstr(text, "stopped status=ok received=3 stored=3"));
    free(text);
    s_assert_text(fix, S_ACCOUNT("f"), "1 3 3 0 0 0 0 3");
}

static void
test_sink_process_exit_codes(void **state)
{
    s_fixture_t *fix = *state;
    char binary[PATH_MAX + 64];
    s_binary(binary, sizeof binary);
    char log[160];
    snprintf(log, sizeof log, "%s/sink.log", fix->dir);
    char pull[80];
    snprintf(pull, sizeof pull, "@%s", fix->bind);
    char output[192];
    snprintf(output, sizeof output, "sqlite:%s/missing/t.db", fix->dir);

    char *cannot_open[] = {binary, "--pull", pull, "--output", output, NULL};
    assert_int_equal(s_wait_exit(s_spawn(cannot_open, log), 2000), 1);
    char *text = s_read_file(log);
    assert_non_null(strstr(text, "symphony-sink: cannot open "));
    assert_non_null(strstr(text, output));
    assert_ptr_equal(strchr(text, '\n'), text + strlen(text) - 1);
    free(text);

    char *bad_option[] = {binary, "--pull", pull, "--batch", "0", NULL};
    assert_int_equal(s_wait_exit(s_spawn(bad_option, log), 2000), 2);
    text = s_read_file(log);
    assert_string_equal(text, "symphony-sink: option '--batch': expected 1 or "
                              "more\n");
    free(text);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            test_sink_stores_and_accounts_two_streams, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_sink_waits_for_records_after_eos,
                                        s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(
            test_sink_failed_batch_is_counted_and_the_next_stored, s_setup,
            s_teardown),
        cmocka_unit_test_setup_teardown(test_sink_stop_commits_and_returns,
                                        s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_sink_process_stops_on_sigterm,
                                        s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_sink_process_exit_codes, s_setup,
                                        s_teardown),
    };
    return cmocka_run_group_tests_name("sink", tests, NULL, NULL);
}
