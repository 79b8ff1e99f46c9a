/* ingest_match.h: --match FIELD=VALUE filters on records.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#ifndef INGEST_MATCH_H
#define INGEST_MATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "sym_opt.h"
#include "sym_rec.h"

/* A record passes when every condition holds. A condition compares the
 * field's text with VALUE; a number field compares by value instead (so
 * mode=0 and vbatt=8.1 match what a CSV cell "8.100" became), a nil field
 * equals the empty VALUE and a bool field equals true or false. An absent
 * field never matches. */

typedef struct ingest_match_t ingest_match_t;

/* Parse the FIELD=VALUE words of list (NULL or empty: match everything).
 * Returns the filter, or NULL with *rc set to SYM_EINVAL (err names the
 * word) or SYM_ENOMEM. */
ingest_match_t *ingest_match_new(const sym_strlist_t *list, int *rc, char *err,
                                 size_t err_size);

/* Free the filter and null the caller's pointer. Safe on NULL. */
void ingest_match_destroy(ingest_match_t **self_p);

/* True when rec passes every condition. */
bool ingest_match_test(const ingest_match_t *self, const sym_rec_t *rec);

/* Number of conditions. */
size_t ingest_match_size(const ingest_match_t *self);

#endif
