/* sym_sock.h: endpoints and the one place where sockets are set up.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#ifndef SYM_SOCK_H
#define SYM_SOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <czmq.h>

#include "sym_auth.h"
#include "sym_wire.h"

/* Endpoints use czmq's notation: '@' binds, '>' connects, and without a
 * prefix PUB and PULL bind while SUB and PUSH connect. Several endpoints
 * are separated by commas: "@tcp://0.0.0.0:7101,@ipc:///run/symphony/in". */

#define SYM_ENDPOINT_MAX 256

typedef struct {
    bool is_bind;                     /* bind (true) or connect */
    char transport[8];                /* tcp, ipc or inproc */
    char address[SYM_ENDPOINT_MAX];   /* what follows "://" */
    char text[SYM_ENDPOINT_MAX + 16]; /* transport://address, no prefix */
} sym_endpoint_t;

/* Parse one endpoint (no commas). default_bind applies when it has no
 * '@' or '>'. A tcp address must be host:port with a port of 1-65535, or
 * '*' when binding. Returns SYM_OK or SYM_EINVAL, with the reason in err. */
int sym_endpoint_parse(const char *text, bool default_bind, sym_endpoint_t *out,
                       char *err, size_t err_size);

/* Count and check every endpoint of a comma-separated list. Returns the
 * number of endpoints (>= 1), or SYM_EINVAL with the reason in err. */
int sym_endpoint_check_list(const char *list, bool default_bind, char *err,
                            size_t err_size);

/* Socket options applied to every socket Symphony opens. */
typedef struct {
    int sndhwm;               /* messages queued per peer for sending */
    int rcvhwm;               /* messages queued per peer for receiving */
    int sndbuf;               /* kernel send buffer, bytes; 0: default */
    int rcvbuf;               /* kernel receive buffer, bytes; 0: default */
    int linger_ms;            /* how long close may keep delivering */
    int reconnect_ivl_ms;     /* first reconnect delay */
    int reconnect_ivl_max_ms; /* reconnect delays double up to this */
    int heartbeat_ivl_ms;     /* ZMTP ping interval, 0 for none */
    int heartbeat_timeout_ms; /* a peer silent this long is dropped */
    int64_t max_msg_bytes;    /* larger inbound messages are refused */
    bool immediate;           /* queue only to peers that are connected */
    const sym_auth_t *auth;   /* CURVE and allow-lists, or NULL for none */
} sym_sock_policy_t;

/* Defaults: HWMs and linger from Makefile.inc, reconnect 100 ms doubling
 * up to 250 ms (a restarted peer is found well within a second), heartbeats
 * every 1 s with a 10 s timeout (both from Makefile.inc), 1 MiB + 64 KiB
 * messages, immediate on, no auth. */
void sym_sock_policy_default(sym_sock_policy_t *policy);

/* The first half of sym_sock_open: check the endpoints, create the
 * socket, apply the policy and CURVE, but neither bind nor connect, so
 * that a monitor set on it now sees the handshake of its first peer.
 * Returns the socket, or NULL with *rc set as sym_sock_open does. */
zsock_t *sym_sock_new(int type, const char *endpoints,
                      const sym_sock_policy_t *policy, int *rc, char *err,
                      size_t err_size);

/* The second half: bind or connect sock, made by sym_sock_new with the
 * same endpoints. Returns SYM_OK or sym_sock_open's error codes. */
int sym_sock_attach(zsock_t *sock, const char *endpoints, char *err,
                    size_t err_size);

/* Create a socket of a ZMQ_* type, apply the policy and attach it to the
 * endpoints. With policy->auth, a socket whose first endpoint binds is a
 * CURVE server under ZAP, and one that connects a CURVE client. Returns
 * the socket, or NULL with *rc set to SYM_EINVAL (bad endpoint or missing
 * key, reason in err), SYM_ENOTFOUND (a connect host does not resolve)
 * or SYM_EIO (bind or connect failed, with the system's reason in err). */
zsock_t *sym_sock_open(int type, const char *endpoints,
                       const sym_sock_policy_t *policy, int *rc, char *err,
                       size_t err_size);

/* Copy the limit options into the socket policy and the decoder limits;
 * an option of 0 (not set) keeps the default. */
void sym_sock_apply_limits(const sym_auth_opts_t *opts,
                           sym_sock_policy_t *policy,
                           sym_wire_limits_t *limits);

/* True when the socket type binds by default (PUB, PULL, ROUTER). */
bool sym_sock_binds_by_default(int type);

/* The name of a ZMQ_* socket type in lowercase, e.g. "push". */
const char *sym_sock_type_name(int type);

#endif
