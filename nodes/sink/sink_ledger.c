/* sink_ledger.c: the sink's accounts of every origin stream.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "sink_ledger.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <czmq.h>

#include "sym_err.h"
#include "sym_time.h"
#include "sym_track.h"

#define S_REASON_MAX 64

/* Records of one account removed for one reason. */
typedef struct s_reason_t {
    struct s_reason_t *next;
    uint64_t count;          /* total so far */
    bool is_changed;         /* to be written with the next batch */
    char text[S_REASON_MAX]; /* "filter", "dedupe", ... */
} s_reason_t;

/* What the sink adds to one sym_track account. */
typedef struct s_side_t {
    struct s_side_t *next;     /* every account, newest first */
    sym_track_stream_t *track; /* owned by the tracker */
    uint64_t pending;          /* records of it in the open batch */
    uint64_t write_dropped;    /* records of it in failed batches */
    uint64_t gaps_seen;        /* sym_track_lost at its last record */
    bool is_changed;           /* to be written with the next batch */
    s_reason_t *reasons;       /* removals by reason */
} s_side_t;

struct sink_ledger_t {
    sym_track_t *track; /* sequence accounting */
    zhashx_t *by_key;   /* "stream/epoch" -> s_side_t, not owned */
    s_side_t *sides;    /* every side; owns them */
    s_side_t *current;  /* side of the record last accounted */
    int64_t gap_change; /* what that record did to its account's gaps */
    bool has_changes;   /* some side changed since the last commit */
};

sink_ledger_t *
sink_ledger_new(void)
{
    sink_ledger_t *self = calloc(1, sizeof *self);
    if (self == NULL) {
        return NULL;
    }
    self->track = sym_track_new(true);
    self->by_key = zhashx_new();
    if (self->track == NULL || self->by_key == NULL) {
        sink_ledger_destroy(&self);
    }
    return self;
}

void
sink_ledger_destroy(sink_ledger_t **self_p)
{
    if (self_p == NULL || *self_p == NULL) {
        return;
    }
    sink_ledger_t *self = *self_p;
    while (self->sides) {
        s_side_t *side = self->sides;
        self->sides = side->next;
        while (side->reasons) {
            s_reason_t *reason = side->reasons;
            side->reasons = reason->next;
            free(reason);
        }
        free(side);
    }
    zhashx_destroy(&self->by_key);
    sym_track_destroy(&self->track);
    free(self);
    *self_p = NULL;
}

/* The side of a tracker account, created on first use. Records of one
 * stream tend to come in runs, so the last side is tried first. */
static s_side_t *
s_side_of(sink_ledger_t *self, sym_track_stream_t *track)
{
    if (self->current && self->current->track == track) {
        return self->current;
    }
    char key[300];
    snprintf(key, sizeof key, "%s/%" PRIu64, track->stream, track->epoch);
    s_side_t *side = zhashx_lookup(self->by_key, key);
    if (side) {
        return side;
    }
    side = calloc(1, sizeof *side);
    if (side == NULL) {
        return NULL;
    }
    side->track = track;
    if (zhashx_insert(self->by_key, key, side) != 0) {
        free(side);
        return NULL;
    }
    side->next = self->sides;
    self->sides = side;
    return side;
}

/* The count of one reason, created at 0 on first use, or NULL. */
static s_reason_t *
s_reason_of(s_side_t *side, const char *text)
{
    s_reason_t *reason = side->reasons;
    while (reason && strcmp(reason->text, text) != 0) {
        reason = reason->next;
    }
    if (reason == NULL) {
        reason = calloc(1, sizeof *reason);
        if (reason == NULL) {
            return NULL;
        }
        snprintf(reason->text, sizeof reason->text, "%s", text);
        reason->next = side->reasons;
        side->reasons = reason;
    }
    return reason;
}

static int
s_count_reason(s_side_t *side, const sym_rec_t *rec)
{
    const sym_val_t *val = sym_rec_get_const(rec, "reason", 6);
    char text[S_REASON_MAX] = "unknown";
    if (val && val->type == SYM_VAL_STR && val->as.s.len > 0) {
        snprintf(text, sizeof text, "%.*s", (int) val->as.s.len, val->as.s.ptr);
    }
    s_reason_t *reason = s_reason_of(side, text);
    if (reason == NULL) {
        return SYM_ENOMEM;
    }
    reason->count++;
    reason->is_changed = true;
    return SYM_OK;
}

int
sink_ledger_record(sink_ledger_t *self, const sym_rec_t *rec)
{
    assert(self);
    assert(rec);

    sym_track_stream_t *track = NULL;
    int rc = sym_track_record(self->track, rec, &track);
    self->gap_change = 0;
    if (track == NULL) {
        self->current = NULL;
        return rc;
    }
    s_side_t *side = s_side_of(self, track);
    self->current = side;
    if (side == NULL) {
        return SYM_ENOMEM;
    }
    uint64_t gaps = sym_track_lost(track);
    self->gap_change = (int64_t) gaps - (int64_t) side->gaps_seen;
    side->gaps_seen = gaps;
    side->is_changed = true;
    self->has_changes = true;
    if (rc == SYM_OK && rec->kind == SYM_KIND_REMOVED) {
        rc = s_count_reason(side, rec);
    }
    return rc;
}

/* What sink_ledger_load carries through the output's callbacks. */
typedef struct {
    sink_ledger_t *ledger;
    uint64_t accounts; /* accounts continued */
    uint64_t eos;      /* of which the end marker arrived */
} s_load_t;

/* A stored account becomes a tracker account again. Stored rows say
 * last_seq, the higher of the highest sequence and the end marker's, so
 * that is the highest: sequences up to it are either in the window or
 * new. */
static int
s_load_account(void *arg, const sink_account_t *row)
{
    s_load_t *load = arg;
    sym_track_stream_t kept = {
        .epoch = row->epoch,
        .first_seq = row->first_seq,
        .highest = row->last_seq,
        .delivered = row->delivered,
        .removed = row->removed,
        .duplicates = row->duplicates,
        .eos_seq = row->has_eos ? row->last_seq : 0,
        .has_eos = row->has_eos,
    };
    snprintf(kept.stream, sizeof kept.stream, "%s", row->stream);
    sym_track_stream_t *track = NULL;
    int rc = sym_track_restore(load->ledger->track, &kept, &track);
    if (rc != SYM_OK) {
        return rc;
    }
    load->accounts++;
    load->eos += row->has_eos;
    s_side_t *side = s_side_of(load->ledger, track);
    if (side == NULL) {
        return SYM_ENOMEM;
    }
    /* Gaps of the earlier run are not news to this one. */
    side->gaps_seen = sym_track_lost(track);
    return SYM_OK;
}

static int
s_load_removal(void *arg, const sink_removal_t *row)
{
    s_load_t *load = arg;
    char key[300];
    snprintf(key, sizeof key, "%.255s/%" PRIu64, row->stream, row->epoch);
    s_side_t *side = zhashx_lookup(load->ledger->by_key, key);
    if (side == NULL) {
        return SYM_OK; /* removals of an account not kept: nothing to add */
    }
    s_reason_t *reason = s_reason_of(side, row->reason);
    if (reason == NULL) {
        return SYM_ENOMEM;
    }
    reason->count = row->count;
    return SYM_OK;
}

static int
s_load_seen(void *arg, const char *stream, uint64_t epoch, uint64_t seq)
{
    s_load_t *load = arg;
    int rc = sym_track_mark(load->ledger->track, stream, epoch, seq);
    return rc == SYM_ENOTFOUND ? SYM_OK : rc;
}

int
sink_ledger_load(sink_ledger_t *self, sink_output_t *out, uint64_t *accounts,
                 uint64_t *eos)
{
    assert(self);
    assert(out);
    assert(accounts);
    assert(eos);

    s_load_t load = {.ledger = self};
    const sink_load_t ops = {
        .window = SYM_TRACK_WINDOW,
        .account = s_load_account,
        .removal = s_load_removal,
        .seen = s_load_seen,
        .arg = &load,
    };
    int rc = sink_output_load(out, &ops);
    *accounts = load.accounts;
    *eos = load.eos;
    return rc;
}

int64_t
sink_ledger_gap_change(const sink_ledger_t *self)
{
    return self->gap_change;
}

void
sink_ledger_add_pending(sink_ledger_t *self)
{
    if (self->current) {
        self->current->pending++;
    }
}

bool
sink_ledger_has_changes(const sink_ledger_t *self)
{
    return self->has_changes;
}

/* The account as stored: records of failed batches count as lost. */
static void
s_fill_row(const s_side_t *side, int64_t now_ns, sink_account_t *row)
{
    const sym_track_stream_t *track = side->track;
    uint64_t delivered = track->delivered > side->write_dropped
                             ? track->delivered - side->write_dropped
                             : 0;
    uint64_t expected = sym_track_expected(track);
    uint64_t accounted = delivered + track->removed;
    uint64_t last_seq = track->highest;
    if (track->has_eos && track->eos_seq > last_seq) {
        last_seq = track->eos_seq;
    }
    *row = (sink_account_t){
        .stream = track->stream,
        .epoch = track->epoch,
        .first_seq = track->first_seq,
        .expected = expected,
        .delivered = delivered,
        .removed = track->removed,
        .lost = expected > accounted ? expected - accounted : 0,
        .duplicates = track->duplicates,
        .has_eos = track->has_eos,
        .last_seq = last_seq,
        .updated_ns = now_ns,
    };
}

static int
s_export_reasons(const s_side_t *side, sink_output_t *out)
{
    for (s_reason_t *r = side->reasons; r; r = r->next) {
        if (!r->is_changed) {
            continue;
        }
        sink_removal_t removal = {.stream = side->track->stream,
                                  .epoch = side->track->epoch,
                                  .reason = r->text,
                                  .count = r->count};
        int rc = sink_output_removal(out, &removal);
        if (rc != SYM_OK) {
            return rc;
        }
    }
    return SYM_OK;
}

int
sink_ledger_export(sink_ledger_t *self, sink_output_t *out)
{
    assert(self);
    assert(out);

    if (!self->has_changes || !sink_output_keeps_accounts(out)) {
        return SYM_OK;
    }
    int64_t now_ns = sym_time_now_ns();
    for (s_side_t *side = self->sides; side; side = side->next) {
        if (!side->is_changed) {
            continue;
        }
        sink_account_t row;
        s_fill_row(side, now_ns, &row);
        int rc = sink_output_account(out, &row);
        if (rc == SYM_OK) {
            rc = s_export_reasons(side, out);
        }
        if (rc != SYM_OK) {
            return rc;
        }
    }
    return SYM_OK;
}

void
sink_ledger_committed(sink_ledger_t *self)
{
    for (s_side_t *side = self->sides; side; side = side->next) {
        side->pending = 0;
        side->is_changed = false;
        for (s_reason_t *r = side->reasons; r; r = r->next) {
            r->is_changed = false;
        }
    }
    self->has_changes = false;
}

uint64_t
sink_ledger_failed(sink_ledger_t *self)
{
    uint64_t dropped = 0;
    for (s_side_t *side = self->sides; side; side = side->next) {
        if (side->pending > 0) {
            side->write_dropped += side->pending;
            dropped += side->pending;
            side->pending = 0;
            side->is_changed = true;
            self->has_changes = true;
        }
    }
    return dropped;
}

bool
sink_ledger_eos_complete(const sink_ledger_t *self)
{
    for (const s_side_t *side = self->sides; side; side = side->next) {
        if (side->track->has_eos && sym_track_lost(side->track) > 0) {
            return false;
        }
    }
    return true;
}

uint64_t
sink_ledger_lost(const sink_ledger_t *self)
{
    return sym_track_lost_total(self->track);
}
