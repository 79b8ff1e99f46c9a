/* ingest_payload.h: turns one unit of bytes (a datagram, a line, a
 * frame, a packet, a ZeroMQ frame) into a record: CSV, JSON, CCSDS,
 * raw bytes or text.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#ifndef INGEST_PAYLOAD_H
#define INGEST_PAYLOAD_H

#include <stddef.h>
#include <stdint.h>

#include "ingest_framer.h"
#include "ingest_source.h"
#include "sym_rec.h"
#include "sym_stats.h"

typedef enum {
    INGEST_PAYLOAD_CSV = 0, /* one CSV row; the header row comes first */
    INGEST_PAYLOAD_JSONL,   /* one flat JSON object */
    INGEST_PAYLOAD_CCSDS,   /* one CCSDS space packet */
    INGEST_PAYLOAD_RAW,     /* the bytes as bin field "data" */
    INGEST_PAYLOAD_TEXT,    /* the bytes as text field "message" */
} ingest_payload_kind_t;

/* Parse csv, jsonl (or json), ccsds, raw or text. Returns SYM_OK or
 * SYM_EINVAL. */
int ingest_payload_kind_parse(const char *text, ingest_payload_kind_t *out);

typedef struct ingest_payload_t ingest_payload_t;

/* A parser of kind; CCSDS sequence gaps are added to stats
 * (SYM_CTR_GAPS), which must outlive it. Returns NULL when out of
 * memory. */
ingest_payload_t *ingest_payload_new(ingest_payload_kind_t kind,
                                     sym_stats_t *stats);
void ingest_payload_destroy(ingest_payload_t **self_p);

ingest_payload_kind_t ingest_payload_kind(const ingest_payload_t *self);

/* CSV: the column names, comma-separated, instead of a header row.
 * Returns SYM_OK, SYM_EINVAL or SYM_ENOMEM. */
int ingest_payload_set_header(ingest_payload_t *self, const char *names);

/* CCSDS: "APID=FILE" loads a dictionary for APID, "APID=N" fixes the
 * count stride of APID. Returns SYM_OK, SYM_EINVAL (err says why) or
 * SYM_ENOMEM. */
int ingest_payload_add_dict(ingest_payload_t *self, const char *spec, char *err,
                            size_t err_size);
int ingest_payload_add_stride(ingest_payload_t *self, const char *spec,
                              char *err, size_t err_size);

/* A new connection begins: CSV expects its header row again (unless
 * the names were given). */
void ingest_payload_restart(ingest_payload_t *self);

/* Fill rec (reset first) from the unit. Returns SYM_OK; SYM_EAGAIN when
 * the unit was a CSV header row (no record); SYM_EDECODE for bad input
 * with where->reason set. */
int ingest_payload_parse(ingest_payload_t *self, const uint8_t *bytes,
                         size_t len, sym_rec_t *rec, ingest_where_t *where);

/* The next record from the framer's units: header rows and blank lines
 * are passed over. Returns SYM_OK; SYM_EDECODE for a bad unit (where
 * says which and why); SYM_EAGAIN when the framer needs more bytes;
 * SYM_ECLOSED at the end of the input. */
int ingest_payload_from_framer(ingest_payload_t *self, ingest_framer_t *framer,
                               sym_rec_t *rec, ingest_where_t *where);

/* The stream template that suits the kind: ccsds.{apid} for CCSDS,
 * else NULL. */
const char *ingest_payload_default_stream(const ingest_payload_t *self);

/* Log what the CCSDS checker saw, one line per APID. */
void ingest_payload_log_summary(const ingest_payload_t *self);

#endif
