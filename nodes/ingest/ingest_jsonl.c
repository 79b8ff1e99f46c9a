/* ingest_jsonl.c: JSON lines source: one flat object per line, one
 * record per object, parsed with jansson.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "ingest_source.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ingest_lines.h"
#include "sym_err.h"

typedef struct {
    ingest_lines_t *lines;
} s_jsonl_t;

static bool
s_is_blank(const char *line, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r') {
            return false;
        }
    }
    return true;
}

/* The scalar as a record value; strings are copied into rec. Returns
 * SYM_OK, SYM_EDECODE for an object or array, or SYM_ETOOBIG. */
static int
s_value(sym_rec_t *rec, json_t *json, sym_val_t *val)
{
    switch (json_typeof(json)) {
    case JSON_STRING:
        val->type = SYM_VAL_STR;
        return sym_rec_own(rec, json_string_value(json),
                           json_string_length(json), &val->as.s);
    case JSON_INTEGER:
        *val =
            (sym_val_t){.type = SYM_VAL_INT, .as.i = json_integer_value(json)};
        return SYM_OK;
    case JSON_REAL:
        *val =
            (sym_val_t){.type = SYM_VAL_FLOAT, .as.f = json_real_value(json)};
        return SYM_OK;
    case JSON_TRUE:
    case JSON_FALSE:
        *val = (sym_val_t){.type = SYM_VAL_BOOL, .as.b = json_is_true(json)};
        return SYM_OK;
    case JSON_NULL:
        *val = (sym_val_t){.type = SYM_VAL_NIL};
        return SYM_OK;
    default:
        return SYM_EDECODE;
    }
}

/* Copy the object's members into rec. Returns SYM_OK, or SYM_EDECODE
 * with the reason. */
static int
s_fill(sym_rec_t *rec, json_t *object, ingest_where_t *where)
{
    const char *key = NULL;
    json_t *member = NULL;
    json_object_foreach(object, key, member)
    {
        sym_val_t val;
        int rc = s_value(rec, member, &val);
        if (rc == SYM_OK) {
            rc = sym_rec_set(rec, key, strlen(key), val);
        }
        if (rc != SYM_OK) {
            where->reason = rc == SYM_EDECODE ? "nested-value" : "too-big";
            return SYM_EDECODE;
        }
    }
    return SYM_OK;
}

int
ingest_jsonl_parse(const char *line, size_t len, sym_rec_t *rec,
                   ingest_where_t *where)
{
    json_error_t error;
    json_t *object = json_loadb(line, len, 0, &error);
    if (object == NULL) {
        where->reason = "malformed-json";
        return SYM_EDECODE;
    }
    int rc = SYM_EDECODE;
    if (json_is_object(object)) {
        rc = s_fill(rec, object, where);
    } else {
        where->reason = "not-an-object";
    }
    json_decref(object);
    return rc;
}

static int
s_next(void *state, sym_rec_t *rec, ingest_where_t *where)
{
    s_jsonl_t *self = state;
    while (true) {
        const char *line = NULL;
        size_t len = 0;
        int rc = ingest_lines_next(self->lines, &line, &len);
        *where = (ingest_where_t){.line = ingest_lines_number(self->lines)};
        if (rc == SYM_ETOOBIG) {
            where->reason = "line-too-long";
            return SYM_EDECODE;
        }
        if (rc != SYM_OK) {
            return rc;
        }
        if (!s_is_blank(line, len)) {
            sym_rec_reset(rec);
            return ingest_jsonl_parse(line, len, rec, where);
        }
    }
}

static void
s_close(void **state_p)
{
    if (state_p == NULL || *state_p == NULL) {
        return;
    }
    s_jsonl_t *self = *state_p;
    ingest_lines_destroy(&self->lines);
    free(self);
    *state_p = NULL;
}

static int
s_open(const ingest_source_args_t *args, void **state, char *err,
       size_t err_size)
{
    s_jsonl_t *self = calloc(1, sizeof *self);
    if (self == NULL) {
        snprintf(err, err_size, "out of memory");
        return SYM_ENOMEM;
    }
    int rc = SYM_OK;
    self->lines = ingest_lines_open(args->path, &rc, err, err_size);
    if (self->lines == NULL) {
        free(self);
        return rc;
    }
    *state = self;
    return SYM_OK;
}

const ingest_source_ops_t ingest_jsonl_ops = {
    .name = "jsonl",
    .default_stream = "ingest",
    .open = s_open,
    .next = s_next,
    .close = s_close,
};
