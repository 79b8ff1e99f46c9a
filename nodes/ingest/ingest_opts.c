/* ingest_opts.c: the ingest node's option table.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "ingest.h"

#define S_TEXT(x) S_TEXT_(x)
#define S_TEXT_(x) #x

const char *const ingest_summary =
    "Read telemetry from a file, stdin or a simulated fleet and send each "
    "row as a record.";

const sym_opt_t ingest_opt_table[] = {
    SYM_OPT_COMMON(ingest_cfg_t, common, "ingest"),
    SYM_OPT_CURVE(ingest_cfg_t, auth),
    {"source", SYM_OPT_STR, "sim", "file:PATH, stdin or sim",
     offsetof(ingest_cfg_t, source)},
    {"format", SYM_OPT_STR, "auto",
     "csv, jsonl, or auto (from the file name; stdin: jsonl)",
     offsetof(ingest_cfg_t, format)},
    {"stream", SYM_OPT_STR, NULL,
     "stream name, {field} expands per record (default: ingest; "
     "sim: sim.exp{expedition}.ch{channel})",
     offsetof(ingest_cfg_t, stream)},
    {"topic", SYM_OPT_STR, "tlm.{stream}",
     "topic, {field} expands per record, {stream} is the stream",
     offsetof(ingest_cfg_t, topic)},
    {"time-field", SYM_OPT_STR, NULL,
     "field with the event time (ISO-8601 or epoch seconds); "
     "default: read time",
     offsetof(ingest_cfg_t, time_field)},
    {"match", SYM_OPT_LIST, NULL,
     "FIELD=VALUE: send only rows where FIELD equals VALUE",
     offsetof(ingest_cfg_t, match)},
    {"speed", SYM_OPT_STR, "max",
     "file/stdin pace: 1 = original timing, N = N times faster, max",
     offsetof(ingest_cfg_t, speed)},
    {"max-wait-ms", SYM_OPT_INT, "10000",
     "longest single wait while replaying a gap",
     offsetof(ingest_cfg_t, max_wait_ms)},
    {"sim-expeditions", SYM_OPT_INT, "3", "sim: number of expeditions",
     offsetof(ingest_cfg_t, sim_expeditions)},
    {"sim-channels", SYM_OPT_INT, "4", "sim: channels per expedition",
     offsetof(ingest_cfg_t, sim_channels)},
    {"sim-rate", SYM_OPT_DOUBLE, "10",
     "sim: records per second per stream, 0 = as fast as possible",
     offsetof(ingest_cfg_t, sim_rate)},
    {"sim-count", SYM_OPT_INT, "0",
     "sim: records in total before end of stream, 0 = until stopped",
     offsetof(ingest_cfg_t, sim_count)},
    {"sim-seed", SYM_OPT_INT, "1", "sim: seed of the simulated values",
     offsetof(ingest_cfg_t, sim_seed)},
    {"pub", SYM_OPT_STR, NULL, "PUB endpoints (bind unless '>')",
     offsetof(ingest_cfg_t, pub)},
    {"push", SYM_OPT_STR, NULL, "PUSH endpoints (connect unless '@')",
     offsetof(ingest_cfg_t, push)},
    {"on-full", SYM_OPT_STR, "block",
     "PUSH when peers are full: block, drop-newest or drop-oldest",
     offsetof(ingest_cfg_t, on_full)},
    {"sndhwm", SYM_OPT_INT, S_TEXT(SYM_DEFAULT_SNDHWM),
     "messages queued per peer before the output is full",
     offsetof(ingest_cfg_t, sndhwm)},
    {"batch-bytes", SYM_OPT_INT, "32768",
     "send a batch once it reaches this many bytes",
     offsetof(ingest_cfg_t, batch_bytes)},
    {"linger-ms", SYM_OPT_INT, S_TEXT(SYM_DEFAULT_LINGER_MS),
     "how long closing may keep delivering queued messages",
     offsetof(ingest_cfg_t, linger_ms)},
    {"epoch", SYM_OPT_INT, "0",
     "run id stamped on records; 0 = the start time in ns",
     offsetof(ingest_cfg_t, epoch)},
    {NULL},
};
