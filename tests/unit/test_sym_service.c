/* test_sym_service.c: systemd notifications, peer counting and the
 * metrics text of a node.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "sym_err.h"
#include "sym_metrics.h"
#include "sym_monitor.h"
#include "sym_service.h"
#include "sym_sock.h"
#include "sym_time.h"

/* Ports of this file: 18200-18209. */
#define S_EP_PULL "tcp://127.0.0.1:18200"

/* A datagram socket standing in for systemd's notify socket; its path
 * goes into NOTIFY_SOCKET. Returns the descriptor. */
static int
s_notify_socket(char *path, size_t size)
{
    snprintf(path, size, "%s/sym-notify-%d", P_tmpdir, (int) getpid());
    unlink(path);
    int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    snprintf(addr.sun_path, sizeof addr.sun_path, "%.100s", path);
    assert_int_equal(bind(fd, (struct sockaddr *) &addr, sizeof addr), 0);
    struct timeval timeout = {.tv_sec = 5};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    setenv("NOTIFY_SOCKET", path, 1);
    return fd;
}

static void
s_expect(int fd, const char *text)
{
    char buf[256];
    ssize_t size = recv(fd, buf, sizeof buf - 1, 0);
    assert_true(size > 0);
    buf[size] = '\0';
    assert_string_equal(buf, text);
}

static void
test_service_tells_systemd_ready_watchdog_and_stopping(void **state)
{
    (void) state;
    char path[128];
    int fd = s_notify_socket(path, sizeof path);
    char pid[32];
    snprintf(pid, sizeof pid, "%d", (int) getpid());
    setenv("WATCHDOG_PID", pid, 1);
    setenv("WATCHDOG_USEC", "100000", 1);

    sym_opt_common_t common = {.name = "unit"};
    sym_stats_t stats = {0};
    char err[256] = "";
    int rc = SYM_OK;
    sym_service_t *service =
        sym_service_new("sink", &common, &stats, &rc, err, sizeof err);
    assert_non_null(service);
    sym_service_ready(service);
    s_expect(fd, "READY=1");
    /* The first tick pets the watchdog at once, then every 50 ms. */
    s_expect(fd, "WATCHDOG=1");
    int64_t deadline_ms = sym_time_mono_ms() + 5000;
    char buf[64];
    ssize_t size = -1;
    while (size < 0 && sym_time_mono_ms() < deadline_ms) {
        sym_service_tick(service, 0);
        size = recv(fd, buf, sizeof buf - 1, MSG_DONTWAIT);
    }
    assert_true(size > 0);
    buf[size] = '\0';
    assert_string_equal(buf, "WATCHDOG=1");
    sym_service_stopping(service);
    s_expect(fd, "STOPPING=1");
    sym_service_destroy(&service);
    assert_null(service);

    unsetenv("NOTIFY_SOCKET");
    unsetenv("WATCHDOG_USEC");
    unsetenv("WATCHDOG_PID");
    close(fd);
    unlink(path);
}

static void
test_service_refuses_a_bad_metrics_setting(void **state)
{
    (void) state;
    sym_stats_t stats = {0};
    char err[256] = "";
    int rc = SYM_OK;
    sym_opt_common_t common = {.name = "unit", .metrics_port = 70000};
    assert_null(sym_service_new("sink", &common, &stats, &rc, err, sizeof err));
    assert_int_equal(rc, SYM_EINVAL);
    assert_non_null(strstr(err, "--metrics-port"));

    common.metrics_port = 18201;
    common.metrics_addr = "localhost"; /* names are not resolved */
    assert_null(sym_service_new("sink", &common, &stats, &rc, err, sizeof err));
    assert_int_equal(rc, SYM_EINVAL);
}

/* Poll the monitor until socket i has peers, or 5 s pass. */
static void
s_wait_peers(sym_monitor_t *monitor, size_t i, int peers)
{
    int64_t deadline_ms = sym_time_mono_ms() + 5000;
    while (sym_time_mono_ms() < deadline_ms) {
        sym_monitor_poll(monitor);
        if (sym_monitor_sock(monitor, i)->peers == peers) {
            return;
        }
        zclock_sleep(10);
    }
    fail_msg("socket %zu has %d peers, expected %d", i,
             sym_monitor_sock(monitor, i)->peers, peers);
}

static void
test_monitor_counts_peers_as_they_come_and_go(void **state)
{
    (void) state;
    sym_sock_policy_t policy;
    sym_sock_policy_default(&policy);
    char err[256] = "";
    int rc = SYM_OK;
    zsock_t *push =
        sym_sock_open(ZMQ_PUSH, ">" S_EP_PULL, &policy, &rc, err, sizeof err);
    assert_non_null(push);
    sym_monitor_t *monitor = sym_monitor_new();
    assert_int_equal(
        sym_monitor_watch(monitor, push, "push", ">" S_EP_PULL, false), SYM_OK);
    assert_true(sym_monitor_sock(monitor, 0)->needs_peer);
    sym_monitor_poll(monitor);
    assert_false(sym_monitor_is_healthy(monitor));

    zsock_t *pull =
        sym_sock_open(ZMQ_PULL, "@" S_EP_PULL, &policy, &rc, err, sizeof err);
    assert_non_null(pull);
    assert_int_equal(
        sym_monitor_watch(monitor, pull, "pull", "@" S_EP_PULL, true), SYM_OK);
    assert_false(sym_monitor_sock(monitor, 1)->needs_peer);
    s_wait_peers(monitor, 0, 1);
    s_wait_peers(monitor, 1, 1);
    assert_true(sym_monitor_is_healthy(monitor));

    zsock_destroy(&pull);
    s_wait_peers(monitor, 0, 0);
    assert_false(sym_monitor_is_healthy(monitor));
    sym_monitor_destroy(&monitor);
    zsock_destroy(&push);
}

static void
test_metrics_text_escapes_labels_and_counts_every_counter(void **state)
{
    (void) state;
    sym_metrics_snap_t snap;
    memset(&snap, 0, sizeof snap);
    snap.stats.values[SYM_CTR_DROP_FULL] = 7;
    snap.pending = 3;
    char *text = sym_metrics_text(&snap, "ingest", "a\"b\\c\nd");
    assert_non_null(text);
    assert_non_null(strstr(text, "# TYPE symphony_drop_full_total counter\n"
                                 "symphony_drop_full_total{node=\"ingest\","
                                 "instance=\"a\\\"b\\\\c\\nd\"} 7\n"));
    assert_non_null(strstr(text, "symphony_pending_records{"));
    size_t counters = 0;
    for (const char *at = text; (at = strstr(at, " counter\n")); at++) {
        counters++;
    }
    assert_int_equal(counters, SYM_CTR_COUNT);
    free(text);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(
            test_service_tells_systemd_ready_watchdog_and_stopping),
        cmocka_unit_test(test_service_refuses_a_bad_metrics_setting),
        cmocka_unit_test(test_monitor_counts_peers_as_they_come_and_go),
        cmocka_unit_test(
            test_metrics_text_escapes_labels_and_counts_every_counter),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
