/* sym_json.h: records as JSON text, for taps and text sinks.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#ifndef SYM_JSON_H
#define SYM_JSON_H

#include <stddef.h>

#include <jansson.h>

#include "sym_rec.h"

#define SYM_JSON_PRETTY 0x1u /* indent, one entry per line */
#define SYM_JSON_LOSSLESS                                                      \
    0x2u /* 17 significant digits, so every double                             \
            reads back exactly; else 15, which                                 \
            prints 8.1 as 8.1 */

/* The record as a JSON object:
 *   {"topic":..., "kind":"data", "stream":..., "epoch":N, "seq":N,
 *    "event_time":"2017-05-18T00:21:00.000000000Z", "ingest_ns":N,
 *    "fields":{...}}
 * topic may be NULL to leave it out. Text that is not UTF-8 has each bad
 * byte replaced by U+FFFD; binary values become "0x..." hex text; NaN and
 * infinities become null. Returns a new reference, or NULL when out of
 * memory. */
json_t *sym_json_from_rec(const sym_rec_t *rec, const char *topic);

/* Only the fields, as a JSON object; NULL when out of memory. */
json_t *sym_json_fields(const sym_rec_t *rec);

/* The fields as compact JSON text, doubles in their shortest exact form
 * (sym_real.h), the same values as json_dumps of sym_json_fields (which
 * writes 17 digits), written straight from the record
 * without building objects: the sinks that store every record as text use
 * it. The text (NUL-terminated) goes into *buf, grown with realloc as needed
 * and kept by the caller to reuse; *len is set to its length. Returns
 * SYM_OK or SYM_ENOMEM. */
int sym_json_fields_text(const sym_rec_t *rec, char **buf, size_t *cap,
                         size_t *len);

/* The record as one line of text (or indented with SYM_JSON_PRETTY),
 * without a newline. The caller frees it with free(). NULL when out of
 * memory. */
char *sym_json_dump(const sym_rec_t *rec, const char *topic, unsigned flags);

#endif
