/* sym_out.h: an output socket that batches records and applies an
 * overflow policy.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#ifndef SYM_OUT_H
#define SYM_OUT_H

#include <stddef.h>
#include <stdint.h>

#include "sym_log.h"
#include "sym_rec.h"
#include "sym_sock.h"
#include "sym_stats.h"

/* What a send does when every peer is at its high-water mark, or when no
 * peer is there. */
typedef enum {
    SYM_FULL_BLOCK = 0,       /* wait: backpressure upstream, no loss */
    SYM_FULL_DROP_NEWEST = 1, /* never wait: count the batch as dropped */
    SYM_FULL_DROP_OLDEST = 2, /* never wait: keep the freshest batches in a
                                 small queue and drop the oldest */
} sym_full_t;

/* Parse block|drop-newest|drop-oldest. Returns SYM_OK or SYM_EINVAL. */
int sym_full_parse(const char *text, sym_full_t *out);
const char *sym_full_name(sym_full_t policy);

typedef struct sym_out_t sym_out_t;

/* Options of one output. */
typedef struct {
    int type;              /* ZMQ_PUB or ZMQ_PUSH */
    const char *endpoints; /* czmq notation, see sym_sock.h */
    sym_full_t on_full;    /* overflow policy */
    size_t batch_bytes;    /* flush a batch once it reaches this size */
    size_t queue_batches;  /* drop-oldest: batches kept while blocked */
} sym_out_opts_t;

/* Open an output. Counters are added to stats (which must outlive the
 * output). NULL with *rc and err set on failure, as sym_sock_open. */
sym_out_t *sym_out_new(const sym_out_opts_t *opts,
                       const sym_sock_policy_t *policy, sym_stats_t *stats,
                       int *rc, char *err, size_t err_size);

/* Flush what is pending (bounded by the socket's linger) and close.
 * Safe on NULL; nulls the caller's pointer. */
void sym_out_destroy(sym_out_t **self_p);

/* Add rec to the pending batch for topic. Each topic has its own batch
 * (up to 16 topics at once; a further topic sends the batch of one), so
 * records of interleaved streams still share messages. A batch is sent
 * when it reaches batch_bytes, or on sym_out_flush, which sends every
 * batch. Order is kept per topic; across topics, everything written
 * before an end-of-stream record is sent before it. Returns
 * SYM_OK (also when the policy dropped records: they are counted),
 * SYM_ECLOSED when a stop was asked for while blocked, or SYM_ENOMEM. */
int sym_out_write(sym_out_t *self, const char *topic, const sym_rec_t *rec);

/* Send the pending batch now. Same returns as sym_out_write. */
int sym_out_flush(sym_out_t *self);

/* Records waiting in the pending batch and the drop-oldest queue. */
size_t sym_out_pending(const sym_out_t *self);

/* Bytes sent through libzmq that the kernel still holds for the peers
 * (sym_peers_unsent). A node about to exit waits for 0 after its last
 * flush: closing earlier can lose them. */
size_t sym_out_unsent(sym_out_t *self);

/* What one output did, apart from the node's totals. */
typedef struct {
    uint64_t sent;         /* records the socket took */
    uint64_t drop_full;    /* dropped: every peer at its HWM */
    uint64_t drop_no_peer; /* dropped: no peer connected */
    size_t pending;        /* records waiting, as sym_out_pending */
    int peers;             /* PUSH: peers connected now; PUB: -1 */
} sym_out_counts_t;

/* Fill counts for this output. */
void sym_out_counts(sym_out_t *self, sym_out_counts_t *counts);

/* Called about every 200 ms while a send under the block policy waits
 * for room, with how long it has waited so far: the node publishes its
 * stats, feeds its watchdog and says it is blocked. It must not write to
 * any output. */
typedef void(sym_out_wait_fn)(void *arg, sym_out_t *out, int64_t waited_ms);

/* Set (or, with NULL, clear) the output's wait callback. */
void sym_out_on_wait(sym_out_t *self, sym_out_wait_fn *fn, void *arg);

/* A WARN line for a send that has waited waited_ms for room, once that
 * is at least after_ms and limit lets a line through: the output, how
 * long, whether any peer is connected, and repeats= for the lines held
 * back. Returns true when buf holds a line to log. */
bool sym_out_wait_warning(sym_out_t *self, int64_t waited_ms, int64_t after_ms,
                          sym_log_limit_t *limit, char *buf, size_t size);

/* The endpoints the output was opened on, for log lines. */
const char *sym_out_endpoints(const sym_out_t *self);

/* The socket, for options and monitoring. */
zsock_t *sym_out_sock(sym_out_t *self);

#endif
