/* test_ingest_pace.c: replay pacing arithmetic.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "ingest_pace.h"
#include "sym_err.h"
#include "sym_time.h"

#define S_SEC SYM_NS_PER_SEC
#define S_T0 (1495066860LL * S_SEC) /* an event time in 2017 */
#define S_NOW 5000000000LL          /* a monotonic time */

static void
test_pace_keeps_original_gaps_at_speed_one(void **state)
{
    (void) state;
    ingest_pace_t pace;
    ingest_pace_init(&pace, 1.0, 10 * S_SEC);
    ingest_pace_note_t note;
    assert_true(ingest_pace_deadline(&pace, S_T0, S_NOW, &note) == S_NOW);
    assert_int_equal(note, INGEST_PACE_ANCHORED);
    /* Deadlines are absolute: the time "now" has moved on does not
     * shift them. */
    assert_true(ingest_pace_deadline(&pace, S_T0 + S_SEC, S_NOW + 10, &note) ==
                S_NOW + S_SEC);
    assert_int_equal(note, INGEST_PACE_ON_TIME);
    assert_true(ingest_pace_deadline(&pace, S_T0 + 1500 * SYM_NS_PER_MS,
                                     S_NOW + S_SEC,
                                     &note) == S_NOW + 1500 * SYM_NS_PER_MS);
    /* Equal event times are due together. */
    assert_true(ingest_pace_deadline(&pace, S_T0 + 1500 * SYM_NS_PER_MS,
                                     S_NOW + S_SEC,
                                     &note) == S_NOW + 1500 * SYM_NS_PER_MS);
}

static void
test_pace_divides_gaps_by_speed(void **state)
{
    (void) state;
    ingest_pace_t pace;
    ingest_pace_init(&pace, 10.0, 10 * S_SEC);
    ingest_pace_note_t note;
    ingest_pace_deadline(&pace, S_T0, S_NOW, &note);
    assert_true(ingest_pace_deadline(&pace, S_T0 + S_SEC, S_NOW, &note) ==
                S_NOW + 100 * SYM_NS_PER_MS);
    assert_true(ingest_pace_deadline(&pace, S_T0 + 60 * S_SEC, S_NOW, &note) ==
                S_NOW + 6 * S_SEC);
    ingest_pace_init(&pace, 0.5, 10 * S_SEC);
    ingest_pace_deadline(&pace, S_T0, S_NOW, &note);
    assert_true(ingest_pace_deadline(&pace, S_T0 + S_SEC, S_NOW, &note) ==
                S_NOW + 2 * S_SEC);
}

static void
test_pace_max_speed_never_waits(void **state)
{
    (void) state;
    ingest_pace_t pace;
    ingest_pace_init(&pace, 0.0, 10 * S_SEC);
    ingest_pace_note_t note;
    assert_true(ingest_pace_deadline(&pace, S_T0, S_NOW, &note) == S_NOW);
    assert_true(ingest_pace_deadline(&pace, S_T0 + 3600 * S_SEC, S_NOW + 1,
                                     &note) == S_NOW + 1);
    assert_int_equal(note, INGEST_PACE_ON_TIME);
}

static void
test_pace_reanchors_when_time_goes_back(void **state)
{
    (void) state;
    ingest_pace_t pace;
    ingest_pace_init(&pace, 1.0, 10 * S_SEC);
    ingest_pace_note_t note;
    ingest_pace_deadline(&pace, S_T0, S_NOW, &note);
    ingest_pace_deadline(&pace, S_T0 + 2 * S_SEC, S_NOW, &note);

    int64_t later = S_NOW + 2 * S_SEC;
    assert_true(ingest_pace_deadline(&pace, S_T0 - 86400 * S_SEC, later,
                                     &note) == later);
    assert_int_equal(note, INGEST_PACE_ANCHORED);
    assert_true(ingest_pace_deadline(&pace, S_T0 - 86399 * S_SEC, later,
                                     &note) == later + S_SEC);
    assert_int_equal(note, INGEST_PACE_ON_TIME);
}

static void
test_pace_caps_long_gaps(void **state)
{
    (void) state;
    ingest_pace_t pace;
    ingest_pace_init(&pace, 1.0, 10 * S_SEC);
    ingest_pace_note_t note;
    ingest_pace_deadline(&pace, S_T0, S_NOW, &note);
    int64_t months = 90LL * 86400 * S_SEC;
    assert_true(ingest_pace_deadline(&pace, S_T0 + months, S_NOW, &note) ==
                S_NOW + 10 * S_SEC);
    assert_int_equal(note, INGEST_PACE_CAPPED);
    /* After the gap, timing continues from where the wait ended. */
    assert_true(ingest_pace_deadline(&pace, S_T0 + months + S_SEC,
                                     S_NOW + 10 * S_SEC,
                                     &note) == S_NOW + 11 * S_SEC);
    assert_int_equal(note, INGEST_PACE_ON_TIME);
    /* A gap of exactly the cap is not cut. */
    assert_true(ingest_pace_deadline(&pace, S_T0 + months + 11 * S_SEC,
                                     S_NOW + 11 * S_SEC,
                                     &note) == S_NOW + 21 * S_SEC);
    assert_int_equal(note, INGEST_PACE_ON_TIME);
}

static void
test_pace_behind_schedule_sends_at_once(void **state)
{
    (void) state;
    ingest_pace_t pace;
    ingest_pace_init(&pace, 1.0, 10 * S_SEC);
    ingest_pace_note_t note;
    ingest_pace_deadline(&pace, S_T0, S_NOW, &note);
    /* The sender fell 5 s behind: the deadline is in the past, and the
     * anchor stays, so the replay catches up. */
    int64_t late = S_NOW + 6 * S_SEC;
    assert_true(ingest_pace_deadline(&pace, S_T0 + S_SEC, late, &note) < late);
    assert_true(ingest_pace_deadline(&pace, S_T0 + 7 * S_SEC, late, &note) ==
                S_NOW + 7 * S_SEC);
}

static void
test_pace_slow_speed_over_huge_gap_is_capped(void **state)
{
    (void) state;
    ingest_pace_t pace;
    ingest_pace_init(&pace, 0.001, 10 * S_SEC);
    ingest_pace_note_t note;
    ingest_pace_deadline(&pace, -9000000000LL * S_SEC, S_NOW, &note);
    assert_true(ingest_pace_deadline(&pace, 9000000000LL * S_SEC, S_NOW,
                                     &note) == S_NOW + 10 * S_SEC);
    assert_int_equal(note, INGEST_PACE_CAPPED);
}

static void
test_pace_parses_speed(void **state)
{
    (void) state;
    double speed = -1.0;
    assert_int_equal(ingest_pace_parse_speed("max", &speed), SYM_OK);
    assert_true(speed == 0.0);
    assert_int_equal(ingest_pace_parse_speed("1", &speed), SYM_OK);
    assert_true(speed == 1.0);
    assert_int_equal(ingest_pace_parse_speed("2.5", &speed), SYM_OK);
    assert_true(speed == 2.5);
    const char *bad[] = {"0", "-1", "fast", "", "1x", "inf", "nan"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(ingest_pace_parse_speed(bad[i], &speed), SYM_EINVAL);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pace_keeps_original_gaps_at_speed_one),
        cmocka_unit_test(test_pace_divides_gaps_by_speed),
        cmocka_unit_test(test_pace_max_speed_never_waits),
        cmocka_unit_test(test_pace_reanchors_when_time_goes_back),
        cmocka_unit_test(test_pace_caps_long_gaps),
        cmocka_unit_test(test_pace_behind_schedule_sends_at_once),
        cmocka_unit_test(test_pace_slow_speed_over_huge_gap_is_capped),
        cmocka_unit_test(test_pace_parses_speed),
    };
    return cmocka_run_group_tests_name("ingest_pace", tests, NULL, NULL);
}
