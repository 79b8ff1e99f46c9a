/* sym_ipc.h: remove the files of ipc endpoints a socket was bound to.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#ifndef SYM_IPC_H
#define SYM_IPC_H

#include <stdbool.h>

/* Unlink the file of every ipc endpoint of the comma-separated list that
 * binds (default_bind as in sym_endpoint_parse). Call it after the socket
 * is closed: libzmq leaves the file behind when the process exits before
 * its I/O thread has closed the listener, and a stale file misleads
 * whoever looks for a running node. Safe on NULL. */
void sym_ipc_unlink_bound(const char *endpoints, bool default_bind);

#endif
