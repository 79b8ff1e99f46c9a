/* main.c: the symphony-ingest process: options, signals, logging, run.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <string.h>

#include "ingest.h"
#include "sym_err.h"
#include "sym_log.h"
#include "sym_opt.h"
#include "sym_sig.h"

#define S_PROGRAM "symphony-ingest"

/* Parse argv into cfg. Returns -1 to go on, else the exit code. */
static int
s_parse(ingest_cfg_t *cfg, int argc, char **argv)
{
    char err[512];
    if (sym_opt_parse(ingest_opt_table, cfg, argc, argv, err, sizeof err)) {
        fprintf(stderr, "%s: %s\n", S_PROGRAM, err);
        return 2;
    }
    if (cfg->common.help) {
        sym_opt_print_help(ingest_opt_table, S_PROGRAM, ingest_summary, stdout);
        return 0;
    }
    if (cfg->common.version) {
        printf("%s %s\n", S_PROGRAM, SYM_VERSION);
        return 0;
    }
    if (sym_log_init("ingest", cfg->common.name, cfg->common.log_level)) {
        fprintf(stderr,
                "%s: option '--log-level': expected error, warn, "
                "info or debug, got '%s'\n",
                S_PROGRAM, cfg->common.log_level);
        return 2;
    }
    return -1;
}

int
main(int argc, char **argv)
{
    ingest_cfg_t cfg;
    memset(&cfg, 0, sizeof cfg);
    int code = s_parse(&cfg, argc, argv);
    if (code >= 0) {
        sym_opt_free(ingest_opt_table, &cfg);
        return code;
    }
    if (sym_sig_install() != SYM_OK) {
        fprintf(stderr, "%s: cannot install signal handlers\n", S_PROGRAM);
        sym_opt_free(ingest_opt_table, &cfg);
        return 1;
    }

    char err[512] = "";
    int rc = SYM_OK;
    ingest_t *ingest = ingest_new(&cfg, &rc, err, sizeof err);
    if (ingest == NULL) {
        fprintf(stderr, "%s: %s\n", S_PROGRAM, err);
        sym_opt_free(ingest_opt_table, &cfg);
        return rc == SYM_EINVAL ? 2 : 1;
    }
    rc = ingest_run(ingest);
    ingest_destroy(&ingest);
    sym_opt_free(ingest_opt_table, &cfg);
    return rc == SYM_OK ? 0 : 1;
}
