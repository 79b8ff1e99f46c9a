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
#include "ingest_payload.h"
#include "ingest_source.h"
#include "ingest_streams.h"
#include "sym_log.h"
#include "sym_out.h"
#include "sym_part.h"
#include "sym_statpub.h"
#include "sym_template.h"
#include "sym_service.h"

/* A PUB and a PUSH, or a PUB and one PUSH per partition. */
#define INGEST_OUTPUTS (1 + SYM_PART_MAX)

struct ingest_t {
    const ingest_cfg_t *cfg;        /* options, owned by the caller */
    const ingest_source_ops_t *ops; /* csv, jsonl or sim */
    void *source;                   /* the source's state */
    ingest_payload_t *payload;      /* bytes to records, byte sources */
    const char *input;              /* path, "stdin" or "sim", for logs */
    const char *stream_text;        /* stream template in effect */
    sym_template_t *stream_tpl;
    sym_template_t *topic_tpl;
    bool is_topic_per_stream; /* topic depends on the stream only */
    ingest_match_t *match;    /* --match filters */
    double speed;             /* 0: as fast as possible */
    ingest_pace_t pace;
    sym_out_t *outs[INGEST_OUTPUTS]; /* PUB and/or PUSH */
    size_t out_count;
    size_t part_first;             /* first PUSH partition in outs */
    size_t part_count;             /* partitions; 0: every output gets all */
    sym_stats_t stats;             /* read, sent, drop_* ... */
    sym_stats_t pub_stats;         /* the PUB's, when a PUSH is there too */
    sym_statpub_t *statpub;        /* stats records, or NULL */
    sym_service_t *service;        /* systemd, metrics and health */
    ingest_streams_t *streams;     /* seq and last topic per stream */
    sym_rec_t *rec;                /* the one record, reused */
    uint64_t epoch;                /* run id stamped on records */
    int64_t wall_minus_mono_ns;    /* turns monotonic into wall time */
    uint64_t accepted;             /* records handed to the outputs */
    uint64_t skipped;              /* records the filters skipped */
    uint64_t eos_sent;             /* end-of-stream records sent */
    sym_log_limit_t bad_limit;     /* bad input warnings */
    sym_log_limit_t blocked_limit; /* sends waiting for room */
    bool has_warned_time;          /* told once: no usable event time */
    bool has_logged_cap;           /* told once: a wait was capped */
    int64_t last_flush_ns;         /* monotonic time of the last flush */
    sym_auth_t auth;               /* keys and allow-lists loaded */
    char stream_buf[INGEST_NAME_MAX];
    char topic_buf[INGEST_NAME_MAX];
};

/* Send what the outputs hold. Returns SYM_OK or the first failure. */
int ingest_flush(ingest_t *self);

/* The outputs' wait callback (sym_out_wait_fn): a send under --on-full
 * block waits for room, the stats and the watchdog go on, and the log
 * says which output is stuck. */
void ingest_on_wait(void *arg, sym_out_t *out, int64_t waited_ms);

#endif
