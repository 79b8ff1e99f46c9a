/* sym_part.c: partitions of an output: every stream always to the same
 * one, so parallel workers downstream keep each stream in order.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "sym_part.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sym_err.h"

size_t
sym_part_of(const char *stream, size_t len, size_t parts)
{
    assert(parts > 0);
    uint64_t hash = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < len; i++) {
        hash ^= (unsigned char) stream[i];
        hash *= 0x100000001b3ULL;
    }
    return (size_t) (hash % parts);
}

static size_t
s_count_items(const char *endpoints)
{
    size_t count = 1;
    for (const char *p = endpoints; *p; p++) {
        count += *p == ',';
    }
    return count;
}

int
sym_part_split(const char *endpoints, size_t parts, char **items)
{
    assert(endpoints);
    assert(items);
    if (parts == 0 || parts > SYM_PART_MAX ||
        s_count_items(endpoints) != parts) {
        return SYM_EINVAL;
    }
    const char *start = endpoints;
    for (size_t i = 0; i < parts; i++) {
        const char *end = strchr(start, ',');
        size_t len = end ? (size_t) (end - start) : strlen(start);
        items[i] = len ? strndup(start, len) : NULL;
        if (items[i] == NULL) {
            for (size_t k = 0; k <= i; k++) {
                free(items[k]);
                items[k] = NULL;
            }
            return len ? SYM_ENOMEM : SYM_EINVAL;
        }
        start = end ? end + 1 : start + len;
    }
    return SYM_OK;
}
