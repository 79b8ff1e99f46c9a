/* test_transform_dedupe.c: the dedupe step: duplicates become REMOVED
 * notices, the window forgets the oldest keys.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sym_err.h"
#include "sym_rec.h"
#include "test_transform_collect.h"
#include "transform_chain.h"

#define TOPIC "tlm.qb50.opencosmos"

/* A fresh data record with the next sequence number. */
static sym_rec_t *
s_next(tt_fixture_t *fx)
{
    return tt_data(fx->rec, "qb50.opencosmos", ++fx->seq);
}

/* Run the record; true when it came out as data. */
static bool
s_passes(tt_fixture_t *fx)
{
    tt_collect_clear(fx->out);
    assert_int_equal(transform_chain_apply(fx->chain, TOPIC, fx->rec), SYM_OK);
    assert_int_equal(fx->out->count, 1);
    return fx->out->recs[0]->kind == SYM_KIND_DATA;
}

static bool
s_passes_key(tt_fixture_t *fx, const char *time, double vbatt)
{
    s_next(fx);
    sym_rec_set_str(fx->rec, "time", time, strlen(time));
    sym_rec_set_double(fx->rec, "vbatt", vbatt);
    sym_rec_set_int(fx->rec, "mode", 0);
    return s_passes(fx);
}

static void
test_transform_dedupe_removes_duplicate_with_notice(void **state)
{
    tt_fixture_t *fx = *state;
    tt_chain(fx, "dedupe key=time,vbatt");
    assert_true(s_passes_key(fx, "2017-05-18T00:21:00Z", 8.1));
    assert_true(s_passes_key(fx, "2017-05-18T00:21:10Z", 8.1));
    assert_false(s_passes_key(fx, "2017-05-18T00:21:00Z", 8.1));

    const char *topic = NULL;
    const sym_rec_t *notice =
        tt_collect_nth(fx->out, SYM_KIND_REMOVED, 0, &topic);
    assert_non_null(notice);
    assert_string_equal(topic, TOPIC);
    assert_true(sym_str_eq(notice->stream, "qb50.opencosmos"));
    assert_int_equal(notice->epoch, fx->rec->epoch);
    assert_int_equal(notice->seq, 3);
    assert_int_equal(notice->event_ns, fx->rec->event_ns);
    assert_int_equal(notice->ingest_ns, fx->rec->ingest_ns);
    assert_int_equal(notice->field_count, 1);
    assert_string_equal(tt_str(notice, "reason"), "dedupe");

    /* A key differing in one field is another key. */
    assert_true(s_passes_key(fx, "2017-05-18T00:21:00Z", 8.2));
    assert_int_equal(transform_chain_removed_by(fx->chain, "dedupe"), 1);
    assert_int_equal(transform_chain_removed_by(fx->chain, "filter"), 0);
}

static void
test_transform_dedupe_window_forgets_oldest_key(void **state)
{
    tt_fixture_t *fx = *state;
    tt_chain(fx, "dedupe key=time window=2");
    assert_true(s_passes_key(fx, "A", 1));
    assert_true(s_passes_key(fx, "B", 1));
    assert_false(s_passes_key(fx, "A", 1)); /* seen; order unchanged */
    assert_true(s_passes_key(fx, "C", 1));  /* A falls out */
    assert_false(s_passes_key(fx, "B", 1));
    assert_false(s_passes_key(fx, "C", 1));
    assert_true(s_passes_key(fx, "A", 1)); /* B falls out */
    assert_true(s_passes_key(fx, "B", 1)); /* C falls out */
    assert_true(s_passes_key(fx, "C", 1));
}

static void
test_transform_dedupe_default_window_is_65536_keys(void **state)
{
    tt_fixture_t *fx = *state;
    tt_chain(fx, "dedupe key=n");
    for (int64_t n = 0; n < 65536; n++) {
        s_next(fx);
        sym_rec_set_int(fx->rec, "n", n);
        assert_true(s_passes(fx));
    }
    s_next(fx);
    sym_rec_set_int(fx->rec, "n", 0);
    assert_false(s_passes(fx));
    s_next(fx);
    sym_rec_set_int(fx->rec, "n", 65536); /* evicts 0 */
    assert_true(s_passes(fx));
    s_next(fx);
    sym_rec_set_int(fx->rec, "n", 0);
    assert_true(s_passes(fx));
    s_next(fx);
    sym_rec_set_int(fx->rec, "n", 65535);
    assert_false(s_passes(fx));
}

static void
test_transform_dedupe_compares_exact_values(void **state)
{
    tt_fixture_t *fx = *state;
    tt_chain(fx, "dedupe key=v");
    s_next(fx);
    sym_rec_set_int(fx->rec, "v", 8);
    assert_true(s_passes(fx));
    /* The same number as a float is the same value. */
    s_next(fx);
    sym_rec_set_double(fx->rec, "v", 8.0);
    assert_false(s_passes(fx));
    /* Text "8" is not the number 8. */
    s_next(fx);
    sym_rec_set_str(fx->rec, "v", "8", 1);
    assert_true(s_passes(fx));
    /* Floats compare exactly, not to 15 digits. */
    s_next(fx);
    sym_rec_set_double(fx->rec, "v", 0.1);
    assert_true(s_passes(fx));
    s_next(fx);
    sym_rec_set_double(fx->rec, "v", nextafter(0.1, 1.0));
    assert_true(s_passes(fx));
    s_next(fx);
    sym_rec_set_double(fx->rec, "v", 0.1);
    assert_false(s_passes(fx));
    s_next(fx);
    sym_rec_set_double(fx->rec, "v", 0.30000000000000004);
    assert_true(s_passes(fx));
    s_next(fx);
    sym_rec_set_double(fx->rec, "v", 0.3);
    assert_true(s_passes(fx));
}

static void
test_transform_dedupe_text_cannot_forge_keys(void **state)
{
    tt_fixture_t *fx = *state;
    tt_chain(fx, "dedupe key=a,b");
    /* Without escaping, "x<sep>" + "y" and "x" + "<sep>y" would agree. */
    s_next(fx);
    sym_rec_set_str(fx->rec, "a", "x\x1f", 2);
    sym_rec_set_str(fx->rec, "b", "y", 1);
    assert_true(s_passes(fx));
    s_next(fx);
    sym_rec_set_str(fx->rec, "a", "x", 1);
    sym_rec_set_str(fx->rec, "b", "\x1fy", 2);
    assert_true(s_passes(fx));
    s_next(fx);
    sym_rec_set_str(fx->rec, "a", "x\\s", 3);
    sym_rec_set_str(fx->rec, "b", "y", 1);
    assert_true(s_passes(fx));
    /* NUL bytes inside text are part of the key. */
    s_next(fx);
    sym_rec_set_str(fx->rec, "a", "x\0z", 3);
    sym_rec_set_str(fx->rec, "b", "y", 1);
    assert_true(s_passes(fx));
    s_next(fx);
    sym_rec_set_str(fx->rec, "a", "x\0w", 3);
    sym_rec_set_str(fx->rec, "b", "y", 1);
    assert_true(s_passes(fx));
    s_next(fx);
    sym_rec_set_str(fx->rec, "a", "x\0w", 3);
    sym_rec_set_str(fx->rec, "b", "y", 1);
    assert_false(s_passes(fx));
}

static void
test_transform_dedupe_passes_records_without_key(void **state)
{
    tt_fixture_t *fx = *state;
    tt_chain(fx, "dedupe key=time,vbatt");
    for (int i = 0; i < 3; i++) {
        s_next(fx);
        sym_rec_set_str(fx->rec, "time", "T", 1);
        assert_true(s_passes(fx));
    }
    transform_chain_stats_t stats;
    transform_chain_stats(fx->chain, &stats);
    assert_int_equal(stats.skipped, 3);
    assert_int_equal(stats.removed, 0);
}

static void
test_transform_dedupe_handles_long_text_keys(void **state)
{
    tt_fixture_t *fx = *state;
    tt_chain(fx, "dedupe key=blob window=4");
    static char blob[20000];
    memset(blob, 'q', sizeof blob);
    for (int round = 0; round < 2; round++) {
        for (int i = 0; i < 3; i++) {
            blob[0] = (char) ('a' + i);
            s_next(fx);
            sym_rec_set_str(fx->rec, "blob", blob, sizeof blob);
            assert_int_equal(s_passes(fx), round == 0);
        }
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
#define S_TEST(name)                                                           \
    cmocka_unit_test_setup_teardown(name, tt_setup, tt_teardown)
        S_TEST(test_transform_dedupe_removes_duplicate_with_notice),
        S_TEST(test_transform_dedupe_window_forgets_oldest_key),
        S_TEST(test_transform_dedupe_default_window_is_65536_keys),
        S_TEST(test_transform_dedupe_compares_exact_values),
        S_TEST(test_transform_dedupe_text_cannot_forge_keys),
        S_TEST(test_transform_dedupe_passes_records_without_key),
        S_TEST(test_transform_dedupe_handles_long_text_keys),
#undef S_TEST
    };
    return cmocka_run_group_tests_name("transform_dedupe", tests, NULL, NULL);
}
