/* sym_sock.c: endpoints and the one place where sockets are set up.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "sym_sock.h"

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sym_err.h"

void
sym_sock_policy_default(sym_sock_policy_t *policy)
{
    *policy = (sym_sock_policy_t){
        .sndhwm = SYM_DEFAULT_SNDHWM,
        .rcvhwm = SYM_DEFAULT_RCVHWM,
        .linger_ms = SYM_DEFAULT_LINGER_MS,
        .reconnect_ivl_ms = 100,
        .reconnect_ivl_max_ms = 250,
        .heartbeat_ivl_ms = SYM_DEFAULT_HEARTBEAT_IVL_MS,
        .heartbeat_timeout_ms = SYM_DEFAULT_HEARTBEAT_TIMEOUT_MS,
        .max_msg_bytes = 1024 * 1024 + 64 * 1024,
        .immediate = true,
    };
}

bool
sym_sock_binds_by_default(int type)
{
    return type == ZMQ_PUB || type == ZMQ_PULL || type == ZMQ_ROUTER ||
           type == ZMQ_XPUB;
}

const char *
sym_sock_type_name(int type)
{
    switch (type) {
    case ZMQ_PUB:
        return "pub";
    case ZMQ_SUB:
        return "sub";
    case ZMQ_PUSH:
        return "push";
    case ZMQ_PULL:
        return "pull";
    case ZMQ_XPUB:
        return "xpub";
    default:
        return "other";
    }
}

static int
s_check_tcp(const char *address, bool is_bind, char *err, size_t err_size)
{
    const char *colon = strrchr(address, ':');
    if (colon == NULL || colon == address) {
        snprintf(err, err_size, "tcp address '%s' needs host:port", address);
        return SYM_EINVAL;
    }
    const char *port = colon + 1;
    if (is_bind && (strcmp(port, "*") == 0 || strcmp(port, "!") == 0)) {
        return SYM_OK; /* an ephemeral port chosen by the system */
    }
    char *end = NULL;
    errno = 0;
    long value = strtol(port, &end, 10);
    if (errno != 0 || end == port || *end != '\0' || value < 1 ||
        value > 65535) {
        snprintf(err, err_size, "tcp port '%s' is not 1-65535", port);
        return SYM_EINVAL;
    }
    /* libzmq refuses a wildcard host only once the connect is tried. */
    if (!is_bind && colon - address == 1 && address[0] == '*') {
        snprintf(err, err_size, "tcp host '*' only works when binding");
        return SYM_EINVAL;
    }
    return SYM_OK;
}

int
sym_endpoint_parse(const char *text, bool default_bind, sym_endpoint_t *out,
                   char *err, size_t err_size)
{
    memset(out, 0, sizeof *out);
    out->is_bind = default_bind;
    if (*text == '@' || *text == '>') {
        out->is_bind = *text == '@';
        text++;
    }
    const char *sep = strstr(text, "://");
    if (sep == NULL) {
        snprintf(err, err_size, "endpoint '%s' needs transport://address",
                 text);
        return SYM_EINVAL;
    }
    size_t transport_len = (size_t) (sep - text);
    const char *address = sep + 3;
    if (transport_len >= sizeof out->transport || *address == '\0' ||
        strlen(address) >= sizeof out->address) {
        snprintf(err, err_size, "endpoint '%s' is malformed", text);
        return SYM_EINVAL;
    }
    memcpy(out->transport, text, transport_len);
    strcpy(out->address, address);

    bool is_tcp = strcmp(out->transport, "tcp") == 0;
    if (!is_tcp && strcmp(out->transport, "ipc") != 0 &&
        strcmp(out->transport, "inproc") != 0) {
        snprintf(err, err_size,
                 "endpoint '%s': transport must be tcp, ipc or inproc", text);
        return SYM_EINVAL;
    }
    if (is_tcp && s_check_tcp(address, out->is_bind, err, err_size) != 0) {
        return SYM_EINVAL;
    }
    snprintf(out->text, sizeof out->text, "%s://%s", out->transport,
             out->address);
    return SYM_OK;
}

int
sym_endpoint_check_list(const char *list, bool default_bind, char *err,
                        size_t err_size)
{
    if (list == NULL || *list == '\0') {
        snprintf(err, err_size, "no endpoint given");
        return SYM_EINVAL;
    }
    char *copy = strdup(list);
    if (copy == NULL) {
        snprintf(err, err_size, "out of memory");
        return SYM_EINVAL;
    }
    int count = 0;
    char *save = NULL;
    for (char *one = strtok_r(copy, ",", &save); one;
         one = strtok_r(NULL, ",", &save)) {
        sym_endpoint_t endpoint;
        if (sym_endpoint_parse(one, default_bind, &endpoint, err, err_size)) {
            count = SYM_EINVAL;
            break;
        }
        count++;
    }
    free(copy);
    if (count == 0) {
        snprintf(err, err_size, "no endpoint in '%s'", list);
        return SYM_EINVAL;
    }
    return count;
}

/* Senders ping their peers with ZMTP heartbeats; receivers leave that to
 * the kernel's TCP keepalive. libzmq 4.3.4 aborts (!_io_error in
 * stream_engine_base.cpp) when a heartbeat timer writes on a connection
 * whose peer hung up while the receiver had stopped reading it for
 * backpressure, and a receiver under backpressure is Symphony's normal
 * case. A sender never stops reading, so its heartbeats are safe, and
 * keepalive probes are answered by the kernel, reading or not. */
static void
s_apply_liveness(zsock_t *sock, const sym_sock_policy_t *policy)
{
    int type = zsock_type(sock);
    if (type == ZMQ_PUB || type == ZMQ_PUSH) {
        zsock_set_heartbeat_ivl(sock, policy->heartbeat_ivl_ms);
        zsock_set_heartbeat_timeout(sock, policy->heartbeat_timeout_ms);
        return;
    }
    int ivl_s =
        policy->heartbeat_ivl_ms < 1000 ? 1 : policy->heartbeat_ivl_ms / 1000;
    int probes = policy->heartbeat_timeout_ms / (ivl_s * 1000);
    zsock_set_tcp_keepalive(sock, 1);
    zsock_set_tcp_keepalive_idle(sock, ivl_s);
    zsock_set_tcp_keepalive_intvl(sock, ivl_s);
    zsock_set_tcp_keepalive_cnt(sock, probes > 0 ? probes : 1);
}

static void
s_apply_policy(zsock_t *sock, const sym_sock_policy_t *policy)
{
    zsock_set_sndhwm(sock, policy->sndhwm);
    zsock_set_rcvhwm(sock, policy->rcvhwm);
    if (policy->sndbuf > 0) {
        zsock_set_sndbuf(sock, policy->sndbuf);
    }
    if (policy->rcvbuf > 0) {
        zsock_set_rcvbuf(sock, policy->rcvbuf);
    }
    zsock_set_linger(sock, policy->linger_ms);
    zsock_set_reconnect_ivl(sock, policy->reconnect_ivl_ms);
    zsock_set_reconnect_ivl_max(sock, policy->reconnect_ivl_max_ms);
    zsock_set_maxmsgsize(sock, (int) policy->max_msg_bytes);
    if (policy->heartbeat_ivl_ms > 0) {
        s_apply_liveness(sock, policy);
    }
    if (policy->immediate) {
        zsock_set_immediate(sock, 1);
    }
}

/* libzmq takes a tcp host that does not exist and retries it forever
 * without a word, so a typo in a connect endpoint is refused at start.
 * Only a definite "no such name" counts; a resolver that is not ready
 * yet leaves the retrying to libzmq. Returns SYM_OK or SYM_ENOTFOUND. */
static int
s_check_host(int type, const sym_endpoint_t *ep, char *err, size_t err_size)
{
    if (ep->is_bind || strcmp(ep->transport, "tcp") != 0) {
        return SYM_OK;
    }
    const char *peer = strchr(ep->address, ';'); /* after a source address */
    peer = peer ? peer + 1 : ep->address;
    const char *colon = strrchr(peer, ':');
    char host[SYM_ENDPOINT_MAX];
    snprintf(host, sizeof host, "%.*s",
             (int) (colon ? colon - peer : (ptrdiff_t) strlen(peer)), peer);
    size_t len = strlen(host);
    if (len >= 2 && host[0] == '[' && host[len - 1] == ']') {
        memmove(host, host + 1, len - 2);
        host[len - 2] = '\0';
    }
    struct addrinfo *found = NULL;
    int grc = getaddrinfo(host, NULL, NULL, &found);
    if (found != NULL) {
        freeaddrinfo(found);
    }
    if (grc == EAI_NONAME) {
        snprintf(err, err_size,
                 "%s connect %s failed: host '%s' does not resolve (%s)",
                 sym_sock_type_name(type), ep->text, host, gai_strerror(grc));
        return SYM_ENOTFOUND;
    }
    return SYM_OK;
}

/* Bind or connect each endpoint of the list in turn, so a failure names
 * the endpoint and the system's reason. */
static int
s_attach(zsock_t *sock, int type, const char *list, char *err, size_t err_size)
{
    char *copy = strdup(list);
    if (copy == NULL) {
        snprintf(err, err_size, "out of memory");
        return SYM_ENOMEM;
    }
    int rc = SYM_OK;
    char *save = NULL;
    for (char *one = strtok_r(copy, ",", &save); one && rc == SYM_OK;
         one = strtok_r(NULL, ",", &save)) {
        sym_endpoint_t ep;
        rc = sym_endpoint_parse(one, sym_sock_binds_by_default(type), &ep, err,
                                err_size);
        if (rc == SYM_OK) {
            rc = s_check_host(type, &ep, err, err_size);
        }
        if (rc != SYM_OK) {
            break;
        }
        int zrc = ep.is_bind ? zsock_bind(sock, "%s", ep.text)
                             : zsock_connect(sock, "%s", ep.text);
        if (zrc < 0) {
            int code = zmq_errno();
            /* libzmq reads a bind host it cannot find as an interface name
             * and reports ENODEV, which says nothing to an operator. */
            snprintf(err, err_size, "%s %s %s failed: %s%s",
                     sym_sock_type_name(type), ep.is_bind ? "bind" : "connect",
                     ep.text, zmq_strerror(code),
                     ep.is_bind && code == ENODEV
                         ? " (bind takes a local address, an interface "
                           "name or *)"
                         : "");
            rc = SYM_EIO;
        }
    }
    free(copy);
    return rc;
}

/* A socket's role in CURVE follows its first endpoint. */
static bool
s_first_binds(int type, const char *endpoints)
{
    char first[SYM_ENDPOINT_MAX + 16];
    snprintf(first, sizeof first, "%.*s", (int) strcspn(endpoints, ","),
             endpoints);
    sym_endpoint_t ep;
    char err[64];
    return sym_endpoint_parse(first, sym_sock_binds_by_default(type), &ep, err,
                              sizeof err) == SYM_OK &&
           ep.is_bind;
}

void
sym_sock_apply_limits(const sym_auth_opts_t *opts, sym_sock_policy_t *policy,
                      sym_wire_limits_t *limits)
{
    sym_wire_limits_default(limits);
    /* Zero is "not set": a config filled by hand keeps the defaults. */
    if (opts->max_msg_bytes > 0) {
        policy->max_msg_bytes = opts->max_msg_bytes;
        limits->max_record_bytes = (size_t) opts->max_msg_bytes;
    }
    if (opts->max_fields > 0) {
        limits->max_fields = (size_t) opts->max_fields;
    }
    if (opts->max_str_bytes > 0) {
        limits->max_str_bytes = (size_t) opts->max_str_bytes;
    }
    if (opts->max_depth > 0) {
        limits->max_depth = (size_t) opts->max_depth;
    }
}

zsock_t *
sym_sock_new(int type, const char *endpoints, const sym_sock_policy_t *policy,
             int *rc, char *err, size_t err_size)
{
    if (sym_endpoint_check_list(endpoints, sym_sock_binds_by_default(type), err,
                                err_size) < 0) {
        *rc = SYM_EINVAL;
        return NULL;
    }
    zsock_t *sock = zsock_new(type);
    if (sock == NULL) {
        snprintf(err, err_size, "cannot create a %s socket: %s",
                 sym_sock_type_name(type), zmq_strerror(zmq_errno()));
        *rc = SYM_EIO;
        return NULL;
    }
    s_apply_policy(sock, policy);
    *rc = SYM_OK;
    if (policy->auth != NULL) {
        *rc = sym_auth_apply(policy->auth, sock, s_first_binds(type, endpoints),
                             err, err_size);
    }
    if (*rc != SYM_OK) {
        zsock_destroy(&sock);
    }
    return sock;
}

int
sym_sock_attach(zsock_t *sock, const char *endpoints, char *err,
                size_t err_size)
{
    return s_attach(sock, zsock_type(sock), endpoints, err, err_size);
}

zsock_t *
sym_sock_open(int type, const char *endpoints, const sym_sock_policy_t *policy,
              int *rc, char *err, size_t err_size)
{
    zsock_t *sock = sym_sock_new(type, endpoints, policy, rc, err, err_size);
    if (sock != NULL) {
        *rc = sym_sock_attach(sock, endpoints, err, err_size);
    }
    if (sock != NULL && *rc != SYM_OK) {
        zsock_destroy(&sock);
    }
    return sock;
}
