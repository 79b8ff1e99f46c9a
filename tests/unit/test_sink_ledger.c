/* test_sink_ledger.c: the sink's accounts, checked through a fake output.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "sink_ledger.h"
#include "sink_output.h"
#include "sym_err.h"

#define S_ROWS_MAX 16

/* What the fake output was given, copied. */
typedef struct {
    sink_account_t accounts[S_ROWS_MAX];
    char account_streams[S_ROWS_MAX][64];
    size_t account_count;
    sink_removal_t removals[S_ROWS_MAX];
    char removal_reasons[S_ROWS_MAX][64];
    size_t removal_count;
} s_seen_t;

typedef struct {
    sink_ledger_t *ledger;
    sym_rec_t *rec;
    sink_output_t out;
    s_seen_t seen;
} s_fixture_t;

static int
s_fake_account(sink_output_t *self, const sink_account_t *account)
{
    s_seen_t *seen = self->state;
    assert_true(seen->account_count < S_ROWS_MAX);
    size_t i = seen->account_count++;
    seen->accounts[i] = *account;
    strncpy(seen->account_streams[i], account->stream, 63);
    seen->accounts[i].stream = seen->account_streams[i];
    return SYM_OK;
}

static int
s_fake_removal(sink_output_t *self, const sink_removal_t *removal)
{
    s_seen_t *seen = self->state;
    assert_true(seen->removal_count < S_ROWS_MAX);
    size_t i = seen->removal_count++;
    seen->removals[i] = *removal;
    strncpy(seen->removal_reasons[i], removal->reason, 63);
    seen->removals[i].reason = seen->removal_reasons[i];
    return SYM_OK;
}

static const sink_output_ops_t s_fake_ops = {
    .scheme = "fake",
    .account = s_fake_account,
    .removal = s_fake_removal,
};

static int
s_setup(void **state)
{
    s_fixture_t *fix = calloc(1, sizeof *fix);
    assert_non_null(fix);
    fix->ledger = sink_ledger_new();
    fix->rec = sym_rec_new();
    assert_non_null(fix->ledger);
    assert_non_null(fix->rec);
    fix->out.ops = &s_fake_ops;
    fix->out.state = &fix->seen;
    *state = fix;
    return 0;
}

static int
s_teardown(void **state)
{
    s_fixture_t *fix = *state;
    sink_ledger_destroy(&fix->ledger);
    sym_rec_destroy(&fix->rec);
    free(fix);
    return 0;
}

/* Account for one record of kind on stream/epoch/seq. */
static int
s_record(s_fixture_t *fix, sym_kind_t kind, const char *stream, uint64_t epoch,
         uint64_t seq, const char *reason)
{
    sym_rec_reset(fix->rec);
    fix->rec->kind = kind;
    fix->rec->epoch = epoch;
    fix->rec->seq = seq;
    assert_int_equal(sym_rec_set_stream(fix->rec, stream, strlen(stream)),
                     SYM_OK);
    if (reason) {
        assert_int_equal(
            sym_rec_set_str(fix->rec, "reason", reason, strlen(reason)),
            SYM_OK);
    }
    int rc = sink_ledger_record(fix->ledger, fix->rec);
    if (rc == SYM_OK && (kind == SYM_KIND_DATA || kind == SYM_KIND_ALARM)) {
        sink_ledger_add_pending(fix->ledger);
    }
    return rc;
}

static void
s_export(s_fixture_t *fix)
{
    memset(&fix->seen, 0, sizeof fix->seen);
    assert_int_equal(sink_ledger_export(fix->ledger, &fix->out), SYM_OK);
}

static const sink_account_t *
s_account(const s_fixture_t *fix, const char *stream)
{
    for (size_t i = 0; i < fix->seen.account_count; i++) {
        if (strcmp(fix->seen.accounts[i].stream, stream) == 0) {
            return &fix->seen.accounts[i];
        }
    }
    fail_msg("no account row for %s", stream);
    return NULL;
}

static void
test_sink_ledger_counts_every_record(void **state)
{
    s_fixture_t *fix = *state;

    assert_int_equal(s_record(fix, SYM_KIND_DATA, "a", 7, 1, NULL), SYM_OK);
    assert_int_equal(s_record(fix, SYM_KIND_DATA, "a", 7, 2, NULL), SYM_OK);
    assert_int_equal(s_record(fix, SYM_KIND_DATA, "a", 7, 4, NULL), SYM_OK);
    assert_int_equal(s_record(fix, SYM_KIND_REMOVED, "a", 7, 5, "filter"),
                     SYM_OK);
    assert_int_equal(s_record(fix, SYM_KIND_DATA, "a", 7, 2, NULL), SYM_EAGAIN);
    assert_int_equal(s_record(fix, SYM_KIND_EOS, "a", 7, 6, NULL), SYM_OK);
    s_export(fix);

    const sink_account_t *row = s_account(fix, "a");
    assert_int_equal(row->epoch, 7);
    assert_int_equal(row->first_seq, 1);
    assert_int_equal(row->expected, 6);
    assert_int_equal(row->delivered, 3);
    assert_int_equal(row->removed, 1);
    assert_int_equal(row->lost, 2);
    assert_int_equal(row->duplicates, 1);
    assert_true(row->has_eos);
    assert_int_equal(row->last_seq, 6);
    assert_int_equal(fix->seen.removal_count, 1);
    assert_string_equal(fix->seen.removals[0].reason, "filter");
    assert_int_equal(fix->seen.removals[0].count, 1);
    assert_int_equal(sink_ledger_lost(fix->ledger), 2);
}

static void
test_sink_ledger_failed_batch_counts_as_lost(void **state)
{
    s_fixture_t *fix = *state;

    assert_int_equal(s_record(fix, SYM_KIND_DATA, "a", 1, 1, NULL), SYM_OK);
    sink_ledger_committed(fix->ledger);
    assert_int_equal(s_record(fix, SYM_KIND_DATA, "a", 1, 2, NULL), SYM_OK);
    assert_int_equal(s_record(fix, SYM_KIND_DATA, "b", 1, 1, NULL), SYM_OK);
    assert_int_equal(sink_ledger_failed(fix->ledger), 2);
    assert_true(sink_ledger_has_changes(fix->ledger));
    s_export(fix);

    const sink_account_t *a = s_account(fix, "a");
    assert_int_equal(a->expected, 2);
    assert_int_equal(a->delivered, 1);
    assert_int_equal(a->lost, 1);
    const sink_account_t *b = s_account(fix, "b");
    assert_int_equal(b->expected, b->delivered + b->removed + b->lost);
    assert_int_equal(b->lost, 1);
    /* By sequence nothing is missing: the records did arrive. */
    assert_int_equal(sink_ledger_lost(fix->ledger), 0);
}

static void
test_sink_ledger_exports_only_changes(void **state)
{
    s_fixture_t *fix = *state;

    assert_int_equal(s_record(fix, SYM_KIND_DATA, "a", 1, 1, NULL), SYM_OK);
    assert_int_equal(s_record(fix, SYM_KIND_REMOVED, "a", 1, 2, "dedupe"),
                     SYM_OK);
    s_export(fix);
    assert_int_equal(fix->seen.account_count, 1);
    sink_ledger_committed(fix->ledger);
    assert_false(sink_ledger_has_changes(fix->ledger));

    s_export(fix);
    assert_int_equal(fix->seen.account_count, 0);
    assert_int_equal(fix->seen.removal_count, 0);

    assert_int_equal(s_record(fix, SYM_KIND_DATA, "b", 3, 1, NULL), SYM_OK);
    s_export(fix);
    assert_int_equal(fix->seen.account_count, 1);
    assert_string_equal(fix->seen.accounts[0].stream, "b");
    assert_int_equal(fix->seen.removal_count, 0);
}

static void
test_sink_ledger_eos_waits_for_late_records(void **state)
{
    s_fixture_t *fix = *state;

    assert_true(sink_ledger_eos_complete(fix->ledger));
    assert_int_equal(s_record(fix, SYM_KIND_EOS, "a", 1, 3, NULL), SYM_OK);
    assert_false(sink_ledger_eos_complete(fix->ledger));
    assert_int_equal(s_record(fix, SYM_KIND_DATA, "a", 1, 1, NULL), SYM_OK);
    assert_int_equal(s_record(fix, SYM_KIND_REMOVED, "a", 1, 3, NULL), SYM_OK);
    assert_false(sink_ledger_eos_complete(fix->ledger));
    /* A stream without a marker does not hold the others back. */
    assert_int_equal(s_record(fix, SYM_KIND_DATA, "b", 1, 5, NULL), SYM_OK);
    assert_int_equal(s_record(fix, SYM_KIND_DATA, "a", 1, 2, NULL), SYM_OK);
    assert_true(sink_ledger_eos_complete(fix->ledger));
    s_export(fix);
    assert_string_equal(fix->seen.removals[0].reason, "unknown");
}

static void
test_sink_ledger_skips_stats_records(void **state)
{
    s_fixture_t *fix = *state;

    assert_int_equal(s_record(fix, SYM_KIND_STATS, "a", 1, 1, NULL), SYM_OK);
    assert_false(sink_ledger_has_changes(fix->ledger));
    s_export(fix);
    assert_int_equal(fix->seen.account_count, 0);
}

/* A gap shows on the record after it, and a late record that fills it
 * gives it back; a failed write is not a gap on the input. */
static void
test_sink_ledger_gap_change_per_record(void **state)
{
    s_fixture_t *fix = *state;

    assert_int_equal(s_record(fix, SYM_KIND_DATA, "a", 1, 1, NULL), SYM_OK);
    assert_int_equal(sink_ledger_gap_change(fix->ledger), 0);
    assert_int_equal(s_record(fix, SYM_KIND_DATA, "a", 1, 5, NULL), SYM_OK);
    assert_int_equal(sink_ledger_gap_change(fix->ledger), 3);
    assert_int_equal(s_record(fix, SYM_KIND_DATA, "b", 1, 3, NULL), SYM_OK);
    assert_int_equal(sink_ledger_gap_change(fix->ledger), 2);
    assert_int_equal(s_record(fix, SYM_KIND_DATA, "a", 1, 3, NULL), SYM_OK);
    assert_int_equal(sink_ledger_gap_change(fix->ledger), -1);
    assert_int_equal(s_record(fix, SYM_KIND_DATA, "a", 1, 3, NULL), SYM_EAGAIN);
    assert_int_equal(sink_ledger_gap_change(fix->ledger), 0);
    assert_int_equal(sink_ledger_failed(fix->ledger), 4);
    assert_int_equal(s_record(fix, SYM_KIND_DATA, "a", 1, 6, NULL), SYM_OK);
    assert_int_equal(sink_ledger_gap_change(fix->ledger), 0);
    assert_int_equal(s_record(fix, SYM_KIND_STATS, "a", 1, 9, NULL), SYM_OK);
    assert_int_equal(sink_ledger_gap_change(fix->ledger), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_sink_ledger_counts_every_record,
                                        s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(
            test_sink_ledger_failed_batch_counts_as_lost, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_sink_ledger_exports_only_changes,
                                        s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(
            test_sink_ledger_eos_waits_for_late_records, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_sink_ledger_skips_stats_records,
                                        s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_sink_ledger_gap_change_per_record,
                                        s_setup, s_teardown),
    };
    return cmocka_run_group_tests_name("sink_ledger", tests, NULL, NULL);
}
