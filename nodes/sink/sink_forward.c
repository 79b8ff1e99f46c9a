/* sink_forward.c: the forward:ENDPOINT output, one frame per record.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "sink_output.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <czmq.h>

#include "sink_name.h"
#include "sym_err.h"
#include "sym_json.h"
#include "sym_log.h"
#include "sym_sig.h"
#include "sym_sock.h"

/* How often a blocked PUSH looks at the stop flag. */
#define S_SEND_POLL_MS 100
#define S_MESSAGE_MAX 65536

/* Foreign consumers (rsyslog's imczmq, a plain SUB or PULL) read one
 * frame per message with no topic frame, so each record goes out as one
 * frame of text: a JSON object, or a template such as "{message}". */
typedef struct {
    zsock_t *sock;         /* PUB or PUSH */
    bool is_json;          /* json, else text from the template */
    const char *template_; /* text: the message */
    char *buf;             /* the open batch: [u32 length][bytes]... */
    size_t len;            /* bytes of it */
    size_t cap;            /* bytes allocated */
    uint64_t skipped;      /* records the template could not name */
} s_forward_t;

static int
s_put(s_forward_t *state, const char *data, uint32_t len)
{
    size_t need = sizeof len + len;
    if (state->cap - state->len < need) {
        size_t cap = state->cap ? state->cap : 65536;
        while (cap - state->len < need) {
            cap *= 2;
        }
        char *buf = realloc(state->buf, cap);
        if (buf == NULL) {
            return SYM_ENOMEM;
        }
        state->buf = buf;
        state->cap = cap;
    }
    memcpy(state->buf + state->len, &len, sizeof len);
    memcpy(state->buf + state->len + sizeof len, data, len);
    state->len += need;
    return SYM_OK;
}

static void
s_close(sink_output_t *self)
{
    s_forward_t *state = self->state;
    if (state == NULL) {
        return;
    }
    if (state->skipped > 0) {
        sym_log_warn("forward",
                     "records the template could not name were left out "
                     "records=%" PRIu64,
                     state->skipped);
    }
    zsock_destroy(&state->sock);
    free(state->buf);
    free(state);
    self->state = NULL;
}

/* The socket type and format from the settings; SYM_EINVAL if bad. */
static int
s_settings(sink_output_t *self, int *type, bool *is_json)
{
    const sink_output_opts_t *opts = &self->opts;
    const char *socket = opts->forward_socket ? opts->forward_socket : "pub";
    const char *format = opts->forward_format ? opts->forward_format : "json";
    *type = strcmp(socket, "push") == 0 ? ZMQ_PUSH : ZMQ_PUB;
    *is_json = strcmp(format, "json") == 0;
    if (strcmp(socket, "pub") != 0 && strcmp(socket, "push") != 0) {
        snprintf(self->error, sizeof self->error,
                 "--forward-socket: expected pub or push, got '%s'", socket);
        return SYM_EINVAL;
    }
    if (!*is_json && strcmp(format, "text") != 0) {
        snprintf(self->error, sizeof self->error,
                 "--forward-format: expected json or text, got '%s'", format);
        return SYM_EINVAL;
    }
    return SYM_OK;
}

static int
s_open(sink_output_t *self)
{
    int type = ZMQ_PUB;
    bool is_json = true;
    int rc = s_settings(self, &type, &is_json);
    const char *template_ =
        self->opts.forward_template ? self->opts.forward_template : "{message}";
    if (rc == SYM_OK && !is_json) {
        rc = sink_name_check(template_, self->error, sizeof self->error);
    }
    if (rc != SYM_OK) {
        return rc;
    }
    s_forward_t *state = calloc(1, sizeof *state);
    if (state == NULL) {
        snprintf(self->error, sizeof self->error, "out of memory");
        return SYM_ENOMEM;
    }
    self->state = state;
    state->is_json = is_json;
    state->template_ = template_;
    sym_sock_policy_t policy;
    sym_sock_policy_default(&policy);
    state->sock = sym_sock_open(type, self->path, &policy, &rc, self->error,
                                sizeof self->error);
    if (state->sock == NULL) {
        s_close(self);
        return rc;
    }
    return SYM_OK;
}

static int
s_write(sink_output_t *self, const char *topic, const sym_rec_t *rec)
{
    s_forward_t *state = self->state;
    int rc = SYM_OK;
    if (state->is_json) {
        char *line = sym_json_dump(rec, topic, 0);
        rc = line ? s_put(state, line, (uint32_t) strlen(line)) : SYM_ENOMEM;
        free(line);
    } else {
        char text[S_MESSAGE_MAX];
        const char *missing = NULL;
        if (sink_name_expand(state->template_, topic, rec, false, text,
                             sizeof text, &missing) != SYM_OK) {
            state->skipped++;
            return SYM_OK;
        }
        rc = s_put(state, text, (uint32_t) strlen(text));
    }
    if (rc != SYM_OK) {
        snprintf(self->error, sizeof self->error, "batch: out of memory");
    }
    return rc;
}

static bool
s_stopping(const sink_output_t *self)
{
    return sym_sig_stopping() || (self->opts.stop && *self->opts.stop);
}

/* Send one frame; a PUSH without a ready peer waits (backpressure)
 * until one is, or a stop is asked for. */
static int
s_send(sink_output_t *self, const char *data, size_t len)
{
    s_forward_t *state = self->state;
    void *handle = zsock_resolve(state->sock);
    while (zmq_send(handle, data, len, ZMQ_DONTWAIT) < 0) {
        int err = zmq_errno();
        if (err != EAGAIN && err != EINTR) {
            snprintf(self->error, sizeof self->error, "send: %s",
                     zmq_strerror(err));
            return SYM_EIO;
        }
        if (s_stopping(self)) {
            snprintf(self->error, sizeof self->error,
                     "stopped while no consumer took messages");
            return SYM_EIO;
        }
        zmq_pollitem_t item = {handle, 0, ZMQ_POLLOUT, 0};
        zmq_poll(&item, 1, S_SEND_POLL_MS);
    }
    return SYM_OK;
}

static int
s_commit(sink_output_t *self)
{
    s_forward_t *state = self->state;
    int rc = SYM_OK;
    size_t at = 0;
    while (at < state->len && rc == SYM_OK) {
        uint32_t len = 0;
        memcpy(&len, state->buf + at, sizeof len);
        rc = s_send(self, state->buf + at + sizeof len, len);
        at += sizeof len + len;
    }
    state->len = 0;
    return rc;
}

static void
s_abort(sink_output_t *self)
{
    s_forward_t *state = self->state;
    if (state) {
        state->len = 0;
    }
}

const sink_output_ops_t sink_forward_ops = {
    .scheme = "forward",
    .needs_path = true,
    .arg = "ENDPOINT",
    .open = s_open,
    .write = s_write,
    .commit = s_commit,
    .abort = s_abort,
    .close = s_close,
};
