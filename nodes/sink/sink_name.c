/* sink_name.c: file names and messages built from a record and its topic.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "sink_name.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sym_err.h"

/* Widest zero padding accepted. */
#define S_WIDTH_MAX 20

/* One placeholder: the name and the zero-pad width (0: none). */
typedef struct {
    const char *name;
    size_t name_len;
    int width;
    const char *end; /* the closing brace */
} s_slot_t;

/* Parse the placeholder opened at text; SYM_EINVAL when it is bad. */
static int
s_slot(const char *text, s_slot_t *slot)
{
    const char *close = strchr(text, '}');
    if (close == NULL) {
        return SYM_EINVAL;
    }
    const char *colon = memchr(text + 1, ':', (size_t) (close - text - 1));
    slot->name = text + 1;
    slot->name_len = (size_t) ((colon ? colon : close) - text - 1);
    slot->width = 0;
    slot->end = close;
    if (slot->name_len == 0 || memchr(slot->name, '{', slot->name_len)) {
        return SYM_EINVAL;
    }
    if (colon == NULL) {
        return SYM_OK;
    }
    if (colon[1] != '0' || close - colon < 3) {
        return SYM_EINVAL;
    }
    for (const char *p = colon + 2; p < close; p++) {
        if (!isdigit((unsigned char) *p)) {
            return SYM_EINVAL;
        }
        slot->width = slot->width * 10 + (*p - '0');
        if (slot->width > S_WIDTH_MAX) {
            return SYM_EINVAL;
        }
    }
    return SYM_OK;
}

int
sink_name_check(const char *text, char *err, size_t err_size)
{
    for (const char *p = strchr(text, '{'); p; p = strchr(p, '{')) {
        s_slot_t slot;
        if (s_slot(p, &slot) != SYM_OK) {
            snprintf(err, err_size,
                     "template '%s': expected {name} or {name:0N} "
                     "with N up to %d at '%s'",
                     text, S_WIDTH_MAX, p);
            return SYM_EINVAL;
        }
        p = slot.end + 1;
    }
    return SYM_OK;
}

bool
sink_name_has_placeholder(const char *text)
{
    return strchr(text, '{') != NULL;
}

/* The value of a field as text; false when absent or nil. */
static bool
s_field_text(const s_slot_t *slot, const sym_rec_t *rec, char *tmp,
             size_t tmp_size, const char **ptr, size_t *len)
{
    const sym_val_t *val = sym_rec_get_const(rec, slot->name, slot->name_len);
    if (val == NULL || val->type == SYM_VAL_NIL) {
        return false;
    }
    int width = slot->width;
    int n = 0;
    switch (val->type) {
    case SYM_VAL_STR:
    case SYM_VAL_BIN:
        *ptr = val->as.s.ptr;
        *len = val->as.s.len;
        return true;
    case SYM_VAL_BOOL:
        n = snprintf(tmp, tmp_size, "%s", val->as.b ? "true" : "false");
        break;
    case SYM_VAL_INT:
        n = snprintf(tmp, tmp_size, "%0*" PRId64, width, val->as.i);
        break;
    case SYM_VAL_UINT:
        n = snprintf(tmp, tmp_size, "%0*" PRIu64, width, val->as.u);
        break;
    default:
        n = snprintf(tmp, tmp_size, "%.17g", val->as.f);
        break;
    }
    *ptr = tmp;
    *len = (size_t) n;
    return true;
}

/* Append a value, made safe for a path when asked. */
static int
s_put(char *buf, size_t size, size_t *used, const char *ptr, size_t len,
      bool is_path)
{
    if (size - *used <= len) {
        return SYM_ETOOBIG;
    }
    for (size_t i = 0; i < len; i++) {
        char c = ptr[i];
        buf[(*used)++] = is_path && (c == '/' || c == '\0') ? '_' : c;
    }
    buf[*used] = '\0';
    return SYM_OK;
}

int
sink_name_expand(const char *text, const char *topic, const sym_rec_t *rec,
                 bool is_path, char *buf, size_t size, const char **missing)
{
    size_t used = 0;
    buf[0] = '\0';
    const char *p = text;
    while (*p) {
        const char *open = strchr(p, '{');
        size_t lit = open ? (size_t) (open - p) : strlen(p);
        if (s_put(buf, size, &used, p, lit, false) != SYM_OK) {
            return SYM_ETOOBIG;
        }
        if (open == NULL) {
            break;
        }
        s_slot_t slot;
        s_slot(open, &slot);
        char tmp[64];
        const char *ptr = NULL;
        size_t len = 0;
        sym_str_t name = {slot.name, (uint32_t) slot.name_len};
        if (sym_str_eq(name, "topic")) {
            ptr = topic;
            len = strlen(topic);
        } else if (sym_str_eq(name, "stream")) {
            ptr = rec->stream.ptr;
            len = rec->stream.len;
        } else if (!s_field_text(&slot, rec, tmp, sizeof tmp, &ptr, &len)) {
            *missing = slot.name;
            return SYM_ENOTFOUND;
        }
        if (s_put(buf, size, &used, ptr, len, is_path) != SYM_OK) {
            return SYM_ETOOBIG;
        }
        p = slot.end + 1;
    }
    return SYM_OK;
}
