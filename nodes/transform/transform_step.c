/* transform_step.c: the table of step kinds and helpers they share.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "transform_step.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sym_err.h"

/* Adding a kind of step: its file, and one row here. */
static const transform_step_ops_t *const s_kinds[] = {
    &transform_filter_ops,   &transform_select_ops,    &transform_drop_ops,
    &transform_rename_ops,   &transform_calibrate_ops, &transform_enum_ops,
    &transform_limitset_ops, &transform_limits_ops,    &transform_dedupe_ops,
    &transform_stale_ops,    &transform_derive_ops,    &transform_window_ops,
    &transform_route_ops,
};

#define S_KIND_COUNT (sizeof s_kinds / sizeof s_kinds[0])

const transform_step_ops_t *
transform_step_find(const char *name)
{
    for (size_t i = 0; i < S_KIND_COUNT; i++) {
        if (strcmp(s_kinds[i]->name, name) == 0) {
            return s_kinds[i];
        }
    }
    return NULL;
}

const char *
transform_step_names(char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < S_KIND_COUNT && used < size; i++) {
        int len = snprintf(buf + used, size - used, "%s%s", i ? ", " : "",
                           s_kinds[i]->name);
        used += len > 0 ? (size_t) len : 0;
    }
    return buf;
}

int
transform_name_set(transform_name_t *name, const char *text, size_t len)
{
    if (len == 0) {
        return SYM_EINVAL;
    }
    char *copy = malloc(len + 1);
    if (copy == NULL) {
        return SYM_ENOMEM;
    }
    memcpy(copy, text, len);
    copy[len] = '\0';
    free(name->text);
    name->text = copy;
    name->len = len;
    return SYM_OK;
}

void
transform_name_clear(transform_name_t *name)
{
    free(name->text);
    name->text = NULL;
    name->len = 0;
}

int
transform_names_add(transform_names_t *list, const char *text, size_t len)
{
    transform_name_t *items =
        realloc(list->items, (list->count + 1) * sizeof *items);
    if (items == NULL) {
        return SYM_ENOMEM;
    }
    list->items = items;
    items[list->count] = (transform_name_t){NULL, 0};
    int rc = transform_name_set(&items[list->count], text, len);
    if (rc == SYM_OK) {
        list->count++;
    }
    return rc;
}

void
transform_names_clear(transform_names_t *list)
{
    for (size_t i = 0; i < list->count; i++) {
        transform_name_clear(&list->items[i]);
    }
    free(list->items);
    list->items = NULL;
    list->count = 0;
}

bool
transform_names_has(const transform_names_t *list, sym_str_t name)
{
    for (size_t i = 0; i < list->count; i++) {
        const transform_name_t *item = &list->items[i];
        if (item->len == name.len &&
            memcmp(item->text, name.ptr, name.len) == 0) {
            return true;
        }
    }
    return false;
}

const char *
transform_kv(const char *word, const char *key)
{
    size_t len = strlen(key);
    if (strncmp(word, key, len) == 0 && word[len] == '=') {
        return word + len + 1;
    }
    return NULL;
}

/* Move *i past the digits at p + *i; returns how many there were. */
static size_t
s_skip_digits(const char *p, size_t len, size_t *i)
{
    size_t start = *i;
    while (*i < len && p[*i] >= '0' && p[*i] <= '9') {
        (*i)++;
    }
    return *i - start;
}

/* True when the len bytes at p spell [+-]digits[.digits][e[+-]digits]
 * with at least one digit before the exponent. strtod alone would also
 * take hex, inf and nan, which are text here ("0x1f" is a label). */
static bool
s_is_decimal(const char *p, size_t len)
{
    size_t i = 0;
    if (i < len && (p[i] == '+' || p[i] == '-')) {
        i++;
    }
    size_t digits = s_skip_digits(p, len, &i);
    if (i < len && p[i] == '.') {
        i++;
        digits += s_skip_digits(p, len, &i);
    }
    if (digits == 0) {
        return false;
    }
    if (i < len && (p[i] == 'e' || p[i] == 'E')) {
        i++;
        if (i < len && (p[i] == '+' || p[i] == '-')) {
            i++;
        }
        if (s_skip_digits(p, len, &i) == 0) {
            return false;
        }
    }
    return i == len;
}

/* Decimal text of len bytes as a finite double. */
static bool
s_decimal_value(const char *text, size_t len, double *out)
{
    char buf[64];
    if (len == 0 || len >= sizeof buf || !s_is_decimal(text, len)) {
        return false;
    }
    memcpy(buf, text, len);
    buf[len] = '\0';
    errno = 0;
    double value = strtod(buf, NULL);
    if (errno == ERANGE || !isfinite(value)) {
        return false;
    }
    *out = value;
    return true;
}

bool
transform_parse_double(const char *text, double *out)
{
    return s_decimal_value(text, strlen(text), out);
}

bool
transform_parse_count(const char *text, uint64_t min, uint64_t max,
                      uint64_t *out)
{
    if (text[0] < '0' || text[0] > '9') {
        return false;
    }
    char *end = NULL;
    errno = 0;
    unsigned long long value = strtoull(text, &end, 10);
    if (errno != 0 || *end != '\0' || value < min || value > max) {
        return false;
    }
    *out = value;
    return true;
}

bool
transform_val_number(const sym_val_t *val, double *out)
{
    switch (val->type) {
    case SYM_VAL_INT:
        *out = (double) val->as.i;
        return true;
    case SYM_VAL_UINT:
        *out = (double) val->as.u;
        return true;
    case SYM_VAL_FLOAT:
        *out = val->as.f;
        return true;
    case SYM_VAL_STR:
        return s_decimal_value(val->as.s.ptr, val->as.s.len, out);
    default:
        return false;
    }
}
