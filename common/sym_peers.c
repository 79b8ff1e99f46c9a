/* sym_peers.c: how many peers a socket has connected, from its monitor.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "sym_peers.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Only connection changes: retries and handshakes would flood the
 * monitor pipe while a peer is away. */
#define S_EVENTS                                                               \
    (ZMQ_EVENT_CONNECTED | ZMQ_EVENT_ACCEPTED | ZMQ_EVENT_DISCONNECTED)

struct sym_peers_t {
    void *watched; /* the monitored libzmq socket */
    zsock_t *pair; /* receives the monitor's events */
    int peers;     /* connections open now */
};

sym_peers_t *
sym_peers_new(zsock_t *sock)
{
    static int s_next_id = 0;
    sym_peers_t *self = calloc(1, sizeof *self);
    if (self == NULL) {
        return NULL;
    }
    char endpoint[64];
    snprintf(endpoint, sizeof endpoint, "inproc://sym-peers-%d-%p", s_next_id++,
             (void *) self);
    self->watched = zsock_resolve(sock);
    if (zmq_socket_monitor(self->watched, endpoint, S_EVENTS) != 0) {
        free(self);
        return NULL;
    }
    self->pair = zsock_new(ZMQ_PAIR);
    if (self->pair == NULL || zsock_connect(self->pair, "%s", endpoint) != 0) {
        sym_peers_destroy(&self);
        return NULL;
    }
    return self;
}

void
sym_peers_destroy(sym_peers_t **self_p)
{
    if (self_p == NULL || *self_p == NULL) {
        return;
    }
    sym_peers_t *self = *self_p;
    zmq_socket_monitor(self->watched, NULL, 0);
    zsock_destroy(&self->pair);
    free(self);
    *self_p = NULL;
}

/* Receive one event without waiting: its number, or 0 when none. */
static uint16_t
s_next_event(sym_peers_t *self)
{
    void *handle = zsock_resolve(self->pair);
    zmq_msg_t frame;
    zmq_msg_init(&frame);
    uint16_t event = 0;
    if (zmq_msg_recv(&frame, handle, ZMQ_DONTWAIT) >= 0) {
        if (zmq_msg_size(&frame) >= sizeof event) {
            memcpy(&event, zmq_msg_data(&frame), sizeof event);
        }
        /* The second frame names the endpoint; it is not needed. */
        while (zmq_msg_more(&frame) &&
               zmq_msg_recv(&frame, handle, ZMQ_DONTWAIT) >= 0) {
        }
    }
    zmq_msg_close(&frame);
    return event;
}

int
sym_peers_count(sym_peers_t *self)
{
    if (self == NULL || self->pair == NULL) {
        return 0;
    }
    for (uint16_t event = s_next_event(self); event != 0;
         event = s_next_event(self)) {
        if (event == ZMQ_EVENT_DISCONNECTED) {
            self->peers -= self->peers > 0;
        } else {
            self->peers++;
        }
    }
    return self->peers;
}
