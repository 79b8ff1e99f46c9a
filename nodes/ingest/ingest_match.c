/* ingest_match.c: --match FIELD=VALUE filters on records.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "ingest_match.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest_source.h"
#include "sym_err.h"

typedef struct {
    char *field; /* NUL-terminated, owns field and value */
    size_t field_len;
    const char *text; /* VALUE as given */
    size_t text_len;
    sym_val_t typed; /* VALUE typed like a CSV cell */
} s_cond_t;

struct ingest_match_t {
    s_cond_t *conds;
    size_t count;
};

/* Split one FIELD=VALUE word into cond. */
static int
s_parse_cond(const char *word, s_cond_t *cond, char *err, size_t err_size)
{
    const char *equals = strchr(word, '=');
    if (equals == NULL || equals == word) {
        snprintf(err, err_size,
                 "option '--match': expected FIELD=VALUE, got '%s'", word);
        return SYM_EINVAL;
    }
    cond->field = strdup(word);
    if (cond->field == NULL) {
        snprintf(err, err_size, "out of memory");
        return SYM_ENOMEM;
    }
    cond->field_len = (size_t) (equals - word);
    cond->field[cond->field_len] = '\0';
    cond->text = cond->field + cond->field_len + 1;
    cond->text_len = strlen(cond->text);
    ingest_csv_value(cond->text, cond->text_len, &cond->typed);
    return SYM_OK;
}

ingest_match_t *
ingest_match_new(const sym_strlist_t *list, int *rc, char *err, size_t err_size)
{
    size_t count = list ? list->count : 0;
    ingest_match_t *self = calloc(1, sizeof *self);
    s_cond_t *conds = calloc(count ? count : 1, sizeof *conds);
    if (self == NULL || conds == NULL) {
        free(self);
        free(conds);
        *rc = SYM_ENOMEM;
        snprintf(err, err_size, "out of memory");
        return NULL;
    }
    self->conds = conds;
    *rc = SYM_OK;
    for (size_t i = 0; i < count && *rc == SYM_OK; i++) {
        *rc = s_parse_cond(list->items[i], &conds[i], err, err_size);
        if (*rc == SYM_OK) {
            self->count++;
        }
    }
    if (*rc != SYM_OK) {
        ingest_match_destroy(&self);
    }
    return self;
}

void
ingest_match_destroy(ingest_match_t **self_p)
{
    if (self_p == NULL || *self_p == NULL) {
        return;
    }
    ingest_match_t *self = *self_p;
    for (size_t i = 0; i < self->count; i++) {
        free(self->conds[i].field);
    }
    free(self->conds);
    free(self);
    *self_p = NULL;
}

size_t
ingest_match_size(const ingest_match_t *self)
{
    return self->count;
}

/* True when both are numbers of equal value. */
static bool
s_same_number(const sym_val_t *field, const sym_val_t *wanted)
{
    if (field->type == SYM_VAL_INT && wanted->type == SYM_VAL_INT) {
        return field->as.i == wanted->as.i;
    }
    if (field->type == SYM_VAL_UINT && wanted->type == SYM_VAL_UINT) {
        return field->as.u == wanted->as.u;
    }
    double a = 0.0;
    double b = 0.0;
    bool is_number = wanted->type == SYM_VAL_INT ||
                     wanted->type == SYM_VAL_UINT ||
                     wanted->type == SYM_VAL_FLOAT;
    return is_number && sym_val_to_double(field, &a) &&
           sym_val_to_double(wanted, &b) && a == b;
}

static bool
s_holds(const s_cond_t *cond, const sym_val_t *val)
{
    switch (val->type) {
    case SYM_VAL_STR:
    case SYM_VAL_BIN:
        return val->as.s.len == cond->text_len &&
               memcmp(val->as.s.ptr, cond->text, cond->text_len) == 0;
    case SYM_VAL_NIL:
        return cond->text_len == 0;
    case SYM_VAL_BOOL:
        return strcmp(cond->text, val->as.b ? "true" : "false") == 0;
    default:
        return s_same_number(val, &cond->typed);
    }
}

bool
ingest_match_test(const ingest_match_t *self, const sym_rec_t *rec)
{
    for (size_t i = 0; i < self->count; i++) {
        const s_cond_t *cond = &self->conds[i];
        const sym_val_t *val =
            sym_rec_get_const(rec, cond->field, cond->field_len);
        if (val == NULL || !s_holds(cond, val)) {
            return false;
        }
    }
    return true;
}
