/* sink_output.c: picks the output kind from the URI and calls its ops.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "sink_output.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sym_err.h"

/* Every kind the sink can write to; "stdout" and "null" take no path. */
static const sink_output_ops_t *const s_kinds[] = {
    &sink_sqlite_ops,  &sink_jsonl_ops,    &sink_csv_ops,    &sink_raw_ops,
    &sink_forward_ops, &sink_postgres_ops, &sink_stdout_ops, &sink_null_ops,
};

#define S_KIND_COUNT (sizeof s_kinds / sizeof s_kinds[0])

/* The kind named by uri and where its path starts, or NULL. */
static const sink_output_ops_t *
s_find(const char *uri, const char **path)
{
    const char *colon = strchr(uri, ':');
    size_t scheme_len = colon ? (size_t) (colon - uri) : strlen(uri);
    for (size_t i = 0; i < S_KIND_COUNT; i++) {
        const char *scheme = s_kinds[i]->scheme;
        if (strlen(scheme) == scheme_len &&
            strncmp(scheme, uri, scheme_len) == 0) {
            *path = colon ? colon + 1 : uri + scheme_len;
            return s_kinds[i];
        }
    }
    return NULL;
}

/* "sqlite:PATH, postgres:CONNINFO, ... or stdout", from the table. */
static void
s_kinds_text(char *buf, size_t size)
{
    buf[0] = '\0';
    for (size_t i = 0; i < S_KIND_COUNT; i++) {
        size_t used = strlen(buf);
        const char *sep = i == 0 ? "" : i + 1 < S_KIND_COUNT ? ", " : " or ";
        snprintf(buf + used, size - used, "%s%s%s%s", sep, s_kinds[i]->scheme,
                 s_kinds[i]->needs_path ? ":" : "",
                 s_kinds[i]->needs_path ? s_kinds[i]->arg : "");
    }
}

/* Append text to buf, cut to fit. */
static void
s_cat(char *buf, size_t size, const char *text, size_t len)
{
    size_t used = strlen(buf);
    size_t room = size - used - 1;
    len = len < room ? len : room;
    memcpy(buf + used, text, len);
    buf[used + len] = '\0';
}

void
sink_output_redact(const char *uri, char *buf, size_t size)
{
    buf[0] = '\0';
    const char *p = uri;
    while (*p) {
        const char *key = strstr(p, "password=");
        const char *scheme = strstr(p, "://");
        const char *at = scheme ? strchr(scheme, '@') : NULL;
        const char *colon =
            at ? memchr(scheme + 3, ':', at - scheme - 3) : NULL;
        bool is_url = colon && (key == NULL || colon < key);
        if (!is_url && key == NULL) {
            break;
        }
        const char *from = is_url ? colon + 1 : key + 9;
        const char *to = is_url ? at : from + strcspn(from, " ");
        s_cat(buf, size, p, (size_t) (from - p));
        s_cat(buf, size, "***", 3);
        p = to;
    }
    s_cat(buf, size, p, strlen(p));
}

int
sink_output_check(const char *uri, char *err, size_t err_size)
{
    const char *path = NULL;
    const sink_output_ops_t *ops = uri ? s_find(uri, &path) : NULL;
    if (ops == NULL) {
        char kinds[256];
        s_kinds_text(kinds, sizeof kinds);
        snprintf(err, err_size, "output '%s': expected %s", uri ? uri : "",
                 kinds);
        return SYM_EINVAL;
    }
    if (ops->needs_path && *path == '\0') {
        snprintf(err, err_size, "output '%s': expected %s:%s", uri, ops->scheme,
                 ops->arg);
        return SYM_EINVAL;
    }
    if (!ops->needs_path && *path != '\0') {
        snprintf(err, err_size, "output '%s': %s takes no path", uri,
                 ops->scheme);
        return SYM_EINVAL;
    }
    return SYM_OK;
}

sink_output_t *
sink_output_open(const char *uri, int *rc, char *err, size_t err_size)
{
    return sink_output_open_with(uri, NULL, rc, err, err_size);
}

sink_output_t *
sink_output_open_with(const char *uri, const sink_output_opts_t *opts, int *rc,
                      char *err, size_t err_size)
{
    assert(rc);

    *rc = sink_output_check(uri, err, err_size);
    if (*rc != SYM_OK) {
        return NULL;
    }
    sink_output_t *self = calloc(1, sizeof *self);
    char *copy = strdup(uri);
    char *shown = malloc(strlen(uri) + 16);
    if (self == NULL || copy == NULL || shown == NULL) {
        free(self);
        free(copy);
        free(shown);
        snprintf(err, err_size, "output '%s': out of memory", uri);
        *rc = SYM_ENOMEM;
        return NULL;
    }
    self->uri = copy;
    self->shown = shown;
    sink_output_redact(uri, shown, strlen(uri) + 16);
    if (opts) {
        self->opts = *opts;
    }
    self->ops = s_find(self->uri, &self->path);
    *rc = self->ops->open(self);
    if (*rc != SYM_OK) {
        snprintf(err, err_size, "cannot open %s: %s", self->shown, self->error);
        free(self->uri);
        free(self->shown);
        free(self);
        return NULL;
    }
    return self;
}

void
sink_output_destroy(sink_output_t **self_p)
{
    if (self_p == NULL || *self_p == NULL) {
        return;
    }
    sink_output_t *self = *self_p;
    self->ops->abort(self);
    self->ops->close(self);
    free(self->uri);
    free(self->shown);
    free(self);
    *self_p = NULL;
}

int
sink_output_write(sink_output_t *self, const char *topic, const sym_rec_t *rec)
{
    assert(self);
    assert(topic);
    assert(rec);
    return self->ops->write(self, topic, rec);
}

bool
sink_output_keeps_accounts(const sink_output_t *self)
{
    return self->ops->account != NULL;
}

int
sink_output_account(sink_output_t *self, const sink_account_t *account)
{
    assert(self);
    assert(account);
    return self->ops->account ? self->ops->account(self, account) : SYM_OK;
}

int
sink_output_load(sink_output_t *self, const sink_load_t *load)
{
    assert(self);
    assert(load);
    return self->ops->load ? self->ops->load(self, load) : SYM_OK;
}

int
sink_output_removal(sink_output_t *self, const sink_removal_t *removal)
{
    assert(self);
    assert(removal);
    return self->ops->removal ? self->ops->removal(self, removal) : SYM_OK;
}

int
sink_output_commit(sink_output_t *self)
{
    assert(self);
    return self->ops->commit(self);
}

void
sink_output_abort(sink_output_t *self)
{
    assert(self);
    self->ops->abort(self);
}

const char *
sink_output_error(const sink_output_t *self)
{
    return self->error;
}

const char *
sink_output_uri(const sink_output_t *self)
{
    return self->shown;
}
