/* sym_conf.c: line-based configuration files split into words.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "sym_conf.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SYM_CONF_MAX_BYTES (4 * 1024 * 1024)

struct sym_conf_t {
    char *name;             /* file name for messages */
    sym_conf_line_t *lines; /* the non-empty lines */
    size_t count;           /* lines in use */
    size_t capacity;        /* lines allocated */
    char *storage;          /* the words of every line, back to back */
};

/* Split one line into words, writing them into out (which has room for
 * the line's length plus a NUL per word). Returns false with a reason. */
static bool
s_split(const char *line, sym_conf_line_t *parsed, char *out,
        const char **reason)
{
    const char *p = line;
    parsed->argc = 0;
    while (true) {
        while (*p == ' ' || *p == '\t' || *p == '\r') {
            p++;
        }
        if (*p == '\0' || *p == '#') {
            return true;
        }
        if (parsed->argc == SYM_CONF_MAX_WORDS) {
            *reason = "too many words on one line";
            return false;
        }
        parsed->argv[parsed->argc++] = out;
        bool quoted = false;
        while (*p != '\0' && (quoted || (*p != ' ' && *p != '\t' &&
                                         *p != '\r' && *p != '#'))) {
            if (*p == '"') {
                quoted = !quoted;
                p++;
                continue;
            }
            if (quoted && *p == '\\' && p[1] != '\0') {
                p++;
                *out++ = *p == 'n' ? '\n' : *p == 't' ? '\t' : *p;
                p++;
                continue;
            }
            *out++ = *p++;
        }
        if (quoted) {
            *reason = "unterminated quote";
            return false;
        }
        *out++ = '\0';
    }
}

static int
s_append(sym_conf_t *self, const sym_conf_line_t *line)
{
    if (self->count == self->capacity) {
        size_t capacity = self->capacity ? self->capacity * 2 : 16;
        sym_conf_line_t *lines = realloc(self->lines, capacity * sizeof *lines);
        if (lines == NULL) {
            return -1;
        }
        self->lines = lines;
        self->capacity = capacity;
    }
    self->lines[self->count++] = *line;
    return 0;
}

sym_conf_t *
sym_conf_parse(const char *name, const char *text, char *err, size_t err_size)
{
    sym_conf_t *self = calloc(1, sizeof *self);
    size_t text_len = strlen(text);
    if (self == NULL || (self->name = strdup(name)) == NULL ||
        (self->storage = malloc(text_len * 2 + 2)) == NULL) {
        snprintf(err, err_size, "%s: out of memory", name);
        goto fail;
    }

    char *out = self->storage;
    const char *cursor = text;
    int lineno = 0;
    while (*cursor != '\0') {
        lineno++;
        const char *end = strchr(cursor, '\n');
        size_t len = end ? (size_t) (end - cursor) : strlen(cursor);
        if (len >= SYM_CONF_MAX_LINE) {
            snprintf(err, err_size, "%s:%d: line longer than %d bytes", name,
                     lineno, SYM_CONF_MAX_LINE);
            goto fail;
        }
        char line[SYM_CONF_MAX_LINE];
        memcpy(line, cursor, len);
        line[len] = '\0';

        sym_conf_line_t parsed = {.lineno = lineno};
        const char *reason = NULL;
        if (!s_split(line, &parsed, out, &reason)) {
            snprintf(err, err_size, "%s:%d: %s", name, lineno, reason);
            goto fail;
        }
        for (int i = 0; i < parsed.argc; i++) {
            out = parsed.argv[i] + strlen(parsed.argv[i]) + 1;
        }
        if (parsed.argc > 0 && s_append(self, &parsed) != 0) {
            snprintf(err, err_size, "%s: out of memory", name);
            goto fail;
        }
        cursor = end ? end + 1 : cursor + len;
    }
    return self;

fail:
    sym_conf_destroy(&self);
    return NULL;
}

/* Read up to limit + 1 bytes of file into a buffer that grows with
 * what is read: allocating the whole limit made every load of a small
 * file fault in megabytes. Returns the NUL-terminated text, or NULL
 * when out of memory or on a read error. */
static char *
s_read_all(FILE *file, size_t limit, size_t *len)
{
    char *text = NULL;
    size_t cap = 4096;
    *len = 0;
    while (true) {
        char *grown = realloc(text, cap + 1);
        if (grown == NULL) {
            free(text);
            return NULL;
        }
        text = grown;
        *len += fread(text + *len, 1, cap - *len, file);
        if (*len < cap || cap > limit) {
            break;
        }
        cap = cap * 2 > limit ? limit + 1 : cap * 2;
    }
    if (ferror(file)) {
        free(text);
        return NULL;
    }
    text[*len] = '\0';
    return text;
}

sym_conf_t *
sym_conf_load(const char *path, char *err, size_t err_size)
{
    FILE *file = fopen(path, "rb");
    if (file == NULL) {
        snprintf(err, err_size, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    size_t len = 0;
    char *text = s_read_all(file, SYM_CONF_MAX_BYTES, &len);
    bool failed = text == NULL;
    fclose(file);

    sym_conf_t *self = NULL;
    if (failed) {
        snprintf(err, err_size, "%s: cannot read", path);
    } else if (len > SYM_CONF_MAX_BYTES) {
        snprintf(err, err_size, "%s: larger than %d bytes", path,
                 SYM_CONF_MAX_BYTES);
    } else if (memchr(text, '\0', len) != NULL) {
        snprintf(err, err_size, "%s: NUL byte in text", path);
    } else {
        text[len] = '\0';
        self = sym_conf_parse(path, text, err, err_size);
    }
    free(text);
    return self;
}

void
sym_conf_destroy(sym_conf_t **self_p)
{
    if (self_p == NULL || *self_p == NULL) {
        return;
    }
    sym_conf_t *self = *self_p;
    free(self->name);
    free(self->lines);
    free(self->storage);
    free(self);
    *self_p = NULL;
}

const char *
sym_conf_name(const sym_conf_t *self)
{
    return self->name;
}

size_t
sym_conf_size(const sym_conf_t *self)
{
    return self->count;
}

const sym_conf_line_t *
sym_conf_line(const sym_conf_t *self, size_t i)
{
    return i < self->count ? &self->lines[i] : NULL;
}

char *
sym_conf_split_kv(char *word)
{
    char *equals = strchr(word, '=');
    if (equals == NULL) {
        return NULL;
    }
    *equals = '\0';
    return equals + 1;
}
