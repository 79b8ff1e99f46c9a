/* sink_null.c: an output that keeps nothing, for benchmarks and dry runs.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "sink_output.h"

#include "sym_err.h"

/* Records are counted by the sink itself (stored=); nothing is kept, so
 * every call succeeds without work and the output never limits the rate. */
static int
s_open(sink_output_t *self)
{
    (void) self;
    return SYM_OK;
}

static int
s_write(sink_output_t *self, const char *topic, const sym_rec_t *rec)
{
    (void) self;
    (void) topic;
    (void) rec;
    return SYM_OK;
}

static int
s_commit(sink_output_t *self)
{
    (void) self;
    return SYM_OK;
}

static void
s_abort(sink_output_t *self)
{
    (void) self;
}

const sink_output_ops_t sink_null_ops = {
    .scheme = "null",
    .needs_path = false,
    .open = s_open,
    .write = s_write,
    .commit = s_commit,
    .abort = s_abort,
    .close = s_abort,
};
