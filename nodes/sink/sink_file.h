/* sink_file.h: a text file written one batch at a time, for text outputs.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#ifndef SINK_FILE_H
#define SINK_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* A batch is built in memory and written at commit. When a write fails
 * on a regular file, the file is cut back to where the batch started, so
 * no half batch or half line stays behind.
 *
 * Rotation: before a batch is written, a non-empty file that the batch
 * would take past rotate_bytes, or that is rotate_ms old, is renamed to
 * PATH.N (N one more than the highest suffix in use, so the numbers run
 * in time order) and a new PATH is started with the prologue (a CSV
 * header). Files hold whole batches, so a record never spans two; a file
 * passes rotate_bytes only when a single batch is bigger. */
typedef struct {
    int fd;               /* the file, or standard output */
    bool owns_fd;         /* close fd at the end */
    bool is_regular;      /* can be cut back after a failed write */
    off_t batch_start;    /* file size before the open batch */
    off_t last_start;     /* file size before the last flush */
    char *buf;            /* the open batch */
    size_t len;           /* bytes of it */
    size_t cap;           /* bytes allocated */
    char *path;           /* the file's name, for rotation */
    int64_t rotate_bytes; /* rotate past this size; 0: never */
    int64_t rotate_ms;    /* rotate files this old; 0: never */
    int64_t opened_ms;    /* monotonic time the file was started */
    uint64_t next_suffix; /* N of the next PATH.N, 0: not looked up */
    char *prologue;       /* written at the start of each new file */
    size_t prologue_len;  /* bytes of it */
} sink_file_t;

/* Open path for appending, creating it (mode 0644) when missing. Returns
 * SYM_OK, or SYM_EIO with the system's reason in err. */
int sink_file_open(sink_file_t *self, const char *path, char *err,
                   size_t err_size);

/* Rotate by size and/or age; 0 turns either off. */
void sink_file_set_rotation(sink_file_t *self, int64_t bytes, int64_t ms);

/* Bytes to start every new file with after a rotation (copied). Returns
 * SYM_OK or SYM_ENOMEM. */
int sink_file_set_prologue(sink_file_t *self, const char *data, size_t len);

/* Use an open descriptor (standard output) that the file does not own. */
void sink_file_attach(sink_file_t *self, int fd);

/* Free the batch and close the file if owned. Safe to call twice. */
void sink_file_close(sink_file_t *self);

/* Make room for len more bytes and return where they go, or NULL when
 * out of memory. sink_file_advance then adds the bytes used. */
char *sink_file_reserve(sink_file_t *self, size_t len);
void sink_file_advance(sink_file_t *self, size_t len);

/* Append bytes to the batch. Returns SYM_OK or SYM_ENOMEM. */
int sink_file_append(sink_file_t *self, const char *data, size_t len);

/* Bytes in the open batch. */
size_t sink_file_pending(const sink_file_t *self);

/* Write the batch. On failure returns SYM_EIO with the system's reason
 * in err, cuts a regular file back and forgets the batch. */
int sink_file_flush(sink_file_t *self, char *err, size_t err_size);

/* Cut the file back to its size before the last flush, when another
 * file of the same batch failed. */
void sink_file_undo(sink_file_t *self);

/* Forget the batch without writing it. */
void sink_file_discard(sink_file_t *self);

#endif
