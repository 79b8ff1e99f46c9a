/* sym_peers.c: how many peers a socket has connected, from its monitor.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "sym_peers.h"

#include <linux/sockios.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "sym_auth.h"

/* A peer counts once its handshake passed, until it disconnects: only
 * then can a message go to it. A connection's descriptor, which comes
 * with its connect or accept, is kept until then too (sym_peers_unsent).
 * Retries would flood the pipe while a peer is away, so they are not
 * asked for. */
#define S_EVENTS                                                               \
    (ZMQ_EVENT_HANDSHAKE_SUCCEEDED | ZMQ_EVENT_DISCONNECTED |                  \
     ZMQ_EVENT_CONNECTED | ZMQ_EVENT_ACCEPTED)

/* Connections whose descriptors are kept, per socket. */
#define S_FDS_MAX 64

/* libzmq keeps one monitor per socket: a second one replaces the first.
 * The outputs (drop reasons) and the health endpoint both want the peer
 * count of a socket, so they share one object per socket, kept here. */
#define S_SHARED_MAX 64

struct sym_peers_t {
    void *watched;      /* the monitored libzmq socket */
    zsock_t *pair;      /* receives the monitor's events */
    int peers;          /* connections past their handshake now */
    int users;          /* holders of this object */
    int fds[S_FDS_MAX]; /* descriptors of the open connections */
    size_t fd_count;
};

static sym_peers_t *s_shared[S_SHARED_MAX];

static sym_peers_t *
s_find(void *watched)
{
    for (size_t i = 0; i < S_SHARED_MAX; i++) {
        if (s_shared[i] && s_shared[i]->watched == watched) {
            return s_shared[i];
        }
    }
    return NULL;
}

static sym_peers_t *
s_attach(void *watched)
{
    static int s_next_id = 0;
    sym_peers_t *self = calloc(1, sizeof *self);
    if (self == NULL) {
        return NULL;
    }
    char endpoint[64];
    snprintf(endpoint, sizeof endpoint, "inproc://sym-peers-%d-%p", s_next_id++,
             (void *) self);
    self->watched = watched;
    if (zmq_socket_monitor(watched, endpoint, S_EVENTS) != 0) {
        free(self);
        return NULL;
    }
    /* libzmq sends monitor events blocking, from the thread where they
     * happen: a full queue of unread events would stall that thread, the
     * I/O thread included. No limit here, and every tick reads them
     * (sym_peers_poll_all), so they never pile up. */
    self->pair = zsock_new(ZMQ_PAIR);
    if (self->pair) {
        zsock_set_rcvhwm(self->pair, 0);
    }
    if (self->pair == NULL || zsock_connect(self->pair, "%s", endpoint) != 0) {
        zmq_socket_monitor(watched, NULL, 0);
        zsock_destroy(&self->pair);
        free(self);
        return NULL;
    }
    return self;
}

sym_peers_t *
sym_peers_new(zsock_t *sock)
{
    void *watched = zsock_resolve(sock);
    /* A CURVE socket's monitor counts refused handshakes instead. */
    if (sym_auth_watches(sock)) {
        return NULL;
    }
    sym_peers_t *self = s_find(watched);
    if (self == NULL) {
        size_t slot = 0;
        while (slot < S_SHARED_MAX && s_shared[slot]) {
            slot++;
        }
        if (slot == S_SHARED_MAX || (self = s_attach(watched)) == NULL) {
            return NULL;
        }
        s_shared[slot] = self;
    }
    self->users++;
    return self;
}

void
sym_peers_destroy(sym_peers_t **self_p)
{
    if (self_p == NULL || *self_p == NULL) {
        return;
    }
    sym_peers_t *self = *self_p;
    *self_p = NULL;
    if (--self->users > 0) {
        return;
    }
    for (size_t i = 0; i < S_SHARED_MAX; i++) {
        if (s_shared[i] == self) {
            s_shared[i] = NULL;
        }
    }
    zmq_socket_monitor(self->watched, NULL, 0);
    zsock_destroy(&self->pair);
    free(self);
}

/* Receive one event without waiting: its number, or 0 when none, and
 * its value (a descriptor for connection events). */
static uint16_t
s_next_event(sym_peers_t *self, uint32_t *value)
{
    void *handle = zsock_resolve(self->pair);
    zmq_msg_t frame;
    zmq_msg_init(&frame);
    uint16_t event = 0;
    *value = 0;
    if (zmq_msg_recv(&frame, handle, ZMQ_DONTWAIT) >= 0) {
        if (zmq_msg_size(&frame) >= sizeof event + sizeof *value) {
            memcpy(&event, zmq_msg_data(&frame), sizeof event);
            memcpy(value, (char *) zmq_msg_data(&frame) + sizeof event,
                   sizeof *value);
        }
        /* The second frame names the endpoint; it is not needed. */
        while (zmq_msg_more(&frame) &&
               zmq_msg_recv(&frame, handle, ZMQ_DONTWAIT) >= 0) {
        }
    }
    zmq_msg_close(&frame);
    return event;
}

static void
s_fd_opened(sym_peers_t *self, int fd)
{
    if (self->fd_count < S_FDS_MAX) {
        self->fds[self->fd_count++] = fd;
    }
}

static void
s_fd_closed(sym_peers_t *self, int fd)
{
    for (size_t i = 0; i < self->fd_count; i++) {
        if (self->fds[i] == fd) {
            self->fds[i] = self->fds[--self->fd_count];
            return;
        }
    }
}

int
sym_peers_count(sym_peers_t *self)
{
    if (self == NULL || self->pair == NULL) {
        return 0;
    }
    uint32_t value = 0;
    for (uint16_t event = s_next_event(self, &value); event != 0;
         event = s_next_event(self, &value)) {
        if (event == ZMQ_EVENT_CONNECTED || event == ZMQ_EVENT_ACCEPTED) {
            s_fd_opened(self, (int) value);
        } else if (event == ZMQ_EVENT_HANDSHAKE_SUCCEEDED) {
            self->peers++;
        } else if (event == ZMQ_EVENT_DISCONNECTED) {
            s_fd_closed(self, (int) value);
            /* A connection that drops before its handshake also reports
             * a disconnect; it was never counted, hence the floor. */
            self->peers -= self->peers > 0;
        }
    }
    return self->peers;
}

size_t
sym_peers_unsent(sym_peers_t *self)
{
    if (self == NULL) {
        return 0;
    }
    sym_peers_count(self);
    size_t unsent = 0;
    for (size_t i = 0; i < self->fd_count; i++) {
        int queued = 0;
        /* A descriptor closed and not yet reported fails here, or names
         * a newer socket: either way the caller's wait stays bounded. */
        if (ioctl(self->fds[i], SIOCOUTQ, &queued) == 0 && queued > 0) {
            unsent += (size_t) queued;
        }
    }
    return unsent;
}

void
sym_peers_poll_all(void)
{
    for (size_t i = 0; i < S_SHARED_MAX; i++) {
        if (s_shared[i]) {
            sym_peers_count(s_shared[i]);
        }
    }
}
