/* sym_part.h: partitions of an output: every stream always to the same
 * one, so parallel workers downstream keep each stream in order.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#ifndef SYM_PART_H
#define SYM_PART_H

#include <stddef.h>

#define SYM_PART_MAX 64 /* partitions of one output */

/* The partition, 0..parts-1, of a stream name: FNV-1a of its bytes, so
 * the same name maps to the same partition in every process and run. */
size_t sym_part_of(const char *stream, size_t len, size_t parts);

/* Split a comma list of endpoints into exactly parts items, each a copy
 * in items[] to free with free(). Returns SYM_OK, SYM_EINVAL when the
 * list holds another number of items (nothing allocated), or
 * SYM_ENOMEM. */
int sym_part_split(const char *endpoints, size_t parts, char **items);

#endif
