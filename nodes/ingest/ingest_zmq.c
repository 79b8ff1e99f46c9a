/* ingest_zmq.c: foreign ZeroMQ producers: a SUB or PULL socket taking
 * single-frame text, JSON or raw bytes, or [topic, payload] envelopes,
 * one record per message.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "ingest_source.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <czmq.h>

#include "ingest_payload.h"
#include "sym_err.h"
#include "sym_sig.h"
#include "sym_sock.h"

#define S_WAIT_MS 50
#define S_MAX_FRAMES 2

typedef struct {
    zsock_t *sock;
    bool is_envelope;
    bool was_idle;
    uint64_t messages;
    zmq_msg_t frames[S_MAX_FRAMES];
    ingest_payload_t *payload;
} s_zmq_t;

/* Receive every frame of one message; frames past S_MAX_FRAMES are
 * read and counted, not kept. Returns the frame count, or -1 when
 * nothing is ready. */
static int
s_receive(s_zmq_t *self)
{
    void *handle = zsock_resolve(self->sock);
    zmq_pollitem_t item = {.socket = handle, .events = ZMQ_POLLIN};
    if (zmq_poll(&item, 1, self->was_idle ? S_WAIT_MS : 0) <= 0) {
        self->was_idle = true;
        return -1;
    }
    self->was_idle = false;
    int count = 0;
    bool has_more = true;
    while (has_more) {
        zmq_msg_t spare;
        zmq_msg_t *frame = count < S_MAX_FRAMES ? &self->frames[count] : &spare;
        zmq_msg_init(frame);
        if (zmq_msg_recv(frame, handle, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(frame);
            break;
        }
        has_more = zmq_msg_more(frame);
        if (frame == &spare) {
            zmq_msg_close(frame);
        }
        count++;
    }
    return count;
}

int
ingest_zmq_parse(ingest_payload_t *payload, bool is_envelope,
                 const ingest_frame_t *frames, int count, sym_rec_t *rec,
                 ingest_where_t *where)
{
    int wanted = is_envelope ? 2 : 1;
    if (count != wanted) {
        sym_rec_reset(rec);
        where->reason = "wrong-frame-count";
        return SYM_EDECODE;
    }
    const ingest_frame_t *body = &frames[wanted - 1];
    int rc = ingest_payload_parse(payload, body->data, body->size, rec, where);
    if (rc == SYM_OK && is_envelope) {
        rc = sym_rec_set_str(rec, "topic", (const char *) frames[0].data,
                             frames[0].size);
        where->reason = rc == SYM_OK ? NULL : "too-big";
        rc = rc == SYM_OK ? SYM_OK : SYM_EDECODE;
    }
    return rc;
}

/* The kept frames of the message just received, as the parser takes
 * them. */
static int
s_parse(s_zmq_t *self, int count, sym_rec_t *rec, ingest_where_t *where)
{
    ingest_frame_t frames[S_MAX_FRAMES];
    for (int i = 0; i < count && i < S_MAX_FRAMES; i++) {
        frames[i] = (ingest_frame_t){.data = zmq_msg_data(&self->frames[i]),
                                     .size = zmq_msg_size(&self->frames[i])};
    }
    return ingest_zmq_parse(self->payload, self->is_envelope, frames, count,
                            rec, where);
}

static int
s_next(void *state, sym_rec_t *rec, ingest_where_t *where)
{
    s_zmq_t *self = state;
    while (true) {
        *where = (ingest_where_t){.line = self->messages};
        int count = s_receive(self);
        if (count < 0) {
            return sym_sig_stopping() ? SYM_ECLOSED : SYM_EAGAIN;
        }
        where->line = ++self->messages;
        int rc = s_parse(self, count, rec, where);
        for (int i = 0; i < count && i < S_MAX_FRAMES; i++) {
            zmq_msg_close(&self->frames[i]);
        }
        if (rc != SYM_EAGAIN) {
            return rc; /* else a CSV header: read on */
        }
    }
}

static void
s_close(void **state_p)
{
    if (state_p == NULL || *state_p == NULL) {
        return;
    }
    s_zmq_t *self = *state_p;
    zsock_destroy(&self->sock);
    free(self);
    *state_p = NULL;
}

static int
s_open(const ingest_source_args_t *args, void **state, char *err,
       size_t err_size)
{
    s_zmq_t *self = calloc(1, sizeof *self);
    if (self == NULL) {
        snprintf(err, err_size, "out of memory");
        return SYM_ENOMEM;
    }
    sym_sock_policy_t policy;
    sym_sock_policy_default(&policy);
    int rc = SYM_OK;
    self->sock = sym_sock_open(args->zmq_type, args->endpoints, &policy, &rc,
                               err, err_size);
    if (self->sock == NULL) {
        free(self);
        return rc;
    }
    bool is_all = args->topics == NULL || args->topics->count == 0;
    if (args->zmq_type == ZMQ_SUB && is_all) {
        zsock_set_subscribe(self->sock, "");
    }
    for (size_t i = 0;
         args->zmq_type == ZMQ_SUB && !is_all && i < args->topics->count; i++) {
        zsock_set_subscribe(self->sock, args->topics->items[i]);
    }
    self->is_envelope = args->is_envelope;
    self->payload = args->payload;
    *state = self;
    return SYM_OK;
}

const ingest_source_ops_t ingest_zmq_ops = {
    .name = "zmq",
    .default_stream = "ingest",
    .open = s_open,
    .next = s_next,
    .close = s_close,
};
