/* sym_template.h: stream and topic names built from record fields.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#ifndef SYM_TEMPLATE_H
#define SYM_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>

#include "sym_rec.h"

/* A template is literal text with {field} placeholders, e.g.
 * "qb50.{source}". A '{' always opens a placeholder; braces do not nest
 * and have no escape. */

#define SYM_TEMPLATE_MAX 256 /* bytes of an expanded name, with its NUL */

typedef struct sym_template_t sym_template_t;

/* Parse text. Returns the template, or NULL with *rc set to SYM_EINVAL
 * (reason in err: an empty or unclosed placeholder) or SYM_ENOMEM. */
sym_template_t *sym_template_new(const char *text, int *rc, char *err,
                                 size_t err_size);

/* Free the template and null the caller's pointer. Safe on NULL. */
void sym_template_destroy(sym_template_t **self_p);

/* True when the only placeholder used is {stream} (or there is none), so
 * the expansion depends on the stream alone. */
bool sym_template_needs_stream_only(const sym_template_t *self);

/* Expand for rec into buf (NUL-terminated), with *len set to its length.
 * {stream} stands for stream when stream is not NULL, else for the field
 * of that name. Integers and booleans expand as text. Returns SYM_OK,
 * SYM_ENOTFOUND when a field is absent or nil (*missing then names it),
 * or SYM_ETOOBIG when the result does not fit in size. */
int sym_template_expand(const sym_template_t *self, const sym_rec_t *rec,
                        const char *stream, char *buf, size_t size, size_t *len,
                        const char **missing);

#endif
