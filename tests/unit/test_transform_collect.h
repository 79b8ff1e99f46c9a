/* test_transform_collect.h: helpers for the transform tests: records to
 * feed a chain, and a collector for what it emits.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#ifndef TEST_TRANSFORM_COLLECT_H
#define TEST_TRANSFORM_COLLECT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sym_err.h"
#include "sym_rec.h"
#include "transform_chain.h"

#define TT_MAX_KEPT 256

/* Everything a chain emitted: copies of the first TT_MAX_KEPT records
 * with their topics, and counts by kind of all of them. */
typedef struct {
    size_t count;                  /* records emitted */
    size_t kinds[SYM_KIND_COUNT];  /* of which, by kind */
    sym_rec_t *recs[TT_MAX_KEPT];  /* copies, allocated on first use */
    char topics[TT_MAX_KEPT][256]; /* their topics */
    int fail_with;                 /* what emit returns */
} tt_collect_t;

static inline tt_collect_t *
tt_collect_new(void)
{
    return calloc(1, sizeof(tt_collect_t));
}

static inline void
tt_collect_destroy(tt_collect_t **self_p)
{
    if (self_p && *self_p) {
        for (size_t i = 0; i < TT_MAX_KEPT; i++) {
            sym_rec_destroy(&(*self_p)->recs[i]);
        }
        free(*self_p);
        *self_p = NULL;
    }
}

/* Forget what was collected; keeps the allocated records. */
static inline void
tt_collect_clear(tt_collect_t *self)
{
    self->count = 0;
    memset(self->kinds, 0, sizeof self->kinds);
}

/* Keep a copy of rec. Returns SYM_OK or SYM_ENOMEM. */
static inline int
tt_collect_add(tt_collect_t *self, const char *topic, const sym_rec_t *rec)
{
    if (self->count < TT_MAX_KEPT) {
        size_t i = self->count;
        if (self->recs[i] == NULL && (self->recs[i] = sym_rec_new()) == NULL) {
            return SYM_ENOMEM;
        }
        if (sym_rec_copy(self->recs[i], rec) != SYM_OK) {
            return SYM_ENOMEM;
        }
        snprintf(self->topics[i], sizeof self->topics[i], "%s", topic);
    }
    self->count++;
    self->kinds[rec->kind < SYM_KIND_COUNT ? rec->kind : 0]++;
    return SYM_OK;
}

/* A transform_emit_fn that collects into arg. */
static inline int
tt_collect_emit(void *arg, const char *topic, const sym_rec_t *rec)
{
    tt_collect_t *self = arg;
    if (self->fail_with != SYM_OK) {
        return self->fail_with;
    }
    return tt_collect_add(self, topic, rec);
}

/* The nth (0-based) kept record of a kind, or NULL; its topic goes to
 * *topic when that is not NULL. */
static inline const sym_rec_t *
tt_collect_nth(const tt_collect_t *self, sym_kind_t kind, size_t nth,
               const char **topic)
{
    size_t kept = self->count < TT_MAX_KEPT ? self->count : TT_MAX_KEPT;
    for (size_t i = 0; i < kept; i++) {
        if (self->recs[i]->kind == kind && nth-- == 0) {
            if (topic) {
                *topic = self->topics[i];
            }
            return self->recs[i];
        }
    }
    return NULL;
}

/* A string field as NUL-terminated text (in a static buffer), or NULL
 * when absent or not text. */
static inline const char *
tt_str(const sym_rec_t *rec, const char *name)
{
    static char text[1024];
    const sym_val_t *val = sym_rec_get_const(rec, name, strlen(name));
    if (val == NULL || val->type != SYM_VAL_STR ||
        val->as.s.len >= sizeof text) {
        return NULL;
    }
    memcpy(text, val->as.s.ptr, val->as.s.len);
    text[val->as.s.len] = '\0';
    return text;
}

/* A numeric field as a double, or -12345.678 when absent. */
static inline double
tt_num(const sym_rec_t *rec, const char *name)
{
    const sym_val_t *val = sym_rec_get_const(rec, name, strlen(name));
    if (val == NULL) {
        return -12345.678;
    }
    switch (val->type) {
    case SYM_VAL_INT:
        return (double) val->as.i;
    case SYM_VAL_UINT:
        return (double) val->as.u;
    case SYM_VAL_FLOAT:
        return val->as.f;
    default:
        return -12345.678;
    }
}

/* Make rec an empty data record of stream with seq; event time and
 * ingest time are derived from seq so tests can check them. */
static inline sym_rec_t *
tt_data(sym_rec_t *rec, const char *stream, uint64_t seq)
{
    sym_rec_reset(rec);
    rec->kind = SYM_KIND_DATA;
    sym_rec_set_stream(rec, stream, strlen(stream));
    rec->epoch = 1700000000000000000ULL;
    rec->seq = seq;
    rec->event_ns = 1495066860000000000LL + (int64_t) seq * 1000;
    rec->ingest_ns = 1700000000500000000LL + (int64_t) seq * 1000;
    return rec;
}

/* The fixture of the step tests (include <cmocka.h> first): a record to
 * fill, what the chain emitted, the chain under test and the clock it
 * reads, which only the test moves. */
#define TT_RUN_ID 1800000000000000000ULL

typedef struct {
    sym_rec_t *rec;           /* the record fed to the chain */
    tt_collect_t *out;        /* what the chain emitted */
    transform_chain_t *chain; /* the chain under test, or NULL */
    uint64_t seq;             /* last sequence fed, for tests that count */
    int64_t now_ns;           /* the chain's clock */
} tt_fixture_t;

static inline int
tt_setup(void **state)
{
    tt_fixture_t *fx = calloc(1, sizeof *fx);
    if (fx == NULL) {
        return -1;
    }
    fx->rec = sym_rec_new();
    fx->out = tt_collect_new();
    *state = fx;
    return fx->rec && fx->out ? 0 : -1;
}

static inline int
tt_teardown(void **state)
{
    tt_fixture_t *fx = *state;
    transform_chain_destroy(&fx->chain);
    sym_rec_destroy(&fx->rec);
    tt_collect_destroy(&fx->out);
    free(fx);
    return 0;
}

static inline int64_t
tt_clock(void *arg)
{
    return ((const tt_fixture_t *) arg)->now_ns;
}

/* Replace the fixture's chain with one built from text, its origin t1 at
 * TT_RUN_ID, its output collected in fx->out (emptied) and its clock
 * fx->now_ns. A text that does not parse fails the test. */
static inline void
tt_chain(tt_fixture_t *fx, const char *text)
{
    char err[512] = "";
    transform_chain_destroy(&fx->chain);
    fx->chain = transform_chain_parse("test.steps", text, err, sizeof err);
    if (fx->chain == NULL) {
        fail_msg("chain did not parse: %s", err);
    }
    assert_int_equal(transform_chain_set_origin(fx->chain, "t1", TT_RUN_ID),
                     SYM_OK);
    transform_chain_set_emit(fx->chain, tt_collect_emit, fx->out);
    transform_chain_set_clock(fx->chain, tt_clock, fx);
    tt_collect_clear(fx->out);
}

#endif
