/* sink_csv.c: the csv:PATH output, columns fixed by the first record.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "sink_output.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "sink_file.h"
#include "sym_err.h"
#include "sym_log.h"
#include "sym_time.h"

/* Envelope columns, before the field columns. */
static const char *const s_envelope[] = {"topic", "kind", "stream",
                                         "epoch", "seq",  "event_time"};
#define S_ENVELOPE_COUNT (sizeof s_envelope / sizeof s_envelope[0])

/* Longest header line read back from an existing file. */
#define S_HEADER_MAX 65536

typedef struct {
    sink_file_t file;       /* the batch and the file */
    bool has_header;        /* the columns are known */
    bool is_header_pending; /* the header is in the batch, not written */
    size_t column_count;    /* field columns */
    char **columns;         /* their names, NUL-terminated */
    uint64_t extra_records; /* records with fields that have no column */
} s_csv_t;

static void
s_forget_columns(s_csv_t *state)
{
    for (size_t i = 0; i < state->column_count; i++) {
        free(state->columns[i]);
    }
    free(state->columns);
    state->columns = NULL;
    state->column_count = 0;
    state->has_header = false;
}

static int
s_add_column(s_csv_t *state, const char *name, size_t len)
{
    char **columns =
        realloc(state->columns, (state->column_count + 1) * sizeof *columns);
    if (columns == NULL) {
        return SYM_ENOMEM;
    }
    state->columns = columns;
    char *copy = malloc(len + 1);
    if (copy == NULL) {
        return SYM_ENOMEM;
    }
    memcpy(copy, name, len);
    copy[len] = '\0';
    columns[state->column_count++] = copy;
    return SYM_OK;
}

/* What the parser of an existing header collects. */
typedef struct {
    s_csv_t *state;
    size_t index; /* column being read */
    bool is_done; /* the first row ended */
    bool is_bad;  /* an envelope column is wrong, or out of memory */
} s_header_t;

static void
s_on_header_field(void *field, size_t len, void *data)
{
    s_header_t *header = data;
    if (header->is_done || header->is_bad) {
        return;
    }
    size_t i = header->index++;
    if (i < S_ENVELOPE_COUNT) {
        header->is_bad = strlen(s_envelope[i]) != len ||
                         memcmp(s_envelope[i], field, len) != 0;
        return;
    }
    header->is_bad = s_add_column(header->state, field, len) != SYM_OK;
}

static void
s_on_header_end(int c, void *data)
{
    (void) c;
    s_header_t *header = data;
    header->is_done = true;
}

/* Take the columns from the first line of a file that has one, so a
 * restarted sink appends rows that match. */
static int
s_read_header(sink_output_t *self, s_csv_t *state)
{
    int rc = SYM_EIO;
    char *line = malloc(S_HEADER_MAX);
    FILE *in = fopen(self->path, "r");
    if (line == NULL || in == NULL || !fgets(line, S_HEADER_MAX, in)) {
        snprintf(self->error, sizeof self->error, "cannot read the header");
        goto done;
    }
    struct csv_parser parser;
    csv_init(&parser, 0);
    s_header_t header = {.state = state};
    csv_parse(&parser, line, strlen(line), s_on_header_field, s_on_header_end,
              &header);
    csv_fini(&parser, s_on_header_field, s_on_header_end, &header);
    csv_free(&parser);
    if (header.is_bad || header.index < S_ENVELOPE_COUNT) {
        snprintf(self->error, sizeof self->error,
                 "the first line is not a header starting with "
                 "topic,kind,stream,epoch,seq,event_time");
        s_forget_columns(state);
        goto done;
    }
    state->has_header = true;
    rc = sink_file_set_prologue(&state->file, line, strlen(line));

done:
    if (in) {
        fclose(in);
    }
    free(line);
    return rc;
}

static void
s_close(sink_output_t *self)
{
    s_csv_t *state = self->state;
    if (state == NULL) {
        return;
    }
    if (state->extra_records > 0) {
        sym_log_warn("csv",
                     "fields without a column were left out path=%s "
                     "records=%" PRIu64,
                     self->path, state->extra_records);
    }
    sink_file_close(&state->file);
    s_forget_columns(state);
    free(state);
    self->state = NULL;
}

static int
s_open(sink_output_t *self)
{
    s_csv_t *state = calloc(1, sizeof *state);
    if (state == NULL) {
        snprintf(self->error, sizeof self->error, "out of memory");
        return SYM_ENOMEM;
    }
    self->state = state;
    int rc = sink_file_open(&state->file, self->path, self->error,
                            sizeof self->error);
    sink_file_set_rotation(&state->file, self->opts.rotate_bytes,
                           self->opts.rotate_ms);
    if (rc == SYM_OK && state->file.batch_start > 0) {
        rc = s_read_header(self, state);
    }
    if (rc != SYM_OK) {
        s_close(self);
    }
    return rc;
}

/* Append text as one cell, quoted only when it has to be. An empty
 * string is quoted so that it differs from an absent value. */
static int
s_put_text(sink_file_t *file, const char *text, size_t len)
{
    bool needs_quotes = len == 0 || text[0] == ' ' || text[len - 1] == ' ';
    for (size_t i = 0; i < len && !needs_quotes; i++) {
        char c = text[i];
        needs_quotes = c == ',' || c == '"' || c == '\r' || c == '\n';
    }
    if (!needs_quotes) {
        return sink_file_append(file, text, len);
    }
    char *dest = sink_file_reserve(file, 2 * len + 2);
    if (dest == NULL) {
        return SYM_ENOMEM;
    }
    sink_file_advance(file, csv_write(dest, 2 * len + 2, text, len));
    return SYM_OK;
}

/* Shortest decimal text that reads back as the same double. */
static int
s_format_double(char *buf, size_t size, double value)
{
    int len = snprintf(buf, size, "%.15g", value);
    if (strtod(buf, NULL) != value) {
        len = snprintf(buf, size, "%.17g", value);
    }
    return len;
}

static int
s_put_hex(sink_file_t *file, const char *ptr, size_t len)
{
    static const char digits[] = "0123456789abcdef";
    char *dest = sink_file_reserve(file, 2 * len + 2);
    if (dest == NULL) {
        return SYM_ENOMEM;
    }
    dest[0] = '0';
    dest[1] = 'x';
    for (size_t i = 0; i < len; i++) {
        dest[2 + 2 * i] = digits[(unsigned char) ptr[i] >> 4];
        dest[3 + 2 * i] = digits[(unsigned char) ptr[i] & 0xf];
    }
    sink_file_advance(file, 2 * len + 2);
    return SYM_OK;
}

static int
s_put_value(sink_file_t *file, const sym_val_t *val)
{
    char buf[40];
    int len = 0;
    switch (val->type) {
    case SYM_VAL_NIL:
        return SYM_OK;
    case SYM_VAL_BOOL:
        len = snprintf(buf, sizeof buf, "%s", val->as.b ? "true" : "false");
        break;
    case SYM_VAL_INT:
        len = snprintf(buf, sizeof buf, "%" PRId64, val->as.i);
        break;
    case SYM_VAL_UINT:
        len = snprintf(buf, sizeof buf, "%" PRIu64, val->as.u);
        break;
    case SYM_VAL_FLOAT:
        len = s_format_double(buf, sizeof buf, val->as.f);
        break;
    case SYM_VAL_STR:
        return s_put_text(file, val->as.s.ptr, val->as.s.len);
    case SYM_VAL_BIN:
        return s_put_hex(file, val->as.s.ptr, val->as.s.len);
    }
    return sink_file_append(file, buf, (size_t) len);
}

static int
s_put_header(s_csv_t *state, const sym_rec_t *rec)
{
    size_t mark = state->file.len;
    int rc = SYM_OK;
    for (uint32_t i = 0; i < rec->field_count && rc == SYM_OK; i++) {
        rc = s_add_column(state, rec->fields[i].name.ptr,
                          rec->fields[i].name.len);
    }
    for (size_t i = 0; i < S_ENVELOPE_COUNT && rc == SYM_OK; i++) {
        if (i > 0) {
            rc = sink_file_append(&state->file, ",", 1);
        }
        if (rc == SYM_OK) {
            rc = s_put_text(&state->file, s_envelope[i], strlen(s_envelope[i]));
        }
    }
    for (size_t i = 0; i < state->column_count && rc == SYM_OK; i++) {
        rc = sink_file_append(&state->file, ",", 1);
        if (rc == SYM_OK) {
            rc = s_put_text(&state->file, state->columns[i],
                            strlen(state->columns[i]));
        }
    }
    if (rc == SYM_OK) {
        rc = sink_file_append(&state->file, "\n", 1);
    }
    if (rc == SYM_OK) {
        /* Every file started by a rotation begins with it too. */
        rc = sink_file_set_prologue(&state->file, state->file.buf + mark,
                                    state->file.len - mark);
    }
    state->has_header = true;
    state->is_header_pending = true;
    return rc;
}

static int
s_put_envelope(sink_file_t *file, const char *topic, const sym_rec_t *rec)
{
    char text[128];
    char when[40];
    int rc = s_put_text(file, topic, strlen(topic));
    if (rc == SYM_OK) {
        int len = snprintf(text, sizeof text, ",%s,", sym_kind_name(rec->kind));
        rc = sink_file_append(file, text, (size_t) len);
    }
    if (rc == SYM_OK) {
        rc = s_put_text(file, rec->stream.ptr, rec->stream.len);
    }
    if (rc == SYM_OK) {
        sym_time_format(rec->event_ns, when, sizeof when);
        int len = snprintf(text, sizeof text, ",%" PRIu64 ",%" PRIu64 ",%s",
                           rec->epoch, rec->seq, when);
        rc = sink_file_append(file, text, (size_t) len);
    }
    return rc;
}

/* The value of column i in rec, or NULL. Records of one stream usually
 * keep the field order of the first, so position i is tried first. */
static const sym_val_t *
s_column_value(const s_csv_t *state, size_t i, const sym_rec_t *rec)
{
    const char *name = state->columns[i];
    size_t len = strlen(name);
    if (i < rec->field_count && rec->fields[i].name.len == len &&
        memcmp(rec->fields[i].name.ptr, name, len) == 0) {
        return &rec->fields[i].val;
    }
    return sym_rec_get_const(rec, name, len);
}

/* Warn once about fields that have no column; count them always. */
static void
s_note_extra(sink_output_t *self, s_csv_t *state, const sym_rec_t *rec)
{
    if (state->extra_records++ > 0) {
        return;
    }
    for (uint32_t i = 0; i < rec->field_count; i++) {
        sym_str_t name = rec->fields[i].name;
        bool is_known = false;
        for (size_t c = 0; c < state->column_count && !is_known; c++) {
            is_known = sym_str_eq(name, state->columns[c]);
        }
        if (!is_known) {
            sym_log_warn("csv",
                         "field has no column, left out path=%s "
                         "field=%.*s stream=%.*s",
                         self->path, (int) name.len, name.ptr,
                         (int) rec->stream.len, rec->stream.ptr);
            return;
        }
    }
}

static int
s_write(sink_output_t *self, const char *topic, const sym_rec_t *rec)
{
    s_csv_t *state = self->state;
    int rc = state->has_header ? SYM_OK : s_put_header(state, rec);
    if (rc == SYM_OK) {
        rc = s_put_envelope(&state->file, topic, rec);
    }
    size_t matched = 0;
    for (size_t i = 0; i < state->column_count && rc == SYM_OK; i++) {
        const sym_val_t *val = s_column_value(state, i, rec);
        rc = sink_file_append(&state->file, ",", 1);
        if (val && rc == SYM_OK) {
            matched++;
            rc = s_put_value(&state->file, val);
        }
    }
    if (rc == SYM_OK) {
        rc = sink_file_append(&state->file, "\n", 1);
    }
    if (rc != SYM_OK) {
        snprintf(self->error, sizeof self->error, "batch: out of memory");
        return rc;
    }
    if (rec->field_count > matched) {
        s_note_extra(self, state, rec);
    }
    return SYM_OK;
}

static void
s_abort(sink_output_t *self)
{
    s_csv_t *state = self->state;
    if (state == NULL) {
        return;
    }
    sink_file_discard(&state->file);
    if (state->is_header_pending) {
        /* The next record writes the header again, maybe other columns. */
        s_forget_columns(state);
        state->is_header_pending = false;
    }
}

static int
s_commit(sink_output_t *self)
{
    s_csv_t *state = self->state;
    int rc = sink_file_flush(&state->file, self->error, sizeof self->error);
    if (rc != SYM_OK) {
        s_abort(self);
        return rc;
    }
    state->is_header_pending = false;
    return SYM_OK;
}

const sink_output_ops_t sink_csv_ops = {
    .scheme = "csv",
    .needs_path = true,
    .arg = "PATH",
    .open = s_open,
    .write = s_write,
    .commit = s_commit,
    .abort = s_abort,
    .close = s_close,
};
