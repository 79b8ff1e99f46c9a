/* transform.h: the transform node: inputs, a chain of steps, outputs.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#ifndef TRANSFORM_H
#define TRANSFORM_H

#include <stddef.h>
#include <stdint.h>

#include "sym_auth.h"
#include "sym_opt.h"
#include "sym_stats.h"
#include "transform_chain.h"

/* The node's settings, filled by sym_opt_parse from transform_options. */
typedef struct {
    sym_opt_common_t common; /* --name, --log-level, --config, ... */
    sym_strlist_t sub;       /* SUB inputs, each a comma list */
    sym_strlist_t topic;     /* prefixes the SUB inputs subscribe to */
    sym_strlist_t pull;      /* PULL inputs, each a comma list */
    char *pub;               /* PUB output for taps, or NULL */
    char *push;              /* PUSH output, or NULL */
    char *on_full;           /* PUSH overflow policy */
    char *steps;             /* steps file, or NULL to pass through */
    int64_t sndhwm;          /* messages queued per peer for sending */
    int64_t rcvhwm;          /* messages queued per peer for receiving */
    int64_t sndbuf;          /* kernel send buffer per connection */
    int64_t batch_bytes;     /* a batch is sent once this size */
    int64_t linger_ms;       /* how long closing may keep delivering */
    sym_auth_opts_t auth;    /* input limits, CURVE and allow-lists */
} transform_cfg_t;

/* The option table; rows end with a NULL name. */
extern const sym_opt_t transform_options[];

typedef struct transform_t transform_t;

/* Check cfg, read the steps file and open every socket. cfg must outlive
 * the node (the start line quotes it). Returns the node, or NULL with *rc
 * set to SYM_EINVAL (a bad setting or steps file; err names it), SYM_EIO
 * (a bind or connect failed) or SYM_ENOMEM. */
transform_t *transform_new(const transform_cfg_t *cfg, int *rc, char *err,
                           size_t err_size);

/* Flush and close everything, and null the caller's pointer. Safe on
 * NULL. */
void transform_destroy(transform_t **self_p);

/* Receive, transform and send until a signal or transform_stop. Logs
 * the start and stop lines. Returns SYM_OK for an orderly stop, or the
 * code of the failure that ended it. */
int transform_run(transform_t *self);

/* Ask transform_run to return; it notices within about 100 ms. May be
 * called from another thread. */
void transform_stop(transform_t *self);

/* The node's counters. Read them from another thread only once
 * transform_run has returned. */
const sym_stats_t *transform_stats(const transform_t *self);

/* The chain, for its counters; same rule as transform_stats. */
const transform_chain_t *transform_get_chain(const transform_t *self);

#endif
