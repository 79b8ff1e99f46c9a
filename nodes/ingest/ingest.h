/* ingest.h: the ingest node: reads telemetry and publishes records.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#ifndef INGEST_H
#define INGEST_H

#include <stddef.h>
#include <stdint.h>

#include "sym_auth.h"
#include "sym_opt.h"
#include "sym_stats.h"

/* The node's configuration, filled by sym_opt_parse from ingest_opt_table.
 * Text options are owned by the struct; free them with sym_opt_free. */
typedef struct {
    sym_opt_common_t common;    /* --name, --log-level, --config, ... */
    char *source;               /* file:PATH, stdin, udp://, tcp:// or sim */
    char *format;               /* csv, jsonl, ccsds, raw, text or auto */
    char *framing;              /* tcp, file: lines or length32 */
    char *csv_header;           /* CSV column names instead of a header row */
    sym_strlist_t ccsds_dict;   /* APID=FILE packet dictionaries */
    sym_strlist_t ccsds_stride; /* APID=N sequence count steps */
    int64_t reconnect_max_ms;   /* tcp: longest wait between attempts */
    char *from_sub;             /* SUB endpoints of foreign producers */
    char *from_pull;            /* PULL endpoints of foreign producers */
    sym_strlist_t from_topic;   /* SUB prefixes; all when none */
    char *from_format;          /* text, json, raw or envelope */
    char *from_payload;         /* envelope payload: text, json or raw */
    char *stream;               /* stream template; NULL: the source's own */
    char *topic;                /* topic template; {stream} is the stream */
    char *time_field;           /* field holding the event time, or NULL */
    sym_strlist_t match;        /* FIELD=VALUE filters, all must hold */
    char *speed;                /* 1, N (times faster) or max */
    int64_t max_wait_ms;        /* longest single pacing wait */
    int64_t sim_expeditions;    /* simulated expeditions */
    int64_t sim_channels;       /* channels per expedition */
    double sim_rate;            /* records per second per stream, 0: max */
    int64_t sim_count;          /* records in total, 0: until stopped */
    int64_t sim_seed;           /* seed of the simulated values */
    char *pub;                  /* PUB endpoints, or NULL */
    char *push;                 /* PUSH endpoints, or NULL */
    char *on_full;              /* PUSH overflow policy */
    int64_t partitions;         /* PUSH sockets, one per endpoint; 1: one */
    int64_t sndhwm;             /* send high-water mark, messages */
    int64_t batch_bytes;        /* a batch is sent once this big */
    int64_t linger_ms;          /* how long closing may keep delivering */
    int64_t epoch;              /* run id; 0: the start time in ns */
    sym_auth_opts_t auth;       /* CURVE and allow-lists */
} ingest_cfg_t;

/* Every option of the node, ending with a row whose name is NULL. */
extern const sym_opt_t ingest_opt_table[];

/* One line for --help. */
extern const char ingest_summary[];

typedef struct ingest_t ingest_t;

/* Check the configuration, open the source and the outputs. The
 * configuration must outlive the node. Returns the node, or NULL with
 * *rc set to SYM_EINVAL (a bad option: err names it), SYM_EIO (a socket
 * could not be set up) or SYM_ENOMEM. */
ingest_t *ingest_new(const ingest_cfg_t *cfg, int *rc, char *err,
                     size_t err_size);

/* Close the source and the outputs (linger bounded) and null the
 * caller's pointer. Safe on NULL. */
void ingest_destroy(ingest_t **self_p);

/* Read and send until the source ends (then send one end-of-stream
 * record per stream and flush) or a stop is asked for (sym_sig). Returns
 * SYM_OK for either, or the code of a runtime failure (logged). */
int ingest_run(ingest_t *self);

/* The node's counters. */
const sym_stats_t *ingest_stats(const ingest_t *self);

/* Records that passed the --match filters and were handed to the
 * outputs, and records that the filters skipped. */
uint64_t ingest_accepted(const ingest_t *self);
uint64_t ingest_skipped(const ingest_t *self);

/* Number of distinct streams seen. */
size_t ingest_stream_count(const ingest_t *self);

/* The run id stamped on every record. */
uint64_t ingest_epoch(const ingest_t *self);

#endif
