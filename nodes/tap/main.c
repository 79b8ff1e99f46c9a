/* main.c: the symphony-tap process: options, signals, run, exit code.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "sym_err.h"
#include "sym_log.h"
#include "sym_opt.h"
#include "sym_sig.h"
#include "tap.h"

/* The default high-water mark comes from Makefile.inc as a number. */
#define TAP_TEXT(x) #x
#define TAP_NUMBER_TEXT(x) TAP_TEXT(x)

#define TAP_PROGRAM "symphony-tap"
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

/* Print a one-line usage error and give the exit code for it. */
static int
s_usage_error(tap_cfg_t *cfg, const char *message)
{
    fprintf(stderr, TAP_PROGRAM ": %s\n", message);
    sym_opt_free(s_opts, cfg);
    return 2;
}

/* Build, run and destroy the tap. Returns the process exit code. */
static int
s_run(tap_cfg_t *cfg)
{
    char err[512] = "";
    int rc = SYM_OK;
    tap_t *tap = tap_new(cfg, stdout, &rc, err, sizeof err);
    if (tap == NULL) {
        fprintf(stderr, TAP_PROGRAM ": %s\n", err);
        return rc == SYM_EINVAL ? 2 : 1;
    }
    rc = tap_run(tap);
    tap_destroy(&tap);
    if (rc != SYM_OK) {
        sym_log_error("node", "failed err=\"%s\"", sym_strerror(rc));
        return 1;
    }
    return 0;
}

int
main(int argc, char **argv)
{
    tap_cfg_t cfg;
    memset(&cfg, 0, sizeof cfg);
    char err[512] = "";
    if (sym_opt_parse(s_opts, &cfg, argc, argv, err, sizeof err) != SYM_OK) {
        return s_usage_error(&cfg, err);
    }
    if (cfg.common.help) {
        sym_opt_print_help(s_opts, TAP_PROGRAM, TAP_SUMMARY, stdout);
        sym_opt_free(s_opts, &cfg);
        return 0;
    }
    if (cfg.common.version) {
        printf(TAP_PROGRAM " %s\n", SYM_VERSION);
        sym_opt_free(s_opts, &cfg);
        return 0;
    }
    if (sym_log_init("tap", cfg.common.name, cfg.common.log_level) != SYM_OK) {
        snprintf(err, sizeof err,
                 "option '--log-level': expected error, warn, info or "
                 "debug, got '%s'",
                 cfg.common.log_level);
        return s_usage_error(&cfg, err);
    }
    if (sym_sig_install() != SYM_OK) {
        fprintf(stderr, TAP_PROGRAM ": cannot install signal handlers\n");
        sym_opt_free(s_opts, &cfg);
        return 1;
    }
    int code = s_run(&cfg);
    sym_opt_free(s_opts, &cfg);
    return code;
}
