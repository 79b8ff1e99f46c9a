/* ingest_node.h: the ingest object, shared by its setup (ingest.c) and
 * its run loop (ingest_run.c). Not for use outside the node.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#ifndef INGEST_NODE_H
#define INGEST_NODE_H

#include <stdbool.h>
#include <stdint.h>

#include "ingest.h"
#include "ingest_match.h"
#include "ingest_pace.h"
#include "ingest_source.h"
#include "ingest_streams.h"
#include "ingest_template.h"
#include "sym_log.h"
#include "sym_out.h"

#define INGEST_OUTPUTS 2 /* a PUB and a PUSH at most */

struct ingest_t {
    const ingest_cfg_t *cfg;        /* options, owned by the caller */
    const ingest_source_ops_t *ops; /* csv, jsonl or sim */
    void *source;                   /* the source's state */
    const char *input;              /* path, "stdin" or "sim", for logs */
    const char *stream_text;        /* stream template in effect */
    ingest_template_t *stream_tpl;
    ingest_template_t *topic_tpl;
    bool is_topic_per_stream; /* topic depends on the stream only */
    ingest_match_t *match;    /* --match filters */
    double speed;             /* 0: as fast as possible */
    ingest_pace_t pace;
    sym_out_t *outs[INGEST_OUTPUTS]; /* PUB and/or PUSH */
    size_t out_count;
    sym_stats_t stats;          /* read, sent, drop_* ... */
    ingest_streams_t *streams;  /* seq and last topic per stream */
    sym_rec_t *rec;             /* the one record, reused */
    uint64_t epoch;             /* run id stamped on records */
    int64_t wall_minus_mono_ns; /* turns monotonic into wall time */
    uint64_t accepted;          /* records handed to the outputs */
    uint64_t skipped;           /* records the filters skipped */
    uint64_t eos_sent;          /* end-of-stream records sent */
    sym_log_limit_t bad_limit;  /* bad input warnings */
    bool has_warned_time;       /* told once: no usable event time */
    bool has_logged_cap;        /* told once: a wait was capped */
    int64_t last_flush_ns;      /* monotonic time of the last flush */
    sym_auth_t auth;            /* keys and allow-lists loaded */
    char stream_buf[INGEST_NAME_MAX];
    char topic_buf[INGEST_NAME_MAX];
};

/* Send what the outputs hold. Returns SYM_OK or the first failure. */
int ingest_flush(ingest_t *self);

#endif
