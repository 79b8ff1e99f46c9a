/* ingest_framer.h: cuts a byte stream (a file, a pipe, a TCP socket)
 * into units: lines, 4-byte length-prefixed frames or CCSDS packets.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#ifndef INGEST_FRAMER_H
#define INGEST_FRAMER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define INGEST_UNIT_MAX (1024 * 1024) /* longer units are bad input */

typedef enum {
    INGEST_FRAMING_LINES = 0, /* '\n'-terminated, a trailing '\r' cut */
    INGEST_FRAMING_LENGTH32,  /* 4-byte big-endian length, then bytes */
    INGEST_FRAMING_CCSDS,     /* the packet's own length field */
} ingest_framing_t;

/* Parse lines, length32 or ccsds. Returns SYM_OK or SYM_EINVAL. */
int ingest_framing_parse(const char *text, ingest_framing_t *out);

typedef struct ingest_framer_t ingest_framer_t;

/* Returns the framer, or NULL when out of memory. */
ingest_framer_t *ingest_framer_new(ingest_framing_t framing);
void ingest_framer_destroy(ingest_framer_t **self_p);

/* Wait up to wait_ms for fd to be readable and read what is there; the
 * buffer grows while a unit does not fit. Returns SYM_OK when bytes were
 * read, SYM_EAGAIN when none came, SYM_ECLOSED at the end of the input,
 * SYM_EIO on a read failure (or no memory to grow the buffer). */
int ingest_framer_fill(ingest_framer_t *self, int fd, int wait_ms);

/* The next complete unit, valid until the next call; *offset is where
 * it starts in the stream. Returns SYM_OK; SYM_EAGAIN when more bytes
 * are needed; SYM_EDECODE when a unit was bad and skipped (*reason
 * says why: too-long); at the end of input (after fill said
 * SYM_ECLOSED) a last line without '\n' is returned, bytes too few for
 * a whole frame or packet give SYM_EDECODE with reason truncated, and
 * then SYM_ECLOSED. */
int ingest_framer_next(ingest_framer_t *self, const uint8_t **unit, size_t *len,
                       uint64_t *offset, const char **reason);

/* Forget buffered bytes and the end of input (a new connection). */
void ingest_framer_reset(ingest_framer_t *self);

/* Units handed out or skipped so far. */
uint64_t ingest_framer_units(const ingest_framer_t *self);

#endif
