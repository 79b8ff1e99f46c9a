/* transform_filter.c: step "filter FIELD OP VALUE", keeps matching records.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "transform_step.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sym_err.h"

typedef enum { S_EQ, S_NE, S_LT, S_LE, S_GT, S_GE } s_op_t;

/* What s_compare returns when a NaN makes the sides unordered. */
#define S_UNORDERED 2

typedef struct {
    transform_name_t field; /* the field compared */
    s_op_t op;              /* the comparison */
    transform_name_t value; /* VALUE as written */
    bool is_number;         /* VALUE is a decimal number */
    double number;          /* its value */
    bool is_integer;        /* VALUE is a whole number that fits int64 */
    int64_t integer;        /* its value, exactly */
} s_filter_t;

static const char *const s_op_names[] = {"==", "!=", "<", "<=", ">", ">="};

static void
s_destroy(transform_step_t *step)
{
    s_filter_t *self = step->state;
    if (self) {
        transform_name_clear(&self->field);
        transform_name_clear(&self->value);
        free(self);
        step->state = NULL;
    }
}

static bool
s_parse_op(const char *text, s_op_t *op)
{
    for (int i = S_EQ; i <= S_GE; i++) {
        if (strcmp(text, s_op_names[i]) == 0) {
            *op = (s_op_t) i;
            return true;
        }
    }
    return false;
}

/* Note whether VALUE is a number, and whether it is a whole one, so
 * integers compare exactly even past 2^53. */
static void
s_parse_value(s_filter_t *self, const char *text)
{
    self->is_number = transform_parse_double(text, &self->number);
    if (!self->is_number) {
        return;
    }
    char *end = NULL;
    errno = 0;
    long long integer = strtoll(text, &end, 10);
    self->is_integer = errno == 0 && *end == '\0';
    self->integer = integer;
}

static int
s_parse(transform_step_t *step, int argc, const char *const *argv, char *err,
        size_t err_size)
{
    if (argc != 4 || argv[1][0] == '\0') {
        snprintf(err, err_size, "expected %s", step->ops->usage);
        return SYM_EINVAL;
    }
    s_filter_t *self = calloc(1, sizeof *self);
    step->state = self;
    if (self == NULL) {
        snprintf(err, err_size, "out of memory");
        return SYM_ENOMEM;
    }
    if (!s_parse_op(argv[2], &self->op)) {
        snprintf(err, err_size,
                 "expected an operator (== != < <= > >=), got '%s'", argv[2]);
        return SYM_EINVAL;
    }
    int rc = transform_name_set(&self->field, argv[1], strlen(argv[1]));
    /* An empty VALUE ("") is allowed: it matches empty text. */
    size_t value_len = strlen(argv[3]);
    if (rc == SYM_OK) {
        self->value.text = malloc(value_len + 1);
        rc = self->value.text ? SYM_OK : SYM_ENOMEM;
    }
    if (rc != SYM_OK) {
        snprintf(err, err_size, "out of memory");
        return rc;
    }
    memcpy(self->value.text, argv[3], value_len + 1);
    self->value.len = value_len;
    s_parse_value(self, argv[3]);
    return SYM_OK;
}

/* The value as text for a text comparison; buf holds formatted numbers. */
static sym_str_t
s_as_text(const sym_val_t *val, char *buf, size_t size)
{
    int len = 0;
    switch (val->type) {
    case SYM_VAL_STR:
    case SYM_VAL_BIN:
        return val->as.s;
    case SYM_VAL_BOOL:
        return val->as.b ? (sym_str_t){"true", 4} : (sym_str_t){"false", 5};
    case SYM_VAL_INT:
        len = snprintf(buf, size, "%" PRId64, val->as.i);
        break;
    case SYM_VAL_UINT:
        len = snprintf(buf, size, "%" PRIu64, val->as.u);
        break;
    case SYM_VAL_FLOAT:
        /* The shortest of 15 or 17 digits that reads back the same. */
        len = snprintf(buf, size, "%.15g", val->as.f);
        if (strtod(buf, NULL) != val->as.f) {
            len = snprintf(buf, size, "%.17g", val->as.f);
        }
        break;
    default:
        break;
    }
    return (sym_str_t){buf, len > 0 ? (uint32_t) len : 0};
}

static int
s_compare_text(sym_str_t left, const transform_name_t *right)
{
    size_t common = left.len < right->len ? left.len : right->len;
    int cmp = common ? memcmp(left.ptr, right->text, common) : 0;
    if (cmp == 0) {
        cmp = (left.len > right->len) - (left.len < right->len);
    }
    return (cmp > 0) - (cmp < 0);
}

/* -1, 0 or 1 as the field's value is below, equal to or above VALUE, or
 * S_UNORDERED. Numbers compare as numbers when both sides are numeric. */
static int
s_compare(const s_filter_t *self, const sym_val_t *val)
{
    if (val->type == SYM_VAL_INT && self->is_integer) {
        return (val->as.i > self->integer) - (val->as.i < self->integer);
    }
    double x = 0;
    if (self->is_number && transform_val_number(val, &x)) {
        if (isnan(x)) {
            return S_UNORDERED;
        }
        return (x > self->number) - (x < self->number);
    }
    char buf[64];
    return s_compare_text(s_as_text(val, buf, sizeof buf), &self->value);
}

static bool
s_holds(s_op_t op, int cmp)
{
    if (cmp == S_UNORDERED) {
        return op == S_NE;
    }
    switch (op) {
    case S_EQ:
        return cmp == 0;
    case S_NE:
        return cmp != 0;
    case S_LT:
        return cmp < 0;
    case S_LE:
        return cmp <= 0;
    case S_GT:
        return cmp > 0;
    case S_GE:
        return cmp >= 0;
    }
    return false;
}

static int
s_apply(transform_step_t *step, transform_ctx_t *ctx, sym_rec_t *rec,
        transform_verdict_t *verdict)
{
    (void) ctx;
    const s_filter_t *self = step->state;
    const sym_val_t *val =
        sym_rec_get_const(rec, self->field.text, self->field.len);
    bool passes = val != NULL && val->type != SYM_VAL_NIL &&
                  s_holds(self->op, s_compare(self, val));
    *verdict = passes ? TRANSFORM_KEEP : TRANSFORM_REMOVE;
    return SYM_OK;
}

const transform_step_ops_t transform_filter_ops = {
    .name = "filter",
    .usage = "FIELD OP VALUE",
    .reason = "filter",
    .parse = s_parse,
    .apply = s_apply,
    .destroy = s_destroy,
};
