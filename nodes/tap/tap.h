/* tap.h: the debug subscriber, which prints what flows on PUB endpoints.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#ifndef TAP_H
#define TAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sym_auth.h"
#include "sym_opt.h"
#include "sym_stats.h"

/* How often --stats prints its report. */
#define TAP_STATS_MS 1000

/* Every kind, the default of --kinds. */
#define TAP_KINDS_ALL "data,alarm,removed,eos,stats"

/* The tap's settings, filled by sym_opt_parse from the table in main.c. */
typedef struct {
    sym_opt_common_t common; /* --name, --log-level, --config, ... */
    sym_strlist_t connect;   /* PUB endpoints; each value is one SUB input */
    sym_strlist_t topic;     /* topic prefixes; none means everything */
    int64_t count;           /* stop after this many printed, 0: never */
    bool is_pretty;          /* indented JSON */
    bool is_raw;             /* hex dump of both frames, no decoding */
    bool is_stats;           /* a per-stream report each second instead */
    int64_t rcvhwm;          /* messages queued per publisher */
    char *kinds;             /* comma list of record kinds to print */
    sym_auth_opts_t auth;    /* input limits, CURVE and allow-lists */
} tap_cfg_t;

typedef struct tap_t tap_t;

/* Check cfg and connect to its endpoints. Output goes to out, which
 * must outlive the tap (main passes stdout; tests pass a pipe). Returns
 * the tap, or NULL with *rc set to SYM_EINVAL (a bad setting; err names
 * the option), SYM_EIO (a socket call failed) or SYM_ENOMEM, and a
 * one-line reason in err. */
tap_t *tap_new(const tap_cfg_t *cfg, FILE *out, int *rc, char *err,
               size_t err_size);

/* Close the sockets and free the tap; nulls the caller's pointer. Safe
 * on NULL. Does not close out. */
void tap_destroy(tap_t **self_p);

/* Receive and print until --count is reached, a signal, tap_stop, or
 * the output is closed by its reader (all orderly stops: SYM_OK).
 * Returns SYM_EIO when the output cannot be written for another reason,
 * or SYM_ENOMEM. Logs a stop line with the totals. */
int tap_run(tap_t *self);

/* Ask tap_run to return soon; callable from another thread. */
void tap_stop(tap_t *self);

/* True when tap_run stopped because the reader of out went away. */
bool tap_output_closed(const tap_t *self);

/* Records (JSON), messages (raw) or reports (stats) printed so far. */
uint64_t tap_printed(const tap_t *self);

/* Messages dropped as malformed: wrong framing, or a payload that does
 * not decode. */
uint64_t tap_malformed(const tap_t *self);

/* The tap's counters. Read them only while tap_run is not running. */
const sym_stats_t *tap_stats(const tap_t *self);

#endif
