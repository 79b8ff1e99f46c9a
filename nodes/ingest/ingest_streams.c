/* ingest_streams.c: the streams an ingest run has sent on, each with its
 * own sequence counter and last topic.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "ingest_streams.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include <czmq.h>

#include "sym_err.h"

struct ingest_streams_t {
    zhashx_t *by_name;         /* name -> stream; does not own them */
    ingest_stream_t **streams; /* in the order added; owns them */
    size_t count;
    size_t cap;
    ingest_stream_t *last; /* most records come in runs of one */
};

ingest_streams_t *
ingest_streams_new(void)
{
    ingest_streams_t *self = calloc(1, sizeof *self);
    if (self == NULL) {
        return NULL;
    }
    self->by_name = zhashx_new();
    if (self->by_name == NULL) {
        free(self);
        return NULL;
    }
    return self;
}

void
ingest_streams_destroy(ingest_streams_t **self_p)
{
    if (self_p == NULL || *self_p == NULL) {
        return;
    }
    ingest_streams_t *self = *self_p;
    zhashx_destroy(&self->by_name);
    for (size_t i = 0; i < self->count; i++) {
        free(self->streams[i]);
    }
    free(self->streams);
    free(self);
    *self_p = NULL;
}

static ingest_stream_t *
s_add(ingest_streams_t *self, const char *name, size_t len, int *rc)
{
    if (self->count == INGEST_MAX_STREAMS) {
        *rc = SYM_ETOOBIG;
        return NULL;
    }
    *rc = SYM_ENOMEM;
    if (self->count == self->cap) {
        size_t cap = self->cap ? self->cap * 2 : 16;
        ingest_stream_t **grown = realloc(self->streams, cap * sizeof *grown);
        if (grown == NULL) {
            return NULL;
        }
        self->streams = grown;
        self->cap = cap;
    }
    ingest_stream_t *stream = calloc(1, sizeof *stream);
    if (stream == NULL) {
        return NULL;
    }
    memcpy(stream->name, name, len);
    stream->name_len = len;
    if (zhashx_insert(self->by_name, stream->name, stream) != 0) {
        free(stream);
        return NULL;
    }
    self->streams[self->count++] = stream;
    *rc = SYM_OK;
    return stream;
}

ingest_stream_t *
ingest_streams_get(ingest_streams_t *self, const char *name, size_t len,
                   int *rc)
{
    assert(len < INGEST_NAME_MAX);
    *rc = SYM_OK;
    ingest_stream_t *last = self->last;
    if (last && last->name_len == len && memcmp(last->name, name, len) == 0) {
        return last;
    }
    ingest_stream_t *stream = zhashx_lookup(self->by_name, name);
    if (stream == NULL) {
        stream = s_add(self, name, len, rc);
    }
    if (stream) {
        self->last = stream;
    }
    return stream;
}

size_t
ingest_streams_size(const ingest_streams_t *self)
{
    return self->count;
}

size_t
ingest_streams_used(const ingest_streams_t *self)
{
    size_t used = 0;
    for (size_t i = 0; i < self->count; i++) {
        used += self->streams[i]->seq > 0;
    }
    return used;
}

ingest_stream_t *
ingest_streams_at(ingest_streams_t *self, size_t index)
{
    assert(index < self->count);
    return self->streams[index];
}
