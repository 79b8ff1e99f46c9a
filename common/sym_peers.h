/* sym_peers.h: how many peers a socket has connected, from its monitor.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#ifndef SYM_PEERS_H
#define SYM_PEERS_H

#include <czmq.h>

/* libzmq 4.3.4 has no stable call that tells "every peer is full" from
 * "no peer at all": both make a non-blocking send fail with EAGAIN. A
 * socket monitor does: each connection whose handshake passed is a peer
 * until it reports the disconnect. libzmq allows one monitor per socket,
 * so every holder of the same socket shares one object (the outputs'
 * drop reasons, the health endpoint). A socket with CURVE on is watched
 * for refused handshakes instead (sym_auth.h) and gets no peer count. */
typedef struct sym_peers_t sym_peers_t;

/* Start monitoring sock, or share the object already watching it.
 * Returns NULL when the monitor cannot be set up or the socket is watched
 * for CURVE (the caller then cannot tell the two cases apart). Use it
 * from the thread that owns the socket. */
sym_peers_t *sym_peers_new(zsock_t *sock);

/* Stop monitoring and null the caller's pointer. Call it before the
 * monitored socket is closed. Safe on NULL. */
void sym_peers_destroy(sym_peers_t **self_p);

/* Read the pending monitor events and return the number of connected
 * peers; 0 for NULL. Never waits. */
int sym_peers_count(sym_peers_t *self);

/* Bytes the kernel still holds to send on the socket's connections:
 * written by libzmq, not yet taken by the peers; 0 for a socket with no
 * peer count (CURVE) or no connection. A process that closes
 * a connection whose peer sent it something unread (a heartbeat reply)
 * makes the kernel reset it and throw these bytes away, so a sender that
 * is about to exit waits for 0 first. */
size_t sym_peers_unsent(sym_peers_t *self);

/* Read the pending events of every socket watched in this process, so
 * none accumulate on a socket nobody asks about. Call it from the thread
 * that owns the sockets, once per tick. */
void sym_peers_poll_all(void);

#endif
