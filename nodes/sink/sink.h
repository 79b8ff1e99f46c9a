/* sink.h: the sink, which stores records and accounts for every stream.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#ifndef SINK_H
#define SINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sym_auth.h"
#include "sym_opt.h"
#include "sym_stats.h"

/* How often the loop looks at the clock for time-based commits. */
#define SINK_TICK_MS 200

/* The sink's settings, filled by sym_opt_parse from the table in main.c. */
typedef struct {
    sym_opt_common_t common; /* --name, --log-level, --config, ... */
    sym_strlist_t sub;       /* PUB endpoints; each value is one SUB input */
    sym_strlist_t topic;     /* topic prefixes of the SUB inputs */
    sym_strlist_t pull;      /* endpoints; each value is one PULL input */
    int64_t rcvhwm;          /* messages queued per input peer */
    int64_t rcvbuf;          /* kernel receive buffer per input, bytes */
    char *output;            /* where records go, e.g. sqlite:PATH */
    int64_t batch;           /* commit once this many records are pending */
    int64_t flush_ms;        /* commit pending records at least this often */
    int64_t exit_on_eos;     /* stop after this many EOS; 0: never */
    int64_t eos_grace_ms;    /* then wait this long without input */
    double max_rate;         /* records per second at most; 0: no limit */
    int64_t rotate_bytes;    /* files: a new file past this size; 0 off */
    int64_t rotate_ms;       /* files: a new file this often; 0 off */
    char *raw_field;         /* raw: the field whose bytes are written */
    char *forward_format;    /* forward: json or text */
    char *forward_socket;    /* forward: pub or push */
    char *forward_template;  /* forward text: the message template */
    bool latency_report;     /* log latency percentiles at stop */
    sym_auth_opts_t auth;    /* input limits, CURVE and allow-lists */
} sink_cfg_t;

typedef struct sink_t sink_t;

/* Check cfg, open the output, then the inputs. cfg must outlive the
 * sink. Returns the sink, or NULL with *rc set to SYM_EINVAL (a bad
 * setting; err names the option), SYM_EIO (the output cannot be opened
 * or a socket call failed; err names the path or endpoint) or SYM_ENOMEM,
 * and a one-line reason in err. */
sink_t *sink_new(const sink_cfg_t *cfg, int *rc, char *err, size_t err_size);

/* Close the output and the inputs, free the sink; nulls the caller's
 * pointer. Safe on NULL. Records not committed by sink_run are lost. */
void sink_destroy(sink_t **self_p);

/* Receive and store until a signal, sink_stop, or the --exit-on-eos rule
 * is met; then commit what is pending and log a stop line with the
 * totals. Returns SYM_OK, SYM_EIO when the last commit failed, or
 * SYM_ENOMEM. A failed write earlier is counted and logged, not
 * returned. */
int sink_run(sink_t *self);

/* Ask sink_run to return soon; callable from another thread. */
void sink_stop(sink_t *self);

/* The sink's counters. Read them only while sink_run is not running. */
const sym_stats_t *sink_stats(const sink_t *self);

/* Records missing by sequence over every stream, same rule as above. */
uint64_t sink_lost(const sink_t *self);

#endif
