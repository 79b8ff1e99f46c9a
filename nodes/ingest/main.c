/* main.c: the symphony-ingest process: options, signals, logging, run.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include <stddef.h>
#include <stdio.h>

#include "ingest.h"
#include "sym_err.h"
#include "sym_main.h"

static const sym_main_t s_main = {
    .node = "ingest",
    .summary = ingest_summary,
    .options = ingest_opt_table,
    .common_offset = offsetof(ingest_cfg_t, common),
};

/* Build, run and destroy the node. Returns the process exit code. */
static int
s_run(const void *arg)
{
    const ingest_cfg_t *cfg = arg;
    char err[1024] = "";
    int rc = SYM_OK;
    ingest_t *ingest = ingest_new(cfg, &rc, err, sizeof err);
    if (ingest == NULL) {
        return sym_main_fail(&s_main, rc, err);
    }
    rc = ingest_run(ingest);
    ingest_destroy(&ingest);
    return rc == SYM_OK ? 0 : 1;
}

int
main(int argc, char **argv)
{
    ingest_cfg_t cfg;
    return sym_main(&s_main, &cfg, sizeof cfg, argc, argv, s_run);
}
