/* test_sink_jsonl.c: the jsonl:PATH and stdout outputs, read back.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "sink_output.h"
#include "sym_err.h"

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
    strcpy(fix->dir, "/tmp/sink-jsonl-XXXXXX");
    assert_non_null(mkdtemp(fix->dir));
    snprintf(fix->path, sizeof fix->path, "%s/out.jsonl", fix->dir);
    snprintf(fix->uri, sizeof fix->uri, "jsonl:%s", fix->path);
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

static sink_output_t *
s_open(const char *uri)
{
    int rc = SYM_OK;
    char err[256] = "";
    sink_output_t *out = sink_output_open(uri, &rc, err, sizeof err);
    if (out == NULL) {
        fail_msg("open %s: %s", uri, err);
    }
    return out;
}

static void
s_fill(sym_rec_t *rec, sym_kind_t kind, uint64_t seq, double value)
{
    sym_rec_reset(rec);
    rec->kind = kind;
    rec->epoch = 5;
    rec->seq = seq;
    rec->event_ns = 1495066860000000000LL;
    assert_int_equal(sym_rec_set_stream(rec, "qb50.tartu", 10), SYM_OK);
    assert_int_equal(sym_rec_set_double(rec, "value", value), SYM_OK);
    assert_int_equal(sym_rec_set_str(rec, "note", "a\nb", 3), SYM_OK);
}

/* The whole file as text; the caller frees it. */
static char *
s_slurp(const char *path)
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

static int
s_count_lines(const char *text)
{
    int count = 0;
    for (const char *p = strchr(text, '\n'); p; p = strchr(p + 1, '\n')) {
        count++;
    }
    return count;
}

/* Parse line number index (0-based) of text as JSON. */
static json_t *
s_line(const char *text, int index)
{
    const char *start = text;
    for (int i = 0; i < index; i++) {
        start = strchr(start, '\n');
        assert_non_null(start);
        start++;
    }
    const char *end = strchr(start, '\n');
    assert_non_null(end);
    json_error_t error;
    json_t *object = json_loadb(start, (size_t) (end - start), 0, &error);
    if (object == NULL) {
        fail_msg("line %d: %s", index, error.text);
    }
    return object;
}

static void
test_sink_jsonl_writes_one_line_per_record(void **state)
{
    s_fixture_t *fix = *state;
    fix->out = s_open(fix->uri);

    s_fill(fix->rec, SYM_KIND_DATA, 1, 0.1 + 0.2);
    assert_int_equal(sink_output_write(fix->out, "tlm.a", fix->rec), SYM_OK);
    s_fill(fix->rec, SYM_KIND_ALARM, 2, -1e-300);
    assert_int_equal(sink_output_write(fix->out, "alarm.a", fix->rec), SYM_OK);
    struct stat info;
    assert_int_equal(stat(fix->path, &info), 0);
    assert_int_equal(info.st_size, 0);
    assert_int_equal(sink_output_commit(fix->out), SYM_OK);

    char *text = s_slurp(fix->path);
    json_t *first = s_line(text, 0);
    json_t *second = s_line(text, 1);
    assert_string_equal(json_string_value(json_object_get(first, "topic")),
                        "tlm.a");
    assert_string_equal(json_string_value(json_object_get(first, "kind")),
                        "data");
    assert_int_equal(json_integer_value(json_object_get(first, "seq")), 1);
    json_t *fields = json_object_get(first, "fields");
    assert_true(json_real_value(json_object_get(fields, "value")) == 0.1 + 0.2);
    assert_string_equal(json_string_value(json_object_get(fields, "note")),
                        "a\nb");
    assert_string_equal(json_string_value(json_object_get(second, "kind")),
                        "alarm");
    fields = json_object_get(second, "fields");
    assert_true(json_real_value(json_object_get(fields, "value")) == -1e-300);
    assert_int_equal(s_count_lines(text), 2);
    json_decref(first);
    json_decref(second);
    free(text);
}

static void
test_sink_jsonl_abort_writes_nothing(void **state)
{
    s_fixture_t *fix = *state;
    fix->out = s_open(fix->uri);

    s_fill(fix->rec, SYM_KIND_DATA, 1, 1.0);
    assert_int_equal(sink_output_write(fix->out, "t", fix->rec), SYM_OK);
    sink_output_abort(fix->out);
    assert_int_equal(sink_output_commit(fix->out), SYM_OK);
    s_fill(fix->rec, SYM_KIND_DATA, 2, 2.0);
    assert_int_equal(sink_output_write(fix->out, "t", fix->rec), SYM_OK);
    assert_int_equal(sink_output_commit(fix->out), SYM_OK);

    char *text = s_slurp(fix->path);
    json_t *only = s_line(text, 0);
    assert_int_equal(json_integer_value(json_object_get(only, "seq")), 2);
    assert_int_equal(s_count_lines(text), 1);
    json_decref(only);
    free(text);
}

static void
test_sink_jsonl_reopen_appends(void **state)
{
    s_fixture_t *fix = *state;
    fix->out = s_open(fix->uri);
    s_fill(fix->rec, SYM_KIND_DATA, 1, 1.0);
    assert_int_equal(sink_output_write(fix->out, "t", fix->rec), SYM_OK);
    assert_int_equal(sink_output_commit(fix->out), SYM_OK);
    sink_output_destroy(&fix->out);

    fix->out = s_open(fix->uri);
    s_fill(fix->rec, SYM_KIND_DATA, 2, 2.0);
    assert_int_equal(sink_output_write(fix->out, "t", fix->rec), SYM_OK);
    assert_int_equal(sink_output_commit(fix->out), SYM_OK);

    char *text = s_slurp(fix->path);
    assert_int_equal(s_count_lines(text), 2);
    json_t *second = s_line(text, 1);
    assert_int_equal(json_integer_value(json_object_get(second, "seq")), 2);
    json_decref(second);
    free(text);
}

static void
test_sink_jsonl_full_disk_fails_the_batch(void **state)
{
    s_fixture_t *fix = *state;
    fix->out = s_open("jsonl:/dev/full");

    for (int batch = 0; batch < 2; batch++) {
        s_fill(fix->rec, SYM_KIND_DATA, 1, 1.0);
        assert_int_equal(sink_output_write(fix->out, "t", fix->rec), SYM_OK);
        assert_int_equal(sink_output_commit(fix->out), SYM_EIO);
        assert_non_null(
            strstr(sink_output_error(fix->out), "No space left on device"));
    }
}

static void
test_sink_jsonl_failed_write_leaves_no_partial_line(void **state)
{
    s_fixture_t *fix = *state;
    fix->out = s_open(fix->uri);
    s_fill(fix->rec, SYM_KIND_DATA, 1, 1.0);
    assert_int_equal(sink_output_write(fix->out, "t", fix->rec), SYM_OK);
    assert_int_equal(sink_output_commit(fix->out), SYM_OK);
    struct stat info;
    assert_int_equal(stat(fix->path, &info), 0);

    /* Room for part of the next line only: the write stops halfway. */
    struct rlimit saved;
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &saved), 0);
    struct rlimit small = {.rlim_cur = (rlim_t) info.st_size + 40,
                           .rlim_max = saved.rlim_max};
    void (*old_handler)(int) = signal(SIGXFSZ, SIG_IGN);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
    s_fill(fix->rec, SYM_KIND_DATA, 2, 2.0);
    int write_rc = sink_output_write(fix->out, "t", fix->rec);
    int commit_rc = sink_output_commit(fix->out);
    setrlimit(RLIMIT_FSIZE, &saved);
    signal(SIGXFSZ, old_handler);
    assert_int_equal(write_rc, SYM_OK);
    assert_int_equal(commit_rc, SYM_EIO);
    assert_non_null(strstr(sink_output_error(fix->out), "File too large"));

    s_fill(fix->rec, SYM_KIND_DATA, 3, 3.0);
    assert_int_equal(sink_output_write(fix->out, "t", fix->rec), SYM_OK);
    assert_int_equal(sink_output_commit(fix->out), SYM_OK);
    char *text = s_slurp(fix->path);
    assert_int_equal(s_count_lines(text), 2);
    json_t *second = s_line(text, 1);
    assert_int_equal(json_integer_value(json_object_get(second, "seq")), 3);
    json_decref(second);
    free(text);
}

static void
test_sink_jsonl_open_failure_names_the_reason(void **state)
{
    s_fixture_t *fix = *state;
    char uri[192];
    snprintf(uri, sizeof uri, "jsonl:%s/missing/out.jsonl", fix->dir);
    int rc = SYM_OK;
    char err[256] = "";

    assert_null(sink_output_open(uri, &rc, err, sizeof err));
    assert_int_equal(rc, SYM_EIO);
    assert_non_null(strstr(err, uri));
    assert_non_null(strstr(err, "No such file or directory"));
}

static void
test_sink_stdout_writes_json_lines(void **state)
{
    s_fixture_t *fix = *state;
    fflush(stdout);
    int saved = dup(STDOUT_FILENO);
    int fd = open(fix->path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    assert_true(saved >= 0 && fd >= 0);
    assert_int_equal(dup2(fd, STDOUT_FILENO), STDOUT_FILENO);
    close(fd);

    fix->out = s_open("stdout");
    s_fill(fix->rec, SYM_KIND_DATA, 7, 3.5);
    int write_rc = sink_output_write(fix->out, "tlm.x", fix->rec);
    int commit_rc = sink_output_commit(fix->out);
    sink_output_destroy(&fix->out);
    dup2(saved, STDOUT_FILENO);
    close(saved);
    assert_int_equal(write_rc, SYM_OK);
    assert_int_equal(commit_rc, SYM_OK);

    char *text = s_slurp(fix->path);
    json_t *line = s_line(text, 0);
    assert_string_equal(json_string_value(json_object_get(line, "topic")),
                        "tlm.x");
    assert_int_equal(json_integer_value(json_object_get(line, "seq")), 7);
    json_decref(line);
    free(text);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            test_sink_jsonl_writes_one_line_per_record, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_sink_jsonl_abort_writes_nothing,
                                        s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_sink_jsonl_reopen_appends, s_setup,
                                        s_teardown),
        cmocka_unit_test_setup_teardown(
            test_sink_jsonl_full_disk_fails_the_batch, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(
            test_sink_jsonl_failed_write_leaves_no_partial_line, s_setup,
            s_teardown),
        cmocka_unit_test_setup_teardown(
            test_sink_jsonl_open_failure_names_the_reason, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_sink_stdout_writes_json_lines,
                                        s_setup, s_teardown),
    };
    return cmocka_run_group_tests_name("sink_jsonl", tests, NULL, NULL);
}
