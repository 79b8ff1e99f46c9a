/* sym_service.c: systemd readiness and watchdog, metrics and health.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "sym_service.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include <systemd/sd-daemon.h>

#include "sym_err.h"
#include "sym_metrics.h"
#include "sym_monitor.h"
#include "sym_peers.h"
#include "sym_time.h"

#define S_PUBLISH_MS 100    /* how stale a scrape may be */
#define S_PEERS_POLL_MS 100 /* how often socket monitor events are read */

struct sym_service_t {
    const char *node;
    const sym_opt_common_t *common;
    const sym_stats_t *stats;
    sym_metrics_t *metrics;     /* NULL while metrics are off */
    sym_monitor_t *monitor;     /* NULL while metrics are off */
    uint64_t epoch_ns;          /* start time, ns since 1970 */
    int64_t started_ms;         /* monotonic start time */
    int64_t next_publish_ms;    /* monotonic */
    int64_t next_peers_poll_ms; /* monotonic */
    int64_t watchdog_ms;        /* pet interval; 0 without a watchdog */
    int64_t next_watchdog_ms;   /* monotonic */
};

static int
s_open_metrics(sym_service_t *self, int *rc, char *err, size_t err_size)
{
    const sym_opt_common_t *common = self->common;
    if (common->metrics_port < 0 || common->metrics_port > 65535) {
        snprintf(err, err_size,
                 "option '--metrics-port': expected 0 (off) to 65535");
        return *rc = SYM_EINVAL;
    }
    if (common->metrics_port == 0) {
        return *rc = SYM_OK;
    }
    self->monitor = sym_monitor_new();
    if (self->monitor == NULL) {
        snprintf(err, err_size, "out of memory");
        return *rc = SYM_ENOMEM;
    }
    self->metrics = sym_metrics_new(
        common->metrics_addr ? common->metrics_addr : "127.0.0.1",
        (int) common->metrics_port, self->node,
        common->name ? common->name : self->node, rc, err, err_size);
    return *rc;
}

sym_service_t *
sym_service_new(const char *node, const sym_opt_common_t *common,
                const sym_stats_t *stats, int *rc, char *err, size_t err_size)
{
    assert(node && common && stats && rc);
    sym_service_t *self = calloc(1, sizeof *self);
    if (self == NULL) {
        snprintf(err, err_size, "out of memory");
        *rc = SYM_ENOMEM;
        return NULL;
    }
    self->node = node;
    self->common = common;
    self->stats = stats;
    self->epoch_ns = (uint64_t) sym_time_now_ns();
    self->started_ms = sym_time_mono_ms();
    /* Pet twice per interval, so one late tick does not get the node
     * killed. */
    uint64_t watchdog_us = 0;
    if (sd_watchdog_enabled(0, &watchdog_us) > 0) {
        self->watchdog_ms = (int64_t) (watchdog_us / 2000);
        self->watchdog_ms = self->watchdog_ms > 0 ? self->watchdog_ms : 1;
    }
    if (s_open_metrics(self, rc, err, err_size) != SYM_OK) {
        sym_service_destroy(&self);
    }
    return self;
}

void
sym_service_destroy(sym_service_t **self_p)
{
    if (self_p == NULL || *self_p == NULL) {
        return;
    }
    sym_service_t *self = *self_p;
    sym_metrics_destroy(&self->metrics);
    sym_monitor_destroy(&self->monitor);
    free(self);
    *self_p = NULL;
}

int
sym_service_watch(sym_service_t *self, zsock_t *sock, const char *label,
                  const char *endpoints, bool default_bind)
{
    assert(self);
    if (self->monitor == NULL) {
        return SYM_OK;
    }
    return sym_monitor_watch(self->monitor, sock, label, endpoints,
                             default_bind);
}

static void
s_publish(sym_service_t *self, uint64_t pending, int64_t now_ms)
{
    sym_metrics_snap_t snap;
    memset(&snap, 0, sizeof snap);
    sym_monitor_poll(self->monitor);
    snap.stats = *self->stats;
    snap.pending = pending;
    snap.epoch_ns = self->epoch_ns;
    snap.uptime_s = (double) (now_ms - self->started_ms) / 1000.0;
    snap.is_healthy = sym_monitor_is_healthy(self->monitor);
    snap.sock_count = sym_monitor_count(self->monitor);
    for (size_t i = 0; i < snap.sock_count; i++) {
        snap.socks[i] = *sym_monitor_sock(self->monitor, i);
    }
    sym_metrics_publish(self->metrics, &snap);
}

void
sym_service_ready(sym_service_t *self)
{
    assert(self);
    sd_notify(0, "READY=1");
    self->next_publish_ms = 0;
    sym_service_tick(self, 0);
}

void
sym_service_tick(sym_service_t *self, uint64_t pending)
{
    sym_service_tick_at(self, pending, sym_time_mono_ms());
}

void
sym_service_tick_at(sym_service_t *self, uint64_t pending, int64_t now_ms)
{
    assert(self);
    if (now_ms >= self->next_peers_poll_ms) {
        self->next_peers_poll_ms = now_ms + S_PEERS_POLL_MS;
        sym_peers_poll_all();
    }
    if (self->metrics && now_ms >= self->next_publish_ms) {
        self->next_publish_ms = now_ms + S_PUBLISH_MS;
        s_publish(self, pending, now_ms);
    }
    if (self->watchdog_ms > 0 && now_ms >= self->next_watchdog_ms) {
        self->next_watchdog_ms = now_ms + self->watchdog_ms;
        sd_notify(0, "WATCHDOG=1");
    }
}

void
sym_service_stopping(sym_service_t *self)
{
    assert(self);
    sd_notify(0, "STOPPING=1");
}
