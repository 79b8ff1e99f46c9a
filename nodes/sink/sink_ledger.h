/* sink_ledger.h: the sink's accounts of every origin stream.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#ifndef SINK_LEDGER_H
#define SINK_LEDGER_H

#include <stdbool.h>
#include <stdint.h>

#include "sink_output.h"
#include "sym_rec.h"

/* Wraps sym_track (counting from sequence 1) with what only the sink
 * knows: which records sit in the open batch, which were dropped by a
 * failed write, the removals by reason, and which rows changed since the
 * last commit. */
typedef struct sink_ledger_t sink_ledger_t;

/* An empty ledger, or NULL when out of memory. */
sink_ledger_t *sink_ledger_new(void);

/* Free the ledger and null the caller's pointer. Safe on NULL. */
void sink_ledger_destroy(sink_ledger_t **self_p);

/* Account for a data, alarm, removed or end-of-stream record; stats
 * records and records without a stream are not accounted. Returns
 * SYM_OK, SYM_EAGAIN for a duplicate (do not store it again) or
 * SYM_ENOMEM. */
int sink_ledger_record(sink_ledger_t *self, const sym_rec_t *rec);

/* How the records missing by sequence in the account of the record last
 * given to sink_ledger_record changed with it: above 0 when it opened a
 * gap, below 0 when it filled one (a record that came late), 0 otherwise.
 * Lets the sink say on which input the loss showed. */
int64_t sink_ledger_gap_change(const sink_ledger_t *self);

/* The record last given to sink_ledger_record joined the open batch. */
void sink_ledger_add_pending(sink_ledger_t *self);

/* Continue the accounts and removal counts out kept from an earlier run
 * (a restarted sink), and remember the sequences it stored recently so
 * that they count as duplicates when they come again. Call before the
 * first record. Sets *accounts to the accounts continued and *eos to
 * those whose end-of-stream marker arrived. Returns SYM_OK, or the output's or
 * the tracker's failure. */
int sink_ledger_load(sink_ledger_t *self, sink_output_t *out,
                     uint64_t *accounts, uint64_t *eos);

/* True when some account changed since the last commit. */
bool sink_ledger_has_changes(const sink_ledger_t *self);

/* Put every changed account and removal count into the open batch of
 * out. Returns SYM_OK or the output's failure. */
int sink_ledger_export(sink_ledger_t *self, sink_output_t *out);

/* The open batch was committed: its records are stored, its changes
 * written. */
void sink_ledger_committed(sink_ledger_t *self);

/* The open batch was lost: its records count as dropped (and lost in the
 * accounts), and the accounts are written again with the next batch.
 * Returns how many records were dropped. */
uint64_t sink_ledger_failed(sink_ledger_t *self);

/* True when every account whose end-of-stream marker arrived has all its
 * records delivered or removed. */
bool sink_ledger_eos_complete(const sink_ledger_t *self);

/* Records missing by sequence, over every account. */
uint64_t sink_ledger_lost(const sink_ledger_t *self);

#endif
