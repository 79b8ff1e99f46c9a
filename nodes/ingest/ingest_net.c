/* ingest_net.c: HOST:PORT addresses for the UDP and TCP sources.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "ingest_net.h"

#include <stdio.h>
#include <string.h>

#include <sys/socket.h>

#include "sym_err.h"

#define S_HOST_MAX 256

int
ingest_net_resolve(const char *address, int type, bool is_passive,
                   struct addrinfo **out, char *err, size_t err_size)
{
    const char *colon = strrchr(address, ':');
    size_t host_len = colon ? (size_t) (colon - address) : 0;
    if (colon == NULL || host_len == 0 || host_len >= S_HOST_MAX ||
        colon[1] == '\0') {
        snprintf(err, err_size, "expected HOST:PORT, got '%s'", address);
        return SYM_EINVAL;
    }
    char host[S_HOST_MAX];
    if (address[0] == '[' && address[host_len - 1] == ']') {
        snprintf(host, sizeof host, "%.*s", (int) host_len - 2, address + 1);
    } else {
        snprintf(host, sizeof host, "%.*s", (int) host_len, address);
    }
    struct addrinfo hints = {
        .ai_family = AF_UNSPEC,
        .ai_socktype = type,
        .ai_flags = is_passive ? AI_PASSIVE : 0,
    };
    int rc = getaddrinfo(host, colon + 1, &hints, out);
    if (rc != 0) {
        snprintf(err, err_size, "cannot resolve '%s': %s", address,
                 gai_strerror(rc));
        return SYM_EINVAL;
    }
    return SYM_OK;
}
