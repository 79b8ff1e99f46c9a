/* main.c: the symphony-sink process: options, signals, exit status.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include <stddef.h>
#include <stdio.h>

#include "sink.h"
#include "sym_err.h"
#include "sym_main.h"

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
    {"rcvbuf", SYM_OPT_INT, "0",
     "kernel receive buffer per input connection, bytes; 0: the system's",
     offsetof(sink_cfg_t, rcvbuf)},
    {"output", SYM_OPT_STR, "stdout",
     "sqlite:PATH, postgres:CONNINFO, jsonl:PATH, csv:PATH, raw:TEMPLATE, "
     "forward:ENDPOINT, stdout (JSON lines) or null",
     offsetof(sink_cfg_t, output)},
    {"rotate-bytes", SYM_OPT_INT, "0",
     "jsonl/csv/raw: rename the file to PATH.N once it holds this many "
     "bytes; 0: never",
     offsetof(sink_cfg_t, rotate_bytes)},
    {"rotate-ms", SYM_OPT_INT, "0",
     "jsonl/csv/raw: rename the file to PATH.N once it is this old; "
     "0: never",
     offsetof(sink_cfg_t, rotate_ms)},
    {"raw-field", SYM_OPT_STR, "packet",
     "raw: the field whose bytes are written verbatim",
     offsetof(sink_cfg_t, raw_field)},
    {"forward-format", SYM_OPT_STR, "json",
     "forward: json (one JSON object) or text (--forward-template)",
     offsetof(sink_cfg_t, forward_format)},
    {"forward-socket", SYM_OPT_STR, "pub", "forward: pub or push",
     offsetof(sink_cfg_t, forward_socket)},
    {"forward-template", SYM_OPT_STR, "{message}",
     "forward text: the message, with {field} placeholders",
     offsetof(sink_cfg_t, forward_template)},
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
    {"max-rate", SYM_OPT_DOUBLE, "0",
     "store at most this many records per second (a slow database); 0: "
     "no limit",
     offsetof(sink_cfg_t, max_rate)},
    {"latency-report", SYM_OPT_BOOL, NULL,
     "at stop, log p50/p99/p99.9 of receive time minus event time",
     offsetof(sink_cfg_t, latency_report)},
    {NULL},
};

static const char s_summary[] =
    "Receives records (SUB and PULL inputs), accounts for every origin\n"
    "stream and stores the records in SQLite, PostgreSQL, JSON lines,\n"
    "CSV or raw files, or forwards them to foreign ZeroMQ consumers.";

static const sym_main_t s_main = {
    .node = "sink",
    .summary = s_summary,
    .options = s_opts,
    .common_offset = offsetof(sink_cfg_t, common),
};

/* Build, run and destroy the node. Returns the process exit code. */
static int
s_run(const void *arg)
{
    const sink_cfg_t *cfg = arg;
    char err[1024] = "";
    int rc = SYM_OK;
    sink_t *sink = sink_new(cfg, &rc, err, sizeof err);
    if (sink == NULL) {
        return sym_main_fail(&s_main, rc, err);
    }
    rc = sink_run(sink);
    sink_destroy(&sink);
    return rc == SYM_OK ? 0 : 1;
}

int
main(int argc, char **argv)
{
    sink_cfg_t cfg;
    return sym_main(&s_main, &cfg, sizeof cfg, argc, argv, s_run);
}
