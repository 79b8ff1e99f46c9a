/* sym_main.c: the process contract every node's main() shares.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "sym_main.h"

#include <stdio.h>
#include <string.h>

#include "sym_err.h"
#include "sym_log.h"
#include "sym_sig.h"

int
sym_main_begin(const sym_main_t *info, void *cfg, int argc, char **argv)
{
    char program[64];
    snprintf(program, sizeof program, "symphony-%s", info->node);
    const sym_opt_common_t *common =
        (const sym_opt_common_t *) ((const char *) cfg + info->common_offset);

    char err[1024] = "";
    if (sym_opt_parse(info->options, cfg, argc, argv, err, sizeof err) !=
        SYM_OK) {
        fprintf(stderr, "%s: %s\n", program, err);
        return 2;
    }
    if (common->help) {
        sym_opt_print_help(info->options, program, info->summary, stdout);
        return 0;
    }
    if (common->version) {
        printf("%s %s\n", program, SYM_VERSION);
        return 0;
    }
    if (sym_log_init(info->node, common->name, common->log_level) != SYM_OK) {
        fprintf(stderr,
                "%s: option '--log-level': expected error, warn, info or "
                "debug, got '%s'\n",
                program, common->log_level);
        return 2;
    }
    if (sym_sig_install() != SYM_OK) {
        fprintf(stderr, "%s: cannot install signal handlers\n", program);
        return 1;
    }
    return -1;
}

int
sym_main_fail(const sym_main_t *info, int rc, const char *err)
{
    fprintf(stderr, "symphony-%s: %s\n", info->node, err);
    return rc == SYM_EINVAL ? 2 : 1;
}

int
sym_main(const sym_main_t *info, void *cfg, size_t cfg_size, int argc,
         char **argv, sym_main_run_fn run)
{
    memset(cfg, 0, cfg_size);
    int code = sym_main_begin(info, cfg, argc, argv);
    if (code < 0) {
        code = run(cfg);
    }
    sym_opt_free(info->options, cfg);
    return code;
}
