/* main.c: the symphony-keygen process.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <string.h>

#include "keygen.h"
#include "sym_err.h"

#define S_PROGRAM "symphony-keygen"

static const char *const s_summary =
    "Writes a CURVE key pair as czmq certificates: OUT holds the public\n"
    "key (give it to peers), OUT_secret both keys (mode 0600, for\n"
    "--curve-secret). Existing files are never overwritten.";

int
main(int argc, char **argv)
{
    keygen_cfg_t cfg;
    memset(&cfg, 0, sizeof cfg);
    char err[1024] = "";
    int code = 0;
    int rc = sym_opt_parse(keygen_options, &cfg, argc, argv, err, sizeof err);
    if (rc == SYM_OK && cfg.common.help) {
        sym_opt_print_help(keygen_options, S_PROGRAM, s_summary, stdout);
    } else if (rc == SYM_OK && cfg.common.version) {
        printf(S_PROGRAM " %s\n", SYM_VERSION);
    } else if (rc == SYM_OK) {
        rc = keygen_write(&cfg, err, sizeof err);
    }
    if (rc != SYM_OK) {
        fprintf(stderr, S_PROGRAM ": %s\n", err);
        code = rc == SYM_EINVAL ? 2 : 1;
    }
    sym_opt_free(keygen_options, &cfg);
    return code;
}
