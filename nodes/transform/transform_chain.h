/* transform_chain.h: a chain of steps built from text, run on records.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#ifndef TRANSFORM_CHAIN_H
#define TRANSFORM_CHAIN_H

#include <stddef.h>
#include <stdint.h>

#include "sym_rec.h"

/* One step per line, in the order they run (see README.md for the
 * grammar). The chain owns no socket: whatever it produces (the record,
 * a REMOVED notice, alarms) goes to an emit callback, so tests can drive
 * it without ZeroMQ. */

typedef struct transform_chain_t transform_chain_t;

/* Receives each record the chain produces, with its topic. The record is
 * valid only during the call. Return SYM_OK, or a code that stops
 * transform_chain_apply and is returned by it. */
typedef int(transform_emit_fn)(void *arg, const char *topic,
                               const sym_rec_t *rec);

/* Totals since the chain was built. */
typedef struct {
    uint64_t data_in;   /* data records run through the steps */
    uint64_t data_out;  /* data records emitted after the last step */
    uint64_t removed;   /* data records removed (REMOVED notices sent) */
    uint64_t alarms;    /* alarm records raised */
    uint64_t aggs;      /* records made by the chain (window aggregates) */
    uint64_t forwarded; /* eos, removed and alarm records passed on */
    uint64_t ignored;   /* stats records, not forwarded */
    uint64_t skipped;   /* records a step left alone, over all steps */
} transform_chain_stats_t;

/* Build a chain from the text of a steps file; name stands for the file
 * in messages. Returns the chain, or NULL with "NAME:LINE: what was
 * expected" (or "out of memory") in err. */
transform_chain_t *transform_chain_parse(const char *name, const char *text,
                                         char *err, size_t err_size);

/* The same for a file. */
transform_chain_t *transform_chain_load(const char *path, char *err,
                                        size_t err_size);

/* Free the chain and null the caller's pointer. Safe on NULL. */
void transform_chain_destroy(transform_chain_t **self_p);

/* Where produced records go. Without one they are discarded. */
void transform_chain_set_emit(transform_chain_t *self, transform_emit_fn *emit,
                              void *arg);

/* Who raises the alarms and makes aggregates: their streams are
 * "alarm.<instance>" and "agg.<instance>", their epoch the run id; their
 * sequences restart at 1. By default the instance is "transform" and the
 * epoch the time the chain was built. Returns SYM_OK, or SYM_EINVAL when
 * a stream name would pass 255 bytes. */
int transform_chain_set_origin(transform_chain_t *self, const char *instance,
                               uint64_t epoch);

/* The chain's clock, in ns since the Unix epoch; steps see it as the
 * arrival time of a record. */
typedef int64_t(transform_clock_fn)(void *arg);

/* Replace the clock (tests); by default it is sym_time_now_ns. */
void transform_chain_set_clock(transform_chain_t *self,
                               transform_clock_fn *clock, void *arg);

/* Give every step that keeps time (stale, window) the chance to act;
 * now_ns is the clock's time. Call it every 100-1000 ms. Returns SYM_OK
 * or the first code the emit callback returned. */
int transform_chain_tick(transform_chain_t *self, int64_t now_ns);

/* Run one record, which arrived on topic, and emit the results. Data
 * records go through the steps in order, may be changed in place, and go
 * out on the topic the last route step chose; one that a step removes
 * becomes a REMOVED notice with the same envelope and a reason field.
 * End-of-stream, removed and alarm records are emitted unchanged; stats records
 * are dropped. Returns SYM_OK or the first code the emit callback returned. */
int transform_chain_apply(transform_chain_t *self, const char *topic,
                          sym_rec_t *rec);

/* The chain clock's time now. */
int64_t transform_chain_now(const transform_chain_t *self);

/* transform_chain_apply with the arrival time given: the records of one
 * message arrived together, so a node reads the clock once for them all. */
int transform_chain_apply_at(transform_chain_t *self, const char *topic,
                             sym_rec_t *rec, int64_t now_ns);

/* Number of steps. */
size_t transform_chain_size(const transform_chain_t *self);

/* Counters of step i (0-based): its name, line, and what it saw, removed
 * and skipped. Returns SYM_OK or SYM_ENOTFOUND past the last step. */
int transform_chain_step_counts(const transform_chain_t *self, size_t i,
                                const char **name, int *lineno,
                                uint64_t counts[3]);

/* Records removed with this reason ("filter", "dedupe"). */
uint64_t transform_chain_removed_by(const transform_chain_t *self,
                                    const char *reason);

/* The totals. */
void transform_chain_stats(const transform_chain_t *self,
                           transform_chain_stats_t *out);

#endif
