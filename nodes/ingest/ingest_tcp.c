/* ingest_tcp.c: a TCP source: connects to HOST:PORT, cuts the stream
 * into lines, length-prefixed frames or CCSDS packets, and reconnects
 * with a capped backoff when the connection is lost or refused.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "ingest_source.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/socket.h>

#include "ingest_framer.h"
#include "ingest_net.h"
#include "ingest_payload.h"
#include "sym_err.h"
#include "sym_log.h"
#include "sym_sig.h"
#include "sym_time.h"

#define S_WAIT_MS 50           /* longest wait in one call */
#define S_FIRST_BACKOFF_MS 100 /* first wait before reconnecting */

typedef struct {
    char *address;
    int fd;            /* -1 while not connected */
    bool is_connected; /* the connect completed */
    bool was_idle;
    int64_t backoff_ms; /* next wait before reconnecting */
    int64_t max_backoff_ms;
    int64_t retry_ns;     /* monotonic time of the next attempt */
    uint64_t connections; /* connections made */
    ingest_framer_t *framer;
    ingest_payload_t *payload;
} s_tcp_t;

/* Drop the connection and schedule the next attempt. */
static void
s_schedule(s_tcp_t *self, const char *what, const char *why)
{
    if (self->fd >= 0) {
        close(self->fd);
        self->fd = -1;
    }
    self->is_connected = false;
    sym_log_warn("tcp", "%s, reconnecting address=%s in_ms=%lld err=\"%s\"",
                 what, self->address, (long long) self->backoff_ms, why);
    self->retry_ns = sym_time_mono_ns() + self->backoff_ms * SYM_NS_PER_MS;
    self->backoff_ms *= 2;
    if (self->backoff_ms > self->max_backoff_ms) {
        self->backoff_ms = self->max_backoff_ms;
    }
}

/* Start a non-blocking connect to the first address that takes it. */
static void
s_start_connect(s_tcp_t *self)
{
    char err[256] = "";
    struct addrinfo *list = NULL;
    if (ingest_net_resolve(self->address, SOCK_STREAM, false, &list, err,
                           sizeof err) != SYM_OK) {
        s_schedule(self, "cannot resolve", err);
        return;
    }
    int fd =
        socket(list->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int rc = fd < 0 ? -1 : connect(fd, list->ai_addr, list->ai_addrlen);
    int error = errno;
    freeaddrinfo(list);
    self->fd = fd;
    if (fd < 0 || (rc < 0 && error != EINPROGRESS)) {
        s_schedule(self, "connect failed", strerror(error));
    }
}

/* Wait for a pending connect to finish. */
static int
s_finish_connect(s_tcp_t *self)
{
    struct pollfd item = {.fd = self->fd, .events = POLLOUT};
    if (poll(&item, 1, S_WAIT_MS) <= 0) {
        return SYM_EAGAIN;
    }
    int error = 0;
    socklen_t len = sizeof error;
    getsockopt(self->fd, SOL_SOCKET, SO_ERROR, &error, &len);
    if (error != 0) {
        s_schedule(self, "connect failed", strerror(error));
        return SYM_EAGAIN;
    }
    self->is_connected = true;
    self->connections++;
    self->backoff_ms = S_FIRST_BACKOFF_MS;
    ingest_framer_reset(self->framer);
    ingest_payload_restart(self->payload);
    sym_log_info("tcp", "connected address=%s connections=%llu", self->address,
                 (unsigned long long) self->connections);
    return SYM_OK;
}

/* Get a connection going. Returns SYM_OK once connected, else
 * SYM_EAGAIN after waiting at most S_WAIT_MS. */
static int
s_connect(s_tcp_t *self)
{
    if (self->fd < 0) {
        int64_t left_ns = self->retry_ns - sym_time_mono_ns();
        if (left_ns > 0) {
            int64_t slice_ns = S_WAIT_MS * SYM_NS_PER_MS;
            sym_time_sleep_until(sym_time_mono_ns() +
                                 (left_ns < slice_ns ? left_ns : slice_ns));
            return SYM_EAGAIN;
        }
        s_start_connect(self);
    }
    return self->fd >= 0 ? s_finish_connect(self) : SYM_EAGAIN;
}

static int
s_next(void *state, sym_rec_t *rec, ingest_where_t *where)
{
    s_tcp_t *self = state;
    *where = (ingest_where_t){0};
    while (!sym_sig_stopping()) {
        if (!self->is_connected && s_connect(self) != SYM_OK) {
            return SYM_EAGAIN;
        }
        int rc =
            ingest_payload_from_framer(self->payload, self->framer, rec, where);
        if (rc == SYM_ECLOSED) {
            s_schedule(self, "connection lost", "closed by peer");
            return SYM_EAGAIN;
        }
        if (rc != SYM_EAGAIN) {
            return rc;
        }
        rc = ingest_framer_fill(self->framer, self->fd,
                                self->was_idle ? S_WAIT_MS : 0);
        self->was_idle = rc == SYM_EAGAIN;
        if (rc == SYM_EAGAIN) {
            return SYM_EAGAIN;
        }
        if (rc == SYM_EIO) {
            s_schedule(self, "connection lost", strerror(errno));
            return SYM_EAGAIN;
        }
    }
    return SYM_ECLOSED;
}

static void
s_close(void **state_p)
{
    if (state_p == NULL || *state_p == NULL) {
        return;
    }
    s_tcp_t *self = *state_p;
    if (self->fd >= 0) {
        close(self->fd);
    }
    ingest_framer_destroy(&self->framer);
    free(self->address);
    free(self);
    *state_p = NULL;
}

static int
s_open(const ingest_source_args_t *args, void **state, char *err,
       size_t err_size)
{
    struct addrinfo *list = NULL;
    int rc = ingest_net_resolve(args->address, SOCK_STREAM, false, &list, err,
                                err_size);
    if (rc != SYM_OK) {
        return rc;
    }
    freeaddrinfo(list);
    s_tcp_t *self = calloc(1, sizeof *self);
    if (self) {
        self->fd = -1;
    }
    if (self == NULL || (self->address = strdup(args->address)) == NULL ||
        (self->framer = ingest_framer_new(args->framing)) == NULL) {
        snprintf(err, err_size, "out of memory");
        void *doomed = self;
        s_close(&doomed);
        return SYM_ENOMEM;
    }
    self->payload = args->payload;
    self->backoff_ms = S_FIRST_BACKOFF_MS;
    self->max_backoff_ms = args->reconnect_max_ms;
    *state = self;
    return SYM_OK;
}

const ingest_source_ops_t ingest_tcp_ops = {
    .name = "tcp",
    .default_stream = "ingest",
    .open = s_open,
    .next = s_next,
    .close = s_close,
};
