/* ingest_lines.c: a line reader over a file or stdin that never blocks
 * for long, so the node can flush and stop while input is slow.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "ingest_lines.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sym_err.h"
#include "sym_sig.h"

#define S_FIRST_CAP (64 * 1024)
#define S_IDLE_WAIT_MS 50

struct ingest_lines_t {
    int fd;           /* the file, or stdin */
    bool owns_fd;     /* close fd when done (not stdin) */
    char *buf;        /* bytes read and not yet returned */
    size_t cap;       /* size of buf */
    size_t start;     /* first byte not yet returned */
    size_t scanned;   /* bytes after start known to hold no '\n' */
    size_t end;       /* end of the bytes read */
    bool is_eof;      /* read returned 0 */
    bool is_skipping; /* dropping the rest of an overlong line */
    bool was_idle;    /* the last call found nothing ready */
    uint64_t number;  /* lines returned or skipped */
};

ingest_lines_t *
ingest_lines_open(const char *path, int *rc, char *err, size_t err_size)
{
    ingest_lines_t *self = calloc(1, sizeof *self);
    char *buf = malloc(S_FIRST_CAP);
    if (self == NULL || buf == NULL) {
        free(self);
        free(buf);
        *rc = SYM_ENOMEM;
        snprintf(err, err_size, "out of memory");
        return NULL;
    }
    self->buf = buf;
    self->cap = S_FIRST_CAP;
    self->fd = STDIN_FILENO;
    if (path) {
        self->fd = open(path, O_RDONLY | O_CLOEXEC);
        self->owns_fd = self->fd >= 0;
        if (self->fd < 0) {
            *rc = SYM_EINVAL;
            snprintf(err, err_size, "cannot open '%s': %s", path,
                     strerror(errno));
            ingest_lines_destroy(&self);
        }
    }
    return self;
}

void
ingest_lines_destroy(ingest_lines_t **self_p)
{
    if (self_p == NULL || *self_p == NULL) {
        return;
    }
    ingest_lines_t *self = *self_p;
    if (self->owns_fd) {
        close(self->fd);
    }
    free(self->buf);
    free(self);
    *self_p = NULL;
}

uint64_t
ingest_lines_number(const ingest_lines_t *self)
{
    return self->number;
}

/* Make room at the end of buf: move the unread bytes to the front, then
 * grow up to INGEST_LINE_MAX. False when the line is too long for that. */
static bool
s_make_room(ingest_lines_t *self)
{
    if (self->start > 0) {
        memmove(self->buf, self->buf + self->start, self->end - self->start);
        self->end -= self->start;
        self->start = 0;
    }
    if (self->end < self->cap) {
        return true;
    }
    if (self->cap >= INGEST_LINE_MAX) {
        return false;
    }
    char *grown = realloc(self->buf, self->cap * 2);
    if (grown == NULL) {
        return false;
    }
    self->buf = grown;
    self->cap *= 2;
    return true;
}

/* Wait until fd is readable: not at all the first time nothing is ready,
 * so the caller can flush at once, then up to S_IDLE_WAIT_MS. */
static int
s_wait_readable(ingest_lines_t *self)
{
    struct pollfd item = {.fd = self->fd, .events = POLLIN};
    int ready = poll(&item, 1, self->was_idle ? S_IDLE_WAIT_MS : 0);
    if (ready > 0) {
        self->was_idle = false;
        return SYM_OK;
    }
    if (ready < 0 && errno != EINTR) {
        return SYM_EIO;
    }
    self->was_idle = true;
    return sym_sig_stopping() ? SYM_ECLOSED : SYM_EAGAIN;
}

/* Read more bytes. Returns SYM_OK (maybe at end of input), SYM_EAGAIN,
 * SYM_ECLOSED or SYM_EIO. */
static int
s_fill(ingest_lines_t *self)
{
    if (!s_make_room(self)) {
        /* Keep reading, but only to find where the long line ends. */
        self->is_skipping = true;
        self->start = self->end = self->scanned = 0;
    }
    int rc = s_wait_readable(self);
    if (rc != SYM_OK) {
        return rc;
    }
    ssize_t got = read(self->fd, self->buf + self->end, self->cap - self->end);
    if (got > 0) {
        self->end += (size_t) got;
    } else if (got == 0) {
        self->is_eof = true;
    } else if (errno == EINTR || errno == EAGAIN) {
        return sym_sig_stopping() ? SYM_ECLOSED : SYM_EAGAIN;
    } else {
        return SYM_EIO;
    }
    return SYM_OK;
}

/* Hand out buf[start, start + len) and step past its terminator. */
static int
s_take(ingest_lines_t *self, size_t len, size_t step, const char **line,
       size_t *out_len)
{
    *line = self->buf + self->start;
    *out_len = len;
    self->start += len + step;
    self->scanned = 0;
    self->number++;
    if (self->is_skipping) {
        self->is_skipping = false;
        return SYM_ETOOBIG;
    }
    return SYM_OK;
}

int
ingest_lines_next(ingest_lines_t *self, const char **line, size_t *len)
{
    assert(self);
    while (true) {
        const char *from = self->buf + self->start + self->scanned;
        size_t avail = self->end - self->start - self->scanned;
        const char *newline = memchr(from, '\n', avail);
        if (newline) {
            size_t line_len = (size_t) (newline - (self->buf + self->start));
            return s_take(self, line_len, 1, line, len);
        }
        self->scanned += avail;
        if (self->is_eof) {
            if (self->end > self->start || self->is_skipping) {
                return s_take(self, self->end - self->start, 0, line, len);
            }
            return SYM_ECLOSED;
        }
        int rc = s_fill(self);
        if (rc != SYM_OK) {
            return rc;
        }
    }
}
