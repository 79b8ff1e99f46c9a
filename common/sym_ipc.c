/* sym_ipc.c: remove the files of ipc endpoints a socket was bound to.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "sym_ipc.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sym_sock.h"

void
sym_ipc_unlink_bound(const char *endpoints, bool default_bind)
{
    char *copy = endpoints ? strdup(endpoints) : NULL;
    if (copy == NULL) {
        return;
    }
    char *save = NULL;
    for (char *one = strtok_r(copy, ",", &save); one;
         one = strtok_r(NULL, ",", &save)) {
        sym_endpoint_t ep;
        char err[128];
        if (sym_endpoint_parse(one, default_bind, &ep, err, sizeof err) == 0 &&
            ep.is_bind && strcmp(ep.transport, "ipc") == 0 &&
            ep.address[0] != '@') {
            unlink(ep.address);
        }
    }
    free(copy);
}
