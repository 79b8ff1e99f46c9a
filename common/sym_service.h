/* sym_service.h: what a node tells the world about itself while it
 * runs: systemd readiness and watchdog, metrics and health over HTTP.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#ifndef SYM_SERVICE_H
#define SYM_SERVICE_H

#include <stdbool.h>
#include <stdint.h>

#include <czmq.h>

#include "sym_opt.h"
#include "sym_stats.h"

typedef struct sym_service_t sym_service_t;

/* Start serving /metrics and /health when common->metrics_port is not 0.
 * node (the kind, e.g. "sink"), common and stats must outlive the
 * object; stats is read only from the calling thread. Returns NULL with
 * *rc and err set when the metrics address is bad (SYM_EINVAL) or cannot
 * be bound (SYM_EIO). */
sym_service_t *sym_service_new(const char *node, const sym_opt_common_t *common,
                               const sym_stats_t *stats, int *rc, char *err,
                               size_t err_size);

/* Stop serving and null the caller's pointer. Safe on NULL. Call it
 * before closing the watched sockets. */
void sym_service_destroy(sym_service_t **self_p);

/* Count the peers of sock for /health; label names it ("pull", "in0").
 * endpoints and default_bind as given to sym_sock_open. Does nothing
 * while metrics are off. Returns SYM_OK, SYM_EINVAL or SYM_EIO. */
int sym_service_watch(sym_service_t *self, zsock_t *sock, const char *label,
                      const char *endpoints, bool default_bind);

/* The node's sockets are bound and connecting: tell systemd (READY=1). */
void sym_service_ready(sym_service_t *self);

/* Call often from the node's loop (every record is fine: it costs a
 * clock read). At most every 100 ms it reads socket events and publishes
 * the counters, and pets the systemd watchdog when one is set. */
void sym_service_tick(sym_service_t *self, uint64_t pending);

/* sym_service_tick with the monotonic time in ms given, for a loop that
 * has just read the clock anyway. */
void sym_service_tick_at(sym_service_t *self, uint64_t pending, int64_t now_ms);

/* The node is stopping: tell systemd (STOPPING=1). */
void sym_service_stopping(sym_service_t *self);

#endif
