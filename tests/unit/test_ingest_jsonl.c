/* test_ingest_jsonl.c: the JSON lines source, malformed lines included.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "ingest_source.h"
#include "sym_err.h"

static void
s_fixture(const char *name, char *path, size_t size)
{
    const char *slash = strrchr(__FILE__, '/');
    int dir_len = slash ? (int) (slash - __FILE__) : 1;
    snprintf(path, size, "%.*s/../data/ingest/%s", dir_len,
             slash ? __FILE__ : ".", name);
}

typedef struct {
    void *source;
    sym_rec_t *rec;
} s_fix_t;

static int
s_setup(void **state)
{
    static s_fix_t fix;
    char path[512];
    s_fixture("lines.jsonl", path, sizeof path);
    ingest_source_args_t args = {.path = path};
    char err[256] = "";
    fix.source = NULL;
    assert_int_equal(ingest_jsonl_ops.open(&args, &fix.source, err, sizeof err),
                     SYM_OK);
    fix.rec = sym_rec_new();
    assert_non_null(fix.rec);
    *state = &fix;
    return 0;
}

static int
s_teardown(void **state)
{
    s_fix_t *fix = *state;
    ingest_jsonl_ops.close(&fix->source);
    assert_null(fix->source);
    sym_rec_destroy(&fix->rec);
    return 0;
}

static int
s_next(s_fix_t *fix, ingest_where_t *where)
{
    return ingest_jsonl_ops.next(fix->source, fix->rec, where);
}

static void
test_jsonl_reads_lines_and_reports_bad_ones(void **state)
{
    s_fix_t *fix = *state;
    ingest_where_t where;

    assert_int_equal(s_next(fix, &where), SYM_OK);
    assert_int_equal(where.line, 1);
    sym_rec_t *rec = fix->rec;
    assert_int_equal(rec->field_count, 6);
    const sym_val_t *source = sym_rec_get(rec, "source");
    assert_int_equal(source->type, SYM_VAL_STR);
    assert_memory_equal(source->as.s.ptr, "tartu", 5);
    assert_true(sym_rec_get(rec, "vbatt")->as.f == 8.15);
    assert_int_equal(sym_rec_get(rec, "mode")->type, SYM_VAL_INT);
    assert_int_equal(sym_rec_get(rec, "ok")->type, SYM_VAL_BOOL);
    assert_true(sym_rec_get(rec, "ok")->as.b);
    assert_int_equal(sym_rec_get(rec, "note")->type, SYM_VAL_NIL);

    assert_int_equal(s_next(fix, &where), SYM_EDECODE);
    assert_int_equal(where.line, 2);
    assert_string_equal(where.reason, "malformed-json");

    /* Line 3 is blank and skipped without a word. */
    assert_int_equal(s_next(fix, &where), SYM_EDECODE);
    assert_int_equal(where.line, 4);
    assert_string_equal(where.reason, "nested-value");

    assert_int_equal(s_next(fix, &where), SYM_EDECODE);
    assert_int_equal(where.line, 5);
    assert_string_equal(where.reason, "not-an-object");

    assert_int_equal(s_next(fix, &where), SYM_EDECODE);
    assert_int_equal(where.line, 6);
    assert_string_equal(where.reason, "nested-value");

    assert_int_equal(s_next(fix, &where), SYM_OK);
    assert_int_equal(where.line, 7);
    assert_int_equal(rec->field_count, 4);
    assert_int_equal(sym_rec_get(rec, "passtime")->as.i, 1495066860);
    assert_false(sym_rec_get(rec, "ok")->as.b);
    assert_null(sym_rec_get(rec, "note"));

    assert_int_equal(s_next(fix, &where), SYM_ECLOSED);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            test_jsonl_reads_lines_and_reports_bad_ones, s_setup, s_teardown),
    };
    return cmocka_run_group_tests_name("ingest_jsonl", tests, NULL, NULL);
}
