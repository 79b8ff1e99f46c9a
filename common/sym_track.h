/* sym_track.h: per-stream sequence accounting, so every loss is counted.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#ifndef SYM_TRACK_H
#define SYM_TRACK_H

#include <stdbool.h>
#include <stdint.h>

#include "sym_rec.h"

/* Each (stream, epoch) has its own account. Records may arrive out of
 * order (several workers between ingest and sink); a window of recent
 * sequence numbers tells a late record from a duplicate. At any time
 *     expected = accounted + lost
 * where expected is the last sequence of the stream (from its
 * end-of-stream marker, else the highest seen), accounted counts distinct
 * sequences delivered or removed on purpose, and lost is the rest. */

#define SYM_TRACK_WINDOW 65536 /* sequences remembered behind the highest */

typedef struct {
    char stream[256];      /* origin stream, NUL-terminated */
    uint64_t epoch;        /* publisher run id */
    uint64_t first_seq;    /* sequence the account starts at */
    uint64_t highest;      /* highest sequence seen */
    uint64_t delivered;    /* distinct data or alarm records */
    uint64_t removed;      /* distinct records removed on purpose */
    uint64_t duplicates;   /* sequences seen again */
    uint64_t eos_seq;      /* last sequence the end marker announced */
    bool has_eos;          /* the end-of-stream marker arrived */
    int64_t last_event_ns; /* event time of the newest record */
    bool is_new_epoch;     /* set on the first record of a later epoch */
} sym_track_stream_t;

typedef struct sym_track_t sym_track_t;

/* A tracker. With from_start, sequences before the first one seen count
 * as lost (a sink that must see everything); without, the account starts
 * at the first record seen (a tap that joins late). NULL when out of
 * memory. */
sym_track_t *sym_track_new(bool from_start);

/* Free the tracker and null the caller's pointer. Safe on NULL. */
void sym_track_destroy(sym_track_t **self_p);

/* Account for one record: data and alarms are delivered, removed notices
 * removed, end-of-stream sets eos_seq; stats records are ignored. Sets
 * *account to the stream's account when not NULL. Returns SYM_OK,
 * SYM_EAGAIN for a duplicate (the caller should not store it again), or
 * SYM_ENOMEM. */
int sym_track_record(sym_track_t *self, const sym_rec_t *rec,
                     sym_track_stream_t **account);

/* Put back an account kept by an earlier run (a restarted sink), so its
 * counts continue: stream, epoch, first_seq, highest, delivered, removed,
 * duplicates, eos_seq, has_eos and last_event_ns are copied. The window
 * starts empty; sym_track_mark fills it. Sets *restored when not NULL.
 * Returns SYM_OK, SYM_EINVAL when the account exists already, or
 * SYM_ENOMEM. */
int sym_track_restore(sym_track_t *self, const sym_track_stream_t *account,
                      sym_track_stream_t **restored);

/* Remember seq of an account as seen without counting it, so that it
 * arrives again as a duplicate. Sequences above the highest or behind the
 * window are ignored. Returns SYM_OK, or SYM_ENOTFOUND when the account
 * does not exist. */
int sym_track_mark(sym_track_t *self, const char *stream, uint64_t epoch,
                   uint64_t seq);

/* Records of the account known to be missing. */
uint64_t sym_track_lost(const sym_track_stream_t *account);

/* How many records the account expects, from its first sequence to the
 * last one announced or seen. */
uint64_t sym_track_expected(const sym_track_stream_t *account);

/* Sum of sym_track_lost over every account. */
uint64_t sym_track_lost_total(const sym_track_t *self);

/* Iterate over the accounts, in no particular order: first returns NULL
 * when there is none, next returns NULL after the last. */
sym_track_stream_t *sym_track_first(sym_track_t *self);
sym_track_stream_t *sym_track_next(sym_track_t *self);

/* Number of accounts. */
size_t sym_track_size(const sym_track_t *self);

#endif
