/* transform_calibrate.c: step "calibrate", a polynomial or a segmented
 * polynomial of a raw value.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "transform_step.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sym_err.h"

#define S_MAX_COEFFS 32
#define S_MAX_SEGMENTS 64

/* One polynomial; in a segmented calibration it applies from its
 * breakpoint up to the next one. */
typedef struct {
    double from;                 /* breakpoint (segments only) */
    double coeffs[S_MAX_COEFFS]; /* c0, c1, ... */
    size_t count;                /* coefficients in use */
} s_poly_t;

typedef struct {
    transform_name_t field;         /* the raw value */
    transform_name_t out;           /* where the result goes; empty:
                                       field */
    s_poly_t polys[S_MAX_SEGMENTS]; /* one for poly=, or the segments
                                       by rising breakpoint */
    size_t count;                   /* polynomials in use */
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

/* Read len bytes of "c0,c1,..." into poly; what names the option in
 * messages. */
static int
s_parse_coeffs(s_poly_t *poly, const char *text, size_t len, const char *what,
               char *err, size_t err_size)
{
    const char *cursor = text;
    const char *end = text + len;
    poly->count = 0;
    while (true) {
        const char *comma = memchr(cursor, ',', (size_t) (end - cursor));
        size_t item = (size_t) ((comma ? comma : end) - cursor);
        char number[64] = "";
        if (poly->count == S_MAX_COEFFS) {
            snprintf(err, err_size, "expected at most %d coefficients in %s",
                     S_MAX_COEFFS, what);
            return SYM_EINVAL;
        }
        if (item < sizeof number) {
            memcpy(number, cursor, item);
        }
        if (item >= sizeof number ||
            !transform_parse_double(number, &poly->coeffs[poly->count])) {
            snprintf(err, err_size, "expected a number in %s, got '%.*s'", what,
                     (int) item, cursor);
            return SYM_EINVAL;
        }
        poly->count++;
        if (comma == NULL) {
            return SYM_OK;
        }
        cursor = comma + 1;
    }
}

/* Read one "x:c0,c1,..." segment of len bytes. */
static int
s_parse_segment(s_calibrate_t *self, const char *text, size_t len, char *err,
                size_t err_size)
{
    const char *colon = memchr(text, ':', len);
    char number[64] = "";
    size_t head = colon ? (size_t) (colon - text) : 0;
    if (head > 0 && head < sizeof number) {
        memcpy(number, text, head);
    }
    s_poly_t *poly = &self->polys[self->count];
    if (colon == NULL || !transform_parse_double(number, &poly->from)) {
        snprintf(err, err_size,
                 "expected BREAKPOINT:c0,c1,... in segments=, got '%.*s'",
                 (int) len, text);
        return SYM_EINVAL;
    }
    if (self->count > 0 && poly->from <= poly[-1].from) {
        snprintf(err, err_size,
                 "expected rising breakpoints in segments=, got %g after %g",
                 poly->from, poly[-1].from);
        return SYM_EINVAL;
    }
    int rc = s_parse_coeffs(poly, colon + 1, len - head - 1, "segments=", err,
                            err_size);
    if (rc == SYM_OK) {
        self->count++;
    }
    return rc;
}

/* Read "x0:c0,c1,...;x1:c0,c1,...". */
static int
s_parse_segments(s_calibrate_t *self, const char *text, char *err,
                 size_t err_size)
{
    const char *cursor = text;
    self->count = 0;
    while (true) {
        const char *semi = strchr(cursor, ';');
        size_t len = semi ? (size_t) (semi - cursor) : strlen(cursor);
        if (self->count == S_MAX_SEGMENTS) {
            snprintf(err, err_size, "expected at most %d segments",
                     S_MAX_SEGMENTS);
            return SYM_EINVAL;
        }
        int rc = s_parse_segment(self, cursor, len, err, err_size);
        if (rc != SYM_OK || semi == NULL) {
            return rc;
        }
        cursor = semi + 1;
    }
}

static int
s_parse_option(s_calibrate_t *self, const char *word, char *err,
               size_t err_size)
{
    const char *value = NULL;
    if ((value = transform_kv(word, "poly")) != NULL) {
        self->count = 1;
        return s_parse_coeffs(&self->polys[0], value, strlen(value),
                              "poly=", err, err_size);
    }
    if ((value = transform_kv(word, "segments")) != NULL) {
        return s_parse_segments(self, value, err, err_size);
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
    snprintf(err, err_size,
             "expected poly=c0,c1,..., segments=x0:c0,c1,...;x1:... or "
             "out=NAME, got '%s'",
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
        snprintf(err, err_size,
                 "expected poly=c0,c1,... or segments=x0:c0,c1,...;x1:... "
                 "(missing argument)");
        return SYM_EINVAL;
    }
    return SYM_OK;
}

/* The polynomial for x: the last segment whose breakpoint is <= x, or
 * the first segment when x is below every breakpoint. */
static const s_poly_t *
s_segment(const s_calibrate_t *self, double x)
{
    size_t low = 0;
    size_t high = self->count;
    while (high - low > 1) {
        size_t mid = low + (high - low) / 2;
        if (self->polys[mid].from <= x) {
            low = mid;
        } else {
            high = mid;
        }
    }
    return &self->polys[low];
}

/* c0 + x (c1 + x (c2 + ...)). */
static double
s_horner(const s_poly_t *poly, double x)
{
    double y = poly->coeffs[poly->count - 1];
    for (size_t i = poly->count - 1; i-- > 0;) {
        y = y * x + poly->coeffs[i];
    }
    return y;
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

    double y = s_horner(s_segment(self, x), x);
    const transform_name_t *target = self->out.text ? &self->out : &self->field;
    sym_val_t result = {.type = SYM_VAL_FLOAT, .as.f = y};
    if (sym_rec_set(rec, target->text, target->len, result) != SYM_OK) {
        step->skipped++;
    }
    return SYM_OK;
}

const transform_step_ops_t transform_calibrate_ops = {
    .name = "calibrate",
    .usage = "FIELD poly=c0,c1,...|segments=x0:c0,c1,...;x1:... [out=NAME]",
    .parse = s_parse,
    .apply = s_apply,
    .destroy = s_destroy,
};
