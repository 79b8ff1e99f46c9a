/* main.c: the symphony-transform process.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <string.h>

#include "sym_err.h"
#include "sym_log.h"
#include "sym_opt.h"
#include "sym_sig.h"
#include "transform.h"

#define S_PROGRAM "symphony-transform"

static const char *const s_summary =
    "Receives records (SUB and PULL inputs), runs each through a chain of\n"
    "steps (filter, select, drop, rename, calibrate, enum, limitset, limits,\n"
    "dedupe, stale, derive, window, route) and sends the results on a PUSH\n"
    "and/or a PUB output.";

/* Parse argv; returns -1 to go on, or the exit code. */
static int
s_parse(transform_cfg_t *cfg, int argc, char **argv)
{
    char err[1024] = "";
    if (sym_opt_parse(transform_options, cfg, argc, argv, err, sizeof err) !=
        SYM_OK) {
        fprintf(stderr, S_PROGRAM ": %s\n", err);
        return 2;
    }
    if (cfg->common.help) {
        sym_opt_print_help(transform_options, S_PROGRAM, s_summary, stdout);
        return 0;
    }
    if (cfg->common.version) {
        printf(S_PROGRAM " %s\n", SYM_VERSION);
        return 0;
    }
    if (sym_log_init("transform", cfg->common.name, cfg->common.log_level) !=
        SYM_OK) {
        fprintf(stderr,
                S_PROGRAM ": option '--log-level': expected error, warn, "
                          "info or debug, got '%s'\n",
                cfg->common.log_level);
        return 2;
    }
    return -1;
}

static int
s_run(const transform_cfg_t *cfg)
{
    if (sym_sig_install() != SYM_OK) {
        fprintf(stderr, S_PROGRAM ": cannot install signal handlers\n");
        return 1;
    }
    char err[1024] = "";
    int rc = SYM_OK;
    transform_t *transform = transform_new(cfg, &rc, err, sizeof err);
    if (transform == NULL) {
        fprintf(stderr, S_PROGRAM ": %s\n", err);
        return rc == SYM_EINVAL ? 2 : 1;
    }
    rc = transform_run(transform);
    transform_destroy(&transform);
    return rc == SYM_OK ? 0 : 1;
}

int
main(int argc, char **argv)
{
    transform_cfg_t cfg;
    memset(&cfg, 0, sizeof cfg);
    int code = s_parse(&cfg, argc, argv);
    if (code < 0) {
        code = s_run(&cfg);
    }
    sym_opt_free(transform_options, &cfg);
    return code;
}
