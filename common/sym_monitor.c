/* sym_monitor.c: counts the connected peers of a node's sockets.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "sym_monitor.h"

#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sym_err.h"
#include "sym_peers.h"
#include "sym_sock.h"

/* A peer counts once its ZMTP handshake has passed, not at TCP connect
 * (sym_peers.h): a half-open connection or a peer of the wrong type is no
 * peer. */

typedef struct {
    zsock_t *watched;   /* the node's socket, not owned */
    sym_peers_t *peers; /* its peer count, shared with its output */
    sym_monitor_sock_t state;
} s_watch_t;

struct sym_monitor_t {
    s_watch_t watches[SYM_MONITOR_MAX];
    size_t count;
};

sym_monitor_t *
sym_monitor_new(void)
{
    return calloc(1, sizeof(sym_monitor_t));
}

void
sym_monitor_destroy(sym_monitor_t **self_p)
{
    if (self_p == NULL || *self_p == NULL) {
        return;
    }
    sym_monitor_t *self = *self_p;
    for (size_t i = 0; i < self->count; i++) {
        sym_peers_destroy(&self->watches[i].peers);
    }
    free(self);
    *self_p = NULL;
}

/* True when any endpoint of the list connects. */
static bool
s_connects(const char *endpoints, bool default_bind)
{
    char *copy = strdup(endpoints);
    bool connects = copy == NULL;
    char *save = NULL;
    for (char *one = copy ? strtok_r(copy, ",", &save) : NULL; one;
         one = strtok_r(NULL, ",", &save)) {
        sym_endpoint_t endpoint;
        char err[64];
        if (sym_endpoint_parse(one, default_bind, &endpoint, err, sizeof err) ==
                SYM_OK &&
            !endpoint.is_bind) {
            connects = true;
        }
    }
    free(copy);
    return connects;
}

int
sym_monitor_watch(sym_monitor_t *self, zsock_t *sock, const char *label,
                  const char *endpoints, bool default_bind)
{
    assert(self);
    assert(sock && label && endpoints);
    if (self->count == SYM_MONITOR_MAX) {
        return SYM_EINVAL;
    }
    s_watch_t *watch = &self->watches[self->count++];
    watch->watched = sock;
    /* NULL for a CURVE socket, whose monitor counts refused handshakes:
     * its peers are unknown and it is not held against the health. */
    watch->peers = sym_peers_new(sock);
    snprintf(watch->state.label, sizeof watch->state.label, "%s", label);
    snprintf(watch->state.endpoints, sizeof watch->state.endpoints, "%s",
             endpoints);
    watch->state.needs_peer =
        watch->peers && s_connects(endpoints, default_bind);
    return SYM_OK;
}

/* Apply one queued event of watch; false when none is left. Each event
 * is two frames: 2 bytes of event id and 4 of value, then the
 * endpoint. */
void
sym_monitor_poll(sym_monitor_t *self)
{
    assert(self);
    for (size_t i = 0; i < self->count; i++) {
        s_watch_t *watch = &self->watches[i];
        watch->state.peers = sym_peers_count(watch->peers);
    }
}

size_t
sym_monitor_count(const sym_monitor_t *self)
{
    assert(self);
    return self->count;
}

const sym_monitor_sock_t *
sym_monitor_sock(const sym_monitor_t *self, size_t i)
{
    assert(self);
    assert(i < self->count);
    return &self->watches[i].state;
}

bool
sym_monitor_is_healthy(const sym_monitor_t *self)
{
    assert(self);
    for (size_t i = 0; i < self->count; i++) {
        const sym_monitor_sock_t *state = &self->watches[i].state;
        if (state->needs_peer && state->peers == 0) {
            return false;
        }
    }
    return true;
}
