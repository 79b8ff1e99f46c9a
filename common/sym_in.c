/* sym_in.c: the input sockets of a node, polled together.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "sym_in.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sym_err.h"
#include "sym_ipc.h"
#include "sym_peers.h"
#include "sym_sig.h"

#define SYM_IN_MAX 16

struct sym_in_t {
    zsock_t *socks[SYM_IN_MAX];       /* SUB or PULL sockets */
    char *endpoints[SYM_IN_MAX];      /* theirs, to clean up ipc files */
    sym_peers_t *peers[SYM_IN_MAX];   /* their monitors, set before attach */
    zmq_pollitem_t items[SYM_IN_MAX]; /* their libzmq handles */
    size_t count;                     /* inputs in use */
    size_t next;                      /* where the next scan starts */
    sym_stats_t *stats;               /* the node's counters */
    zmq_msg_t topic;                  /* frames of the last message */
    zmq_msg_t payload;
    char topic_text[256]; /* NUL-terminated topic */
};

sym_in_t *
sym_in_new(sym_stats_t *stats)
{
    sym_in_t *self = calloc(1, sizeof *self);
    if (self == NULL) {
        return NULL;
    }
    self->stats = stats;
    zmq_msg_init(&self->topic);
    zmq_msg_init(&self->payload);
    return self;
}

void
sym_in_destroy(sym_in_t **self_p)
{
    if (self_p == NULL || *self_p == NULL) {
        return;
    }
    sym_in_t *self = *self_p;
    for (size_t i = 0; i < self->count; i++) {
        bool binds = sym_sock_binds_by_default(zsock_type(self->socks[i]));
        sym_peers_destroy(&self->peers[i]);
        zsock_destroy(&self->socks[i]);
        sym_ipc_unlink_bound(self->endpoints[i], binds);
        free(self->endpoints[i]);
    }
    zmq_msg_close(&self->topic);
    zmq_msg_close(&self->payload);
    free(self);
    *self_p = NULL;
}

int
sym_in_add(sym_in_t *self, int type, const char *endpoints,
           const sym_strlist_t *topics, const sym_sock_policy_t *policy,
           char *err, size_t err_size)
{
    assert(type == ZMQ_SUB || type == ZMQ_PULL);
    if (self->count == SYM_IN_MAX) {
        snprintf(err, err_size, "more than %d inputs", SYM_IN_MAX);
        return SYM_EINVAL;
    }
    int rc = SYM_OK;
    zsock_t *sock = sym_sock_new(type, endpoints, policy, &rc, err, err_size);
    if (sock == NULL) {
        return rc;
    }
    /* Watched before it attaches: a peer that connects at once would
     * otherwise pass its handshake unseen and never count as connected. */
    sym_peers_t *peers = sym_peers_new(sock);
    rc = sym_sock_attach(sock, endpoints, err, err_size);
    if (rc != SYM_OK) {
        sym_peers_destroy(&peers);
        zsock_destroy(&sock);
        return rc;
    }
    if (type == ZMQ_SUB && (topics == NULL || topics->count == 0)) {
        zsock_set_subscribe(sock, "");
    } else if (type == ZMQ_SUB) {
        for (size_t i = 0; i < topics->count; i++) {
            zsock_set_subscribe(sock, topics->items[i]);
        }
    }
    self->socks[self->count] = sock;
    self->peers[self->count] = peers;
    self->endpoints[self->count] = strdup(endpoints);
    self->items[self->count] =
        (zmq_pollitem_t){zsock_resolve(sock), 0, ZMQ_POLLIN, 0};
    self->count++;
    return SYM_OK;
}

size_t
sym_in_count(const sym_in_t *self)
{
    return self->count;
}

zsock_t *
sym_in_sock(sym_in_t *self, size_t i)
{
    assert(self);
    assert(i < self->count);
    return self->socks[i];
}

/* Throw away the frames left of a message with too many frames. */
static void
s_drain(void *handle)
{
    zmq_msg_t extra;
    zmq_msg_init(&extra);
    do {
        if (zmq_msg_recv(&extra, handle, ZMQ_DONTWAIT) < 0) {
            break;
        }
    } while (zmq_msg_more(&extra));
    zmq_msg_close(&extra);
}

/* Receive one message from input i without waiting. Returns SYM_OK for
 * a well-formed message, SYM_EAGAIN when there is none, SYM_EDECODE for
 * a malformed one (already counted). */
/* Count a dropped message and say why. */
static int
s_reject(sym_in_t *self, sym_in_msg_t *msg, const char *why)
{
    self->stats->values[SYM_CTR_DROP_FRAMES]++;
    msg->error = why;
    return SYM_EDECODE;
}

static int
s_recv_from(sym_in_t *self, size_t i, sym_in_msg_t *msg)
{
    void *handle = self->items[i].socket;
    msg->source = (int) i;
    if (zmq_msg_recv(&self->topic, handle, ZMQ_DONTWAIT) < 0) {
        return SYM_EAGAIN;
    }
    self->stats->values[SYM_CTR_MESSAGES_IN]++;
    /* Logs of bad input name the peer, so an operator can find it. */
    const char *peer = zmq_msg_gets(&self->topic, "Peer-Address");
    msg->peer = peer ? peer : "-";
    if (!zmq_msg_more(&self->topic)) {
        return s_reject(self, msg, "one frame, expected topic and payload");
    }
    /* The rest of a multipart message has arrived with its first frame. */
    if (zmq_msg_recv(&self->payload, handle, ZMQ_DONTWAIT) < 0) {
        return s_reject(self, msg, "payload frame missing");
    }
    if (zmq_msg_more(&self->payload)) {
        s_drain(handle);
        return s_reject(self, msg, "more than two frames");
    }
    size_t topic_len = zmq_msg_size(&self->topic);
    if (sym_wire_check_topic(zmq_msg_data(&self->topic), topic_len) != 0) {
        return s_reject(self, msg, "topic is not 1-255 printable bytes");
    }
    memcpy(self->topic_text, zmq_msg_data(&self->topic), topic_len);
    self->topic_text[topic_len] = '\0';
    *msg = (sym_in_msg_t){
        .topic = self->topic_text,
        .topic_len = topic_len,
        .payload = zmq_msg_data(&self->payload),
        .payload_len = zmq_msg_size(&self->payload),
        .source = (int) i,
        .peer = msg->peer,
    };
    return SYM_OK;
}

/* Try each input once, starting after the last one served. */
static int
s_scan(sym_in_t *self, sym_in_msg_t *msg)
{
    for (size_t k = 0; k < self->count; k++) {
        size_t i = (self->next + k) % self->count;
        int rc = s_recv_from(self, i, msg);
        if (rc != SYM_EAGAIN) {
            self->next = (i + 1) % self->count;
            return rc;
        }
    }
    return SYM_EAGAIN;
}

int
sym_in_recv(sym_in_t *self, int timeout_ms, sym_in_msg_t *msg)
{
    assert(self);
    assert(msg);

    if (sym_sig_stopping()) {
        return SYM_ECLOSED;
    }
    int rc = s_scan(self, msg);
    if (rc != SYM_EAGAIN) {
        return rc;
    }
    int ready = zmq_poll(self->items, (int) self->count, timeout_ms);
    if (ready < 0) {
        return zmq_errno() == EINTR && !sym_sig_stopping() ? SYM_EAGAIN
                                                           : SYM_ECLOSED;
    }
    if (ready == 0) {
        return SYM_EAGAIN;
    }
    return s_scan(self, msg);
}
