/* transform_fields.c: steps "select", "drop" and "rename" on field names.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "transform_step.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sym_err.h"

/* select and drop keep a list of names; rename keeps two lists, the old
 * names and the new ones, pair by pair. */
typedef struct {
    transform_names_t names; /* select, drop: the fields; rename: old */
    transform_names_t to;    /* rename: the new names */
} s_fields_t;

static void
s_destroy(transform_step_t *step)
{
    s_fields_t *self = step->state;
    if (self) {
        transform_names_clear(&self->names);
        transform_names_clear(&self->to);
        free(self);
        step->state = NULL;
    }
}

/* Check that the line names at least one field and allocate the state. */
static int
s_new(transform_step_t *step, int argc, char *err, size_t err_size,
      s_fields_t **out)
{
    if (argc < 2) {
        snprintf(err, err_size, "expected %s", step->ops->usage);
        return SYM_EINVAL;
    }
    s_fields_t *self = calloc(1, sizeof *self);
    step->state = self;
    if (self == NULL) {
        snprintf(err, err_size, "out of memory");
        return SYM_ENOMEM;
    }
    *out = self;
    return SYM_OK;
}

static int
s_parse_names(transform_step_t *step, int argc, const char *const *argv,
              char *err, size_t err_size)
{
    s_fields_t *self = NULL;
    int rc = s_new(step, argc, err, err_size, &self);
    if (rc != SYM_OK) {
        return rc;
    }
    for (int i = 1; i < argc; i++) {
        rc = transform_names_add(&self->names, argv[i], strlen(argv[i]));
        if (rc != SYM_OK) {
            snprintf(err, err_size, "%s",
                     rc == SYM_EINVAL ? "expected a field name, got ''"
                                      : "out of memory");
            return rc;
        }
    }
    return SYM_OK;
}

static int
s_parse_rename(transform_step_t *step, int argc, const char *const *argv,
               char *err, size_t err_size)
{
    s_fields_t *self = NULL;
    int rc = s_new(step, argc, err, err_size, &self);
    if (rc != SYM_OK) {
        return rc;
    }
    for (int i = 1; i < argc; i++) {
        const char *equals = strchr(argv[i], '=');
        if (equals == NULL || equals == argv[i] || equals[1] == '\0') {
            snprintf(err, err_size, "expected OLD=NEW, got '%s'", argv[i]);
            return SYM_EINVAL;
        }
        rc = transform_names_add(&self->names, argv[i],
                                 (size_t) (equals - argv[i]));
        if (rc == SYM_OK) {
            rc = transform_names_add(&self->to, equals + 1, strlen(equals + 1));
        }
        if (rc != SYM_OK) {
            snprintf(err, err_size, "out of memory");
            return rc;
        }
    }
    return SYM_OK;
}

static int
s_apply_select(transform_step_t *step, transform_ctx_t *ctx, sym_rec_t *rec,
               transform_verdict_t *verdict)
{
    (void) ctx;
    const s_fields_t *self = step->state;
    uint32_t kept = 0;
    for (uint32_t i = 0; i < rec->field_count; i++) {
        if (transform_names_has(&self->names, rec->fields[i].name)) {
            rec->fields[kept++] = rec->fields[i];
        }
    }
    rec->field_count = kept;
    *verdict = TRANSFORM_KEEP;
    return SYM_OK;
}

static int
s_apply_drop(transform_step_t *step, transform_ctx_t *ctx, sym_rec_t *rec,
             transform_verdict_t *verdict)
{
    (void) ctx;
    const s_fields_t *self = step->state;
    for (size_t i = 0; i < self->names.count; i++) {
        const transform_name_t *name = &self->names.items[i];
        sym_rec_remove(rec, name->text, name->len);
    }
    *verdict = TRANSFORM_KEEP;
    return SYM_OK;
}

static int
s_apply_rename(transform_step_t *step, transform_ctx_t *ctx, sym_rec_t *rec,
               transform_verdict_t *verdict)
{
    (void) ctx;
    const s_fields_t *self = step->state;
    bool is_complete = true;
    for (size_t i = 0; i < self->names.count; i++) {
        if (sym_rec_rename(rec, self->names.items[i].text,
                           self->to.items[i].text) != SYM_OK) {
            is_complete = false;
        }
    }
    if (!is_complete) {
        step->skipped++;
    }
    *verdict = TRANSFORM_KEEP;
    return SYM_OK;
}

const transform_step_ops_t transform_select_ops = {
    .name = "select",
    .usage = "FIELD...",
    .parse = s_parse_names,
    .apply = s_apply_select,
    .destroy = s_destroy,
};

const transform_step_ops_t transform_drop_ops = {
    .name = "drop",
    .usage = "FIELD...",
    .parse = s_parse_names,
    .apply = s_apply_drop,
    .destroy = s_destroy,
};

const transform_step_ops_t transform_rename_ops = {
    .name = "rename",
    .usage = "OLD=NEW...",
    .parse = s_parse_rename,
    .apply = s_apply_rename,
    .destroy = s_destroy,
};
