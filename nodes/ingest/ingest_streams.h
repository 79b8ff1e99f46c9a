/* ingest_streams.h: the streams an ingest run has sent on, each with its
 * own sequence counter and last topic.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#ifndef INGEST_STREAMS_H
#define INGEST_STREAMS_H

#include <stddef.h>
#include <stdint.h>

#include "sym_template.h"

/* Bytes of a stream or topic name, with its NUL. */
#define INGEST_NAME_MAX SYM_TEMPLATE_MAX

#define INGEST_MAX_STREAMS 100000 /* a template that makes more is wrong */

typedef struct {
    char name[INGEST_NAME_MAX]; /* the stream, NUL-terminated */
    size_t name_len;
    uint64_t seq;                /* last sequence sent, 0 before any */
    int64_t last_event_ns;       /* event time of the last record sent */
    char topic[INGEST_NAME_MAX]; /* topic of the last record sent */
    size_t topic_len;            /* 0 until a topic is known */
} ingest_stream_t;

typedef struct ingest_streams_t ingest_streams_t;

/* An empty table, or NULL when out of memory. */
ingest_streams_t *ingest_streams_new(void);

/* Free the table and its streams, and null the caller's pointer. Safe on
 * NULL. */
void ingest_streams_destroy(ingest_streams_t **self_p);

/* The stream named name (len bytes, NUL-terminated), added with seq 0
 * when new. Returns NULL with *rc set to SYM_ETOOBIG at
 * INGEST_MAX_STREAMS, or SYM_ENOMEM. */
ingest_stream_t *ingest_streams_get(ingest_streams_t *self, const char *name,
                                    size_t len, int *rc);

/* Number of streams that have sent at least one record. */
size_t ingest_streams_used(const ingest_streams_t *self);

/* Number of streams, and the stream at index (in the order they were
 * added). */
size_t ingest_streams_size(const ingest_streams_t *self);
ingest_stream_t *ingest_streams_at(ingest_streams_t *self, size_t index);

#endif
