/* sym_track.c: per-stream sequence accounting, so every loss is counted.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "sym_track.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <czmq.h>

#include "sym_err.h"

#define SYM_TRACK_WORDS (SYM_TRACK_WINDOW / 64)

typedef struct {
    sym_track_stream_t account;     /* what callers see; must be first */
    uint64_t bits[SYM_TRACK_WORDS]; /* sequences seen near the highest */
} s_entry_t;

struct sym_track_t {
    bool from_start;    /* count sequences before the first seen as lost */
    zhashx_t *accounts; /* "stream/epoch" -> s_entry_t */
    zhashx_t *latest;   /* stream -> latest epoch seen, as text */
    s_entry_t *last;    /* entry of the previous record; never freed
                           before the tracker */
};

static void
s_entry_free(void **item)
{
    free(*item);
    *item = NULL;
}

sym_track_t *
sym_track_new(bool from_start)
{
    sym_track_t *self = calloc(1, sizeof *self);
    if (self == NULL) {
        return NULL;
    }
    self->from_start = from_start;
    self->accounts = zhashx_new();
    self->latest = zhashx_new();
    if (self->accounts == NULL || self->latest == NULL) {
        sym_track_destroy(&self);
        return NULL;
    }
    zhashx_set_destructor(self->accounts, s_entry_free);
    zhashx_set_duplicator(self->latest, (zhashx_duplicator_fn *) strdup);
    zhashx_set_destructor(self->latest, (zhashx_destructor_fn *) zstr_free);
    return self;
}

void
sym_track_destroy(sym_track_t **self_p)
{
    if (self_p == NULL || *self_p == NULL) {
        return;
    }
    sym_track_t *self = *self_p;
    zhashx_destroy(&self->accounts);
    zhashx_destroy(&self->latest);
    free(self);
    *self_p = NULL;
}

static bool
s_bit(const s_entry_t *entry, uint64_t seq)
{
    uint64_t slot = seq % SYM_TRACK_WINDOW;
    return (entry->bits[slot / 64] >> (slot % 64)) & 1u;
}

static void
s_set_bit(s_entry_t *entry, uint64_t seq)
{
    uint64_t slot = seq % SYM_TRACK_WINDOW;
    entry->bits[slot / 64] |= (uint64_t) 1 << (slot % 64);
}

static void
s_clear_bit(s_entry_t *entry, uint64_t seq)
{
    uint64_t slot = seq % SYM_TRACK_WINDOW;
    entry->bits[slot / 64] &= ~((uint64_t) 1 << (slot % 64));
}

/* Mark seq as accounted. Returns false for a duplicate. */
static bool
s_mark(s_entry_t *entry, uint64_t seq)
{
    sym_track_stream_t *account = &entry->account;
    if (seq > account->highest) {
        uint64_t gap = seq - account->highest - 1;
        if (gap >= SYM_TRACK_WINDOW) {
            memset(entry->bits, 0, sizeof entry->bits);
        } else {
            for (uint64_t s = account->highest + 1; s < seq; s++) {
                s_clear_bit(entry, s);
            }
        }
        s_set_bit(entry, seq);
        account->highest = seq;
        return true;
    }
    if (seq < account->first_seq) {
        account->first_seq = seq; /* a late record from before we joined */
    }
    if (account->highest - seq >= SYM_TRACK_WINDOW) {
        return true; /* too old to tell; count it as accounted */
    }
    if (s_bit(entry, seq)) {
        return false;
    }
    s_set_bit(entry, seq);
    return true;
}

/* Records of one stream come in runs (a batch is one topic), so the
 * previous entry is tried before the text key is built and hashed. */
static bool
s_is_last(const sym_track_t *self, const sym_rec_t *rec, size_t len)
{
    const s_entry_t *last = self->last;
    return last && last->account.epoch == rec->epoch &&
           last->account.stream[len] == '\0' &&
           memcmp(last->account.stream, rec->stream.ptr, len) == 0;
}

static s_entry_t *
s_lookup(sym_track_t *self, const sym_rec_t *rec)
{
    char stream[256];
    size_t len = rec->stream.len < 255 ? rec->stream.len : 255;
    if (s_is_last(self, rec, len)) {
        return self->last;
    }
    memcpy(stream, rec->stream.ptr, len);
    stream[len] = '\0';
    char key[300];
    snprintf(key, sizeof key, "%s/%" PRIu64, stream, rec->epoch);
    s_entry_t *entry = zhashx_lookup(self->accounts, key);
    if (entry) {
        self->last = entry;
        return entry;
    }

    entry = calloc(1, sizeof *entry);
    if (entry == NULL) {
        return NULL;
    }
    memcpy(entry->account.stream, stream, len + 1);
    entry->account.epoch = rec->epoch;
    /* A tap's account starts at the first record it sees, or after it
     * when that is the end marker. Sequences start at 1, so a record
     * with 0 cannot start one (first_seq - 1 would wrap). */
    uint64_t first = rec->kind == SYM_KIND_EOS ? rec->seq + 1 : rec->seq;
    entry->account.first_seq = self->from_start || first == 0 ? 1 : first;
    entry->account.highest = entry->account.first_seq - 1;

    char epoch_text[24];
    snprintf(epoch_text, sizeof epoch_text, "%" PRIu64, rec->epoch);
    const char *latest = zhashx_lookup(self->latest, stream);
    entry->account.is_new_epoch = latest && strcmp(latest, epoch_text) != 0;
    zhashx_update(self->latest, stream, epoch_text);
    zhashx_insert(self->accounts, key, entry);
    self->last = entry;
    return entry;
}

int
sym_track_record(sym_track_t *self, const sym_rec_t *rec,
                 sym_track_stream_t **account)
{
    assert(self);
    assert(rec);

    if (rec->kind == SYM_KIND_STATS || rec->stream.len == 0) {
        return SYM_OK;
    }
    s_entry_t *entry = s_lookup(self, rec);
    if (entry == NULL) {
        return SYM_ENOMEM;
    }
    if (account) {
        *account = &entry->account;
    }
    sym_track_stream_t *acc = &entry->account;
    if (rec->kind == SYM_KIND_EOS) {
        acc->has_eos = true;
        acc->eos_seq = rec->seq;
        return SYM_OK;
    }
    if (rec->seq == 0) {
        return SYM_OK;
    }
    if (!s_mark(entry, rec->seq)) {
        acc->duplicates++;
        return SYM_EAGAIN;
    }
    if (rec->kind == SYM_KIND_REMOVED) {
        acc->removed++;
    } else {
        acc->delivered++;
        if (rec->event_ns > acc->last_event_ns) {
            acc->last_event_ns = rec->event_ns;
        }
    }
    return SYM_OK;
}

/* Make epoch the stream's latest unless a later one is known. */
static void
s_note_epoch(sym_track_t *self, const char *stream, uint64_t epoch)
{
    const char *latest = zhashx_lookup(self->latest, stream);
    if (latest && strtoull(latest, NULL, 10) >= epoch) {
        return;
    }
    char epoch_text[24];
    snprintf(epoch_text, sizeof epoch_text, "%" PRIu64, epoch);
    zhashx_update(self->latest, stream, epoch_text);
}

int
sym_track_restore(sym_track_t *self, const sym_track_stream_t *account,
                  sym_track_stream_t **restored)
{
    assert(self);
    assert(account);

    char key[300];
    snprintf(key, sizeof key, "%.255s/%" PRIu64, account->stream,
             account->epoch);
    if (zhashx_lookup(self->accounts, key)) {
        return SYM_EINVAL;
    }
    s_entry_t *entry = calloc(1, sizeof *entry);
    if (entry == NULL) {
        return SYM_ENOMEM;
    }
    entry->account = *account;
    entry->account.stream[sizeof entry->account.stream - 1] = '\0';
    entry->account.first_seq = account->first_seq ? account->first_seq : 1;
    if (entry->account.highest < entry->account.first_seq - 1) {
        entry->account.highest = entry->account.first_seq - 1;
    }
    entry->account.is_new_epoch = false;
    if (zhashx_insert(self->accounts, key, entry) != 0) {
        free(entry);
        return SYM_ENOMEM;
    }
    s_note_epoch(self, entry->account.stream, entry->account.epoch);
    if (restored) {
        *restored = &entry->account;
    }
    return SYM_OK;
}

int
sym_track_mark(sym_track_t *self, const char *stream, uint64_t epoch,
               uint64_t seq)
{
    assert(self);
    assert(stream);

    char key[300];
    snprintf(key, sizeof key, "%.255s/%" PRIu64, stream, epoch);
    s_entry_t *entry = zhashx_lookup(self->accounts, key);
    if (entry == NULL) {
        return SYM_ENOTFOUND;
    }
    uint64_t highest = entry->account.highest;
    if (seq == 0 || seq > highest || highest - seq >= SYM_TRACK_WINDOW) {
        return SYM_OK;
    }
    s_set_bit(entry, seq);
    return SYM_OK;
}

uint64_t
sym_track_expected(const sym_track_stream_t *account)
{
    uint64_t last = account->highest;
    if (account->has_eos && account->eos_seq > last) {
        last = account->eos_seq;
    }
    return last >= account->first_seq ? last - account->first_seq + 1 : 0;
}

uint64_t
sym_track_lost(const sym_track_stream_t *account)
{
    uint64_t expected = sym_track_expected(account);
    uint64_t accounted = account->delivered + account->removed;
    return expected > accounted ? expected - accounted : 0;
}

uint64_t
sym_track_lost_total(const sym_track_t *self)
{
    uint64_t total = 0;
    zhashx_t *accounts = self->accounts;
    for (s_entry_t *e = zhashx_first(accounts); e; e = zhashx_next(accounts)) {
        total += sym_track_lost(&e->account);
    }
    return total;
}

sym_track_stream_t *
sym_track_first(sym_track_t *self)
{
    s_entry_t *entry = zhashx_first(self->accounts);
    return entry ? &entry->account : NULL;
}

sym_track_stream_t *
sym_track_next(sym_track_t *self)
{
    s_entry_t *entry = zhashx_next(self->accounts);
    return entry ? &entry->account : NULL;
}

size_t
sym_track_size(const sym_track_t *self)
{
    return zhashx_size(self->accounts);
}
