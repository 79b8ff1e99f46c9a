/* ingest_net.h: HOST:PORT addresses for the UDP and TCP sources.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#ifndef INGEST_NET_H
#define INGEST_NET_H

#include <stdbool.h>
#include <stddef.h>

#include <netdb.h>

/* Resolve "HOST:PORT" ("[V6]:PORT" for IPv6) for a socket of type
 * (SOCK_DGRAM or SOCK_STREAM); is_passive for an address to bind.
 * Returns SYM_OK with *out to free with freeaddrinfo, or SYM_EINVAL
 * with the reason in err. */
int ingest_net_resolve(const char *address, int type, bool is_passive,
                       struct addrinfo **out, char *err, size_t err_size);

#endif
