/* sink_file.h: a text file written one batch at a time, for text outputs.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#ifndef SINK_FILE_H
#define SINK_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* A batch is built in memory and written at commit. When a write fails
 * on a regular file, the file is cut back to where the batch started, so
 * no half batch or half line stays behind. */
typedef struct {
    int fd;            /* the file, or standard output */
    bool owns_fd;      /* close fd at the end */
    bool is_regular;   /* can be cut back after a failed write */
    off_t batch_start; /* file size before the open batch */
    char *buf;         /* the open batch */
    size_t len;        /* bytes of it */
    size_t cap;        /* bytes allocated */
} sink_file_t;

/* Open path for appending, creating it (mode 0644) when missing. Returns
 * SYM_OK, or SYM_EIO with the system's reason in err. */
int sink_file_open(sink_file_t *self, const char *path, char *err,
                   size_t err_size);

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

/* Forget the batch without writing it. */
void sink_file_discard(sink_file_t *self);

#endif
