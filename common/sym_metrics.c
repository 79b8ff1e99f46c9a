/* sym_metrics.c: a node's counters over HTTP, for Prometheus, and its
 * health.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "sym_metrics.h"

#include <arpa/inet.h>
#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <netdb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <microhttpd.h>

#include "sym_dl.h"
#include "sym_err.h"

/* libmicrohttpd is opened with the first metrics port: linked, it and
 * GnuTLS behind it would add about 2.4 MB to the resident size of every
 * node, most of which never serve metrics. */
static struct {
    __typeof__(MHD_start_daemon) *MHD_start_daemon;
    __typeof__(MHD_stop_daemon) *MHD_stop_daemon;
    __typeof__(MHD_create_response_from_buffer)
        *MHD_create_response_from_buffer;
    __typeof__(MHD_add_response_header) *MHD_add_response_header;
    __typeof__(MHD_queue_response) *MHD_queue_response;
    __typeof__(MHD_destroy_response) *MHD_destroy_response;
} s_mhd;

static int
s_open_mhd(char *err, size_t err_size)
{
    static bool s_is_open;
    if (s_is_open) {
        return SYM_OK;
    }
    const sym_dl_fn_t fns[] = {
        SYM_DL_FN(s_mhd, MHD_start_daemon),
        SYM_DL_FN(s_mhd, MHD_stop_daemon),
        SYM_DL_FN(s_mhd, MHD_create_response_from_buffer),
        SYM_DL_FN(s_mhd, MHD_add_response_header),
        SYM_DL_FN(s_mhd, MHD_queue_response),
        SYM_DL_FN(s_mhd, MHD_destroy_response),
    };
    int rc = sym_dl_open(SYM_MHD_SONAME, fns, sizeof fns / sizeof fns[0], err,
                         err_size);
    s_is_open = rc == SYM_OK;
    return rc;
}

/* The node thread writes its counters as plain integers, with no
 * atomics, on every record. Rather than make every increment atomic,
 * the node copies them here under the mutex once per tick, and the HTTP
 * thread copies them out under the same mutex; a scrape is therefore at
 * most one tick old, and no counter is read while it is being written. */
struct sym_metrics_t {
    struct MHD_Daemon *daemon;
    const char *node;
    const char *instance;
    pthread_mutex_t lock; /* guards snap and has_snap */
    sym_metrics_snap_t snap;
    bool has_snap;
};

/* Write value as a label value: backslash, quote and newline escaped. */
static void
s_label(FILE *out, const char *value)
{
    for (const char *c = value; *c; c++) {
        if (*c == '\\' || *c == '"') {
            fprintf(out, "\\%c", *c);
        } else if (*c == '\n') {
            fputs("\\n", out);
        } else {
            fputc(*c, out);
        }
    }
}

static void
s_series(FILE *out, const char *name, const char *type, const char *help,
         const char *node, const char *instance)
{
    fprintf(out, "# HELP %s %s\n# TYPE %s %s\n%s{node=\"", name, help, name,
            type, name);
    s_label(out, node);
    fputs("\",instance=\"", out);
    s_label(out, instance);
    fputs("\"", out);
}

static void
s_socket_series(FILE *out, const sym_metrics_snap_t *snap, const char *node,
                const char *instance)
{
    fputs("# HELP symphony_socket_peers Peers connected to a socket.\n"
          "# TYPE symphony_socket_peers gauge\n",
          out);
    for (size_t i = 0; i < snap->sock_count; i++) {
        fputs("symphony_socket_peers{node=\"", out);
        s_label(out, node);
        fputs("\",instance=\"", out);
        s_label(out, instance);
        fputs("\",socket=\"", out);
        s_label(out, snap->socks[i].label);
        fputs("\",endpoints=\"", out);
        s_label(out, snap->socks[i].endpoints);
        fprintf(out, "\"} %d\n", snap->socks[i].peers);
    }
}

char *
sym_metrics_text(const sym_metrics_snap_t *snap, const char *node,
                 const char *instance)
{
    assert(snap && node && instance);
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    if (out == NULL) {
        return NULL;
    }
    for (int i = 0; i < SYM_CTR_COUNT; i++) {
        char name[96], help[128];
        snprintf(name, sizeof name, "symphony_%s_total", sym_ctr_name(i));
        snprintf(help, sizeof help, "Records or messages counted as %s.",
                 sym_ctr_name(i));
        s_series(out, name, "counter", help, node, instance);
        fprintf(out, "} %" PRIu64 "\n", snap->stats.values[i]);
    }
    s_series(out, "symphony_up", "gauge", "1 while the node runs.", node,
             instance);
    fputs("} 1\n", out);
    s_series(out, "symphony_healthy", "gauge",
             "1 when every socket that needs a peer has one.", node, instance);
    fprintf(out, "} %d\n", snap->is_healthy ? 1 : 0);
    s_series(out, "symphony_epoch", "gauge",
             "Run id: the start time in ns since 1970.", node, instance);
    fprintf(out, "} %" PRIu64 "\n", snap->epoch_ns);
    s_series(out, "symphony_uptime_seconds", "gauge",
             "Seconds since the node started.", node, instance);
    fprintf(out, "} %.3f\n", snap->uptime_s);
    s_series(out, "symphony_pending_records", "gauge",
             "Records held, not yet sent or stored.", node, instance);
    fprintf(out, "} %" PRIu64 "\n", snap->pending);
    s_socket_series(out, snap, node, instance);
    if (fclose(out) != 0) {
        free(text);
        return NULL;
    }
    return text;
}

char *
sym_metrics_health(const sym_metrics_snap_t *snap, const char *node,
                   const char *instance)
{
    assert(snap && node && instance);
    json_t *socks = json_array();
    for (size_t i = 0; i < snap->sock_count; i++) {
        const sym_monitor_sock_t *sock = &snap->socks[i];
        json_array_append_new(
            socks, json_pack("{s:s, s:s, s:b, s:i, s:b}", "socket", sock->label,
                             "endpoints", sock->endpoints, "needs_peer",
                             sock->needs_peer, "peers", sock->peers, "ok",
                             !sock->needs_peer || sock->peers > 0));
    }
    json_t *body =
        json_pack("{s:s, s:s, s:s, s:I, s:o}", "status",
                  snap->is_healthy ? "ok" : "unhealthy", "node", node,
                  "instance", instance, "uptime_ms",
                  (json_int_t) (snap->uptime_s * 1000.0), "sockets", socks);
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    json_decref(body);
    return text;
}

static enum MHD_Result
s_respond(struct MHD_Connection *connection, unsigned int status, char *text,
          const char *type)
{
    if (text == NULL) {
        return MHD_NO;
    }
    struct MHD_Response *response = s_mhd.MHD_create_response_from_buffer(
        strlen(text), text, MHD_RESPMEM_MUST_FREE);
    if (response == NULL) {
        free(text);
        return MHD_NO;
    }
    s_mhd.MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    enum MHD_Result result =
        s_mhd.MHD_queue_response(connection, status, response);
    s_mhd.MHD_destroy_response(response);
    return result;
}

/* Runs in libmicrohttpd's thread. */
static enum MHD_Result
s_on_request(void *cls, struct MHD_Connection *connection, const char *url,
             const char *method, const char *version, const char *upload,
             size_t *upload_size, void **request)
{
    (void) version, (void) upload, (void) upload_size, (void) request;
    sym_metrics_t *self = cls;
    if (strcmp(method, MHD_HTTP_METHOD_GET) != 0) {
        return s_respond(connection, MHD_HTTP_METHOD_NOT_ALLOWED,
                         strdup("only GET\n"), "text/plain");
    }
    sym_metrics_snap_t snap;
    pthread_mutex_lock(&self->lock);
    snap = self->snap;
    bool has_snap = self->has_snap;
    pthread_mutex_unlock(&self->lock);
    snap.is_healthy = snap.is_healthy && has_snap;

    if (strcmp(url, "/metrics") == 0) {
        return s_respond(connection, MHD_HTTP_OK,
                         sym_metrics_text(&snap, self->node, self->instance),
                         "text/plain; version=0.0.4; charset=utf-8");
    }
    if (strcmp(url, "/health") == 0) {
        return s_respond(connection,
                         snap.is_healthy ? MHD_HTTP_OK
                                         : MHD_HTTP_SERVICE_UNAVAILABLE,
                         sym_metrics_health(&snap, self->node, self->instance),
                         "application/json");
    }
    return s_respond(connection, MHD_HTTP_NOT_FOUND,
                     strdup("try /metrics or /health\n"), "text/plain");
}

/* Resolve a numeric address into storage. Returns SYM_OK or
 * SYM_EINVAL. */
static int
s_address(const char *addr, int port, struct sockaddr_storage *storage)
{
    struct addrinfo hints = {.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV,
                             .ai_socktype = SOCK_STREAM};
    char service[16];
    snprintf(service, sizeof service, "%d", port);
    struct addrinfo *found = NULL;
    if (getaddrinfo(addr, service, &hints, &found) != 0) {
        return SYM_EINVAL;
    }
    memcpy(storage, found->ai_addr, found->ai_addrlen);
    freeaddrinfo(found);
    return SYM_OK;
}

static int
s_start(sym_metrics_t *self, const char *addr, int port, char *err,
        size_t err_size)
{
    struct sockaddr_storage storage;
    if (port < 1 || port > 65535 || s_address(addr, port, &storage)) {
        snprintf(err, err_size,
                 "metrics address '%s' port %d: expected a numeric address "
                 "and a port from 1 to 65535",
                 addr, port);
        return SYM_EINVAL;
    }
    int rc = s_open_mhd(err, err_size);
    if (rc != SYM_OK) {
        return rc;
    }
    unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL;
    if (storage.ss_family == AF_INET6) {
        flags |= MHD_USE_IPv6;
    }
    errno = 0;
    self->daemon = s_mhd.MHD_start_daemon(
        flags, (uint16_t) port, NULL, NULL, s_on_request, self,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *) &storage,
        MHD_OPTION_CONNECTION_LIMIT, 16u, MHD_OPTION_CONNECTION_TIMEOUT, 10u,
        MHD_OPTION_END);
    if (self->daemon == NULL) {
        snprintf(err, err_size, "cannot serve metrics on %s port %d%s%s", addr,
                 port, errno ? ": " : "", errno ? strerror(errno) : "");
        return SYM_EIO;
    }
    return SYM_OK;
}

sym_metrics_t *
sym_metrics_new(const char *addr, int port, const char *node,
                const char *instance, int *rc, char *err, size_t err_size)
{
    assert(addr && node && instance && rc);
    sym_metrics_t *self = calloc(1, sizeof *self);
    if (self == NULL) {
        snprintf(err, err_size, "out of memory");
        *rc = SYM_ENOMEM;
        return NULL;
    }
    self->node = node;
    self->instance = instance;
    pthread_mutex_init(&self->lock, NULL);
    *rc = s_start(self, addr, port, err, err_size);
    if (*rc != SYM_OK) {
        sym_metrics_destroy(&self);
    }
    return self;
}

void
sym_metrics_destroy(sym_metrics_t **self_p)
{
    if (self_p == NULL || *self_p == NULL) {
        return;
    }
    sym_metrics_t *self = *self_p;
    if (self->daemon) {
        s_mhd.MHD_stop_daemon(self->daemon);
    }
    pthread_mutex_destroy(&self->lock);
    free(self);
    *self_p = NULL;
}

void
sym_metrics_publish(sym_metrics_t *self, const sym_metrics_snap_t *snap)
{
    assert(self && snap);
    pthread_mutex_lock(&self->lock);
    self->snap = *snap;
    self->has_snap = true;
    pthread_mutex_unlock(&self->lock);
}
