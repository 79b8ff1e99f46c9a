/* test_ingest_sim.c: the simulated fleet: determinism, streams, values.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "ingest_source.h"
#include "sym_err.h"
#include "sym_time.h"

#define S_RECORDS 400

typedef struct {
    void *source;
    sym_rec_t *rec;
} s_sim_t;

static void
s_open(s_sim_t *sim, uint64_t seed, double rate, uint64_t count)
{
    ingest_source_args_t args = {
        .start_ns = 1000 * SYM_NS_PER_SEC,
        .sim_expeditions = 3,
        .sim_channels = 4,
        .sim_rate = rate,
        .sim_count = count,
        .sim_seed = seed,
    };
    char err[256] = "";
    sim->source = NULL;
    assert_int_equal(ingest_sim_ops.open(&args, &sim->source, err, sizeof err),
                     SYM_OK);
    sim->rec = sym_rec_new();
    assert_non_null(sim->rec);
}

static void
s_close(s_sim_t *sim)
{
    ingest_sim_ops.close(&sim->source);
    sym_rec_destroy(&sim->rec);
}

static int
s_next(s_sim_t *sim, ingest_where_t *where)
{
    return ingest_sim_ops.next(sim->source, sim->rec, where);
}

/* Field values of both records equal, bit for bit. */
static bool
s_same_fields(const sym_rec_t *a, const sym_rec_t *b)
{
    if (a->field_count != b->field_count) {
        return false;
    }
    for (uint32_t i = 0; i < a->field_count; i++) {
        const sym_field_t *x = &a->fields[i];
        const sym_field_t *y = &b->fields[i];
        if (x->name.len != y->name.len ||
            memcmp(x->name.ptr, y->name.ptr, x->name.len) != 0 ||
            x->val.type != y->val.type ||
            memcmp(&x->val.as, &y->val.as, sizeof x->val.as) != 0) {
            return false;
        }
    }
    return true;
}

static void
test_sim_same_seed_same_values(void **state)
{
    (void) state;
    s_sim_t a;
    s_sim_t b;
    s_sim_t c;
    s_open(&a, 7, 0.0, 0);
    s_open(&b, 7, 0.0, 0);
    s_open(&c, 8, 0.0, 0);
    size_t differ = 0;
    for (int i = 0; i < S_RECORDS; i++) {
        ingest_where_t where;
        assert_int_equal(s_next(&a, &where), SYM_OK);
        assert_int_equal(s_next(&b, &where), SYM_OK);
        assert_int_equal(s_next(&c, &where), SYM_OK);
        assert_true(s_same_fields(a.rec, b.rec));
        differ += !s_same_fields(a.rec, c.rec);
    }
    assert_true(differ > S_RECORDS * 9 / 10);
    s_close(&a);
    s_close(&b);
    s_close(&c);
}

static void
test_sim_covers_every_stream(void **state)
{
    (void) state;
    s_sim_t sim;
    s_open(&sim, 1, 0.0, 0);
    int seen[3][4] = {{0}};
    for (int i = 0; i < 12 * 64; i++) {
        ingest_where_t where;
        assert_int_equal(s_next(&sim, &where), SYM_OK);
        assert_false(where.has_event_time);
        int64_t exp = sym_rec_get(sim.rec, "expedition")->as.i;
        int64_t ch = sym_rec_get(sim.rec, "channel")->as.i;
        assert_in_range(exp, 1, 3);
        assert_in_range(ch, 1, 4);
        seen[exp - 1][ch - 1]++;
    }
    for (int e = 0; e < 3; e++) {
        for (int c = 0; c < 4; c++) {
            assert_int_equal(seen[e][c], 64);
        }
    }
    s_close(&sim);
}

/* A run shorter than one burst per stream still gives every stream
 * records, so every stream ends with a marker. */
static void
test_sim_short_run_reaches_every_stream(void **state)
{
    (void) state;
    s_sim_t sim;
    s_open(&sim, 1, 0.0, 30);
    int seen[3][4] = {{0}};
    ingest_where_t where;
    while (s_next(&sim, &where) == SYM_OK) {
        int64_t exp = sym_rec_get(sim.rec, "expedition")->as.i;
        int64_t ch = sym_rec_get(sim.rec, "channel")->as.i;
        seen[exp - 1][ch - 1]++;
    }
    for (int e = 0; e < 3; e++) {
        for (int c = 0; c < 4; c++) {
            assert_true(seen[e][c] >= 2);
        }
    }
    s_close(&sim);
}

/* Check that a double field exists and lies in [low, high]. */
static void
s_assert_between(sym_rec_t *rec, const char *name, double low, double high)
{
    const sym_val_t *val = sym_rec_get(rec, name);
    assert_non_null(val);
    assert_int_equal(val->type, SYM_VAL_FLOAT);
    if (val->as.f < low || val->as.f > high) {
        fail_msg("%s = %f, outside [%f, %f]", name, val->as.f, low, high);
    }
}

static void
test_sim_values_are_plausible(void **state)
{
    (void) state;
    s_sim_t sim;
    s_open(&sim, 3, 0.0, 0);
    for (int i = 0; i < 20000; i++) {
        ingest_where_t where;
        assert_int_equal(s_next(&sim, &where), SYM_OK);
        sym_rec_t *rec = sim.rec;
        int64_t ch = sym_rec_get(rec, "channel")->as.i;
        if (ch == 1) {
            s_assert_between(rec, "altitude_km", 400.0, 800.0);
            s_assert_between(rec, "lat_deg", -90.0, 90.0);
            s_assert_between(rec, "lon_deg", -180.0, 180.0);
            s_assert_between(rec, "velocity_kms", 7.0, 8.0);
        } else if (ch == 2 || ch == 4) {
            s_assert_between(rec, "battery_v", 7.0, 8.4);
            s_assert_between(rec, "current_a", 0.0, 2.0);
        }
        if (ch == 3 || ch == 4) {
            s_assert_between(rec, "temp_c", -50.0, 60.0);
        }
    }
    s_close(&sim);
}

static void
test_sim_paced_event_times_step_by_rate(void **state)
{
    (void) state;
    s_sim_t sim;
    s_open(&sim, 1, 20.0, 0);
    int64_t last = 0;
    for (int i = 0; i < 12 * 5; i++) {
        ingest_where_t where;
        assert_int_equal(s_next(&sim, &where), SYM_OK);
        assert_true(where.has_event_time);
        /* 50 ms a record per stream, the 12 streams evenly apart. */
        double step = (double) (i / 12) + (double) (i % 12) / 12.0;
        assert_true(sim.rec->event_ns ==
                    1000 * SYM_NS_PER_SEC +
                        (int64_t) (step * 50.0 * SYM_NS_PER_MS));
        assert_true(sim.rec->event_ns > last);
        last = sim.rec->event_ns;
    }
    s_close(&sim);
}

static void
test_sim_count_ends_the_source(void **state)
{
    (void) state;
    s_sim_t sim;
    s_open(&sim, 1, 0.0, 100);
    ingest_where_t where;
    for (int i = 0; i < 100; i++) {
        assert_int_equal(s_next(&sim, &where), SYM_OK);
        assert_int_equal(where.line, i + 1);
    }
    assert_int_equal(s_next(&sim, &where), SYM_ECLOSED);
    assert_int_equal(s_next(&sim, &where), SYM_ECLOSED);
    s_close(&sim);
}

static void
test_sim_rejects_too_many_streams(void **state)
{
    (void) state;
    ingest_source_args_t args = {.sim_expeditions = 1000000,
                                 .sim_channels = 1000000};
    void *source = NULL;
    char err[256] = "";
    assert_int_equal(ingest_sim_ops.open(&args, &source, err, sizeof err),
                     SYM_EINVAL);
    assert_null(source);
    assert_non_null(strstr(err, "--sim-expeditions"));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sim_same_seed_same_values),
        cmocka_unit_test(test_sim_covers_every_stream),
        cmocka_unit_test(test_sim_short_run_reaches_every_stream),
        cmocka_unit_test(test_sim_values_are_plausible),
        cmocka_unit_test(test_sim_paced_event_times_step_by_rate),
        cmocka_unit_test(test_sim_count_ends_the_source),
        cmocka_unit_test(test_sim_rejects_too_many_streams),
    };
    return cmocka_run_group_tests_name("ingest_sim", tests, NULL, NULL);
}
