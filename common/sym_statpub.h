/* sym_statpub.h: a node's counters, published as a stats record once per
 * interval on its own PUB socket.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#ifndef SYM_STATPUB_H
#define SYM_STATPUB_H

#include <stdint.h>

#include "sym_opt.h"
#include "sym_out.h"
#include "sym_rec.h"
#include "sym_stats.h"

/* The record is kind stats, stream "<node>.<name>", epoch the node's run
 * id and seq counting the reports; topic "stats.<node>.<name>". Its
 * fields: every counter of sym_stats_t by name, uptime_ms, interval_ms,
 * rate_in and rate_out (records per second since the last report), and
 * per output "<label>.sent", ".drop_full", ".drop_no_peer", ".pending",
 * ".hwm" and ".peers", the node's own fields (sym_statpub_set_extra), and
 * stopping = 1 on the last report before an orderly stop. */
typedef struct sym_statpub_t sym_statpub_t;

#define SYM_STATPUB_MIN_MS 10
#define SYM_STATPUB_MAX_MS 3600000

/* Open the PUB named by common->stats_pub. Returns NULL with *rc SYM_OK
 * when none is given (every call below is then a no-op), or NULL with
 * *rc SYM_EINVAL / SYM_EIO and the reason in err. */
sym_statpub_t *sym_statpub_new(const sym_opt_common_t *common, const char *node,
                               uint64_t epoch, int *rc, char *err,
                               size_t err_size);

/* Close the socket and null the caller's pointer. Safe on NULL. */
void sym_statpub_destroy(sym_statpub_t **self_p);

/* Report on out under label ("push", "pub"), whose HWM is hwm. At most
 * two outputs. Returns SYM_OK or SYM_ETOOBIG. */
int sym_statpub_add_out(sym_statpub_t *self, const char *label, sym_out_t *out,
                        int hwm);

/* Called at every report to add the node's own fields to rec (a sink's
 * latency); arg is passed through. */
typedef void (*sym_statpub_extra_fn)(void *arg, sym_rec_t *rec);

/* Have fn add fields to every report from now on. No-op on NULL. */
void sym_statpub_set_extra(sym_statpub_t *self, sym_statpub_extra_fn fn,
                           void *arg);

/* Publish the counters when an interval has passed since the last
 * report. Never waits: a report nobody takes is dropped. */
void sym_statpub_tick(sym_statpub_t *self, const sym_stats_t *stats);

/* Publish the counters now, marked as the last report before a stop
 * (stopping = 1), so a reader tells an orderly stop from a crash. */
void sym_statpub_publish(sym_statpub_t *self, const sym_stats_t *stats);

#endif
