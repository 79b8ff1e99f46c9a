/* main.c: the symphony-top process: options, signals, run, exit code.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include <stddef.h>
#include <stdio.h>
#include <unistd.h>

#include "sym_err.h"
#include "sym_main.h"
#include "top.h"

#define TOP_SUMMARY                                                            \
    "A live view of a whole pipeline: per node and per output, records/s "     \
    "in and\nout, drops by reason, gaps, queue fill, consumer lag, "           \
    "restarts, UP/DOWN.\nA node silent for 3 of its stats intervals is "       \
    "DOWN. Key=value lines when\nstdout is not a terminal, or with --plain."

static const sym_opt_t s_opts[] = {
    {"name", SYM_OPT_STR, "top", "instance name in logs",
     offsetof(top_cfg_t, common.name)},
    {"log-level", SYM_OPT_STR, "warn", "error, warn, info or debug",
     offsetof(top_cfg_t, common.log_level)},
    {"config", SYM_OPT_STR, NULL,
     "file of 'option value' lines, read before the command line",
     offsetof(top_cfg_t, common.config)},
    {"help", SYM_OPT_BOOL, NULL, "print this help and exit",
     offsetof(top_cfg_t, common.help)},
    {"version", SYM_OPT_BOOL, NULL, "print the version and exit",
     offsetof(top_cfg_t, common.version)},
    {"connect", SYM_OPT_LIST, NULL,
     "a node's --stats-pub endpoint(s), comma-separated; a SUB connects "
     "('@' binds)",
     offsetof(top_cfg_t, connect)},
    {"cluster", SYM_OPT_STR, NULL,
     "cluster file: watch every node of it that has --stats-pub",
     offsetof(top_cfg_t, cluster)},
    {"run-dir", SYM_OPT_STR, NULL,
     "${RUN_DIR} of the cluster file (default: $SYMPHONY_RUN_DIR, else "
     "run/<cluster name>)",
     offsetof(top_cfg_t, run_dir)},
    {"plain", SYM_OPT_BOOL, "false",
     "key=value lines, one per node per view, even on a terminal",
     offsetof(top_cfg_t, is_plain)},
    {"refresh-ms", SYM_OPT_INT, "1000",
     "between two views; a node going DOWN or UP shows at once",
     offsetof(top_cfg_t, refresh_ms)},
    {"count", SYM_OPT_INT, "0", "exit after this many views; 0: until stopped",
     offsetof(top_cfg_t, count)},
    {NULL},
};

static const sym_main_t s_main = {
    .node = "top",
    .summary = TOP_SUMMARY,
    .options = s_opts,
    .common_offset = offsetof(top_cfg_t, common),
};

/* Build, run and destroy top. Returns the process exit code. */
static int
s_run(const void *arg)
{
    const top_cfg_t *cfg = arg;
    char err[1024] = "";
    int rc = SYM_OK;
    bool is_terminal = !cfg->is_plain && isatty(fileno(stdout));
    top_t *top = top_new(cfg, stdout, is_terminal, &rc, err, sizeof err);
    if (top == NULL) {
        return sym_main_fail(&s_main, rc, err);
    }
    rc = top_run(top);
    top_destroy(&top);
    return rc == SYM_OK ? 0 : 1;
}

int
main(int argc, char **argv)
{
    top_cfg_t cfg;
    return sym_main(&s_main, &cfg, sizeof cfg, argc, argv, s_run);
}
