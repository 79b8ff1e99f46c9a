/* sym_monitor.h: counts the connected peers of a node's sockets.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#ifndef SYM_MONITOR_H
#define SYM_MONITOR_H

#include <stdbool.h>
#include <stddef.h>

#include <czmq.h>

#define SYM_MONITOR_MAX 16 /* sockets watched per node */
#define SYM_MONITOR_LABEL_MAX 256

/* What is known about one watched socket. */
typedef struct {
    char label[32];                        /* e.g. "in0", "push" */
    char endpoints[SYM_MONITOR_LABEL_MAX]; /* as configured */
    bool needs_peer;                       /* it connects somewhere */
    int peers;                             /* peers whose handshake passed */
} sym_monitor_sock_t;

typedef struct sym_monitor_t sym_monitor_t;

/* An empty monitor. NULL when out of memory. */
sym_monitor_t *sym_monitor_new(void);

/* Stop watching and null the caller's pointer. Safe on NULL. Must run
 * before the watched sockets are closed. */
void sym_monitor_destroy(sym_monitor_t **self_p);

/* Watch sock, which was opened on endpoints (czmq notation, commas);
 * default_bind is the socket type's default. A socket with at least one
 * connecting endpoint needs a peer to be healthy; one that only binds
 * does not; nor does a CURVE socket, whose peers cannot be counted.
 * Returns SYM_OK, or SYM_EINVAL (too many sockets). */
int sym_monitor_watch(sym_monitor_t *self, zsock_t *sock, const char *label,
                      const char *endpoints, bool default_bind);

/* Read the events queued since the last call, without waiting. Call it
 * from the thread that owns the sockets. */
void sym_monitor_poll(sym_monitor_t *self);

/* Number of watched sockets, and the state of socket i. */
size_t sym_monitor_count(const sym_monitor_t *self);
const sym_monitor_sock_t *sym_monitor_sock(const sym_monitor_t *self, size_t i);

/* True when every socket that needs a peer has one. */
bool sym_monitor_is_healthy(const sym_monitor_t *self);

#endif
