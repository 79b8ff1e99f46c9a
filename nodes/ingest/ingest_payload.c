/* ingest_payload.c: one unit of bytes to one record: CSV (libcsv), JSON
 * (jansson, through the JSON lines source), CCSDS, raw bytes or text.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "ingest_payload.h"

#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "ingest_ccsds.h"
#include "sym_err.h"
#include "sym_log.h"

#define S_MAX_COLUMNS SYM_REC_MAX_FIELDS

struct ingest_payload_t {
    ingest_payload_kind_t kind;
    sym_stats_t *stats;
    struct csv_parser parser;
    bool has_parser;
    char *names[S_MAX_COLUMNS]; /* CSV column names */
    size_t name_count;
    bool has_fixed_names; /* given by option, kept across restarts */
    bool is_header_row;   /* the row being parsed names the columns */
    sym_rec_t *rec;       /* record of the row being parsed */
    size_t column;        /* cells so far in the row */
    const char *bad;      /* why the row is bad, or NULL */
    ingest_ccsds_seq_t *seq;
    ingest_ccsds_dict_t *dict;
    uint64_t dict_skipped; /* fields a packet was too short for */
};

int
ingest_payload_kind_parse(const char *text, ingest_payload_kind_t *out)
{
    static const struct {
        const char *name;
        ingest_payload_kind_t kind;
    } kinds[] = {
        {"csv", INGEST_PAYLOAD_CSV},    {"jsonl", INGEST_PAYLOAD_JSONL},
        {"json", INGEST_PAYLOAD_JSONL}, {"ccsds", INGEST_PAYLOAD_CCSDS},
        {"raw", INGEST_PAYLOAD_RAW},    {"text", INGEST_PAYLOAD_TEXT},
    };
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        if (strcmp(text, kinds[i].name) == 0) {
            *out = kinds[i].kind;
            return SYM_OK;
        }
    }
    return SYM_EINVAL;
}

ingest_payload_t *
ingest_payload_new(ingest_payload_kind_t kind, sym_stats_t *stats)
{
    ingest_payload_t *self = calloc(1, sizeof *self);
    if (self == NULL) {
        return NULL;
    }
    self->kind = kind;
    self->stats = stats;
    bool is_ok = true;
    if (kind == INGEST_PAYLOAD_CSV) {
        self->has_parser = csv_init(&self->parser, CSV_APPEND_NULL) == 0;
        is_ok = self->has_parser;
    } else if (kind == INGEST_PAYLOAD_CCSDS) {
        self->seq = ingest_ccsds_seq_new();
        self->dict = ingest_ccsds_dict_new();
        is_ok = self->seq && self->dict;
    }
    if (!is_ok) {
        ingest_payload_destroy(&self);
    }
    return self;
}

static void
s_clear_names(ingest_payload_t *self)
{
    for (size_t i = 0; i < self->name_count; i++) {
        free(self->names[i]);
    }
    self->name_count = 0;
}

void
ingest_payload_destroy(ingest_payload_t **self_p)
{
    if (self_p == NULL || *self_p == NULL) {
        return;
    }
    ingest_payload_t *self = *self_p;
    s_clear_names(self);
    if (self->has_parser) {
        csv_free(&self->parser);
    }
    ingest_ccsds_seq_destroy(&self->seq);
    ingest_ccsds_dict_destroy(&self->dict);
    free(self);
    *self_p = NULL;
}

ingest_payload_kind_t
ingest_payload_kind(const ingest_payload_t *self)
{
    return self->kind;
}

const char *
ingest_payload_default_stream(const ingest_payload_t *self)
{
    return self->kind == INGEST_PAYLOAD_CCSDS ? "ccsds.{apid}" : NULL;
}

void
ingest_payload_restart(ingest_payload_t *self)
{
    if (!self->has_fixed_names) {
        s_clear_names(self);
    }
}

/* libcsv: a cell, either a column name or a value of the row. */
static void
s_on_cell(void *data, size_t len, void *user)
{
    ingest_payload_t *self = user;
    const char *text = data ? data : "";
    size_t column = self->column++;
    if (self->is_header_row) {
        char *name = column < S_MAX_COLUMNS ? strndup(text, len) : NULL;
        if (name) {
            self->names[self->name_count++] = name;
        }
        return;
    }
    if (self->bad || column >= self->name_count) {
        self->bad = self->bad ? self->bad : "wrong-column-count";
        return;
    }
    sym_val_t val;
    int rc = SYM_OK;
    if (ingest_csv_value(text, len, &val) == SYM_VAL_STR) {
        rc = sym_rec_own(self->rec, text, len, &val.as.s);
    }
    if (rc == SYM_OK) {
        rc = sym_rec_set(self->rec, self->names[column],
                         strlen(self->names[column]), val);
    }
    if (rc != SYM_OK) {
        self->bad = "too-big";
    }
}

int
ingest_payload_set_header(ingest_payload_t *self, const char *names)
{
    assert(self->kind == INGEST_PAYLOAD_CSV);
    s_clear_names(self);
    self->is_header_row = true;
    self->column = 0;
    size_t len = strlen(names);
    if (csv_parse(&self->parser, names, len, s_on_cell, NULL, self) != len) {
        return SYM_EINVAL;
    }
    csv_fini(&self->parser, s_on_cell, NULL, self);
    self->is_header_row = false;
    self->has_fixed_names = true;
    return self->name_count > 0 ? SYM_OK : SYM_EINVAL;
}

static int
s_parse_csv(ingest_payload_t *self, const uint8_t *bytes, size_t len,
            sym_rec_t *rec, ingest_where_t *where)
{
    self->is_header_row = self->name_count == 0;
    self->column = 0;
    self->bad = NULL;
    self->rec = rec;
    const char *text = (const char *) bytes;
    if (csv_parse(&self->parser, text, len, s_on_cell, NULL, self) != len) {
        self->bad = "malformed-csv";
    }
    csv_fini(&self->parser, s_on_cell, NULL, self);
    if (self->is_header_row) {
        self->is_header_row = false;
        where->reason = "empty-header";
        return self->name_count > 0 ? SYM_EAGAIN : SYM_EDECODE;
    }
    if (self->bad == NULL && self->column != self->name_count) {
        self->bad = "wrong-column-count";
    }
    where->reason = self->bad;
    return self->bad ? SYM_EDECODE : SYM_OK;
}

/* "APID=VALUE": the APID and the text after '='. */
static int
s_split_spec(const char *spec, uint16_t *apid, const char **value, char *err,
             size_t err_size)
{
    char *end = NULL;
    errno = 0;
    unsigned long number = strtoul(spec, &end, 10);
    if (end == spec || *end != '=' || errno || number >= INGEST_CCSDS_APIDS ||
        end[1] == '\0') {
        snprintf(err, err_size, "expected APID=VALUE (APID 0-2047), got '%s'",
                 spec);
        return SYM_EINVAL;
    }
    *apid = (uint16_t) number;
    *value = end + 1;
    return SYM_OK;
}

int
ingest_payload_add_dict(ingest_payload_t *self, const char *spec, char *err,
                        size_t err_size)
{
    assert(self->kind == INGEST_PAYLOAD_CCSDS);
    uint16_t apid = 0;
    const char *path = NULL;
    int rc = s_split_spec(spec, &apid, &path, err, err_size);
    if (rc == SYM_OK) {
        rc = ingest_ccsds_dict_load(self->dict, apid, path, err, err_size);
    }
    return rc;
}

int
ingest_payload_add_stride(ingest_payload_t *self, const char *spec, char *err,
                          size_t err_size)
{
    assert(self->kind == INGEST_PAYLOAD_CCSDS);
    uint16_t apid = 0;
    const char *text = NULL;
    int rc = s_split_spec(spec, &apid, &text, err, err_size);
    if (rc != SYM_OK) {
        return rc;
    }
    char *end = NULL;
    unsigned long stride = strtoul(text, &end, 10);
    if (*end != '\0' || text[0] == '-' ||
        ingest_ccsds_seq_set_stride(self->seq, apid, (uint32_t) stride)) {
        snprintf(err, err_size, "expected a stride of 1-16383, got '%s'", text);
        return SYM_EINVAL;
    }
    return SYM_OK;
}

/* Header, sequence check, the packet itself and the dictionary fields. */
static int
s_parse_ccsds(ingest_payload_t *self, const uint8_t *bytes, size_t len,
              sym_rec_t *rec, ingest_where_t *where)
{
    ingest_ccsds_header_t header;
    if (ingest_ccsds_header(bytes, len, &header) != SYM_OK ||
        header.total > len) {
        where->reason = "truncated";
        return SYM_EDECODE;
    }
    if (header.total < len) {
        where->reason = "length-mismatch";
        return SYM_EDECODE;
    }
    uint32_t missing =
        ingest_ccsds_seq_check(self->seq, header.apid, header.seq_count);
    self->stats->values[SYM_CTR_GAPS] += missing;
    sym_val_t packet = {.type = SYM_VAL_BIN};
    int rc = ingest_ccsds_header_to_rec(&header, rec);
    if (rc == SYM_OK) {
        rc = sym_rec_set_int(rec, "ccsds_gap", missing);
    }
    if (rc == SYM_OK) {
        rc = sym_rec_own(rec, (const char *) bytes, len, &packet.as.s);
    }
    if (rc == SYM_OK) {
        rc = sym_rec_set(rec, "packet", 6, packet);
    }
    if (rc == SYM_OK) {
        size_t skipped = 0;
        rc = ingest_ccsds_dict_decode(self->dict, header.apid, bytes, len, rec,
                                      &skipped);
        self->dict_skipped += skipped;
    }
    where->reason = rc == SYM_OK ? NULL : "too-big";
    return rc == SYM_OK ? SYM_OK : SYM_EDECODE;
}

/* The bytes as one field: bin "data" or text "message". */
static int
s_parse_whole(const uint8_t *bytes, size_t len, bool is_text, sym_rec_t *rec,
              ingest_where_t *where)
{
    sym_val_t val = {.type = is_text ? SYM_VAL_STR : SYM_VAL_BIN};
    int rc = sym_rec_own(rec, (const char *) bytes, len, &val.as.s);
    if (rc == SYM_OK) {
        rc = is_text ? sym_rec_set(rec, "message", 7, val)
                     : sym_rec_set(rec, "data", 4, val);
    }
    where->reason = rc == SYM_OK ? NULL : "too-big";
    return rc == SYM_OK ? SYM_OK : SYM_EDECODE;
}

int
ingest_payload_parse(ingest_payload_t *self, const uint8_t *bytes, size_t len,
                     sym_rec_t *rec, ingest_where_t *where)
{
    assert(self);
    sym_rec_reset(rec);
    switch (self->kind) {
    case INGEST_PAYLOAD_CSV:
        return s_parse_csv(self, bytes, len, rec, where);
    case INGEST_PAYLOAD_JSONL:
        return ingest_jsonl_parse((const char *) bytes, len, rec, where);
    case INGEST_PAYLOAD_CCSDS:
        return s_parse_ccsds(self, bytes, len, rec, where);
    case INGEST_PAYLOAD_RAW:
        return s_parse_whole(bytes, len, false, rec, where);
    case INGEST_PAYLOAD_TEXT:
        break;
    }
    return s_parse_whole(bytes, len, true, rec, where);
}

void
ingest_payload_log_summary(const ingest_payload_t *self)
{
    if (self->kind != INGEST_PAYLOAD_CCSDS) {
        return;
    }
    for (uint16_t apid = 0; apid < INGEST_CCSDS_APIDS; apid++) {
        ingest_ccsds_apid_t seen;
        ingest_ccsds_seq_get(self->seq, apid, &seen);
        if (seen.packets == 0) {
            continue;
        }
        sym_log_info("ccsds",
                     "apid=%u packets=%" PRIu64 " stride=%u missing=%" PRIu64
                     " duplicates=%" PRIu64 " dict_fields=%zu",
                     apid, seen.packets, seen.stride, seen.missing,
                     seen.duplicates,
                     ingest_ccsds_dict_count(self->dict, apid));
    }
    if (self->dict_skipped > 0) {
        sym_log_warn("ccsds",
                     "dictionary fields past the end of their packet "
                     "skipped=%" PRIu64,
                     self->dict_skipped);
    }
}

int
ingest_payload_from_framer(ingest_payload_t *self, ingest_framer_t *framer,
                           sym_rec_t *rec, ingest_where_t *where)
{
    while (true) {
        const uint8_t *unit = NULL;
        size_t len = 0;
        uint64_t offset = 0;
        const char *reason = NULL;
        int rc = ingest_framer_next(framer, &unit, &len, &offset, &reason);
        *where = (ingest_where_t){.line = ingest_framer_units(framer),
                                  .offset = offset,
                                  .has_offset =
                                      rc != SYM_EAGAIN && rc != SYM_ECLOSED};
        if (rc != SYM_OK) {
            where->reason = reason;
            return rc;
        }
        bool is_blank = len == 0 && (self->kind == INGEST_PAYLOAD_CSV ||
                                     self->kind == INGEST_PAYLOAD_JSONL);
        rc = is_blank ? SYM_EAGAIN
                      : ingest_payload_parse(self, unit, len, rec, where);
        if (rc != SYM_EAGAIN) {
            return rc;
        }
    }
}
