/* sink_raw.c: the raw:TEMPLATE output, a field's bytes per file verbatim.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "sink_output.h"

#include <errno.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <czmq.h>

#include "sink_file.h"
#include "sink_name.h"
#include "sym_err.h"
#include "sym_log.h"

/* Files open at once; one per topic or field value. */
#define S_FILES_MAX 1024
#define S_PATH_MAX 4096

/* One file the template named, and whether this commit wrote it. */
typedef struct {
    sink_file_t file;
    bool is_flushed; /* written by the commit under way */
} s_file_t;

typedef struct {
    zhashx_t *files;   /* path -> s_file_t */
    const char *field; /* the field written */
    uint64_t skipped;  /* records without the field or a name */
    bool has_warned;   /* the first skip was logged */
} s_raw_t;

static void
s_file_destroy(void **item)
{
    s_file_t *out = *item;
    if (out) {
        sink_file_close(&out->file);
        free(out);
        *item = NULL;
    }
}

static void
s_close(sink_output_t *self)
{
    s_raw_t *state = self->state;
    if (state == NULL) {
        return;
    }
    if (state->skipped > 0) {
        sym_log_warn("raw",
                     "records without the field or a file name were "
                     "left out field=%s records=%" PRIu64,
                     state->field, state->skipped);
    }
    zhashx_destroy(&state->files);
    free(state);
    self->state = NULL;
}

static int
s_open(sink_output_t *self)
{
    if (sink_name_check(self->path, self->error, sizeof self->error) !=
        SYM_OK) {
        return SYM_EINVAL;
    }
    s_raw_t *state = calloc(1, sizeof *state);
    self->state = state;
    if (state) {
        state->files = zhashx_new();
    }
    if (state == NULL || state->files == NULL) {
        s_close(self);
        snprintf(self->error, sizeof self->error, "out of memory");
        return SYM_ENOMEM;
    }
    zhashx_set_destructor(state->files, s_file_destroy);
    state->field = self->opts.raw_field ? self->opts.raw_field : "packet";
    return SYM_OK;
}

/* Log the first record left out; count all of them. */
static void
s_skip(s_raw_t *state, const sym_rec_t *rec, const char *why)
{
    if (state->skipped++ == 0) {
        sym_log_warn("raw", "record left out: %s field=%s stream=%.*s", why,
                     state->field, (int) rec->stream.len, rec->stream.ptr);
    }
}

/* The file for path, opened (and its directory made) on first use. */
static s_file_t *
s_file_for(sink_output_t *self, const char *path)
{
    s_raw_t *state = self->state;
    s_file_t *out = zhashx_lookup(state->files, path);
    if (out) {
        return out;
    }
    if (zhashx_size(state->files) >= S_FILES_MAX) {
        snprintf(self->error, sizeof self->error,
                 "more than %d files open, next %.300s", S_FILES_MAX, path);
        return NULL;
    }
    char dir[S_PATH_MAX];
    snprintf(dir, sizeof dir, "%s", path);
    mkdir(dirname(dir), 0755); /* EEXIST is fine; open says the rest */
    out = calloc(1, sizeof *out);
    if (out == NULL) {
        snprintf(self->error, sizeof self->error, "out of memory");
        return NULL;
    }
    char why[256];
    if (sink_file_open(&out->file, path, why, sizeof why) != SYM_OK) {
        snprintf(self->error, sizeof self->error, "open %.300s: %.150s", path,
                 why);
        free(out);
        return NULL;
    }
    sink_file_set_rotation(&out->file, self->opts.rotate_bytes,
                           self->opts.rotate_ms);
    zhashx_insert(state->files, path, out);
    return out;
}

static int
s_write(sink_output_t *self, const char *topic, const sym_rec_t *rec)
{
    s_raw_t *state = self->state;
    const sym_val_t *val =
        sym_rec_get_const(rec, state->field, strlen(state->field));
    if (val == NULL || (val->type != SYM_VAL_BIN && val->type != SYM_VAL_STR)) {
        s_skip(state, rec, "no bin or str field");
        return SYM_OK;
    }
    char path[S_PATH_MAX];
    const char *missing = NULL;
    int rc = sink_name_expand(self->path, topic, rec, true, path, sizeof path,
                              &missing);
    if (rc != SYM_OK) {
        s_skip(state, rec,
               rc == SYM_ENOTFOUND ? "a field of the name is missing"
                                   : "the name is too long");
        return SYM_OK;
    }
    s_file_t *out = s_file_for(self, path);
    if (out == NULL) {
        return SYM_EIO;
    }
    if (sink_file_append(&out->file, val->as.s.ptr, val->as.s.len) != SYM_OK) {
        snprintf(self->error, sizeof self->error, "batch: out of memory");
        return SYM_ENOMEM;
    }
    return SYM_OK;
}

static void
s_abort(sink_output_t *self)
{
    s_raw_t *state = self->state;
    if (state == NULL) {
        return;
    }
    for (s_file_t *out = zhashx_first(state->files); out;
         out = zhashx_next(state->files)) {
        sink_file_discard(&out->file);
    }
}

/* Write every file's part of the batch; when one fails, the files
 * written before it are cut back, so the batch is all or nothing. */
static int
s_commit(sink_output_t *self)
{
    s_raw_t *state = self->state;
    int rc = SYM_OK;
    for (s_file_t *out = zhashx_first(state->files); out && rc == SYM_OK;
         out = zhashx_next(state->files)) {
        out->is_flushed = sink_file_pending(&out->file) > 0;
        rc = sink_file_flush(&out->file, self->error, sizeof self->error);
        out->is_flushed = out->is_flushed && rc == SYM_OK;
    }
    for (s_file_t *out = zhashx_first(state->files); out;
         out = zhashx_next(state->files)) {
        if (rc != SYM_OK && out->is_flushed) {
            sink_file_undo(&out->file);
        }
        out->is_flushed = false;
    }
    if (rc != SYM_OK) {
        s_abort(self);
    }
    return rc;
}

const sink_output_ops_t sink_raw_ops = {
    .scheme = "raw",
    .needs_path = true,
    .arg = "TEMPLATE",
    .open = s_open,
    .write = s_write,
    .commit = s_commit,
    .abort = s_abort,
    .close = s_close,
};
