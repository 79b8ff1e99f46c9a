/* ingest_udp.c: a UDP source: binds HOST:PORT and makes one record of
 * each datagram; datagrams the kernel dropped are counted and logged.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "ingest_source.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/socket.h>

#include "ingest_net.h"
#include "ingest_payload.h"
#include "sym_err.h"
#include "sym_log.h"
#include "sym_sig.h"

#define S_WAIT_MS 50
#define S_DATAGRAM_MAX 65536
#define S_RCVBUF_BYTES (8 * 1024 * 1024) /* rides out bursts */
#define S_LOSS_LOG_MS 5000

typedef struct {
    int fd;
    bool was_idle;
    uint64_t datagrams;
    uint32_t kernel_drops; /* the kernel's count (SO_RXQ_OVFL) */
    sym_log_limit_t loss_limit;
    ingest_payload_t *payload;
    uint8_t buf[S_DATAGRAM_MAX];
} s_udp_t;

/* The kernel says how many datagrams it dropped for want of buffer. */
static void
s_note_drops(s_udp_t *self, struct msghdr *msg)
{
    for (struct cmsghdr *cmsg = CMSG_FIRSTHDR(msg); cmsg;
         cmsg = CMSG_NXTHDR(msg, cmsg)) {
        if (cmsg->cmsg_level != SOL_SOCKET || cmsg->cmsg_type != SO_RXQ_OVFL) {
            continue;
        }
        uint32_t total = 0;
        memcpy(&total, CMSG_DATA(cmsg), sizeof total);
        uint64_t repeats = 0;
        if (total != self->kernel_drops &&
            sym_log_limit_pass(&self->loss_limit, &repeats)) {
            sym_log_error(
                "udp", "datagrams lost in the receive buffer total=%u", total);
        }
        self->kernel_drops = total;
    }
}

/* One datagram into buf. Returns its length, or -1 with rc set. */
static ssize_t
s_receive(s_udp_t *self, int *rc)
{
    struct pollfd item = {.fd = self->fd, .events = POLLIN};
    int ready = poll(&item, 1, self->was_idle ? S_WAIT_MS : 0);
    self->was_idle = ready <= 0;
    if (ready <= 0) {
        *rc = ready < 0 && errno != EINTR ? SYM_EIO : SYM_EAGAIN;
        return -1;
    }
    struct iovec iov = {.iov_base = self->buf, .iov_len = sizeof self->buf};
    char control[CMSG_SPACE(sizeof(uint32_t))];
    struct msghdr msg = {.msg_iov = &iov,
                         .msg_iovlen = 1,
                         .msg_control = control,
                         .msg_controllen = sizeof control};
    ssize_t got = recvmsg(self->fd, &msg, MSG_DONTWAIT);
    if (got < 0) {
        *rc = errno == EAGAIN || errno == EINTR ? SYM_EAGAIN : SYM_EIO;
        return -1;
    }
    s_note_drops(self, &msg);
    return got;
}

static int
s_next(void *state, sym_rec_t *rec, ingest_where_t *where)
{
    s_udp_t *self = state;
    while (true) {
        *where = (ingest_where_t){.line = self->datagrams};
        int rc = SYM_OK;
        ssize_t got = s_receive(self, &rc);
        if (got < 0) {
            where->reason = rc == SYM_EIO ? "receive-failed" : NULL;
            return rc == SYM_EAGAIN && sym_sig_stopping() ? SYM_ECLOSED : rc;
        }
        where->line = ++self->datagrams;
        rc = ingest_payload_parse(self->payload, self->buf, (size_t) got, rec,
                                  where);
        if (rc != SYM_EAGAIN) {
            return rc; /* else it was a CSV header: read on */
        }
    }
}

static void
s_close(void **state_p)
{
    if (state_p == NULL || *state_p == NULL) {
        return;
    }
    s_udp_t *self = *state_p;
    if (self->kernel_drops > 0) {
        sym_log_error("udp", "datagrams lost in the receive buffer total=%u",
                      self->kernel_drops);
    }
    if (self->fd >= 0) {
        close(self->fd);
    }
    free(self);
    *state_p = NULL;
}

/* A bound socket with a large receive buffer; root may pass the
 * system's cap (SO_RCVBUFFORCE), others get what the cap allows. */
static int
s_bind(const struct addrinfo *addr, char *err, size_t err_size)
{
    int fd = socket(addr->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    int size = S_RCVBUF_BYTES;
    int on = 1;
    if (fd >= 0) {
        if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size)) {
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
        }
        setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &on, sizeof on);
    }
    if (fd < 0 || bind(fd, addr->ai_addr, addr->ai_addrlen) < 0) {
        snprintf(err, err_size, "cannot bind UDP: %s", strerror(errno));
        if (fd >= 0) {
            close(fd);
        }
        return -1;
    }
    return fd;
}

static int
s_open(const ingest_source_args_t *args, void **state, char *err,
       size_t err_size)
{
    struct addrinfo *list = NULL;
    int rc = ingest_net_resolve(args->address, SOCK_DGRAM, true, &list, err,
                                err_size);
    if (rc != SYM_OK) {
        return rc;
    }
    int fd = s_bind(list, err, err_size);
    freeaddrinfo(list);
    if (fd < 0) {
        return SYM_EIO;
    }
    s_udp_t *self = calloc(1, sizeof *self);
    if (self == NULL) {
        close(fd);
        snprintf(err, err_size, "out of memory");
        return SYM_ENOMEM;
    }
    self->fd = fd;
    self->payload = args->payload;
    self->loss_limit.interval_ms = S_LOSS_LOG_MS;
    sym_log_info("udp", "bound address=%s", args->address);
    *state = self;
    return SYM_OK;
}

const ingest_source_ops_t ingest_udp_ops = {
    .name = "udp",
    .default_stream = "ingest",
    .open = s_open,
    .next = s_next,
    .close = s_close,
};
