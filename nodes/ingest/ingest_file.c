/* ingest_file.c: framed bytes from a file or stdin (CCSDS packets back
 * to back, length-prefixed frames or lines), one record per unit.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "ingest_source.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ingest_framer.h"
#include "ingest_payload.h"
#include "sym_err.h"
#include "sym_sig.h"

#define S_IDLE_WAIT_MS 50

typedef struct {
    int fd;
    bool owns_fd;
    bool was_idle; /* the last read found nothing: wait the next time */
    ingest_framer_t *framer;
    ingest_payload_t *payload; /* the node's */
} s_file_t;

static int
s_next(void *state, sym_rec_t *rec, ingest_where_t *where)
{
    s_file_t *self = state;
    while (true) {
        int rc =
            ingest_payload_from_framer(self->payload, self->framer, rec, where);
        if (rc != SYM_EAGAIN) {
            return rc;
        }
        rc = ingest_framer_fill(self->framer, self->fd,
                                self->was_idle ? S_IDLE_WAIT_MS : 0);
        self->was_idle = rc == SYM_EAGAIN;
        if (rc == SYM_EAGAIN) {
            return sym_sig_stopping() ? SYM_ECLOSED : SYM_EAGAIN;
        }
        if (rc == SYM_EIO) {
            where->reason = "read-failed";
            return rc;
        }
    }
}

static void
s_close(void **state_p)
{
    if (state_p == NULL || *state_p == NULL) {
        return;
    }
    s_file_t *self = *state_p;
    if (self->owns_fd) {
        close(self->fd);
    }
    ingest_framer_destroy(&self->framer);
    free(self);
    *state_p = NULL;
}

static int
s_open(const ingest_source_args_t *args, void **state, char *err,
       size_t err_size)
{
    s_file_t *self = calloc(1, sizeof *self);
    if (self == NULL ||
        (self->framer = ingest_framer_new(args->framing)) == NULL) {
        free(self);
        snprintf(err, err_size, "out of memory");
        return SYM_ENOMEM;
    }
    self->payload = args->payload;
    self->fd = STDIN_FILENO;
    if (args->path) {
        self->fd = open(args->path, O_RDONLY | O_CLOEXEC);
        self->owns_fd = self->fd >= 0;
    }
    if (self->fd < 0) {
        snprintf(err, err_size, "cannot open '%s': %s", args->path,
                 strerror(errno));
        void *doomed = self;
        s_close(&doomed);
        return SYM_EINVAL;
    }
    *state = self;
    return SYM_OK;
}

const ingest_source_ops_t ingest_file_ops = {
    .name = "file",
    .default_stream = "ingest",
    .open = s_open,
    .next = s_next,
    .close = s_close,
};
