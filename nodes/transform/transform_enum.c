/* transform_enum.c: step "enum", a raw code turned into a state name.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "transform_step.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sym_err.h"

typedef struct {
    transform_name_t field;    /* the raw code */
    transform_name_t out;      /* where the name goes; empty: field */
    transform_map_t map;       /* code -> name */
    transform_name_t fallback; /* default=, or empty */
} s_enum_t;

static void
s_destroy(transform_step_t *step)
{
    s_enum_t *self = step->state;
    if (self) {
        transform_name_clear(&self->field);
        transform_name_clear(&self->out);
        transform_name_clear(&self->fallback);
        transform_map_clear(&self->map);
        free(self);
        step->state = NULL;
    }
}

static int
s_set_name(transform_name_t *name, const char *value, const char *what,
           char *err, size_t err_size)
{
    int rc = transform_name_set(name, value, strlen(value));
    if (rc != SYM_OK) {
        snprintf(err, err_size,
                 rc == SYM_EINVAL ? "expected a name in %s" : "out of memory",
                 what);
    }
    return rc;
}

static int
s_parse_option(s_enum_t *self, const char *word, char *err, size_t err_size)
{
    const char *value = NULL;
    if ((value = transform_kv(word, "map")) != NULL) {
        return transform_map_parse(&self->map, value, "map=", err, err_size);
    }
    if ((value = transform_kv(word, "default")) != NULL) {
        return s_set_name(&self->fallback, value, "default=", err, err_size);
    }
    if ((value = transform_kv(word, "out")) != NULL) {
        return s_set_name(&self->out, value, "out=", err, err_size);
    }
    snprintf(err, err_size,
             "expected map=K:NAME,..., default=NAME or out=NAME, got '%s'",
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
    s_enum_t *self = calloc(1, sizeof *self);
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
    if (self->map.count == 0) {
        snprintf(err, err_size, "expected map=K:NAME,... (missing argument)");
        return SYM_EINVAL;
    }
    return SYM_OK;
}

static int
s_apply(transform_step_t *step, transform_ctx_t *ctx, sym_rec_t *rec,
        transform_verdict_t *verdict)
{
    (void) ctx;
    const s_enum_t *self = step->state;
    *verdict = TRANSFORM_KEEP;
    const sym_val_t *val =
        sym_rec_get_const(rec, self->field.text, self->field.len);
    const transform_name_t *name =
        val ? transform_map_find(&self->map, val) : NULL;
    if (val != NULL && name == NULL && self->fallback.text) {
        name = &self->fallback;
    }
    if (name == NULL) {
        step->skipped++;
        return SYM_OK;
    }
    /* The name lives as long as the step, so the record need not copy it. */
    const transform_name_t *target = self->out.text ? &self->out : &self->field;
    sym_val_t text = {.type = SYM_VAL_STR,
                      .as.s = {name->text, (uint32_t) name->len}};
    if (sym_rec_set(rec, target->text, target->len, text) != SYM_OK) {
        step->skipped++;
    }
    return SYM_OK;
}

const transform_step_ops_t transform_enum_ops = {
    .name = "enum",
    .usage = "FIELD map=K:NAME,... [default=NAME] [out=NAME]",
    .parse = s_parse,
    .apply = s_apply,
    .destroy = s_destroy,
};
