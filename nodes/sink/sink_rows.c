/* sink_rows.c: rows of an open batch handed to a writer thread in chunks.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "sink_rows.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "sym_err.h"

/* A chunk goes to the writer once it holds this many rows or this much
 * text: one lock and wake-up per few hundred rows, and a few chunks in
 * flight keep both threads busy within about a megabyte. */
#define S_CHUNK_ROWS 256
#define S_CHUNK_TEXT (64 * 1024)
#define S_CHUNKS 4

/* A row as queued: its strings are offsets into the chunk's text, which
 * may move while the chunk fills. */
typedef struct {
    sink_row_t row;
    size_t at[SINK_ROW_TEXTS];
} s_queued_t;

typedef struct {
    s_queued_t *rows;
    size_t count;
    size_t cap;
    char *text;
    size_t text_len;
    size_t text_cap;
} s_chunk_t;

/* The chunks form a ring: the writer runs chunks[head] and the queued
 * ones after it; the main thread fills the one after those. A chunk
 * belongs to one thread at a time, handed over under the lock. */
struct sink_rows_t {
    sink_row_fn run;
    void *arg;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t changed; /* a chunk was queued or run, or stop */
    s_chunk_t chunks[S_CHUNKS];
    size_t head;    /* the oldest queued chunk */
    size_t queued;  /* chunks handed to the writer, not yet run */
    size_t filling; /* the chunk the main thread fills: head + queued */
    int failed;     /* first failure since the last sync, or SYM_OK */
    bool stopping;
};

static void
s_run_chunk(sink_rows_t *self, s_chunk_t *chunk, bool skip)
{
    for (size_t i = 0; i < chunk->count && !skip; i++) {
        sink_row_t row = chunk->rows[i].row;
        for (int t = 0; t < SINK_ROW_TEXTS; t++) {
            if (row.texts[t] != NULL) {
                row.texts[t] = chunk->text + chunk->rows[i].at[t];
            }
        }
        int rc = self->run(self->arg, &row);
        if (rc != SYM_OK) {
            pthread_mutex_lock(&self->lock);
            self->failed = rc;
            pthread_mutex_unlock(&self->lock);
            skip = true;
        }
    }
    chunk->count = 0;
    chunk->text_len = 0;
}

static void *
s_writer(void *arg)
{
    sink_rows_t *self = arg;
    pthread_mutex_lock(&self->lock);
    while (true) {
        while (self->queued == 0 && !self->stopping) {
            pthread_cond_wait(&self->changed, &self->lock);
        }
        if (self->queued == 0) {
            break;
        }
        s_chunk_t *chunk = &self->chunks[self->head];
        bool skip = self->failed != SYM_OK;
        pthread_mutex_unlock(&self->lock);

        s_run_chunk(self, chunk, skip);

        pthread_mutex_lock(&self->lock);
        self->head = (self->head + 1) % S_CHUNKS;
        self->queued--;
        pthread_cond_broadcast(&self->changed);
    }
    pthread_mutex_unlock(&self->lock);
    return NULL;
}

sink_rows_t *
sink_rows_new(sink_row_fn run, void *arg)
{
    sink_rows_t *self = calloc(1, sizeof *self);
    if (self == NULL) {
        return NULL;
    }
    self->run = run;
    self->arg = arg;
    self->failed = SYM_OK;
    pthread_mutex_init(&self->lock, NULL);
    pthread_cond_init(&self->changed, NULL);
    if (pthread_create(&self->thread, NULL, s_writer, self) != 0) {
        pthread_cond_destroy(&self->changed);
        pthread_mutex_destroy(&self->lock);
        free(self);
        return NULL;
    }
    return self;
}

/* Hand the filling chunk to the writer, waiting for a free one to fill
 * next. Returns the writer's failure, if any, for the caller to report. */
static int
s_hand_over(sink_rows_t *self)
{
    pthread_mutex_lock(&self->lock);
    if (self->chunks[self->filling].count > 0) {
        self->queued++;
        self->filling = (self->filling + 1) % S_CHUNKS;
        pthread_cond_broadcast(&self->changed);
    }
    while (self->queued == S_CHUNKS) {
        pthread_cond_wait(&self->changed, &self->lock);
    }
    int failed = self->failed;
    pthread_mutex_unlock(&self->lock);
    return failed;
}

static int
s_reserve(void **buf, size_t *cap, size_t need, size_t unit)
{
    if (need <= *cap) {
        return SYM_OK;
    }
    size_t grown = *cap ? *cap * 2 : 64;
    while (grown < need) {
        grown *= 2;
    }
    void *moved = realloc(*buf, grown * unit);
    if (moved == NULL) {
        return SYM_ENOMEM;
    }
    *buf = moved;
    *cap = grown;
    return SYM_OK;
}

int
sink_rows_put(sink_rows_t *self, const sink_row_t *row)
{
    /* The filling chunk is this thread's own until it is handed over;
     * the writer emptied it before the lock last let this thread past. */
    s_chunk_t *chunk = &self->chunks[self->filling];

    size_t text_need = chunk->text_len;
    for (int t = 0; t < SINK_ROW_TEXTS; t++) {
        text_need += row->texts[t] ? row->lens[t] + 1 : 0;
    }
    if (s_reserve((void **) &chunk->rows, &chunk->cap, chunk->count + 1,
                  sizeof *chunk->rows) != SYM_OK ||
        s_reserve((void **) &chunk->text, &chunk->text_cap, text_need, 1) !=
            SYM_OK) {
        return SYM_ENOMEM;
    }

    s_queued_t *queued = &chunk->rows[chunk->count++];
    queued->row = *row;
    for (int t = 0; t < SINK_ROW_TEXTS; t++) {
        if (row->texts[t] == NULL) {
            continue;
        }
        /* Kept NUL-terminated: a run function may bind it as C text. */
        queued->at[t] = chunk->text_len;
        memcpy(chunk->text + chunk->text_len, row->texts[t], row->lens[t]);
        chunk->text_len += row->lens[t];
        chunk->text[chunk->text_len++] = '\0';
    }

    if (chunk->count < S_CHUNK_ROWS && chunk->text_len < S_CHUNK_TEXT) {
        return SYM_OK;
    }
    return s_hand_over(self);
}

int
sink_rows_sync(sink_rows_t *self)
{
    s_hand_over(self);
    pthread_mutex_lock(&self->lock);
    while (self->queued > 0) {
        pthread_cond_wait(&self->changed, &self->lock);
    }
    int failed = self->failed;
    self->failed = SYM_OK;
    pthread_mutex_unlock(&self->lock);
    return failed;
}

void
sink_rows_destroy(sink_rows_t **self_p)
{
    sink_rows_t *self = self_p ? *self_p : NULL;
    if (self == NULL) {
        return;
    }
    sink_rows_sync(self);
    pthread_mutex_lock(&self->lock);
    self->stopping = true;
    pthread_cond_broadcast(&self->changed);
    pthread_mutex_unlock(&self->lock);
    pthread_join(self->thread, NULL);

    for (int i = 0; i < S_CHUNKS; i++) {
        free(self->chunks[i].rows);
        free(self->chunks[i].text);
    }
    pthread_cond_destroy(&self->changed);
    pthread_mutex_destroy(&self->lock);
    free(self);
    *self_p = NULL;
}
