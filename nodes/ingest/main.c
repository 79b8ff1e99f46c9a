/* main.c: the symphony-ingest process: options, signals, logging, run.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

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
s_run(const ingest_cfg_t *cfg)
{
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
    memset(&cfg, 0, sizeof cfg);
    int code = sym_main_begin(&s_main, &cfg, argc, argv);
    if (code < 0) {
        code = s_run(&cfg);
    }
    sym_opt_free(ingest_opt_table, &cfg);
    return code;
}
