/* ingest_csv.c: CSV source: a header row names the fields, each further
 * row is one record; cells are parsed by libcsv and typed here.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "ingest_source.h"

#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "ingest_lines.h"
#include "sym_err.h"

typedef struct {
    ingest_lines_t *lines;
    struct csv_parser parser;
    bool has_parser;
    char *names[SYM_REC_MAX_FIELDS]; /* header cells */
    size_t name_lens[SYM_REC_MAX_FIELDS];
    size_t name_count;
    bool has_header;   /* the header row is complete */
    int header_rc;     /* SYM_OK, or why the header is unusable */
    sym_rec_t *rec;    /* record being filled while feeding */
    bool is_row_open;  /* rec was reset for a row not yet returned */
    bool is_row_done;  /* the parser ended the row */
    size_t column;     /* cells of the current row so far */
    uint64_t row_line; /* line of the row's first cell */
    const char *bad;   /* why the current row is bad, or NULL */
    const char *line;  /* line being fed */
    size_t line_len;
    size_t line_pos;  /* bytes of it already fed */
    bool has_line;    /* line holds bytes not yet fed */
    bool is_finished; /* the end of input reached the parser */
} s_csv_t;

static bool
s_is_integer(const char *text, size_t len)
{
    size_t i = text[0] == '+' || text[0] == '-' ? 1 : 0;
    if (i == len) {
        return false;
    }
    for (; i < len; i++) {
        if (!isdigit((unsigned char) text[i])) {
            return false;
        }
    }
    return true;
}

static size_t
s_skip_digits(const char *text, size_t len, size_t pos, size_t *count)
{
    while (pos < len && isdigit((unsigned char) text[pos])) {
        pos++;
        (*count)++;
    }
    return pos;
}

/* [+-] digits [. digits] [e [+-] digits], with a digit somewhere before
 * the exponent. Rules out what strtod also takes: hex, inf, nan. */
static bool
s_is_decimal(const char *text, size_t len)
{
    size_t digits = 0;
    size_t pos = text[0] == '+' || text[0] == '-' ? 1 : 0;
    pos = s_skip_digits(text, len, pos, &digits);
    if (pos < len && text[pos] == '.') {
        pos = s_skip_digits(text, len, pos + 1, &digits);
    }
    if (digits == 0) {
        return false;
    }
    if (pos < len && (text[pos] == 'e' || text[pos] == 'E')) {
        size_t exp_digits = 0;
        pos++;
        if (pos < len && (text[pos] == '+' || text[pos] == '-')) {
            pos++;
        }
        pos = s_skip_digits(text, len, pos, &exp_digits);
        if (exp_digits == 0) {
            return false;
        }
    }
    return pos == len;
}

/* A whole number: int64, else uint64, else the nearest double. */
static void
s_integer_value(const char *buf, sym_val_t *val)
{
    errno = 0;
    long long value = strtoll(buf, NULL, 10);
    if (errno == 0) {
        *val = (sym_val_t){.type = SYM_VAL_INT, .as.i = value};
        return;
    }
    errno = 0;
    unsigned long long big = strtoull(buf, NULL, 10);
    if (buf[0] != '-' && errno == 0) {
        *val = (sym_val_t){.type = SYM_VAL_UINT, .as.u = big};
        return;
    }
    *val = (sym_val_t){.type = SYM_VAL_FLOAT, .as.f = strtod(buf, NULL)};
}

sym_val_type_t
ingest_csv_value(const char *text, size_t len, sym_val_t *val)
{
    if (len == 0) {
        *val = (sym_val_t){.type = SYM_VAL_NIL};
        return val->type;
    }
    *val = (sym_val_t){.type = SYM_VAL_STR, .as.s = {text, (uint32_t) len}};
    char buf[64];
    if (len >= sizeof buf) {
        return val->type;
    }
    memcpy(buf, text, len);
    buf[len] = '\0';
    if (s_is_integer(buf, len)) {
        s_integer_value(buf, val);
    } else if (s_is_decimal(buf, len)) {
        double value = strtod(buf, NULL);
        if (isfinite(value)) {
            *val = (sym_val_t){.type = SYM_VAL_FLOAT, .as.f = value};
        }
    }
    return val->type;
}

static void
s_add_name(s_csv_t *self, const char *text, size_t len)
{
    if (self->name_count == SYM_REC_MAX_FIELDS) {
        self->header_rc = SYM_ETOOBIG;
        return;
    }
    /* A name is text: one with a NUL byte would be cut short wherever it
     * is used, and no longer match its length. */
    if (memchr(text, '\0', len) != NULL) {
        self->header_rc = SYM_EINVAL;
        return;
    }
    char *copy = strndup(text, len);
    if (copy == NULL) {
        self->header_rc = SYM_ENOMEM;
        return;
    }
    self->names[self->name_count] = copy;
    self->name_lens[self->name_count++] = len;
}

static void
s_add_cell(s_csv_t *self, const char *text, size_t len)
{
    sym_val_t val;
    if (ingest_csv_value(text, len, &val) == SYM_VAL_STR &&
        sym_rec_own(self->rec, text, len, &val.as.s) != SYM_OK) {
        self->bad = "too-big";
        return;
    }
    size_t index = self->column;
    if (sym_rec_set(self->rec, self->names[index], self->name_lens[index],
                    val) != SYM_OK) {
        self->bad = "too-big";
    }
}

/* libcsv: one cell, NUL-terminated thanks to CSV_APPEND_NULL. */
static void
s_on_cell(void *text, size_t len, void *data)
{
    s_csv_t *self = data;
    if (!self->has_header) {
        s_add_name(self, text, len);
        return;
    }
    if (self->column == 0) {
        self->row_line = ingest_lines_number(self->lines);
    }
    if (self->column < self->name_count && self->bad == NULL) {
        s_add_cell(self, text, len);
    }
    self->column++;
}

/* libcsv: the end of a row; empty lines never get here. */
static void
s_on_row(int terminator, void *data)
{
    (void) terminator;
    s_csv_t *self = data;
    if (!self->has_header) {
        self->has_header = true;
        return;
    }
    self->is_row_done = true;
}

static int
s_parse(s_csv_t *self, const char *bytes, size_t len)
{
    if (csv_parse(&self->parser, bytes, len, s_on_cell, s_on_row, self) !=
        len) {
        return SYM_ENOMEM; /* not strict, so only allocation fails */
    }
    return SYM_OK;
}

/* Feed bytes up to and including the next row terminator, so the parser
 * ends at most one row per call. A line is fed with the '\n' the reader
 * took off; a lone '\r' inside it also ends a row. */
static int
s_feed_segment(s_csv_t *self)
{
    const char *from = self->line + self->line_pos;
    size_t rest = self->line_len - self->line_pos;
    const char *cr = memchr(from, '\r', rest);
    if (cr) {
        size_t len = (size_t) (cr - from) + 1;
        self->line_pos += len;
        return s_parse(self, from, len);
    }
    self->has_line = false;
    int rc = s_parse(self, from, rest);
    return rc == SYM_OK ? s_parse(self, "\n", 1) : rc;
}

/* Get the next line from the reader, finishing the parser at the end of
 * input (an unclosed quote may still end a row there). */
static int
s_next_line(s_csv_t *self, ingest_where_t *where)
{
    int rc = ingest_lines_next(self->lines, &self->line, &self->line_len);
    if (rc == SYM_OK) {
        self->has_line = true;
        self->line_pos = 0;
    } else if (rc == SYM_ECLOSED && !self->is_finished) {
        self->is_finished = true;
        csv_fini(&self->parser, s_on_cell, s_on_row, self);
        rc = self->is_row_done ? SYM_OK : SYM_ECLOSED;
    } else if (rc == SYM_ETOOBIG) {
        where->reason = "line-too-long";
        where->line = ingest_lines_number(self->lines);
        rc = SYM_EDECODE;
    }
    return rc;
}

/* The row just ended: SYM_OK, or SYM_EDECODE with the reason. */
static int
s_check_row(s_csv_t *self, ingest_where_t *where)
{
    where->line = self->row_line;
    if (self->column != self->name_count) {
        where->reason = "wrong-column-count";
        return SYM_EDECODE;
    }
    if (self->bad) {
        where->reason = self->bad;
        return SYM_EDECODE;
    }
    return SYM_OK;
}

static int
s_next(void *state, sym_rec_t *rec, ingest_where_t *where)
{
    s_csv_t *self = state;
    *where = (ingest_where_t){.line = ingest_lines_number(self->lines)};
    if (!self->is_row_open) {
        sym_rec_reset(rec);
        self->rec = rec;
        self->column = 0;
        self->bad = NULL;
        self->is_row_open = true;
    }
    int rc = SYM_OK;
    while (!self->is_row_done && rc == SYM_OK) {
        rc = self->has_line ? s_feed_segment(self) : s_next_line(self, where);
        if (self->header_rc != SYM_OK) {
            where->line = ingest_lines_number(self->lines);
            where->reason = self->header_rc == SYM_ETOOBIG ? "header-too-wide"
                            : self->header_rc == SYM_EINVAL
                                ? "header-nul-in-name"
                                : "out-of-memory";
            return self->header_rc;
        }
    }
    if (rc == SYM_EDECODE) {
        /* An overlong line: forget the row it was part of. */
        csv_fini(&self->parser, NULL, NULL, NULL);
        self->is_row_open = false;
        return rc;
    }
    if (!self->is_row_done) {
        return rc;
    }
    self->is_row_done = false;
    self->is_row_open = false;
    return s_check_row(self, where);
}

static void
s_close(void **state_p)
{
    if (state_p == NULL || *state_p == NULL) {
        return;
    }
    s_csv_t *self = *state_p;
    for (size_t i = 0; i < self->name_count; i++) {
        free(self->names[i]);
    }
    if (self->has_parser) {
        csv_free(&self->parser);
    }
    ingest_lines_destroy(&self->lines);
    free(self);
    *state_p = NULL;
}

static int
s_open(const ingest_source_args_t *args, void **state, char *err,
       size_t err_size)
{
    s_csv_t *self = calloc(1, sizeof *self);
    if (self == NULL) {
        snprintf(err, err_size, "out of memory");
        return SYM_ENOMEM;
    }
    int rc = SYM_OK;
    self->lines = ingest_lines_open(args->path, &rc, err, err_size);
    if (self->lines == NULL) {
        goto fail;
    }
    if (csv_init(&self->parser, CSV_APPEND_NULL) != 0) {
        rc = SYM_ENOMEM;
        snprintf(err, err_size, "out of memory");
        goto fail;
    }
    self->has_parser = true;
    *state = self;
    return SYM_OK;

fail:
    s_close((void **) &self);
    return rc;
}

const ingest_source_ops_t ingest_csv_ops = {
    .name = "csv",
    .default_stream = "ingest",
    .open = s_open,
    .next = s_next,
    .close = s_close,
};
