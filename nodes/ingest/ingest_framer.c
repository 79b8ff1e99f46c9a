/* ingest_framer.c: cuts a byte stream into lines, length-prefixed
 * frames or CCSDS packets.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "ingest_framer.h"

#include <assert.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ingest_ccsds.h"
#include "sym_err.h"

/* The buffer starts small and doubles up to S_CAP while a unit does not
 * fit: most units are small, and a buffer of the largest one for every
 * connection or file cost a megabyte each. */
#define S_CAP (INGEST_UNIT_MAX + 64 * 1024)
#define S_FIRST_CAP (64 * 1024)

struct ingest_framer_t {
    ingest_framing_t framing;
    uint8_t *buf;
    size_t cap;     /* bytes allocated at buf */
    size_t start;   /* first byte not yet handed out */
    size_t end;     /* end of the bytes read */
    uint64_t base;  /* stream offset of buf[0] */
    uint64_t skip;  /* bytes still to drop of an overlong unit */
    bool is_eof;    /* the input has ended */
    bool is_done;   /* the end was reported */
    uint64_t units; /* units handed out or skipped */
};

int
ingest_framing_parse(const char *text, ingest_framing_t *out)
{
    static const char *const names[] = {"lines", "length32", "ccsds"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(text, names[i]) == 0) {
            *out = (ingest_framing_t) i;
            return SYM_OK;
        }
    }
    return SYM_EINVAL;
}

ingest_framer_t *
ingest_framer_new(ingest_framing_t framing)
{
    ingest_framer_t *self = calloc(1, sizeof *self);
    if (self) {
        self->framing = framing;
        self->buf = malloc(S_FIRST_CAP);
        self->cap = S_FIRST_CAP;
    }
    if (self && self->buf == NULL) {
        free(self);
        return NULL;
    }
    return self;
}

void
ingest_framer_destroy(ingest_framer_t **self_p)
{
    if (self_p == NULL || *self_p == NULL) {
        return;
    }
    free((*self_p)->buf);
    free(*self_p);
    *self_p = NULL;
}

void
ingest_framer_reset(ingest_framer_t *self)
{
    self->base += self->end;
    self->start = self->end = 0;
    self->skip = 0;
    self->is_eof = self->is_done = false;
}

uint64_t
ingest_framer_units(const ingest_framer_t *self)
{
    return self->units;
}

/* Room for more of a unit that fills the buffer. The unit checks keep
 * units within INGEST_UNIT_MAX, so a full buffer is never at S_CAP. */
static int
s_grow(ingest_framer_t *self)
{
    size_t cap = self->cap * 2 < S_CAP ? self->cap * 2 : S_CAP;
    uint8_t *grown = cap > self->cap ? realloc(self->buf, cap) : NULL;
    if (grown == NULL) {
        return SYM_ENOMEM;
    }
    self->buf = grown;
    self->cap = cap;
    return SYM_OK;
}

int
ingest_framer_fill(ingest_framer_t *self, int fd, int wait_ms)
{
    assert(self);
    if (self->is_eof) {
        return SYM_ECLOSED;
    }
    if (self->start > 0) {
        memmove(self->buf, self->buf + self->start, self->end - self->start);
        self->base += self->start;
        self->end -= self->start;
        self->start = 0;
    }
    if (self->end == self->cap && s_grow(self) != SYM_OK) {
        return SYM_EIO;
    }
    struct pollfd item = {.fd = fd, .events = POLLIN};
    int ready = poll(&item, 1, wait_ms);
    if (ready == 0 || (ready < 0 && errno == EINTR)) {
        return SYM_EAGAIN;
    }
    ssize_t got =
        ready < 0 ? -1 : read(fd, self->buf + self->end, self->cap - self->end);
    if (got > 0) {
        self->end += (size_t) got;
        return SYM_OK;
    }
    if (got == 0) {
        self->is_eof = true;
        return SYM_ECLOSED;
    }
    return errno == EINTR || errno == EAGAIN ? SYM_EAGAIN : SYM_EIO;
}

/* Hand out [start, start + len), then step past step more bytes. */
static int
s_take(ingest_framer_t *self, size_t head, size_t len, size_t step,
       const uint8_t **unit, size_t *out_len, uint64_t *offset)
{
    *offset = self->base + self->start;
    *unit = self->buf + self->start + head;
    *out_len = len;
    self->start += head + len + step;
    self->units++;
    return SYM_OK;
}

/* Drop what is buffered of a unit of total bytes that is too long. */
static int
s_skip_long(ingest_framer_t *self, uint64_t total, const char **reason)
{
    size_t have = self->end - self->start;
    self->skip = total > have ? total - have : 0;
    self->start = total > have ? self->end : self->start + (size_t) total;
    self->units++;
    *reason = "too-long";
    return SYM_EDECODE;
}

static int
s_next_line(ingest_framer_t *self, const uint8_t **unit, size_t *len,
            uint64_t *offset, const char **reason)
{
    size_t avail = self->end - self->start;
    const uint8_t *from = self->buf + self->start;
    const uint8_t *newline = memchr(from, '\n', avail);
    if (newline == NULL && avail > INGEST_UNIT_MAX) {
        return s_skip_long(self, UINT64_MAX, reason);
    }
    /* A read can bring a long line and its end at once. */
    if (newline != NULL && (size_t) (newline - from) > INGEST_UNIT_MAX) {
        return s_skip_long(self, (uint64_t) (newline - from) + 1, reason);
    }
    if (newline == NULL) {
        if (!self->is_eof || avail == 0) {
            return SYM_EAGAIN;
        }
        newline = from + avail; /* a last line without '\n' */
    }
    size_t line_len = (size_t) (newline - from);
    size_t step = newline < from + avail ? 1 : 0;
    size_t cut = line_len > 0 && from[line_len - 1] == '\r' ? 1 : 0;
    s_take(self, 0, line_len - cut, step + cut, unit, len, offset);
    return SYM_OK;
}

/* Length-prefixed or CCSDS: the size of the unit at start. */
static int
s_frame_size(const ingest_framer_t *self, size_t *head, uint64_t *total)
{
    const uint8_t *from = self->buf + self->start;
    size_t avail = self->end - self->start;
    if (self->framing == INGEST_FRAMING_CCSDS) {
        ingest_ccsds_header_t header;
        if (ingest_ccsds_header(from, avail, &header) != SYM_OK) {
            return SYM_EAGAIN;
        }
        *head = 0;
        *total = header.total;
        return SYM_OK;
    }
    if (avail < 4) {
        return SYM_EAGAIN;
    }
    *head = 4;
    *total = 4 + ((uint64_t) from[0] << 24 | (uint64_t) from[1] << 16 |
                  (uint64_t) from[2] << 8 | from[3]);
    return SYM_OK;
}

static int
s_next_frame(ingest_framer_t *self, const uint8_t **unit, size_t *len,
             uint64_t *offset, const char **reason)
{
    size_t head = 0;
    uint64_t total = 0;
    int rc = s_frame_size(self, &head, &total);
    size_t avail = self->end - self->start;
    if (rc == SYM_OK && total > INGEST_UNIT_MAX) {
        return s_skip_long(self, total, reason);
    }
    if (rc == SYM_OK && total <= avail) {
        return s_take(self, head, (size_t) total - head, 0, unit, len, offset);
    }
    if (!self->is_eof || avail == 0) {
        return SYM_EAGAIN;
    }
    *offset = self->base + self->start;
    self->start = self->end;
    self->units++;
    *reason = "truncated";
    return SYM_EDECODE;
}

/* Drop bytes still owed to an overlong unit. */
static void
s_skip_owed(ingest_framer_t *self)
{
    size_t avail = self->end - self->start;
    size_t drop = self->skip < avail ? (size_t) self->skip : avail;
    if (self->framing == INGEST_FRAMING_LINES) {
        const uint8_t *newline = memchr(self->buf + self->start, '\n', avail);
        drop =
            newline ? (size_t) (newline - self->buf - self->start) + 1 : avail;
        self->skip = newline ? 0 : self->skip;
    } else {
        self->skip -= drop;
    }
    self->start += drop;
}

int
ingest_framer_next(ingest_framer_t *self, const uint8_t **unit, size_t *len,
                   uint64_t *offset, const char **reason)
{
    assert(self);
    if (self->skip > 0) {
        s_skip_owed(self);
        if (self->skip > 0 || (self->framing == INGEST_FRAMING_LINES &&
                               self->start == self->end && !self->is_eof)) {
            return self->is_eof ? SYM_ECLOSED : SYM_EAGAIN;
        }
    }
    int rc = self->framing == INGEST_FRAMING_LINES
                 ? s_next_line(self, unit, len, offset, reason)
                 : s_next_frame(self, unit, len, offset, reason);
    if (rc == SYM_EAGAIN && self->is_eof) {
        self->is_done = true;
        return SYM_ECLOSED;
    }
    return rc;
}
