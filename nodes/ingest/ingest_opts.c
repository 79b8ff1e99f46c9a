/* ingest_opts.c: the ingest node's option table.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "ingest.h"

#define S_TEXT(x) S_TEXT_(x)
#define S_TEXT_(x) #x

const char ingest_summary[] =
    "Read telemetry from a file, stdin, UDP, TCP, foreign ZeroMQ "
    "producers or a simulated fleet and send each row, datagram, frame or "
    "packet as a record.";

const sym_opt_t ingest_opt_table[] = {
    SYM_OPT_COMMON(ingest_cfg_t, common, "ingest"),
    SYM_OPT_CURVE(ingest_cfg_t, auth),
    {"source", SYM_OPT_STR, "sim",
     "file:PATH, stdin, udp://HOST:PORT (bind), tcp://HOST:PORT "
     "(connect) or sim",
     offsetof(ingest_cfg_t, source)},
    {"format", SYM_OPT_STR, "auto",
     "csv, jsonl, ccsds, raw, text, or auto (from the file name; "
     "otherwise jsonl)",
     offsetof(ingest_cfg_t, format)},
    {"framing", SYM_OPT_STR, "lines",
     "tcp, file, stdin: lines or length32 (4-byte big-endian length); "
     "ccsds packets frame themselves",
     offsetof(ingest_cfg_t, framing)},
    {"csv-header", SYM_OPT_STR, NULL,
     "CSV column names, comma-separated; default: the first row (of "
     "each connection)",
     offsetof(ingest_cfg_t, csv_header)},
    {"ccsds-dict", SYM_OPT_LIST, NULL,
     "APID=FILE: decode APID's fields with a CSV dictionary",
     offsetof(ingest_cfg_t, ccsds_dict)},
    {"ccsds-stride", SYM_OPT_LIST, NULL,
     "APID=N: APID's sequence count steps by N (default: learned from "
     "its first two packets)",
     offsetof(ingest_cfg_t, ccsds_stride)},
    {"reconnect-max-ms", SYM_OPT_INT, "5000",
     "tcp: longest wait between connection attempts",
     offsetof(ingest_cfg_t, reconnect_max_ms)},
    {"from-sub", SYM_OPT_STR, NULL,
     "read foreign ZeroMQ publishers: SUB endpoints (connect unless '@')",
     offsetof(ingest_cfg_t, from_sub)},
    {"from-pull", SYM_OPT_STR, NULL,
     "read foreign ZeroMQ pushers: PULL endpoints (bind unless '>')",
     offsetof(ingest_cfg_t, from_pull)},
    {"from-topic", SYM_OPT_LIST, NULL,
     "--from-sub: subscribe to this prefix (default: everything)",
     offsetof(ingest_cfg_t, from_topic)},
    {"from-format", SYM_OPT_STR, "text",
     "foreign messages: text (field message), json, raw (bin field "
     "data) or envelope ([topic, payload])",
     offsetof(ingest_cfg_t, from_format)},
    {"from-payload", SYM_OPT_STR, "text", "envelope payload: text, json or raw",
     offsetof(ingest_cfg_t, from_payload)},
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
    {"partitions", SYM_OPT_INT, "1",
     "N > 1: --push lists N endpoints, one PUSH socket each; every stream "
     "always goes to the same one (hash of its name)",
     offsetof(ingest_cfg_t, partitions)},
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
