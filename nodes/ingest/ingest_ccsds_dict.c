/* ingest_ccsds_dict.c: a CCSDS packet dictionary read from CSV (parsed
 * by libcsv), and the decoding of a packet's fields with it.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "ingest_ccsds.h"

#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <csv.h>

#include "sym_err.h"

#define S_MAX_FILE_BYTES (16 * 1024 * 1024)
#define S_MAX_CELLS 64

enum {
    S_COL_NAME,
    S_COL_BYTE,
    S_COL_BIT,
    S_COL_BITS,
    S_COL_TYPE,
    S_COL_UNIT,
    S_COLS
};

/* Header names of each column, in lowercase. */
static const char *const s_col_names[S_COLS][2] = {
    {"name", "mnemonic"},  {"byte", "start byte"}, {"bit", "start bit"},
    {"bits", "data size"}, {"type", "type"},       {"unit", "units"},
};

typedef struct {
    ingest_ccsds_field_t *fields;
    size_t count;
    size_t cap;
} s_list_t;

struct ingest_ccsds_dict_t {
    s_list_t apids[INGEST_CCSDS_APIDS];
};

/* The state of one load while libcsv calls back. */
typedef struct {
    ingest_ccsds_dict_t *dict;
    uint16_t apid;
    char *cells[S_MAX_CELLS];
    size_t cell_count;
    int cols[S_COLS]; /* cell index of each column, -1 when absent */
    bool has_header;
    uint64_t row;
    int rc;
    char *err;
    size_t err_size;
} s_load_t;

ingest_ccsds_dict_t *
ingest_ccsds_dict_new(void)
{
    return calloc(1, sizeof(ingest_ccsds_dict_t));
}

void
ingest_ccsds_dict_destroy(ingest_ccsds_dict_t **self_p)
{
    if (self_p == NULL || *self_p == NULL) {
        return;
    }
    ingest_ccsds_dict_t *self = *self_p;
    for (size_t apid = 0; apid < INGEST_CCSDS_APIDS; apid++) {
        s_list_t *list = &self->apids[apid];
        for (size_t i = 0; i < list->count; i++) {
            free(list->fields[i].name);
            free(list->fields[i].unit);
        }
        free(list->fields);
    }
    free(self);
    *self_p = NULL;
}

size_t
ingest_ccsds_dict_count(const ingest_ccsds_dict_t *self, uint16_t apid)
{
    return apid < INGEST_CCSDS_APIDS ? self->apids[apid].count : 0;
}

int
ingest_ccsds_type_parse(const char *text, ingest_ccsds_field_t *field)
{
    switch (toupper((unsigned char) text[0])) {
    case 'U':
        field->kind = INGEST_CCSDS_UINT;
        break;
    case 'I':
    case 'S':
        field->kind = INGEST_CCSDS_INT;
        break;
    case 'F':
        field->kind = INGEST_CCSDS_FLOAT;
        break;
    default:
        return SYM_EINVAL;
    }
    size_t count = strlen(text + 1);
    if (count > sizeof field->order) {
        return SYM_EINVAL;
    }
    unsigned seen = 0;
    for (size_t i = 0; i < count; i++) {
        unsigned digit = (unsigned) (text[1 + i] - '0');
        if (digit < 1 || digit > count || (seen >> digit) & 1u) {
            return SYM_EINVAL;
        }
        seen |= 1u << digit;
        field->order[i] = (uint8_t) digit;
    }
    field->order_count = (uint8_t) count;
    return SYM_OK;
}

/* A cell as an unsigned number below limit. */
static bool
s_number(const char *text, uint32_t limit, uint32_t *out)
{
    char *end = NULL;
    errno = 0;
    unsigned long value = strtoul(text, &end, 10);
    if (end == text || *end != '\0' || errno || value >= limit ||
        text[0] == '-') {
        return false;
    }
    *out = (uint32_t) value;
    return true;
}

static const char *
s_cell(const s_load_t *load, int col)
{
    int index = load->cols[col];
    return index >= 0 && (size_t) index < load->cell_count ? load->cells[index]
                                                           : "";
}

static int
s_append(s_list_t *list, const ingest_ccsds_field_t *field)
{
    if (list->count == list->cap) {
        size_t cap = list->cap ? list->cap * 2 : 16;
        ingest_ccsds_field_t *grown =
            realloc(list->fields, cap * sizeof *grown);
        if (grown == NULL) {
            return SYM_ENOMEM;
        }
        list->fields = grown;
        list->cap = cap;
    }
    list->fields[list->count] = *field;
    list->fields[list->count].name = strdup(field->name);
    list->fields[list->count].unit = strdup(field->unit);
    if (list->fields[list->count].name == NULL ||
        list->fields[list->count].unit == NULL) {
        free(list->fields[list->count].name);
        free(list->fields[list->count].unit);
        return SYM_ENOMEM;
    }
    list->count++;
    return SYM_OK;
}

/* One dictionary row; rows without a name are skipped. */
static int
s_row(s_load_t *load)
{
    ingest_ccsds_field_t field = {
        .name = (char *) s_cell(load, S_COL_NAME),
        .unit = (char *) s_cell(load, S_COL_UNIT),
    };
    if (field.name[0] == '\0') {
        return SYM_OK;
    }
    const char *why = NULL;
    if (!s_number(s_cell(load, S_COL_BYTE), 65536, &field.byte)) {
        why = "byte";
    } else if (!s_number(s_cell(load, S_COL_BIT), 8, &field.bit)) {
        why = "bit";
    } else if (!s_number(s_cell(load, S_COL_BITS), 65, &field.bits) ||
               field.bits == 0) {
        why = "bits";
    } else if (ingest_ccsds_type_parse(s_cell(load, S_COL_TYPE), &field) ||
               (field.kind == INGEST_CCSDS_FLOAT && field.bits != 32 &&
                field.bits != 64)) {
        why = "type";
    }
    if (why) {
        snprintf(load->err, load->err_size, "row %llu (%s): bad %s",
                 (unsigned long long) load->row, field.name, why);
        return SYM_EINVAL;
    }
    return s_append(&load->dict->apids[load->apid], &field);
}

/* The header row: find each column by name. */
static int
s_header(s_load_t *load)
{
    for (int col = 0; col < S_COLS; col++) {
        load->cols[col] = -1;
        for (size_t i = 0; i < load->cell_count; i++) {
            if (strcasecmp(load->cells[i], s_col_names[col][0]) == 0 ||
                strcasecmp(load->cells[i], s_col_names[col][1]) == 0) {
                load->cols[col] = (int) i;
                break;
            }
        }
        if (load->cols[col] < 0 && col != S_COL_UNIT) {
            snprintf(load->err, load->err_size,
                     "header has no column '%s' (or '%s')", s_col_names[col][0],
                     s_col_names[col][1]);
            return SYM_EINVAL;
        }
    }
    load->has_header = true;
    return SYM_OK;
}

/* libcsv: one cell, kept with its surrounding spaces trimmed. */
static void
s_on_cell(void *data, size_t len, void *user)
{
    s_load_t *load = user;
    const char *text = data ? data : "";
    while (len > 0 && isspace((unsigned char) text[0])) {
        text++;
        len--;
    }
    while (len > 0 && isspace((unsigned char) text[len - 1])) {
        len--;
    }
    if (load->cell_count < S_MAX_CELLS) {
        char *cell = strndup(text, len);
        if (cell == NULL) {
            load->rc = SYM_ENOMEM;
            return;
        }
        load->cells[load->cell_count++] = cell;
    }
}

/* libcsv: the end of a row. */
static void
s_on_row(int terminator, void *user)
{
    (void) terminator;
    s_load_t *load = user;
    load->row++;
    if (load->rc == SYM_OK) {
        load->rc = load->has_header ? s_row(load) : s_header(load);
    }
    for (size_t i = 0; i < load->cell_count; i++) {
        free(load->cells[i]);
    }
    load->cell_count = 0;
}

/* Feed the file to libcsv a chunk at a time: a dictionary is a few
 * kilobytes, and a buffer of the whole limit made every load fault in
 * megabytes. Returns SYM_OK or SYM_EINVAL with err set. */
static int
s_parse_file(FILE *file, const char *path, struct csv_parser *parser,
             s_load_t *load)
{
    char chunk[16384];
    size_t total = 0;
    size_t got = 0;
    while ((got = fread(chunk, 1, sizeof chunk, file)) > 0) {
        total += got;
        if (total > S_MAX_FILE_BYTES) {
            snprintf(load->err, load->err_size,
                     "dictionary '%s' is larger than %d bytes", path,
                     S_MAX_FILE_BYTES);
            return SYM_EINVAL;
        }
        if (csv_parse(parser, chunk, got, s_on_cell, s_on_row, load) != got) {
            snprintf(load->err, load->err_size, "dictionary '%s': %s", path,
                     csv_strerror(csv_error(parser)));
            return SYM_EINVAL;
        }
    }
    if (ferror(file)) {
        snprintf(load->err, load->err_size, "cannot read dictionary '%s'",
                 path);
        return SYM_EINVAL;
    }
    return SYM_OK;
}

int
ingest_ccsds_dict_load(ingest_ccsds_dict_t *self, uint16_t apid,
                       const char *path, char *err, size_t err_size)
{
    assert(self);
    if (apid >= INGEST_CCSDS_APIDS) {
        snprintf(err, err_size, "APID %u is above 2047", apid);
        return SYM_EINVAL;
    }
    FILE *file = fopen(path, "rb");
    if (file == NULL) {
        snprintf(err, err_size, "cannot read dictionary '%s': %s", path,
                 strerror(errno));
        return SYM_EINVAL;
    }
    s_load_t load = {
        .dict = self, .apid = apid, .err = err, .err_size = err_size};
    struct csv_parser parser;
    if (csv_init(&parser, CSV_APPEND_NULL) != 0) {
        fclose(file);
        return SYM_ENOMEM;
    }
    int rc = s_parse_file(file, path, &parser, &load);
    fclose(file);
    load.rc = rc == SYM_OK ? load.rc : rc;
    csv_fini(&parser, s_on_cell, s_on_row, &load);
    csv_free(&parser);
    if (load.rc == SYM_OK && !load.has_header) {
        snprintf(err, err_size, "dictionary '%s' is empty", path);
        load.rc = SYM_EINVAL;
    }
    return load.rc;
}

int
ingest_ccsds_dict_decode(const ingest_ccsds_dict_t *self, uint16_t apid,
                         const uint8_t *packet, size_t len, sym_rec_t *rec,
                         size_t *skipped)
{
    assert(self);
    const s_list_t *list = &self->apids[apid % INGEST_CCSDS_APIDS];
    for (size_t i = 0; i < list->count; i++) {
        const ingest_ccsds_field_t *field = &list->fields[i];
        sym_val_t val;
        if (ingest_ccsds_field_value(field, packet, len, &val) != SYM_OK) {
            (*skipped)++;
            continue;
        }
        int rc = sym_rec_set(rec, field->name, strlen(field->name), val);
        if (rc != SYM_OK) {
            return rc;
        }
    }
    return SYM_OK;
}
