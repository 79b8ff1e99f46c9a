/* transform_limitset.c: step "limitset", picks the limit set of each
 * record from a mode field, as mission control switches limits with the
 * spacecraft's mode.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "transform_step.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <czmq.h>

#include "sym_err.h"

/* The field the limits steps read. */
#define S_SET_FIELD "limitset"

typedef struct {
    transform_name_t field;    /* the mode */
    transform_map_t map;       /* mode value -> set name */
    transform_name_t fallback; /* default=, or empty */
    zhashx_t *chosen;          /* origin stream -> const transform_name_t *,
                                  the set last chosen by its mode */
} s_limitset_t;

static void
s_destroy(transform_step_t *step)
{
    s_limitset_t *self = step->state;
    if (self) {
        transform_name_clear(&self->field);
        transform_name_clear(&self->fallback);
        transform_map_clear(&self->map);
        zhashx_destroy(&self->chosen);
        free(self);
        step->state = NULL;
    }
}

static int
s_parse_option(s_limitset_t *self, const char *word, char *err, size_t err_size)
{
    const char *value = NULL;
    if ((value = transform_kv(word, "map")) != NULL) {
        return transform_map_parse(&self->map, value, "map=", err, err_size);
    }
    if ((value = transform_kv(word, "default")) != NULL) {
        int rc = transform_name_set(&self->fallback, value, strlen(value));
        if (rc != SYM_OK) {
            snprintf(err, err_size, "%s",
                     rc == SYM_EINVAL ? "expected a set name in default="
                                      : "out of memory");
        }
        return rc;
    }
    snprintf(err, err_size,
             "expected map=MODE:SET,... or default=SET, got '%s'", word);
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
    s_limitset_t *self = calloc(1, sizeof *self);
    step->state = self;
    if (self == NULL || (self->chosen = zhashx_new()) == NULL ||
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
        snprintf(err, err_size, "expected map=MODE:SET,... (missing argument)");
        return SYM_EINVAL;
    }
    return SYM_OK;
}

/* The set for this record: its mode's, else the one its stream's mode
 * chose last, else default=. NULL when there is none. */
static const transform_name_t *
s_choose(s_limitset_t *self, const sym_rec_t *rec, const char *stream)
{
    const sym_val_t *val =
        sym_rec_get_const(rec, self->field.text, self->field.len);
    const transform_name_t *set =
        val ? transform_map_find(&self->map, val) : NULL;
    if (set) {
        /* Values point into the map, which outlives the hash. */
        zhashx_update(self->chosen, stream, (void *) set);
        return set;
    }
    if (val == NULL) {
        set = zhashx_lookup(self->chosen, stream);
    }
    return set ? set : self->fallback.text ? &self->fallback : NULL;
}

static int
s_apply(transform_step_t *step, transform_ctx_t *ctx, sym_rec_t *rec,
        transform_verdict_t *verdict)
{
    (void) ctx;
    s_limitset_t *self = step->state;
    *verdict = TRANSFORM_KEEP;
    char stream[256];
    snprintf(stream, sizeof stream, "%.*s", (int) rec->stream.len,
             rec->stream.ptr);
    const transform_name_t *set = s_choose(self, rec, stream);
    if (set == NULL) {
        step->skipped++;
        return SYM_OK;
    }
    sym_val_t text = {.type = SYM_VAL_STR,
                      .as.s = {set->text, (uint32_t) set->len}};
    if (sym_rec_set(rec, S_SET_FIELD, sizeof S_SET_FIELD - 1, text) != SYM_OK) {
        step->skipped++;
    }
    return SYM_OK;
}

const transform_step_ops_t transform_limitset_ops = {
    .name = "limitset",
    .usage = "FIELD map=MODE:SET,... [default=SET]",
    .parse = s_parse,
    .apply = s_apply,
    .destroy = s_destroy,
};
