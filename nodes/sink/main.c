/* main.c: the symphony-sink process: options, signals, exit status.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include <stddef.h>
#include <stdio.h>

#include "sink.h"
#include "sym_err.h"
#include "sym_log.h"
#include "sym_opt.h"
#include "sym_sig.h"

#define S_PROGRAM "symphony-sink"
#define S_TEXT(x) #x
#define S_NUMBER_TEXT(x) S_TEXT(x)

static const sym_opt_t s_opts[] = {
    SYM_OPT_COMMON(sink_cfg_t, common, "sink"),
    SYM_OPT_LIMITS(sink_cfg_t, auth),
    SYM_OPT_CURVE(sink_cfg_t, auth),
    {"sub", SYM_OPT_LIST, NULL,
     "SUB input: PUB endpoints to connect to (comma list)",
     offsetof(sink_cfg_t, sub)},
    {"topic", SYM_OPT_LIST, NULL,
     "topic prefix the SUB inputs subscribe to; none: every topic",
     offsetof(sink_cfg_t, topic)},
    {"pull", SYM_OPT_LIST, NULL,
     "PULL input: endpoints to bind, or >endpoints to connect to",
     offsetof(sink_cfg_t, pull)},
    {"rcvhwm", SYM_OPT_INT, S_NUMBER_TEXT(SYM_DEFAULT_RCVHWM),
     "messages queued per input peer", offsetof(sink_cfg_t, rcvhwm)},
    {"output", SYM_OPT_STR, "stdout",
     "sqlite:PATH, jsonl:PATH, csv:PATH or stdout (JSON lines)",
     offsetof(sink_cfg_t, output)},
    {"batch", SYM_OPT_INT, "5000", "commit once this many records are pending",
     offsetof(sink_cfg_t, batch)},
    {"flush-ms", SYM_OPT_INT, "200",
     "commit pending records at least this often",
     offsetof(sink_cfg_t, flush_ms)},
    {"exit-on-eos", SYM_OPT_INT, "0",
     "exit after this many end-of-stream markers; 0: run until signalled",
     offsetof(sink_cfg_t, exit_on_eos)},
    {"eos-grace-ms", SYM_OPT_INT, "2000",
     "then wait this long without input for records still missing",
     offsetof(sink_cfg_t, eos_grace_ms)},
    {NULL},
};

static const char s_summary[] =
    "Receives records (SUB and PULL inputs), accounts for every origin\n"
    "stream and stores the records in SQLite, JSON lines or CSV.";

/* Parse argv; returns -1 to go on, or the exit code. */
static int
s_parse(sink_cfg_t *cfg, int argc, char **argv)
{
    char err[512] = "";
    if (sym_opt_parse(s_opts, cfg, argc, argv, err, sizeof err) != SYM_OK) {
        fprintf(stderr, S_PROGRAM ": %s\n", err);
        return 2;
    }
    if (cfg->common.help) {
        sym_opt_print_help(s_opts, S_PROGRAM, s_summary, stdout);
        return 0;
    }
    if (cfg->common.version) {
        printf(S_PROGRAM " %s\n", SYM_VERSION);
        return 0;
    }
    if (sym_log_init("sink", cfg->common.name, cfg->common.log_level) !=
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
s_run(const sink_cfg_t *cfg)
{
    if (sym_sig_install() != SYM_OK) {
        fprintf(stderr, S_PROGRAM ": cannot install signal handlers\n");
        return 1;
    }
    char err[512] = "";
    int rc = SYM_OK;
    sink_t *sink = sink_new(cfg, &rc, err, sizeof err);
    if (sink == NULL) {
        fprintf(stderr, S_PROGRAM ": %s\n", err);
        return rc == SYM_EINVAL ? 2 : 1;
    }
    rc = sink_run(sink);
    sink_destroy(&sink);
    return rc == SYM_OK ? 0 : 1;
}

int
main(int argc, char **argv)
{
    sink_cfg_t cfg = {0};
    int code = s_parse(&cfg, argc, argv);
    if (code < 0) {
        code = s_run(&cfg);
    }
    sym_opt_free(s_opts, &cfg);
    return code;
}
