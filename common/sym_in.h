/* sym_in.h: the input sockets of a node, polled together.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#ifndef SYM_IN_H
#define SYM_IN_H

#include <stddef.h>

#include "sym_opt.h"
#include "sym_sock.h"
#include "sym_stats.h"
#include "sym_wire.h"

typedef struct sym_in_t sym_in_t;

/* One received message, valid until the next sym_in_recv or
 * sym_in_destroy. */
typedef struct {
    const char *topic; /* NUL-terminated copy of the topic frame */
    size_t topic_len;
    const char *payload; /* the records, back to back */
    size_t payload_len;
    int source;        /* index of the input it came from */
    const char *error; /* why a message was dropped, for the log */
    const char *peer;  /* the sender's address, "-" when not known */
} sym_in_msg_t;

/* An empty set of inputs. Counters go to stats. NULL when out of memory. */
sym_in_t *sym_in_new(sym_stats_t *stats);

/* Close every input and null the caller's pointer. Safe on NULL. */
void sym_in_destroy(sym_in_t **self_p);

/* Add a SUB (subscribed to each prefix in topics, or to everything when
 * topics is NULL or empty) or PULL input. Returns SYM_OK, or SYM_EINVAL /
 * SYM_EIO with the reason in err. */
int sym_in_add(sym_in_t *self, int type, const char *endpoints,
               const sym_strlist_t *topics, const sym_sock_policy_t *policy,
               char *err, size_t err_size);

/* Number of inputs added. */
size_t sym_in_count(const sym_in_t *self);

/* The socket of input i, for options and monitoring. */
zsock_t *sym_in_sock(sym_in_t *self, size_t i);

/* Receive one message from any input without waiting, waiting up to
 * timeout_ms (-1: forever) when none is ready. Returns SYM_OK, SYM_EAGAIN
 * when the time ran out, SYM_ECLOSED when a stop was asked for, or
 * SYM_EDECODE for a message that is not two frames or whose topic is not
 * valid: it was dropped and counted, and msg->source names its input so
 * the caller can log it. */
int sym_in_recv(sym_in_t *self, int timeout_ms, sym_in_msg_t *msg);

#endif
