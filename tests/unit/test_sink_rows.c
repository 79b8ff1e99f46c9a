/* test_sink_rows.c: rows handed to a writer thread keep their order and
 * values, and a failure stops the rows after it until the next sync.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "sink_rows.h"
#include "sym_err.h"

/* What the writer thread saw; read by the test only after a sync. */
typedef struct {
    int64_t runs;       /* rows run */
    int64_t next;       /* the number the next row should carry */
    int64_t refuse;     /* fail the row with this number */
    int64_t mismatches; /* rows out of order or with wrong text */
} s_seen_t;

/* Row n carries n as its first integer and "row-n" padded to a length
 * that varies with n, so texts cross chunk and buffer boundaries. */
static size_t
s_text_of(int64_t n, char *buf, size_t size)
{
    int len = snprintf(buf, size, "row-%lld-", (long long) n);
    size_t want = (size_t) len + (size_t) (n % 300);
    memset(buf + len, 'x', want - (size_t) len);
    buf[want] = '\0';
    return want;
}

static int
s_run(void *arg, const sink_row_t *row)
{
    s_seen_t *seen = arg;
    char expected[400];
    size_t len = s_text_of(row->ints[0], expected, sizeof expected);
    bool same = row->ints[0] == seen->next && row->kind == 7 &&
                row->lens[0] == len && row->texts[1] == NULL &&
                memcmp(row->texts[0], expected, len) == 0 &&
                row->texts[0][len] == '\0';
    seen->mismatches += !same;
    seen->next = row->ints[0] + 1;
    seen->runs++;
    return row->ints[0] == seen->refuse ? SYM_EIO : SYM_OK;
}

static int
s_put(sink_rows_t *rows, int64_t n)
{
    char text[400];
    sink_row_t row = {.kind = 7, .ints = {n}};
    row.texts[0] = text;
    row.lens[0] = s_text_of(n, text, sizeof text);
    return sink_rows_put(rows, &row);
}

/* Put rows first to last, each of which must be taken. */
static void
s_put_all(sink_rows_t *rows, int64_t first, int64_t last)
{
    for (int64_t n = first; n <= last; n++) {
        assert_int_equal(s_put(rows, n), SYM_OK);
    }
}

static void
test_sink_rows_run_in_order_with_their_values(void **state)
{
    (void) state;
    s_seen_t seen = {.next = 1, .refuse = -1};
    sink_rows_t *rows = sink_rows_new(s_run, &seen);
    assert_non_null(rows);

    s_put_all(rows, 1, 20000);
    assert_int_equal(sink_rows_sync(rows), SYM_OK);
    assert_int_equal(seen.runs, 20000);
    assert_int_equal(seen.mismatches, 0);

    /* A few more after a sync, and the ones destroy waits for. */
    s_put_all(rows, 20001, 20010);
    sink_rows_destroy(&rows);
    assert_null(rows);
    assert_int_equal(seen.runs, 20010);
    assert_int_equal(seen.mismatches, 0);
}

static void
test_sink_rows_failure_skips_the_rest_until_sync(void **state)
{
    (void) state;
    s_seen_t seen = {.next = 1, .refuse = 5};
    sink_rows_t *rows = sink_rows_new(s_run, &seen);
    assert_non_null(rows);

    int rc = SYM_OK;
    int64_t n = 0;
    while (rc == SYM_OK && n < 100000) {
        rc = s_put(rows, ++n);
    }
    assert_int_equal(rc, SYM_EIO);
    assert_int_equal(sink_rows_sync(rows), SYM_EIO);
    assert_int_equal(seen.runs, 5);

    /* The sync cleared the failure: rows run again. */
    seen.next = n + 1;
    s_put_all(rows, n + 1, n + 1);
    assert_int_equal(sink_rows_sync(rows), SYM_OK);
    assert_int_equal(seen.runs, 6);
    assert_int_equal(seen.mismatches, 0);
    sink_rows_destroy(&rows);
}

static void
test_sink_rows_failure_in_a_small_batch_shows_at_sync(void **state)
{
    (void) state;
    s_seen_t seen = {.next = 1, .refuse = 2};
    sink_rows_t *rows = sink_rows_new(s_run, &seen);
    assert_non_null(rows);

    s_put_all(rows, 1, 3);
    assert_int_equal(sink_rows_sync(rows), SYM_EIO);
    assert_int_equal(seen.runs, 2);
    assert_int_equal(sink_rows_sync(rows), SYM_OK);
    sink_rows_destroy(&rows);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sink_rows_run_in_order_with_their_values),
        cmocka_unit_test(test_sink_rows_failure_skips_the_rest_until_sync),
        cmocka_unit_test(test_sink_rows_failure_in_a_small_batch_shows_at_sync),
    };
    return cmocka_run_group_tests_name("sink_rows", tests, NULL, NULL);
}
