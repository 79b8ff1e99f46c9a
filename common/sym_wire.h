/* sym_wire.h: wire format v1, records as msgpack maps.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#ifndef SYM_WIRE_H
#define SYM_WIRE_H

#include <stdbool.h>
#include <stddef.h>

#include <msgpack.h>

#include "sym_rec.h"

/* A message is two frames: [topic, payload]. The topic is dot-separated
 * text. The payload is one or more records back to back, each one msgpack
 * map; a sender batches records of one topic into one payload under load.
 * Map keys (short, since every record carries them):
 *   "v"  format version, 1          "k"  kind (sym_kind_t)
 *   "s"  origin stream (str)        "e"  epoch (uint)
 *   "q"  sequence (uint, >= 1)      "te" event time, ns (int)
 *   "ti" ingest time, ns (int)      "f"  fields: map of str -> scalar
 * Keys this version does not know are skipped, so later versions can add
 * envelope entries. */

#define SYM_WIRE_VERSION 1

/* Hard limits checked before anything is allocated. */
typedef struct {
    size_t max_record_bytes;  /* one encoded record */
    size_t max_fields;        /* fields per record, <= SYM_REC_MAX_FIELDS */
    size_t max_str_bytes;     /* one string or binary value, or a name */
    size_t max_depth;         /* nesting of maps and arrays, envelope = 1 */
    size_t max_envelope_keys; /* entries of the outer map */
} sym_wire_limits_t;

/* Defaults: 1 MiB per record, 256 fields, 64 KiB per string, depth 2,
 * 32 envelope keys. */
void sym_wire_limits_default(sym_wire_limits_t *limits);

/* Append rec as one msgpack map to out. Returns SYM_OK or SYM_ENOMEM. */
int sym_wire_encode(const sym_rec_t *rec, msgpack_sbuffer *out);

typedef struct sym_wire_decoder_t sym_wire_decoder_t;

/* A decoder with its limits copied, or NULL when out of memory. */
sym_wire_decoder_t *sym_wire_decoder_new(const sym_wire_limits_t *limits);

/* Free the decoder and null the caller's pointer. Safe on NULL. */
void sym_wire_decoder_destroy(sym_wire_decoder_t **self_p);

/* Decode the record at the start of data into rec, replacing its
 * contents; *used receives its length so the caller can step to the next
 * record of a batch. Strings in rec point into data. Returns SYM_OK,
 * SYM_EDECODE for malformed bytes, SYM_EVERSION for another format
 * version, or SYM_ETOOBIG when a limit is exceeded. On failure the rest of
 * the payload cannot be trusted and must be dropped. */
int sym_wire_decode(sym_wire_decoder_t *self, const char *data, size_t len,
                    sym_rec_t *rec, size_t *used);

/* A record of the types the encoder writes is read in one bounded pass;
 * anything else, and every error, goes through a validating walk first
 * and a second pass after it. Both give the same result. On by default;
 * tests turn it off to compare the two. */
void sym_wire_decoder_set_one_pass(sym_wire_decoder_t *self, bool is_on);

/* Why the last decode failed, as a short constant phrase. */
const char *sym_wire_last_error(const sym_wire_decoder_t *self);

/* Check that a topic is 1..255 bytes of printable ASCII without spaces.
 * Returns SYM_OK or SYM_EDECODE. */
int sym_wire_check_topic(const char *topic, size_t len);

#endif
