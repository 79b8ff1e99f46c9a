/* fuzz_source.h: drive an ingest source over bytes put in a scratch file.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#ifndef FUZZ_SOURCE_H
#define FUZZ_SOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "ingest_source.h"

/* Write data to a scratch file private to this process and read it
 * through ops to the end, as the ingest node's loop would. */
void fuzz_source_run(const ingest_source_ops_t *ops, const uint8_t *data,
                     size_t size);

/* The same with the other arguments a source takes (framing, payload);
 * the path is set to the scratch file's. */
void fuzz_source_run_with(const ingest_source_ops_t *ops,
                          const ingest_source_args_t *args, const uint8_t *data,
                          size_t size);

/* Write data to the scratch file; returns its path, or NULL. */
const char *fuzz_scratch_write(const uint8_t *data, size_t size);

#endif
