/* transform_calibrate.c: step "calibrate", a polynomial of a raw value.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "transform_step.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sym_err.h"

#define S_MAX_COEFFS 32

typedef struct {
    transform_name_t field;      /* the raw value */
    transform_name_t out;        /* where the result goes; empty: field */
    double coeffs[S_MAX_COEFFS]; /* c0, c1, ... */
    size_t count;                /* coefficients in use */
} s_calibrate_t;

static void
s_destroy(transform_step_t *step)
{
    s_calibrate_t *self = step->state;
    if (self) {
        transform_name_clear(&self->field);
        transform_name_clear(&self->out);
        free(self);
        step->state = NULL;
    }
}

/* Read "c0,c1,..." into the coefficients. */
static int
s_parse_poly(s_calibrate_t *self, const char *text, char *err, size_t err_size)
{
    const char *cursor = text;
    while (true) {
        const char *comma = strchr(cursor, ',');
        size_t len = comma ? (size_t) (comma - cursor) : strlen(cursor);
        char number[64] = "";
        if (len < sizeof number) {
            memcpy(number, cursor, len);
            number[len] = '\0';
        }
        if (self->count == S_MAX_COEFFS) {
            snprintf(err, err_size, "expected at most %d coefficients",
                     S_MAX_COEFFS);
            return SYM_EINVAL;
        }
        if (len >= sizeof number ||
            !transform_parse_double(number, &self->coeffs[self->count])) {
            snprintf(err, err_size, "expected a number in poly=, got '%.*s'",
                     (int) len, cursor);
            return SYM_EINVAL;
        }
        self->count++;
        if (comma == NULL) {
            return SYM_OK;
        }
        cursor = comma + 1;
    }
}

static int
s_parse_option(s_calibrate_t *self, const char *word, char *err,
               size_t err_size)
{
    const char *value = NULL;
    if ((value = transform_kv(word, "poly")) != NULL) {
        self->count = 0;
        return s_parse_poly(self, value, err, err_size);
    }
    if ((value = transform_kv(word, "out")) != NULL) {
        int rc = transform_name_set(&self->out, value, strlen(value));
        if (rc != SYM_OK) {
            snprintf(err, err_size, "%s",
                     rc == SYM_EINVAL ? "expected a field name in out="
                                      : "out of memory");
        }
        return rc;
    }
    snprintf(err, err_size, "expected poly=c0,c1,... or out=NAME, got '%s'",
             word);
    return SYM_EINVAL;
}

static int
s_parse(transform_step_t *step, int argc, const char *const *argv, char *err,
        size_t err_size)
{
    if (argc < 2 || argv[1][0] == '\0' || strchr(argv[1], '=') != NULL) {
        snprintf(err, err_size, "expected %s", step->ops->usage);
        return SYM_EINVAL;
    }
    s_calibrate_t *self = calloc(1, sizeof *self);
    step->state = self;
    if (self == NULL ||
        transform_name_set(&self->field, argv[1], strlen(argv[1])) != SYM_OK) {
        snprintf(err, err_size, "out of memory");
        return SYM_ENOMEM;
    }
    for (int i = 2; i < argc; i++) {
        int rc = s_parse_option(self, argv[i], err, err_size);
        if (rc != SYM_OK) {
            return rc;
        }
    }
    if (self->count == 0) {
        snprintf(err, err_size, "expected poly=c0,c1,... (missing argument)");
        return SYM_EINVAL;
    }
    return SYM_OK;
}

static int
s_apply(transform_step_t *step, transform_ctx_t *ctx, sym_rec_t *rec,
        transform_verdict_t *verdict)
{
    (void) ctx;
    const s_calibrate_t *self = step->state;
    *verdict = TRANSFORM_KEEP;
    const sym_val_t *val =
        sym_rec_get_const(rec, self->field.text, self->field.len);
    double x = 0;
    if (val == NULL || !transform_val_number(val, &x)) {
        step->skipped++;
        return SYM_OK;
    }

    /* Horner: c0 + x (c1 + x (c2 + ...)). */
    double y = self->coeffs[self->count - 1];
    for (size_t i = self->count - 1; i-- > 0;) {
        y = y * x + self->coeffs[i];
    }
    const transform_name_t *target = self->out.text ? &self->out : &self->field;
    sym_val_t result = {.type = SYM_VAL_FLOAT, .as.f = y};
    if (sym_rec_set(rec, target->text, target->len, result) != SYM_OK) {
        step->skipped++;
    }
    return SYM_OK;
}

const transform_step_ops_t transform_calibrate_ops = {
    .name = "calibrate",
    .usage = "FIELD poly=c0,c1,... [out=NAME]",
    .parse = s_parse,
    .apply = s_apply,
    .destroy = s_destroy,
};
