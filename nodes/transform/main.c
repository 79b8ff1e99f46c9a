/* main.c: the symphony-transform process.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include <stddef.h>
#include <stdio.h>

#include "sym_err.h"
#include "sym_main.h"
#include "transform.h"

static const char *const s_summary =
    "Receives records (SUB and PULL inputs), runs each through a chain of\n"
    "steps (filter, select, drop, rename, calibrate, enum, limitset, limits,\n"
    "dedupe, stale, derive, window, route) and sends the results on a PUSH\n"
    "and/or a PUB output.";

static const sym_main_t s_main = {
    .node = "transform",
    .summary = s_summary,
    .options = transform_options,
    .common_offset = offsetof(transform_cfg_t, common),
};

/* Build, run and destroy the node. Returns the process exit code. */
static int
s_run(const void *arg)
{
    const transform_cfg_t *cfg = arg;
    char err[1024] = "";
    int rc = SYM_OK;
    transform_t *transform = transform_new(cfg, &rc, err, sizeof err);
    if (transform == NULL) {
        return sym_main_fail(&s_main, rc, err);
    }
    rc = transform_run(transform);
    transform_destroy(&transform);
    return rc == SYM_OK ? 0 : 1;
}

int
main(int argc, char **argv)
{
    transform_cfg_t cfg;
    return sym_main(&s_main, &cfg, sizeof cfg, argc, argv, s_run);
}
