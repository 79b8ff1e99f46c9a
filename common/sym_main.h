/* sym_main.h: the process contract every node's main() shares.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#ifndef SYM_MAIN_H
#define SYM_MAIN_H

#include <stddef.h>

#include "sym_opt.h"

/* What a node tells the shared start-up about itself. */
typedef struct {
    const char *node;         /* node kind, e.g. "sink" */
    const char *summary;      /* what the node does, for --help */
    const sym_opt_t *options; /* the node's option table */
    size_t common_offset;     /* offsetof its sym_opt_common_t field */
} sym_main_t;

/* Parse argv into cfg, answer --help and --version, start logging and
 * install the signal handlers. Returns -1 when the node should run, or
 * the exit code: 0 after --help or --version, 2 after a usage error, 1
 * when signals cannot be handled. Errors go to stderr as one line,
 * "symphony-<node>: <what is wrong>". */
int sym_main_begin(const sym_main_t *info, void *cfg, int argc, char **argv);

/* A node's work once its options are read: returns the exit code. */
typedef int (*sym_main_run_fn)(const void *cfg);

/* The whole of a node's main(): zero cfg (cfg_size bytes), begin as
 * above, call run when the node should run, and free what the options
 * allocated. Returns the process exit code. */
int sym_main(const sym_main_t *info, void *cfg, size_t cfg_size, int argc,
             char **argv, sym_main_run_fn run);

/* Report that the node could not be built (err says why) and give the
 * exit code: 2 when rc is SYM_EINVAL (a bad setting), else 1. */
int sym_main_fail(const sym_main_t *info, int rc, const char *err);

#endif
