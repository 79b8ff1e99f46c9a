/* sym_loop.h: the run loop shared by nodes that read from sockets.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#ifndef SYM_LOOP_H
#define SYM_LOOP_H

#include <stdbool.h>

#include "sym_in.h"

/* What a node plugs into the loop. Every callback returns SYM_OK to go
 * on; any other code stops the loop and is returned by sym_loop_run. */
typedef struct {
    /* One well-formed message: decode its records and handle them. */
    int (*on_message)(void *self, const sym_in_msg_t *msg);
    /* A malformed message was dropped and counted; log it (rate-limited).
     * msg->source names the input and msg->error the reason. */
    void (*on_bad_message)(void *self, const sym_in_msg_t *msg);
    /* Every input is drained for now: flush batches. May be NULL. */
    int (*on_idle)(void *self);
    /* Called every tick_ms: stats, timeouts. May be NULL. */
    int (*on_tick)(void *self);
    /* True when the node has finished its work. May be NULL. */
    bool (*is_done)(void *self);
} sym_loop_ops_t;

/* Receive and dispatch until a signal, *stop, is_done, or a callback
 * failure. Returns SYM_OK for an orderly stop, or the failing code. */
int sym_loop_run(sym_in_t *in, const sym_loop_ops_t *ops, void *self,
                 int tick_ms, const volatile bool *stop);

#endif
