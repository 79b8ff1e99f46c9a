/* sym_metrics.h: a node's counters over HTTP, for Prometheus, and its
 * health.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#ifndef SYM_METRICS_H
#define SYM_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sym_monitor.h"
#include "sym_stats.h"

/* What the HTTP thread serves: a copy the node thread takes each tick. */
typedef struct {
    sym_stats_t stats; /* every counter */
    uint64_t pending;  /* records held, not yet sent or stored */
    uint64_t epoch_ns; /* the run id: start time, ns since 1970 */
    double uptime_s;   /* seconds since start */
    bool is_healthy;   /* every socket that needs a peer has one */
    size_t sock_count; /* watched sockets */
    sym_monitor_sock_t socks[SYM_MONITOR_MAX];
} sym_metrics_snap_t;

typedef struct sym_metrics_t sym_metrics_t;

/* Serve GET /metrics (Prometheus text format 0.0.4) and GET /health
 * (200 with a JSON body when healthy, else 503) on addr:port, from a
 * libmicrohttpd thread. node and instance label every series and must
 * outlive the server. Until the first sym_metrics_publish, /health
 * answers 503. Returns NULL with *rc (SYM_EINVAL for a bad address,
 * SYM_EIO when the port cannot be bound, SYM_ENOMEM) and err set. */
sym_metrics_t *sym_metrics_new(const char *addr, int port, const char *node,
                               const char *instance, int *rc, char *err,
                               size_t err_size);

/* Stop the server (waiting for requests in flight) and null the
 * caller's pointer. Safe on NULL. */
void sym_metrics_destroy(sym_metrics_t **self_p);

/* Replace what the server answers with a copy of snap. Any thread. */
void sym_metrics_publish(sym_metrics_t *self, const sym_metrics_snap_t *snap);

/* The /metrics text for snap, in a buffer the caller frees; NULL when
 * out of memory. */
char *sym_metrics_text(const sym_metrics_snap_t *snap, const char *node,
                       const char *instance);

/* The /health body for snap, in a buffer the caller frees; NULL when
 * out of memory. */
char *sym_metrics_health(const sym_metrics_snap_t *snap, const char *node,
                         const char *instance);

#endif
