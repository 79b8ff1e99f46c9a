/* sink_name.h: file names and messages built from a record and its topic.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#ifndef SINK_NAME_H
#define SINK_NAME_H

#include <stdbool.h>
#include <stddef.h>

#include "sym_rec.h"

/* A template is literal text with placeholders: {topic}, {stream}, or
 * {FIELD} for a field of the record. {FIELD:0N} pads an integer with
 * zeros to N digits, so "apid{apid:05}.tlm" gives apid00384.tlm. A '{'
 * always opens a placeholder; there is no escape. */

/* Check a template. Returns SYM_OK, or SYM_EINVAL with the reason in
 * err (an empty, unclosed or badly padded placeholder). */
int sink_name_check(const char *text, char *err, size_t err_size);

/* True when the template has a placeholder. */
bool sink_name_has_placeholder(const char *text);

/* Expand a checked template for rec into buf (NUL-terminated). With
 * is_path, a '/' or NUL inside an expanded value becomes '_', so a value
 * cannot leave the template's directory. Returns SYM_OK, SYM_ENOTFOUND
 * when a field is absent or nil (*missing then points at its name in the
 * template, not NUL-terminated: up to '}' or ':'), or SYM_ETOOBIG when the
 * result does not fit in size. */
int sink_name_expand(const char *text, const char *topic, const sym_rec_t *rec,
                     bool is_path, char *buf, size_t size,
                     const char **missing);

#endif
