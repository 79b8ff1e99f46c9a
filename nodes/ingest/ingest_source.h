/* ingest_source.h: the interface every ingest source implements.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#ifndef INGEST_SOURCE_H
#define INGEST_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sym_opt.h"
#include "sym_rec.h"
#include "sym_stats.h"

/* Turns units of bytes into records (ingest_payload.h). */
typedef struct ingest_payload_t ingest_payload_t;

/* What a source needs to open; each source reads only its own part. */
typedef struct {
    const char *path;            /* file to read; NULL for stdin */
    int64_t start_ns;            /* sim: wall time of the first record;
                                    0: when the first is made */
    uint64_t sim_expeditions;    /* sim: expeditions */
    uint64_t sim_channels;       /* sim: channels per expedition */
    double sim_rate;             /* sim: records per second per stream, 0 max */
    uint64_t sim_count;          /* sim: records in total, 0 for no end */
    uint64_t sim_seed;           /* sim: seed of the values */
    const char *address;         /* udp, tcp: HOST:PORT */
    int framing;                 /* file, tcp: an ingest_framing_t */
    ingest_payload_t *payload;   /* byte sources: bytes to records;
                                    owned by the node */
    int64_t reconnect_max_ms;    /* tcp: longest wait between attempts */
    int zmq_type;                /* zmq: ZMQ_SUB or ZMQ_PULL */
    const char *endpoints;       /* zmq: where the producers are */
    const sym_strlist_t *topics; /* zmq SUB: prefixes, all if empty */
    bool is_envelope;            /* zmq: [topic, payload] messages */
} ingest_source_args_t;

/* What a source says about the record (or bad input) it just gave. */
typedef struct {
    uint64_t line;       /* input line (or record number) it came from */
    const char *reason;  /* SYM_EDECODE: why the input is bad, one word */
    bool has_event_time; /* the source set rec->event_ns itself */
    bool has_offset;     /* offset below is set */
    uint64_t offset;     /* byte offset in the input of the unit */
} ingest_where_t;

/* A source: opened once, then asked for one record at a time. */
typedef struct {
    const char *name;           /* csv, jsonl, sim, file, udp, ... */
    const char *default_stream; /* stream template when none is given */
    bool makes_only_text;       /* its text is always UTF-8 without NUL */
    /* Open with args. Returns SYM_OK and the source's state, or
     * SYM_EINVAL / SYM_ENOMEM / SYM_EIO with the reason in err. */
    int (*open)(const ingest_source_args_t *args, void **state, char *err,
                size_t err_size);
    /* Put the next record's fields into rec; the source resets rec when
     * it starts a record, and keeps a half-read one across SYM_EAGAIN.
     * Returns SYM_OK; SYM_EDECODE for bad input (where->reason says why;
     * the source has moved past it); SYM_EAGAIN when no input is ready
     * yet; SYM_ECLOSED at the end of the input; SYM_EIO on a read
     * failure, SYM_ETOOBIG, SYM_EINVAL (an unusable header) or
     * SYM_ENOMEM when the input cannot be read on (where->reason says
     * why). where->line is set for every
     * return. */
    int (*next)(void *state, sym_rec_t *rec, ingest_where_t *where);
    /* Free the state and null the caller's pointer. Safe on NULL. */
    void (*close)(void **state_p);
} ingest_source_ops_t;

extern const ingest_source_ops_t ingest_csv_ops;
extern const ingest_source_ops_t ingest_jsonl_ops;
extern const ingest_source_ops_t ingest_sim_ops;
extern const ingest_source_ops_t ingest_file_ops; /* framed file/stdin */
extern const ingest_source_ops_t ingest_udp_ops;
extern const ingest_source_ops_t ingest_tcp_ops;
extern const ingest_source_ops_t ingest_zmq_ops;

/* One JSON object (a line without its '\n') into rec. Returns SYM_OK or
 * SYM_EDECODE with where->reason set. */
int ingest_jsonl_parse(const char *line, size_t len, sym_rec_t *rec,
                       ingest_where_t *where);

/* The typed value of one CSV cell: "" is nil, a whole decimal integer an
 * int (uint above INT64_MAX), a decimal or exponent number a float, and
 * anything else text, with val->as.s pointing at text (the caller copies
 * it). Returns val->type. */
sym_val_type_t ingest_csv_value(const char *text, size_t len, sym_val_t *val);

/* One frame of a ZeroMQ message. */
typedef struct {
    const uint8_t *data;
    size_t size;
} ingest_frame_t;

/* One message of a foreign ZeroMQ producer into rec: the payload frame
 * (the second of a [topic, payload] envelope, else the only one)
 * through payload, and an envelope's topic as field "topic". count is
 * the number of frames received; frames holds the first ones, up to
 * two. Returns what ingest_payload_parse returns, or SYM_EDECODE with
 * where->reason wrong-frame-count or too-big. */
int ingest_zmq_parse(ingest_payload_t *payload, bool is_envelope,
                     const ingest_frame_t *frames, int count, sym_rec_t *rec,
                     ingest_where_t *where);

#endif
