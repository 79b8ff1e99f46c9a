/* top.h: symphony-top, a live view of a whole pipeline from the stats
 * records its nodes publish.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#ifndef TOP_H
#define TOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sym_opt.h"
#include "top_state.h"

/* How often top checks for silent nodes, so DOWN shows this soon after
 * the third missed interval. */
#define TOP_TICK_MS 50

/* top's settings, filled by sym_opt_parse from the table in main.c. */
typedef struct {
    sym_opt_common_t common; /* --name, --log-level, --config, --help */
    sym_strlist_t connect;   /* stats PUB endpoints; each value one SUB */
    char *cluster;           /* cluster file to take endpoints from */
    char *run_dir;           /* ${RUN_DIR} for that file, or NULL */
    bool is_plain;           /* key=value lines even on a terminal */
    int64_t refresh_ms;      /* between two views */
    int64_t count;           /* stop after this many views, 0: never */
} top_cfg_t;

typedef struct top_t top_t;

/* Check cfg, read the cluster file if any and attach to every stats
 * endpoint. The view goes to out, as a table redrawn in place when
 * is_terminal, else as key=value lines (see top_view.h). Returns the
 * top, or NULL with *rc SYM_EINVAL (err names the option or FILE:LINE),
 * SYM_EIO or SYM_ENOMEM and a one-line reason in err. */
top_t *top_new(const top_cfg_t *cfg, FILE *out, bool is_terminal, int *rc,
               char *err, size_t err_size);

/* Close the sockets and free top; nulls the caller's pointer. Safe on
 * NULL. Does not close out. */
void top_destroy(top_t **self_p);

/* Receive reports and show the view every refresh_ms, and at once when
 * a node goes DOWN, comes UP or restarts, until a signal, top_stop,
 * --count views, or the reader of out goes away (all SYM_OK). Returns
 * SYM_EIO when out cannot be written for another reason. */
int top_run(top_t *self);

/* Ask top_run to return soon; callable from another thread. */
void top_stop(top_t *self);

/* What top knows of the nodes. Read it only while top_run is not
 * running. */
const top_state_t *top_state(const top_t *self);

#endif
