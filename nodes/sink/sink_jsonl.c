/* sink_jsonl.c: the jsonl:PATH and stdout outputs, one JSON line a record.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "sink_output.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sink_file.h"
#include "sym_err.h"
#include "sym_json.h"

static int
s_open_file(sink_output_t *self)
{
    sink_file_t *file = calloc(1, sizeof *file);
    if (file == NULL) {
        snprintf(self->error, sizeof self->error, "out of memory");
        return SYM_ENOMEM;
    }
    int rc = sink_file_open(file, self->path, self->error, sizeof self->error);
    if (rc != SYM_OK) {
        free(file);
        return rc;
    }
    sink_file_set_rotation(file, self->opts.rotate_bytes, self->opts.rotate_ms);
    self->state = file;
    return SYM_OK;
}

static int
s_open_stdout(sink_output_t *self)
{
    sink_file_t *file = calloc(1, sizeof *file);
    if (file == NULL) {
        snprintf(self->error, sizeof self->error, "out of memory");
        return SYM_ENOMEM;
    }
    sink_file_attach(file, STDOUT_FILENO);
    self->state = file;
    return SYM_OK;
}

static void
s_close(sink_output_t *self)
{
    sink_file_t *file = self->state;
    if (file) {
        sink_file_close(file);
        free(file);
        self->state = NULL;
    }
}

static int
s_write(sink_output_t *self, const char *topic, const sym_rec_t *rec)
{
    char *line = sym_json_dump(rec, topic, SYM_JSON_LOSSLESS);
    if (line == NULL) {
        snprintf(self->error, sizeof self->error,
                 "record as JSON: out of memory");
        return SYM_ENOMEM;
    }
    size_t len = strlen(line);
    char *dest = sink_file_reserve(self->state, len + 1);
    if (dest) {
        memcpy(dest, line, len);
        dest[len] = '\n';
        sink_file_advance(self->state, len + 1);
    }
    free(line);
    if (dest == NULL) {
        snprintf(self->error, sizeof self->error, "batch: out of memory");
        return SYM_ENOMEM;
    }
    return SYM_OK;
}

static int
s_commit(sink_output_t *self)
{
    return sink_file_flush(self->state, self->error, sizeof self->error);
}

static void
s_abort(sink_output_t *self)
{
    if (self->state) {
        sink_file_discard(self->state);
    }
}

const sink_output_ops_t sink_jsonl_ops = {
    .scheme = "jsonl",
    .needs_path = true,
    .arg = "PATH",
    .open = s_open_file,
    .write = s_write,
    .commit = s_commit,
    .abort = s_abort,
    .close = s_close,
};

const sink_output_ops_t sink_stdout_ops = {
    .scheme = "stdout",
    .needs_path = false,
    .open = s_open_stdout,
    .write = s_write,
    .commit = s_commit,
    .abort = s_abort,
    .close = s_close,
};
