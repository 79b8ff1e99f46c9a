/* test_sym_track.c: per-stream sequence accounting and loss counting.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include <string.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "sym_err.h"
#include "sym_rec.h"
#include "sym_track.h"

typedef struct {
    sym_track_t *track;
    sym_rec_t *rec;
} s_fixture_t;

static s_fixture_t s_fixture;

static int
s_setup_with(void **state, bool from_start)
{
    s_fixture.track = sym_track_new(from_start);
    s_fixture.rec = sym_rec_new();
    *state = &s_fixture;
    return s_fixture.track && s_fixture.rec ? 0 : -1;
}

static int
s_setup_sink(void **state)
{
    return s_setup_with(state, true);
}

static int
s_setup_tap(void **state)
{
    return s_setup_with(state, false);
}

static int
s_teardown(void **state)
{
    s_fixture_t *self = *state;
    sym_track_destroy(&self->track);
    assert_null(self->track);
    sym_track_destroy(&self->track);
    sym_rec_destroy(&self->rec);
    return 0;
}

/* Account one record of stream "st" and return the result. */
static int
s_feed(s_fixture_t *self, sym_kind_t kind, uint64_t epoch, uint64_t seq,
       sym_track_stream_t **account)
{
    sym_rec_reset(self->rec);
    self->rec->kind = kind;
    assert_int_equal(sym_rec_set_stream(self->rec, "st", 2), SYM_OK);
    self->rec->epoch = epoch;
    self->rec->seq = seq;
    self->rec->event_ns = (int64_t) seq * 1000;
    return sym_track_record(self->track, self->rec, account);
}

static sym_track_stream_t *
s_data(s_fixture_t *self, uint64_t seq)
{
    sym_track_stream_t *account = NULL;
    assert_int_equal(s_feed(self, SYM_KIND_DATA, 1, seq, &account), SYM_OK);
    assert_non_null(account);
    return account;
}

static void
s_assert_account(const sym_track_stream_t *account, uint64_t expected,
                 uint64_t delivered, uint64_t removed, uint64_t lost)
{
    assert_true(sym_track_expected(account) == expected);
    assert_true(account->delivered == delivered);
    assert_true(account->removed == removed);
    assert_true(sym_track_lost(account) == lost);
    assert_true(sym_track_expected(account) == account->delivered +
                                                   account->removed +
                                                   sym_track_lost(account));
}

static void
test_track_in_order_loses_nothing(void **state)
{
    s_fixture_t *self = *state;
    sym_track_stream_t *account = NULL;
    for (uint64_t seq = 1; seq <= 100; seq++) {
        account = s_data(self, seq);
    }
    assert_string_equal(account->stream, "st");
    assert_true(account->epoch == 1);
    assert_true(account->first_seq == 1);
    assert_true(account->highest == 100);
    assert_true(account->last_event_ns == 100000);
    assert_false(account->is_new_epoch);
    s_assert_account(account, 100, 100, 0, 0);
    assert_true(sym_track_lost_total(self->track) == 0);
    assert_int_equal(sym_track_size(self->track), 1);
}

static void
test_track_counts_gaps_as_lost(void **state)
{
    s_fixture_t *self = *state;
    sym_track_stream_t *account = NULL;
    const uint64_t seqs[] = {1, 2, 5, 6, 10};
    for (size_t i = 0; i < 5; i++) {
        account = s_data(self, seqs[i]);
    }
    s_assert_account(account, 10, 5, 0, 5);
    assert_true(sym_track_lost_total(self->track) == 5);
}

static void
test_track_tolerates_reordering(void **state)
{
    s_fixture_t *self = *state;
    sym_track_stream_t *account = NULL;
    const uint64_t seqs[] = {3, 1, 2, 6, 5, 4, 8, 7};
    for (size_t i = 0; i < 8; i++) {
        account = s_data(self, seqs[i]);
    }
    s_assert_account(account, 8, 8, 0, 0);
    assert_true(account->duplicates == 0);
    assert_true(account->last_event_ns == 8000);
}

static void
test_track_a_late_record_fills_its_gap(void **state)
{
    s_fixture_t *self = *state;
    sym_track_stream_t *account = s_data(self, 1);
    account = s_data(self, 4);
    s_assert_account(account, 4, 2, 0, 2);
    account = s_data(self, 3);
    s_assert_account(account, 4, 3, 0, 1);
}

static void
test_track_refuses_duplicates(void **state)
{
    s_fixture_t *self = *state;
    sym_track_stream_t *account = NULL;
    s_data(self, 1);
    s_data(self, 2);
    s_data(self, 3);
    assert_int_equal(s_feed(self, SYM_KIND_DATA, 1, 2, &account), SYM_EAGAIN);
    assert_int_equal(s_feed(self, SYM_KIND_DATA, 1, 3, &account), SYM_EAGAIN);
    assert_int_equal(s_feed(self, SYM_KIND_REMOVED, 1, 1, &account),
                     SYM_EAGAIN);
    assert_true(account->duplicates == 3);
    s_assert_account(account, 3, 3, 0, 0);
}

static void
test_track_removed_notices_are_accounted(void **state)
{
    s_fixture_t *self = *state;
    sym_track_stream_t *account = NULL;
    s_data(self, 1);
    assert_int_equal(s_feed(self, SYM_KIND_REMOVED, 1, 2, &account), SYM_OK);
    assert_int_equal(s_feed(self, SYM_KIND_REMOVED, 1, 3, &account), SYM_OK);
    s_data(self, 4);
    assert_int_equal(s_feed(self, SYM_KIND_DATA, 1, 2, &account), SYM_EAGAIN);
    s_assert_account(account, 4, 2, 2, 0);
    /* A removed record says nothing about event time. */
    assert_true(account->last_event_ns == 4000);
}

static void
test_track_alarms_count_as_delivered(void **state)
{
    s_fixture_t *self = *state;
    sym_track_stream_t *account = NULL;
    assert_int_equal(s_feed(self, SYM_KIND_ALARM, 1, 1, &account), SYM_OK);
    s_assert_account(account, 1, 1, 0, 0);
}

static void
test_track_end_of_stream_reveals_tail_loss(void **state)
{
    s_fixture_t *self = *state;
    sym_track_stream_t *account = NULL;
    for (uint64_t seq = 1; seq <= 7; seq++) {
        s_data(self, seq);
    }
    assert_int_equal(s_feed(self, SYM_KIND_EOS, 1, 10, &account), SYM_OK);
    assert_true(account->has_eos);
    assert_true(account->eos_seq == 10);
    s_assert_account(account, 10, 7, 0, 3);

    /* A straggler that arrives after the marker still counts. */
    s_data(self, 9);
    s_assert_account(account, 10, 8, 0, 2);
}

static void
test_track_end_of_stream_before_the_last_record(void **state)
{
    s_fixture_t *self = *state;
    sym_track_stream_t *account = NULL;
    s_data(self, 1);
    assert_int_equal(s_feed(self, SYM_KIND_EOS, 1, 3, &account), SYM_OK);
    s_assert_account(account, 3, 1, 0, 2);
    s_data(self, 3);
    s_data(self, 2);
    s_assert_account(account, 3, 3, 0, 0);
}

static void
test_track_new_epoch_is_flagged_not_lost(void **state)
{
    s_fixture_t *self = *state;
    sym_track_stream_t *old = NULL;
    sym_track_stream_t *restarted = NULL;
    for (uint64_t seq = 1; seq <= 5; seq++) {
        assert_int_equal(s_feed(self, SYM_KIND_DATA, 100, seq, &old), SYM_OK);
    }
    assert_int_equal(s_feed(self, SYM_KIND_DATA, 200, 1, &restarted), SYM_OK);
    assert_ptr_not_equal(old, restarted);
    assert_false(old->is_new_epoch);
    assert_true(restarted->is_new_epoch);
    assert_true(restarted->epoch == 200);
    s_assert_account(old, 5, 5, 0, 0);
    s_assert_account(restarted, 1, 1, 0, 0);
    assert_int_equal(sym_track_size(self->track), 2);
    assert_true(sym_track_lost_total(self->track) == 0);

    /* A stream of its own is not a new epoch of another. */
    sym_rec_reset(self->rec);
    assert_int_equal(sym_rec_set_stream(self->rec, "other", 5), SYM_OK);
    self->rec->epoch = 300;
    self->rec->seq = 1;
    sym_track_stream_t *other = NULL;
    assert_int_equal(sym_track_record(self->track, self->rec, &other), SYM_OK);
    assert_false(other->is_new_epoch);
    assert_string_equal(other->stream, "other");
}

static void
test_track_sink_counts_what_came_before_the_first_record(void **state)
{
    s_fixture_t *self = *state;
    sym_track_stream_t *account = s_data(self, 5);
    assert_true(account->first_seq == 1);
    s_assert_account(account, 5, 1, 0, 4);
}

static void
test_track_tap_starts_at_the_first_record(void **state)
{
    s_fixture_t *self = *state;
    sym_track_stream_t *account = s_data(self, 5);
    assert_true(account->first_seq == 5);
    s_assert_account(account, 1, 1, 0, 0);
    account = s_data(self, 6);
    account = s_data(self, 8);
    s_assert_account(account, 4, 3, 0, 1);
}

static void
test_track_tap_extends_back_for_late_records(void **state)
{
    s_fixture_t *self = *state;
    sym_track_stream_t *account = NULL;
    s_data(self, 5);
    account = s_data(self, 3);
    assert_true(account->first_seq == 3);
    s_assert_account(account, 3, 2, 0, 1);
    assert_int_equal(s_feed(self, SYM_KIND_DATA, 1, 3, &account), SYM_EAGAIN);
    assert_true(account->duplicates == 1);
    s_assert_account(account, 3, 2, 0, 1);
}

static void
test_track_tap_joining_at_the_end_expects_nothing(void **state)
{
    s_fixture_t *self = *state;
    sym_track_stream_t *account = NULL;
    assert_int_equal(s_feed(self, SYM_KIND_EOS, 1, 10, &account), SYM_OK);
    s_assert_account(account, 0, 0, 0, 0);
    s_data(self, 10);
    s_assert_account(account, 1, 1, 0, 0);
}

static void
test_track_sequence_zero_does_not_break_the_account(void **state)
{
    s_fixture_t *self = *state;
    sym_track_stream_t *account = NULL;
    assert_int_equal(s_feed(self, SYM_KIND_DATA, 1, 0, &account), SYM_OK);
    s_assert_account(account, 0, 0, 0, 0);
    s_data(self, 1);
    s_data(self, 2);
    assert_int_equal(s_feed(self, SYM_KIND_DATA, 1, 2, &account), SYM_EAGAIN);
    s_assert_account(account, 2, 2, 0, 0);
}

static void
test_track_jump_past_the_window(void **state)
{
    s_fixture_t *self = *state;
    sym_track_stream_t *account = NULL;
    for (uint64_t seq = 1; seq <= 10; seq++) {
        s_data(self, seq);
    }
    uint64_t far = 10 + SYM_TRACK_WINDOW + 100;
    account = s_data(self, far);
    s_assert_account(account, far, 11, 0, far - 11);

    /* Inside the new window duplicates are still caught... */
    account = s_data(self, far - 5);
    assert_int_equal(s_feed(self, SYM_KIND_DATA, 1, far - 5, &account),
                     SYM_EAGAIN);
    /* ...and a record older than the window is taken as it comes. */
    account = s_data(self, 50);
    s_assert_account(account, far, 13, 0, far - 13);
}

static void
test_track_window_slides_without_false_duplicates(void **state)
{
    s_fixture_t *self = *state;
    sym_track_stream_t *account = NULL;
    uint64_t last = 3 * (uint64_t) SYM_TRACK_WINDOW + 7;
    for (uint64_t seq = 1; seq <= last; seq++) {
        sym_track_stream_t *got = NULL;
        if (s_feed(self, SYM_KIND_DATA, 1, seq, &got) != SYM_OK) {
            fail_msg("seq %llu refused", (unsigned long long) seq);
        }
        account = got;
    }
    s_assert_account(account, last, last, 0, 0);
    assert_int_equal(s_feed(self, SYM_KIND_DATA, 1, last - 1, &account),
                     SYM_EAGAIN);
}

static void
test_track_ignores_stats_and_streamless_records(void **state)
{
    s_fixture_t *self = *state;
    sym_track_stream_t *account = NULL;
    assert_int_equal(s_feed(self, SYM_KIND_STATS, 1, 4, &account), SYM_OK);
    assert_null(account);
    sym_rec_reset(self->rec);
    self->rec->seq = 3;
    assert_int_equal(sym_track_record(self->track, self->rec, NULL), SYM_OK);
    assert_int_equal(sym_track_size(self->track), 0);
    assert_null(sym_track_first(self->track));
}

static void
test_track_iterates_over_every_account(void **state)
{
    s_fixture_t *self = *state;
    assert_int_equal(s_feed(self, SYM_KIND_DATA, 1, 2, NULL), SYM_OK);
    assert_int_equal(s_feed(self, SYM_KIND_DATA, 2, 3, NULL), SYM_OK);
    assert_int_equal(s_feed(self, SYM_KIND_DATA, 3, 1, NULL), SYM_OK);
    uint64_t epochs = 0;
    size_t count = 0;
    for (sym_track_stream_t *account = sym_track_first(self->track); account;
         account = sym_track_next(self->track)) {
        epochs += account->epoch;
        count++;
    }
    assert_int_equal(count, 3);
    assert_true(epochs == 6);
    assert_true(sym_track_lost_total(self->track) == 3);
}

/* An account kept by an earlier run: seq 1..10 of epoch 1, with 4 and 9
 * lost, 2 removed, one duplicate, the end marker at 12. */
static sym_track_stream_t *
s_restore(s_fixture_t *self)
{
    sym_track_stream_t kept = {
        .stream = "st",
        .epoch = 1,
        .first_seq = 1,
        .highest = 10,
        .delivered = 6,
        .removed = 2,
        .duplicates = 1,
        .eos_seq = 12,
        .has_eos = true,
    };
    sym_track_stream_t *account = NULL;
    assert_int_equal(sym_track_restore(self->track, &kept, &account), SYM_OK);
    assert_non_null(account);
    assert_int_equal(sym_track_restore(self->track, &kept, NULL), SYM_EINVAL);
    for (uint64_t seq = 1; seq <= 10; seq++) {
        if (seq != 4 && seq != 9) {
            assert_int_equal(sym_track_mark(self->track, "st", 1, seq), SYM_OK);
        }
    }
    return account;
}

static void
test_track_restored_account_continues(void **state)
{
    s_fixture_t *self = *state;
    sym_track_stream_t *account = s_restore(self);
    s_assert_account(account, 12, 6, 2, 4);
    assert_true(account->duplicates == 1);
    assert_false(account->is_new_epoch);

    /* A record after the restart extends the same account. */
    assert_ptr_equal(s_data(self, 11), account);
    s_assert_account(account, 12, 7, 2, 3);
    assert_int_equal(sym_track_size(self->track), 1);
}

static void
test_track_restored_window_knows_what_was_seen(void **state)
{
    s_fixture_t *self = *state;
    sym_track_stream_t *account = s_restore(self);
    assert_int_equal(s_feed(self, SYM_KIND_DATA, 1, 5, NULL), SYM_EAGAIN);
    assert_true(account->duplicates == 2);
    /* A gap of the earlier run is filled when its record comes late. */
    assert_ptr_equal(s_data(self, 9), account);
    s_assert_account(account, 12, 7, 2, 3);
}

static void
test_track_mark_ignores_unknown_and_out_of_range(void **state)
{
    s_fixture_t *self = *state;
    assert_int_equal(sym_track_mark(self->track, "st", 1, 1), SYM_ENOTFOUND);
    sym_track_stream_t *account = s_restore(self);
    assert_int_equal(sym_track_mark(self->track, "st", 1, 11), SYM_OK);
    assert_int_equal(sym_track_mark(self->track, "st", 1, 0), SYM_OK);
    /* 11 was above the highest: not remembered, so it counts once. */
    assert_ptr_equal(s_data(self, 11), account);
    s_assert_account(account, 12, 7, 2, 3);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
#define S_SINK(name)                                                           \
    cmocka_unit_test_setup_teardown(name, s_setup_sink, s_teardown)
#define S_TAP(name)                                                            \
    cmocka_unit_test_setup_teardown(name, s_setup_tap, s_teardown)
        S_SINK(test_track_in_order_loses_nothing),
        S_SINK(test_track_counts_gaps_as_lost),
        S_SINK(test_track_tolerates_reordering),
        S_SINK(test_track_a_late_record_fills_its_gap),
        S_SINK(test_track_refuses_duplicates),
        S_SINK(test_track_removed_notices_are_accounted),
        S_SINK(test_track_alarms_count_as_delivered),
        S_SINK(test_track_end_of_stream_reveals_tail_loss),
        S_SINK(test_track_end_of_stream_before_the_last_record),
        S_SINK(test_track_new_epoch_is_flagged_not_lost),
        S_SINK(test_track_sink_counts_what_came_before_the_first_record),
        S_TAP(test_track_tap_starts_at_the_first_record),
        S_TAP(test_track_tap_extends_back_for_late_records),
        S_TAP(test_track_tap_joining_at_the_end_expects_nothing),
        S_TAP(test_track_sequence_zero_does_not_break_the_account),
        S_SINK(test_track_jump_past_the_window),
        S_SINK(test_track_window_slides_without_false_duplicates),
        S_SINK(test_track_ignores_stats_and_streamless_records),
        S_SINK(test_track_iterates_over_every_account),
        S_SINK(test_track_restored_account_continues),
        S_SINK(test_track_restored_window_knows_what_was_seen),
        S_SINK(test_track_mark_ignores_unknown_and_out_of_range),
#undef S_SINK
#undef S_TAP
    };
    return cmocka_run_group_tests_name("track", tests, NULL, NULL);
}
