/* sym_loop.c: the run loop shared by nodes that read from sockets.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "sym_loop.h"

#include <assert.h>

#include "sym_err.h"
#include "sym_time.h"

/* How long one wait may last, so stop flags are seen promptly. */
#define SYM_LOOP_MAX_WAIT_MS 100

static bool
s_should_stop(const sym_loop_ops_t *ops, void *self, const volatile bool *stop)
{
    return (stop && *stop) || (ops->is_done && ops->is_done(self));
}

int
sym_loop_run(sym_in_t *in, const sym_loop_ops_t *ops, void *self, int tick_ms,
             const volatile bool *stop)
{
    assert(in);
    assert(ops && ops->on_message);

    int64_t next_tick_ms = sym_time_mono_ms() + tick_ms;
    bool is_idle = true;
    while (!s_should_stop(ops, self, stop)) {
        int64_t now_ms = sym_time_mono_ms();
        int rc = SYM_OK;
        if (now_ms >= next_tick_ms) {
            next_tick_ms = now_ms + tick_ms;
            rc = ops->on_tick ? ops->on_tick(self) : SYM_OK;
        }
        if (rc == SYM_ECLOSED) {
            return SYM_OK;
        }
        if (rc != SYM_OK) {
            return rc;
        }

        /* Wait only when there is nothing to do; otherwise poll. */
        int wait_ms = 0;
        if (is_idle) {
            wait_ms = (int) (next_tick_ms - now_ms);
            wait_ms = wait_ms < 0 ? 0 : wait_ms;
            wait_ms =
                wait_ms > SYM_LOOP_MAX_WAIT_MS ? SYM_LOOP_MAX_WAIT_MS : wait_ms;
        }
        sym_in_msg_t msg;
        rc = sym_in_recv(in, wait_ms, &msg);
        if (rc == SYM_OK) {
            is_idle = false;
            rc = ops->on_message(self, &msg);
        } else if (rc == SYM_EDECODE) {
            is_idle = false;
            if (ops->on_bad_message) {
                ops->on_bad_message(self, &msg);
            }
            rc = SYM_OK;
        } else if (rc == SYM_EAGAIN) {
            /* Drained: send what is batched before waiting. */
            rc = !is_idle && ops->on_idle ? ops->on_idle(self) : SYM_OK;
            is_idle = true;
        }
        if (rc == SYM_ECLOSED) {
            return SYM_OK;
        }
        if (rc != SYM_OK) {
            return rc;
        }
    }
    return SYM_OK;
}
