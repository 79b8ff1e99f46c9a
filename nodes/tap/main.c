/* main.c: the symphony-tap process: options, signals, run, exit code.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include <stddef.h>
#include <stdio.h>

#include "sym_err.h"
#include "sym_main.h"
#include "tap.h"

/* The default high-water mark comes from Makefile.inc as a number. */
#define TAP_TEXT(x) #x
#define TAP_NUMBER_TEXT(x) TAP_TEXT(x)

#define TAP_SUMMARY                                                            \
    "Subscribe to PUB endpoints and print what flows, one JSON line per "      \
    "record.\nA slow tap never slows the publisher: what it misses shows "     \
    "as lost in --stats."

static const sym_opt_t s_opts[] = {
    SYM_OPT_COMMON(tap_cfg_t, common, "tap"),
    SYM_OPT_LIMITS(tap_cfg_t, auth),
    SYM_OPT_CURVE(tap_cfg_t, auth),
    {"connect", SYM_OPT_LIST, NULL,
     "PUB endpoints to subscribe to, comma-separated; a SUB connects "
     "('@' binds); required",
     offsetof(tap_cfg_t, connect)},
    {"topic", SYM_OPT_LIST, NULL,
     "topic prefix to subscribe to; none given: every topic",
     offsetof(tap_cfg_t, topic)},
    {"count", SYM_OPT_INT, "0",
     "exit after this many records (--raw: messages, --stats: reports); "
     "0: until stopped",
     offsetof(tap_cfg_t, count)},
    {"pretty", SYM_OPT_BOOL, "false", "indent the JSON",
     offsetof(tap_cfg_t, is_pretty)},
    {"raw", SYM_OPT_BOOL, "false",
     "hex dump of both frames of each message instead of decoding",
     offsetof(tap_cfg_t, is_raw)},
    {"stats", SYM_OPT_BOOL, "false",
     "instead of records, print each second per stream: rate, total, "
     "lost, duplicates, last seq",
     offsetof(tap_cfg_t, is_stats)},
    {"rcvhwm", SYM_OPT_INT, TAP_NUMBER_TEXT(SYM_DEFAULT_RCVHWM),
     "messages queued per publisher; past it the publisher drops for this "
     "tap",
     offsetof(tap_cfg_t, rcvhwm)},
    {"kinds", SYM_OPT_STR, TAP_KINDS_ALL, "comma list of record kinds to print",
     offsetof(tap_cfg_t, kinds)},
    {NULL},
};

static const sym_main_t s_main = {
    .node = "tap",
    .summary = TAP_SUMMARY,
    .options = s_opts,
    .common_offset = offsetof(tap_cfg_t, common),
};

/* Build, run and destroy the node. Returns the process exit code. */
static int
s_run(const void *arg)
{
    const tap_cfg_t *cfg = arg;
    char err[1024] = "";
    int rc = SYM_OK;
    tap_t *tap = tap_new(cfg, stdout, &rc, err, sizeof err);
    if (tap == NULL) {
        return sym_main_fail(&s_main, rc, err);
    }
    rc = tap_run(tap);
    tap_destroy(&tap);
    return rc == SYM_OK ? 0 : 1;
}

int
main(int argc, char **argv)
{
    tap_cfg_t cfg;
    return sym_main(&s_main, &cfg, sizeof cfg, argc, argv, s_run);
}
