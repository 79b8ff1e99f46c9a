/* sink_rows.h: rows of an open batch handed to a writer thread in chunks.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT
 *
 * The sink's main thread receives, decodes and formats records; a
 * database spends as long again storing them. With the rows queued to a
 * thread of their own the two overlap on two cores. The queue knows
 * nothing of the database: the output gives it a function that runs one
 * row, and it calls that function in the writer thread, in the order the
 * rows were put. */
#ifndef SINK_ROWS_H
#define SINK_ROWS_H

#include <stddef.h>
#include <stdint.h>

#define SINK_ROW_INTS 11 /* the most integers a row carries */
#define SINK_ROW_TEXTS 3 /* the most strings a row carries */

/* One row: what it is (the output's own numbering) and its values. */
typedef struct {
    int kind;                          /* record, account, ... */
    int64_t ints[SINK_ROW_INTS];       /* integers, by position */
    const char *texts[SINK_ROW_TEXTS]; /* strings, NULL when unused */
    size_t lens[SINK_ROW_TEXTS];       /* their lengths in bytes */
} sink_row_t;

/* Runs one row in the writer thread; returns SYM_OK or a SYM_E* code.
 * The row's strings live only during the call. */
typedef int (*sink_row_fn)(void *arg, const sink_row_t *row);

typedef struct sink_rows_t sink_rows_t;

/* Start the writer thread, which runs every row through run(arg, row).
 * Returns NULL when memory or a thread cannot be had. */
sink_rows_t *sink_rows_new(sink_row_fn run, void *arg);

/* Wait for the rows put so far, stop the thread and free; nulls the
 * caller's pointer. Safe on NULL. */
void sink_rows_destroy(sink_rows_t **self_p);

/* Queue a copy of row. Returns SYM_OK, SYM_ENOMEM, or the code of a row
 * that failed since the last sync: after a failure the writer skips the
 * rows that follow until then. Blocks while the writer is a few chunks
 * behind, so memory stays bounded. */
int sink_rows_put(sink_rows_t *self, const sink_row_t *row);

/* Wait until every row put has run or been skipped. Returns SYM_OK, or
 * the code of the first row that failed since the last sync, and clears
 * it. Between a sync and the next put the writer thread is idle, so the
 * caller may use what run uses. */
int sink_rows_sync(sink_rows_t *self);

#endif
