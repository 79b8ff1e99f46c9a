/* ingest_lines.h: a line reader over a file or stdin that never blocks
 * for long, so the node can flush and stop while input is slow.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#ifndef INGEST_LINES_H
#define INGEST_LINES_H

#include <stddef.h>
#include <stdint.h>

#define INGEST_LINE_MAX (1024 * 1024) /* longer lines are skipped */

typedef struct ingest_lines_t ingest_lines_t;

/* Open path for reading, or stdin when path is NULL. Returns the reader,
 * or NULL with *rc set to SYM_EINVAL (the file cannot be opened; the
 * system's reason in err) or SYM_ENOMEM. */
ingest_lines_t *ingest_lines_open(const char *path, int *rc, char *err,
                                  size_t err_size);

/* Close the file (not stdin) and null the caller's pointer. Safe on
 * NULL. */
void ingest_lines_destroy(ingest_lines_t **self_p);

/* The next line, without its '\n', valid until the next call. A last
 * line without '\n' counts too. Returns SYM_OK; SYM_EAGAIN when no
 * complete line is ready yet (after waiting up to 50 ms if the previous
 * call said so too); SYM_ETOOBIG when a line longer than INGEST_LINE_MAX
 * was skipped; SYM_ECLOSED at the end of input or when a stop was asked
 * for while waiting; SYM_EIO when reading failed. */
int ingest_lines_next(ingest_lines_t *self, const char **line, size_t *len);

/* Number of the line last returned or skipped, starting at 1. */
uint64_t ingest_lines_number(const ingest_lines_t *self);

#endif
