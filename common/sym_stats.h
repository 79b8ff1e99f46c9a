/* sym_stats.h: a node's counters, by name.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#ifndef SYM_STATS_H
#define SYM_STATS_H

#include <stdint.h>

#include "sym_rec.h"

/* Every counter a node keeps. Drops carry their reason in the name, so a
 * stats record or a stop line says why each record went missing. */
typedef enum {
    SYM_CTR_READ = 0,       /* records read from a source (ingest) */
    SYM_CTR_RECEIVED,       /* records received from upstream */
    SYM_CTR_SENT,           /* records handed to an output socket */
    SYM_CTR_MESSAGES_IN,    /* ZeroMQ messages received */
    SYM_CTR_MESSAGES_OUT,   /* ZeroMQ messages sent */
    SYM_CTR_STORED,         /* records written by a sink */
    SYM_CTR_REMOVED,        /* records removed on purpose (filter, ...) */
    SYM_CTR_ALARMS,         /* alarm records raised */
    SYM_CTR_DROP_FULL,      /* dropped: every peer at its HWM */
    SYM_CTR_DROP_NO_PEER,   /* dropped: no peer connected */
    SYM_CTR_DROP_DECODE,    /* dropped: malformed record */
    SYM_CTR_DROP_FRAMES,    /* dropped: wrong number of frames */
    SYM_CTR_DROP_TOO_BIG,   /* dropped: over a size limit */
    SYM_CTR_DROP_BAD_INPUT, /* dropped: a source line or packet */
    SYM_CTR_DROP_WRITE,     /* dropped: a sink could not write */
    SYM_CTR_GAPS,           /* records missing by sequence (lost) */
    SYM_CTR_DUPLICATES,     /* records seen twice by sequence */
    SYM_CTR_EOS,            /* end-of-stream markers seen */
    SYM_CTR_COUNT
} sym_ctr_t;

typedef struct {
    uint64_t values[SYM_CTR_COUNT];
} sym_stats_t;

/* The counter's name in logs and stats records, e.g. "drop_full". */
const char *sym_ctr_name(sym_ctr_t ctr);

/* Add the non-zero counters as integer fields of rec. Returns SYM_OK or
 * SYM_ETOOBIG. */
int sym_stats_to_rec(const sym_stats_t *stats, sym_rec_t *rec);

/* Sum of every drop_* counter. */
uint64_t sym_stats_dropped(const sym_stats_t *stats);

#endif
