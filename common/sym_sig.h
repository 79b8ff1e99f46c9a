/* sym_sig.h: SIGINT and SIGTERM ask a node to stop in order.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#ifndef SYM_SIG_H
#define SYM_SIG_H

#include <stdbool.h>

/* Install the handlers (without SA_RESTART, so blocking socket calls
 * return EINTR) and ignore SIGPIPE. Turns czmq's own handler off. Call
 * from main before any socket is created. Returns SYM_OK or SYM_EIO. */
int sym_sig_install(void);

/* True once a stop was asked for, by a signal or sym_sig_request_stop. */
bool sym_sig_stopping(void);

/* Ask for a stop from inside the process (tests, end of stream). */
void sym_sig_request_stop(void);

/* Forget a stop request; for tests that run several nodes in turn. */
void sym_sig_reset(void);

#endif
