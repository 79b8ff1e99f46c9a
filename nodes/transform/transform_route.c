/* transform_route.c: step "route", sets a record's output topic from its
 * fields, so one stream can be split (by APID, by station).
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "transform_step.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sym_err.h"
#include "sym_template.h"
#include "sym_wire.h"

typedef struct {
    sym_template_t *topic;      /* topic=TEMPLATE */
    char buf[SYM_TEMPLATE_MAX]; /* the expanded topic; ctx->topic points
                                   here until the record is emitted */
} s_route_t;

static void
s_destroy(transform_step_t *step)
{
    s_route_t *self = step->state;
    if (self) {
        sym_template_destroy(&self->topic);
        free(self);
        step->state = NULL;
    }
}

static int
s_parse(transform_step_t *step, int argc, const char *const *argv, char *err,
        size_t err_size)
{
    const char *text = argc == 2 ? transform_kv(argv[1], "topic") : NULL;
    if (text == NULL || text[0] == '\0') {
        snprintf(err, err_size, "expected %s", step->ops->usage);
        return SYM_EINVAL;
    }
    s_route_t *self = calloc(1, sizeof *self);
    step->state = self;
    if (self == NULL) {
        snprintf(err, err_size, "out of memory");
        return SYM_ENOMEM;
    }
    int rc = SYM_OK;
    self->topic = sym_template_new(text, &rc, err, err_size);
    return rc;
}

static int
s_apply(transform_step_t *step, transform_ctx_t *ctx, sym_rec_t *rec,
        transform_verdict_t *verdict)
{
    s_route_t *self = step->state;
    *verdict = TRANSFORM_KEEP;
    size_t len = 0;
    const char *missing = NULL;
    /* A field that is missing, or a topic that would be invalid (too long,
     * blanks from a text field), leaves the record's topic as it was. */
    if (sym_template_expand(self->topic, rec, NULL, self->buf, sizeof self->buf,
                            &len, &missing) != SYM_OK ||
        sym_wire_check_topic(self->buf, len) != SYM_OK) {
        step->skipped++;
        return SYM_OK;
    }
    ctx->topic = self->buf;
    return SYM_OK;
}

const transform_step_ops_t transform_route_ops = {
    .name = "route",
    .usage = "topic=TEMPLATE (e.g. topic=ccsds.{apid})",
    .parse = s_parse,
    .apply = s_apply,
    .destroy = s_destroy,
};
