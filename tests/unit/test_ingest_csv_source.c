/* test_ingest_csv_source.c: CSV cell typing, and the CSV source on fixtures.
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

#include "ingest_lines.h"
#include "ingest_source.h"
#include "sym_err.h"

/* Fixtures sit in tests/data/ingest, beside this file's folder. */
static void
s_fixture(const char *name, char *path, size_t size)
{
    const char *slash = strrchr(__FILE__, '/');
    int dir_len = slash ? (int) (slash - __FILE__) : 1;
    snprintf(path, size, "%.*s/../data/ingest/%s", dir_len,
             slash ? __FILE__ : ".", name);
}

/* A temporary file holding text; the caller unlinks path. */
static void
s_temp_file(const char *text, size_t len, char *path, size_t size)
{
    snprintf(path, size, "/tmp/test_ingest_csv_source_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, len), (ssize_t) len);
    close(fd);
}

typedef struct {
    void *source;
    sym_rec_t *rec;
} s_fix_t;

static void
s_open(s_fix_t *fix, const char *path)
{
    ingest_source_args_t args = {.path = path};
    char err[256] = "";
    fix->source = NULL;
    assert_int_equal(ingest_csv_ops.open(&args, &fix->source, err, sizeof err),
                     SYM_OK);
    fix->rec = sym_rec_new();
    assert_non_null(fix->rec);
}

static void
s_close(s_fix_t *fix)
{
    ingest_csv_ops.close(&fix->source);
    assert_null(fix->source);
    sym_rec_destroy(&fix->rec);
}

static int
s_next(s_fix_t *fix, ingest_where_t *where)
{
    return ingest_csv_ops.next(fix->source, fix->rec, where);
}

static void
s_assert_str(sym_rec_t *rec, const char *name, const char *expected)
{
    const sym_val_t *val = sym_rec_get(rec, name);
    assert_non_null(val);
    assert_int_equal(val->type, SYM_VAL_STR);
    assert_int_equal(val->as.s.len, strlen(expected));
    assert_memory_equal(val->as.s.ptr, expected, strlen(expected));
}

static void
test_csv_reads_rows_with_header_names(void **state)
{
    (void) state;
    char path[512];
    s_fixture("stations.csv", path, sizeof path);
    s_fix_t fix;
    s_open(&fix, path);
    ingest_where_t where;

    assert_int_equal(s_next(&fix, &where), SYM_OK);
    assert_int_equal(where.line, 2);
    assert_false(where.has_event_time);
    assert_int_equal(fix.rec->field_count, 6);
    s_assert_str(fix.rec, "source", "tartu");
    s_assert_str(fix.rec, "passtime", "2017-05-17T06:34:00Z");
    assert_int_equal(sym_rec_get(fix.rec, "vbatt")->type, SYM_VAL_FLOAT);
    assert_true(sym_rec_get(fix.rec, "vbatt")->as.f == 8.15);
    assert_int_equal(sym_rec_get(fix.rec, "mode")->type, SYM_VAL_INT);
    s_assert_str(fix.rec, "power", "0x00");
    s_assert_str(fix.rec, "byline", "~OPEN COSMOS~");

    assert_int_equal(s_next(&fix, &where), SYM_OK);
    s_assert_str(fix.rec, "source", "aalto");
    assert_int_equal(s_next(&fix, &where), SYM_OK);
    s_assert_str(fix.rec, "byline", "with, comma");
    s_close(&fix);
}

static void
test_csv_bad_row_is_reported_and_skipped(void **state)
{
    (void) state;
    char path[512];
    s_fixture("stations.csv", path, sizeof path);
    s_fix_t fix;
    s_open(&fix, path);
    ingest_where_t where;
    for (int i = 0; i < 4; i++) {
        assert_int_equal(s_next(&fix, &where), SYM_OK);
    }
    assert_int_equal(sym_rec_get(fix.rec, "byline")->type, SYM_VAL_NIL);

    assert_int_equal(s_next(&fix, &where), SYM_EDECODE);
    assert_int_equal(where.line, 6);
    assert_string_equal(where.reason, "wrong-column-count");

    /* The next row spans two lines inside quotes. */
    assert_int_equal(s_next(&fix, &where), SYM_OK);
    assert_int_equal(where.line, 7);
    s_assert_str(fix.rec, "source", "aalto");
    s_assert_str(fix.rec, "byline", "two\nlines");
    assert_int_equal(s_next(&fix, &where), SYM_OK);
    assert_int_equal(where.line, 9);
    assert_int_equal(s_next(&fix, &where), SYM_OK);
    assert_int_equal(where.line, 10);
    s_assert_str(fix.rec, "source", "tartu");
    assert_int_equal(s_next(&fix, &where), SYM_ECLOSED);
    assert_int_equal(s_next(&fix, &where), SYM_ECLOSED);
    s_close(&fix);
}

static void
test_csv_types_cells(void **state)
{
    (void) state;
    char path[512];
    s_fixture("types.csv", path, sizeof path);
    s_fix_t fix;
    s_open(&fix, path);
    ingest_where_t where;
    assert_int_equal(s_next(&fix, &where), SYM_OK);
    sym_rec_t *rec = fix.rec;
    assert_int_equal(sym_rec_get(rec, "count")->as.i, 42);
    assert_int_equal(sym_rec_get(rec, "big")->type, SYM_VAL_UINT);
    assert_true(sym_rec_get(rec, "big")->as.u == UINT64_MAX);
    assert_int_equal(sym_rec_get(rec, "huge")->type, SYM_VAL_FLOAT);
    assert_true(sym_rec_get(rec, "ratio")->as.f == 8.1);
    assert_true(sym_rec_get(rec, "exp")->as.f == 1000.0);
    assert_int_equal(sym_rec_get(rec, "empty")->type, SYM_VAL_NIL);
    s_assert_str(rec, "hex", "0x00");
    s_assert_str(rec, "text", "~OPEN COSMOS~");
    assert_int_equal(sym_rec_get(rec, "neg")->as.i, -7);

    assert_int_equal(s_next(&fix, &where), SYM_OK);
    assert_int_equal(sym_rec_get(rec, "count")->as.i, 3);
    assert_true(sym_rec_get(rec, "big")->as.i == INT64_MAX);
    assert_int_equal(sym_rec_get(rec, "huge")->type, SYM_VAL_FLOAT);
    assert_true(sym_rec_get(rec, "ratio")->as.f == -0.5);
    assert_true(sym_rec_get(rec, "exp")->as.f == 0.025);
    assert_int_equal(sym_rec_get(rec, "empty")->type, SYM_VAL_NIL);
    s_assert_str(rec, "text", "inf");
    assert_int_equal(sym_rec_get(rec, "neg")->type, SYM_VAL_FLOAT);
    s_close(&fix);
}

static void
test_csv_value_rules(void **state)
{
    (void) state;
    static const struct {
        const char *text;
        sym_val_type_t type;
    } cases[] = {
        {"0", SYM_VAL_INT},      {"-12", SYM_VAL_INT},
        {"007", SYM_VAL_INT},    {"8.100", SYM_VAL_FLOAT},
        {"1.", SYM_VAL_FLOAT},   {".5", SYM_VAL_FLOAT},
        {"1e-3", SYM_VAL_FLOAT}, {"", SYM_VAL_NIL},
        {"0x00", SYM_VAL_STR},   {"1e", SYM_VAL_STR},
        {".", SYM_VAL_STR},      {"-", SYM_VAL_STR},
        {"nan", SYM_VAL_STR},    {"1e999", SYM_VAL_STR},
        {" 3", SYM_VAL_STR},     {"3 ", SYM_VAL_STR},
        {"1,5", SYM_VAL_STR},    {"2017-05-17", SYM_VAL_STR},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sym_val_t val;
        sym_val_type_t type =
            ingest_csv_value(cases[i].text, strlen(cases[i].text), &val);
        if (type != cases[i].type) {
            fail_msg("'%s': type %d, expected %d", cases[i].text, type,
                     cases[i].type);
        }
        assert_int_equal(val.type, type);
    }
    sym_val_t val;
    ingest_csv_value("0x00", 4, &val);
    assert_int_equal(val.as.s.len, 4);
}

static void
test_csv_header_only_has_no_records(void **state)
{
    (void) state;
    char path[512];
    s_fixture("header-only.csv", path, sizeof path);
    s_fix_t fix;
    s_open(&fix, path);
    ingest_where_t where;
    assert_int_equal(s_next(&fix, &where), SYM_ECLOSED);
    s_close(&fix);
}

static void
test_csv_crlf_and_no_final_newline(void **state)
{
    (void) state;
    const char text[] = "a,b\r\n1,x\r\n\r\n2,\"y\r\nz\"\r\n3,w";
    char path[64];
    s_temp_file(text, sizeof text - 1, path, sizeof path);
    s_fix_t fix;
    s_open(&fix, path);
    ingest_where_t where;
    assert_int_equal(s_next(&fix, &where), SYM_OK);
    assert_int_equal(sym_rec_get(fix.rec, "a")->as.i, 1);
    s_assert_str(fix.rec, "b", "x");
    assert_int_equal(s_next(&fix, &where), SYM_OK);
    assert_int_equal(where.line, 4);
    s_assert_str(fix.rec, "b", "y\r\nz");
    assert_int_equal(s_next(&fix, &where), SYM_OK);
    assert_int_equal(where.line, 6);
    s_assert_str(fix.rec, "b", "w");
    assert_int_equal(s_next(&fix, &where), SYM_ECLOSED);
    s_close(&fix);
    unlink(path);
}

static void
test_csv_unclosed_quote_ends_at_end_of_input(void **state)
{
    (void) state;
    const char text[] = "a,b\n1,\"open\n";
    char path[64];
    s_temp_file(text, sizeof text - 1, path, sizeof path);
    s_fix_t fix;
    s_open(&fix, path);
    ingest_where_t where;
    assert_int_equal(s_next(&fix, &where), SYM_OK);
    s_assert_str(fix.rec, "b", "open\n");
    assert_int_equal(s_next(&fix, &where), SYM_ECLOSED);
    s_close(&fix);
    unlink(path);
}

static void
test_csv_overlong_line_is_bad_input(void **state)
{
    (void) state;
    size_t long_len = INGEST_LINE_MAX + 10;
    size_t total = long_len + 64;
    char *text = malloc(total);
    assert_non_null(text);
    int head = snprintf(text, total, "a,b\n1,x\n2,");
    memset(text + head, 'y', long_len);
    size_t used = (size_t) head + long_len;
    used += (size_t) snprintf(text + used, total - used, "\n3,z\n");
    char path[64];
    s_temp_file(text, used, path, sizeof path);
    free(text);

    s_fix_t fix;
    s_open(&fix, path);
    ingest_where_t where;
    assert_int_equal(s_next(&fix, &where), SYM_OK);
    assert_int_equal(s_next(&fix, &where), SYM_EDECODE);
    assert_string_equal(where.reason, "line-too-long");
    assert_int_equal(where.line, 3);
    assert_int_equal(s_next(&fix, &where), SYM_OK);
    assert_int_equal(where.line, 4);
    s_assert_str(fix.rec, "b", "z");
    assert_int_equal(s_next(&fix, &where), SYM_ECLOSED);
    s_close(&fix);
    unlink(path);
}

static void
test_csv_header_too_wide_stops_the_source(void **state)
{
    (void) state;
    char text[4096];
    size_t used = 0;
    for (int i = 0; i <= SYM_REC_MAX_FIELDS; i++) {
        used += (size_t) snprintf(text + used, sizeof text - used, "%sc%d",
                                  i ? "," : "", i);
    }
    used += (size_t) snprintf(text + used, sizeof text - used, "\n1\n");
    char path[64];
    s_temp_file(text, used, path, sizeof path);
    s_fix_t fix;
    s_open(&fix, path);
    ingest_where_t where;
    assert_int_equal(s_next(&fix, &where), SYM_ETOOBIG);
    assert_string_equal(where.reason, "header-too-wide");
    s_close(&fix);
    unlink(path);
}

/* Found by the CSV fuzz target: a header name with a NUL byte was
 * copied short and then read past its end. */
static void
test_csv_header_name_with_nul_stops_the_source(void **state)
{
    (void) state;
    static const char text[] = "a,b\0c,d\n1,2,3\n";
    char path[64];
    s_temp_file(text, sizeof text - 1, path, sizeof path);
    s_fix_t fix;
    s_open(&fix, path);
    ingest_where_t where;
    assert_int_equal(s_next(&fix, &where), SYM_EINVAL);
    assert_string_equal(where.reason, "header-nul-in-name");
    s_close(&fix);
    unlink(path);
}

static void
test_csv_missing_file_is_invalid(void **state)
{
    (void) state;
    ingest_source_args_t args = {.path = "/nonexistent/dir/x.csv"};
    void *source = NULL;
    char err[256] = "";
    assert_int_equal(ingest_csv_ops.open(&args, &source, err, sizeof err),
                     SYM_EINVAL);
    assert_null(source);
    assert_non_null(strstr(err, "/nonexistent/dir/x.csv"));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_reads_rows_with_header_names),
        cmocka_unit_test(test_csv_bad_row_is_reported_and_skipped),
        cmocka_unit_test(test_csv_types_cells),
        cmocka_unit_test(test_csv_value_rules),
        cmocka_unit_test(test_csv_header_only_has_no_records),
        cmocka_unit_test(test_csv_crlf_and_no_final_newline),
        cmocka_unit_test(test_csv_unclosed_quote_ends_at_end_of_input),
        cmocka_unit_test(test_csv_overlong_line_is_bad_input),
        cmocka_unit_test(test_csv_header_too_wide_stops_the_source),
        cmocka_unit_test(test_csv_header_name_with_nul_stops_the_source),
        cmocka_unit_test(test_csv_missing_file_is_invalid),
    };
    return cmocka_run_group_tests_name("ingest_csv_source", tests, NULL, NULL);
}
