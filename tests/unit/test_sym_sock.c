/* test_sym_sock.c: endpoint parsing and socket setup.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <string.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "sym_err.h"
#include "sym_sock.h"

/* Ports of this file: 17500-17519. */
#define S_EP_POLICY "tcp://127.0.0.1:17510"
#define S_EP_SECOND "tcp://127.0.0.1:17511"
#define S_EP_PULL "tcp://127.0.0.1:17513"

static void
test_sock_parses_a_bind_endpoint(void **state)
{
    (void) state;
    sym_endpoint_t ep;
    char err[256] = "";
    assert_int_equal(sym_endpoint_parse("@tcp://127.0.0.1:17500", false, &ep,
                                        err, sizeof err),
                     SYM_OK);
    assert_true(ep.is_bind);
    assert_string_equal(ep.transport, "tcp");
    assert_string_equal(ep.address, "127.0.0.1:17500");
    assert_string_equal(ep.text, "tcp://127.0.0.1:17500");
    assert_string_equal(err, "");
}

static void
test_sock_prefix_overrides_the_default_direction(void **state)
{
    (void) state;
    static const struct {
        const char *text;
        bool default_bind;
        bool is_bind;
    } cases[] = {
        {"tcp://127.0.0.1:17500", true, true},
        {"tcp://127.0.0.1:17500", false, false},
        {"@tcp://127.0.0.1:17500", false, true},
        {"@tcp://127.0.0.1:17500", true, true},
        {">tcp://127.0.0.1:17500", true, false},
        {">tcp://127.0.0.1:17500", false, false},
        {">ipc:///tmp/sym.sock", true, false},
        {"@inproc://a", false, true},
    };
    char err[256];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sym_endpoint_t ep;
        assert_int_equal(sym_endpoint_parse(cases[i].text,
                                            cases[i].default_bind, &ep, err,
                                            sizeof err),
                         SYM_OK);
        if (ep.is_bind != cases[i].is_bind) {
            fail_msg("%s: is_bind %d", cases[i].text, ep.is_bind);
        }
        assert_int_equal(
            strchr(ep.text, '@') == NULL && strchr(ep.text, '>') == NULL, true);
    }
}

static void
test_sock_types_bind_or_connect_by_default(void **state)
{
    (void) state;
    assert_true(sym_sock_binds_by_default(ZMQ_PUB));
    assert_true(sym_sock_binds_by_default(ZMQ_PULL));
    assert_true(sym_sock_binds_by_default(ZMQ_XPUB));
    assert_true(sym_sock_binds_by_default(ZMQ_ROUTER));
    assert_false(sym_sock_binds_by_default(ZMQ_SUB));
    assert_false(sym_sock_binds_by_default(ZMQ_PUSH));
    assert_string_equal(sym_sock_type_name(ZMQ_PUB), "pub");
    assert_string_equal(sym_sock_type_name(ZMQ_SUB), "sub");
    assert_string_equal(sym_sock_type_name(ZMQ_PUSH), "push");
    assert_string_equal(sym_sock_type_name(ZMQ_PULL), "pull");
    assert_string_equal(sym_sock_type_name(ZMQ_XPUB), "xpub");
    assert_string_equal(sym_sock_type_name(ZMQ_DEALER), "other");
}

static void
test_sock_accepts_valid_addresses(void **state)
{
    (void) state;
    static const struct {
        const char *text;
        bool bind;
    } cases[] = {
        {"tcp://127.0.0.1:1", false},
        {"tcp://127.0.0.1:65535", false},
        {"tcp://localhost:7101", false},
        {"tcp://0.0.0.0:7101", true},
        {"tcp://*:7101", true},
        {"tcp://127.0.0.1:*", true},
        {"tcp://*:*", true},
        {"tcp://[::1]:7101", false},
        {"tcp://eth0:7101", true},
        {"ipc:///run/symphony/in", true},
        {"ipc://relative.sock", false},
        {"inproc://transform-in", true},
        {"inproc://x", false},
    };
    char err[256];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sym_endpoint_t ep;
        int rc = sym_endpoint_parse(cases[i].text, cases[i].bind, &ep, err,
                                    sizeof err);
        if (rc != SYM_OK) {
            fail_msg("%s: %s", cases[i].text, err);
        }
    }
}

static void
test_sock_rejects_bad_endpoints_with_a_reason(void **state)
{
    (void) state;
    static const struct {
        const char *text;
        bool bind;
        const char *reason;
    } cases[] = {
        {"tcp://127.0.0.1:0", true, "not 1-65535"},
        {"tcp://127.0.0.1:65536", false, "not 1-65535"},
        {"tcp://127.0.0.1:-1", false, "not 1-65535"},
        {"tcp://127.0.0.1:99999999999999999999", false, "not 1-65535"},
        {"tcp://127.0.0.1:80x", false, "not 1-65535"},
        {"tcp://127.0.0.1:", false, "not 1-65535"},
        {"tcp://127.0.0.1", false, "needs host:port"},
        {"tcp://:7101", true, "needs host:port"},
        {"tcp://127.0.0.1:*", false, "not 1-65535"},
        {">tcp://*:*", true, "not 1-65535"},
        {"tcp://*:7101", false, "'*'"},
        {"udp://127.0.0.1:7101", false, "transport must be tcp, ipc or"},
        {"://x", false, "transport must be"},
        {"tcp:/127.0.0.1:7101", false, "needs transport://address"},
        {"127.0.0.1:7101", false, "needs transport://address"},
        {"", false, "needs transport://address"},
        {"@", true, "needs transport://address"},
        {"inproc://", true, "malformed"},
        {"ipc://", true, "malformed"},
        {"websocket://x", false, "malformed"},
        {"@>tcp://127.0.0.1:7101", false, "transport must be"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sym_endpoint_t ep;
        char err[256] = "";
        int rc = sym_endpoint_parse(cases[i].text, cases[i].bind, &ep, err,
                                    sizeof err);
        if (rc != SYM_EINVAL || strstr(err, cases[i].reason) == NULL) {
            fail_msg("%s: rc %d, err '%s'", cases[i].text, rc, err);
        }
    }
}

static void
test_sock_rejects_an_address_too_long(void **state)
{
    (void) state;
    char text[SYM_ENDPOINT_MAX + 32];
    snprintf(text, sizeof text, "ipc://");
    memset(text + 6, 'a', sizeof text - 7);
    text[sizeof text - 1] = '\0';
    sym_endpoint_t ep;
    char err[512];
    assert_int_equal(sym_endpoint_parse(text, true, &ep, err, sizeof err),
                     SYM_EINVAL);

    text[6 + SYM_ENDPOINT_MAX - 1] = '\0';
    assert_int_equal(sym_endpoint_parse(text, true, &ep, err, sizeof err),
                     SYM_OK);
    assert_int_equal(strlen(ep.address), SYM_ENDPOINT_MAX - 1);
}

static void
test_sock_check_list_counts_endpoints(void **state)
{
    (void) state;
    char err[256] = "";
    assert_int_equal(sym_endpoint_check_list("tcp://127.0.0.1:17500", false,
                                             err, sizeof err),
                     1);
    assert_int_equal(
        sym_endpoint_check_list("@tcp://*:17500,@ipc:///tmp/a,inproc://b",
                                false, err, sizeof err),
        3);
    assert_int_equal(sym_endpoint_check_list(">tcp://h:1,>tcp://h:2,", true,
                                             err, sizeof err),
                     2);
}

static void
test_sock_check_list_names_the_bad_endpoint(void **state)
{
    (void) state;
    char err[256] = "";
    assert_int_equal(sym_endpoint_check_list("tcp://h:1,tcp://h:0,tcp://h:2",
                                             false, err, sizeof err),
                     SYM_EINVAL);
    assert_non_null(strstr(err, "'0'"));
    assert_int_equal(
        sym_endpoint_check_list("tcp://h:1,bogus", false, err, sizeof err),
        SYM_EINVAL);
    assert_non_null(strstr(err, "bogus"));
    assert_int_equal(sym_endpoint_check_list("", false, err, sizeof err),
                     SYM_EINVAL);
    assert_string_equal(err, "no endpoint given");
    assert_int_equal(sym_endpoint_check_list(NULL, false, err, sizeof err),
                     SYM_EINVAL);
    assert_int_equal(sym_endpoint_check_list(",,", false, err, sizeof err),
                     SYM_EINVAL);
    assert_string_equal(err, "no endpoint in ',,'");
}

static void
test_sock_policy_defaults(void **state)
{
    (void) state;
    sym_sock_policy_t policy;
    sym_sock_policy_default(&policy);
    assert_int_equal(policy.sndhwm, SYM_DEFAULT_SNDHWM);
    assert_int_equal(policy.rcvhwm, SYM_DEFAULT_RCVHWM);
    assert_int_equal(policy.linger_ms, SYM_DEFAULT_LINGER_MS);
    assert_int_equal(policy.reconnect_ivl_ms, 100);
    assert_int_equal(policy.reconnect_ivl_max_ms, 250);
    assert_int_equal(policy.heartbeat_ivl_ms, 1000);
    assert_int_equal(policy.heartbeat_timeout_ms,
                     SYM_DEFAULT_HEARTBEAT_TIMEOUT_MS);
    assert_int_equal(policy.max_msg_bytes, 1024 * 1024 + 64 * 1024);
    assert_true(policy.immediate);
}

static void
test_sock_open_applies_the_policy(void **state)
{
    (void) state;
    sym_sock_policy_t policy;
    sym_sock_policy_default(&policy);
    policy.sndhwm = 17;
    policy.rcvhwm = 19;
    policy.sndbuf = 8192;
    policy.rcvbuf = 16384;
    policy.linger_ms = 23;
    policy.reconnect_ivl_ms = 29;
    policy.reconnect_ivl_max_ms = 310;
    policy.max_msg_bytes = 4096;
    int rc = SYM_EIO;
    char err[256] = "";
    zsock_t *sock =
        sym_sock_open(ZMQ_PULL, "@" S_EP_POLICY, &policy, &rc, err, sizeof err);
    assert_non_null(sock);
    assert_int_equal(rc, SYM_OK);
    assert_int_equal(zsock_type(sock), ZMQ_PULL);
    assert_int_equal(zsock_sndhwm(sock), 17);
    assert_int_equal(zsock_rcvhwm(sock), 19);
    assert_int_equal(zsock_sndbuf(sock), 8192);
    assert_int_equal(zsock_rcvbuf(sock), 16384);
    assert_int_equal(zsock_linger(sock), 23);
    assert_int_equal(zsock_reconnect_ivl(sock), 29);
    assert_int_equal(zsock_reconnect_ivl_max(sock), 310);
    assert_int_equal(zsock_maxmsgsize(sock), 4096);
    assert_int_equal(zsock_immediate(sock), 1);
    /* A receiver is watched by TCP keepalive, never by heartbeat timers. */
    assert_int_equal(zsock_heartbeat_ivl(sock), 0);
    assert_int_equal(zsock_tcp_keepalive(sock), 1);
    assert_int_equal(zsock_tcp_keepalive_idle(sock), 1);
    assert_int_equal(zsock_tcp_keepalive_cnt(sock), 10);
    char *endpoint = zsock_last_endpoint(sock);
    assert_string_equal(endpoint, S_EP_POLICY);
    zstr_free(&endpoint);
    zsock_destroy(&sock);
}

static void
test_sock_senders_ping_their_peers(void **state)
{
    (void) state;
    sym_sock_policy_t policy;
    sym_sock_policy_default(&policy);
    policy.linger_ms = 0;
    int types[] = {ZMQ_PUSH, ZMQ_PUB};
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        int rc = SYM_EIO;
        char err[256] = "";
        zsock_t *sock = sym_sock_open(types[i], ">" S_EP_POLICY, &policy, &rc,
                                      err, sizeof err);
        assert_non_null(sock);
        assert_int_equal(zsock_heartbeat_ivl(sock), 1000);
        assert_int_equal(zsock_heartbeat_timeout(sock),
                         policy.heartbeat_timeout_ms);
        assert_int_equal(zsock_tcp_keepalive(sock), -1);
        zsock_destroy(&sock);
    }
}

static void
test_sock_open_reports_a_failed_bind(void **state)
{
    (void) state;
    sym_sock_policy_t policy;
    sym_sock_policy_default(&policy);
    policy.linger_ms = 0;
    int rc = SYM_EIO;
    char err[256] = "";
    zsock_t *first =
        sym_sock_open(ZMQ_PULL, S_EP_PULL, &policy, &rc, err, sizeof err);
    assert_non_null(first);

    /* The port is taken: the system says so, naming the endpoint. */
    zsock_t *second =
        sym_sock_open(ZMQ_PULL, S_EP_PULL, &policy, &rc, err, sizeof err);
    assert_null(second);
    assert_int_equal(rc, SYM_EIO);
    assert_string_equal(err, "pull bind " S_EP_PULL
                             " failed: Address already in use");

    /* A failure on the second endpoint closes the first one too. */
    second = sym_sock_open(ZMQ_PULL, S_EP_SECOND "," S_EP_PULL, &policy, &rc,
                           err, sizeof err);
    assert_null(second);
    assert_int_equal(rc, SYM_EIO);
    /* libzmq lets go of a closed socket's port in the background. */
    zsock_t *third = NULL;
    int64_t deadline_ms = zclock_mono() + 2000;
    while (third == NULL && zclock_mono() < deadline_ms) {
        third =
            sym_sock_open(ZMQ_PULL, S_EP_SECOND, &policy, &rc, err, sizeof err);
    }
    assert_non_null(third);
    zsock_destroy(&third);
    zsock_destroy(&first);
}

static void
test_sock_open_reports_a_bad_ipc_path(void **state)
{
    (void) state;
    sym_sock_policy_t policy;
    sym_sock_policy_default(&policy);
    int rc = SYM_OK;
    char err[256] = "";
    zsock_t *sock = sym_sock_open(ZMQ_PULL, "ipc:///nonexistent-sym/dir/in",
                                  &policy, &rc, err, sizeof err);
    assert_null(sock);
    assert_int_equal(rc, SYM_EIO);
    assert_non_null(strstr(err, "bind ipc:///nonexistent-sym/dir/in"));
}

/* An empty label makes the name invalid without asking a DNS server, so
 * the check does not depend on the network the test runs on. */
static void
test_sock_open_refuses_a_host_that_does_not_resolve(void **state)
{
    (void) state;
    sym_sock_policy_t policy;
    sym_sock_policy_default(&policy);
    int rc = SYM_OK;
    char err[256] = "";
    zsock_t *sock = sym_sock_open(ZMQ_PUSH, ">tcp://no..such.host:7000",
                                  &policy, &rc, err, sizeof err);
    assert_null(sock);
    assert_int_equal(rc, SYM_ENOTFOUND);
    assert_non_null(strstr(err, "push connect tcp://no..such.host:7000"));
    assert_non_null(strstr(err, "'no..such.host' does not resolve"));

    sock = sym_sock_open(ZMQ_PUSH, ">tcp://localhost:7000", &policy, &rc, err,
                         sizeof err);
    assert_non_null(sock);
    zsock_destroy(&sock);
}

/* A bind host that is no local address gets a hint, not just ENODEV. */
static void
test_sock_open_explains_a_bind_host_that_is_not_local(void **state)
{
    (void) state;
    sym_sock_policy_t policy;
    sym_sock_policy_default(&policy);
    int rc = SYM_OK;
    char err[256] = "";
    zsock_t *sock = sym_sock_open(ZMQ_PULL, "@tcp://no..such.host:7000",
                                  &policy, &rc, err, sizeof err);
    assert_null(sock);
    assert_int_equal(rc, SYM_EIO);
    assert_non_null(strstr(err, "bind takes a local address"));
}

static void
test_sock_open_refuses_a_bad_endpoint_before_creating(void **state)
{
    (void) state;
    sym_sock_policy_t policy;
    sym_sock_policy_default(&policy);
    int rc = SYM_OK;
    char err[256] = "";
    zsock_t *sock = sym_sock_open(ZMQ_PUSH, "tcp://127.0.0.1:0", &policy, &rc,
                                  err, sizeof err);
    assert_null(sock);
    assert_int_equal(rc, SYM_EINVAL);
    assert_non_null(strstr(err, "1-65535"));

    sock = sym_sock_open(ZMQ_PUSH, "", &policy, &rc, err, sizeof err);
    assert_null(sock);
    assert_int_equal(rc, SYM_EINVAL);
}

static void
test_sock_open_connects_by_default_for_push(void **state)
{
    (void) state;
    sym_sock_policy_t policy;
    sym_sock_policy_default(&policy);
    policy.linger_ms = 0;
    policy.heartbeat_ivl_ms = 0;
    int rc = SYM_EIO;
    char err[256] = "";
    /* Nothing listens there, and a connect succeeds all the same; the
     * pull below can bind the port only if the push did not. */
    zsock_t *push = sym_sock_open(ZMQ_PUSH, "tcp://127.0.0.1:17512", &policy,
                                  &rc, err, sizeof err);
    assert_non_null(push);
    zsock_t *pull = sym_sock_open(ZMQ_PULL, "tcp://127.0.0.1:17512", &policy,
                                  &rc, err, sizeof err);
    assert_non_null(pull); /* the port was free: push did not bind it */
    zsock_destroy(&pull);
    zsock_destroy(&push);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sock_parses_a_bind_endpoint),
        cmocka_unit_test(test_sock_prefix_overrides_the_default_direction),
        cmocka_unit_test(test_sock_types_bind_or_connect_by_default),
        cmocka_unit_test(test_sock_accepts_valid_addresses),
        cmocka_unit_test(test_sock_rejects_bad_endpoints_with_a_reason),
        cmocka_unit_test(test_sock_rejects_an_address_too_long),
        cmocka_unit_test(test_sock_check_list_counts_endpoints),
        cmocka_unit_test(test_sock_check_list_names_the_bad_endpoint),
        cmocka_unit_test(test_sock_policy_defaults),
        cmocka_unit_test(test_sock_open_applies_the_policy),
        cmocka_unit_test(test_sock_senders_ping_their_peers),
        cmocka_unit_test(test_sock_open_reports_a_failed_bind),
        cmocka_unit_test(test_sock_open_reports_a_bad_ipc_path),
        cmocka_unit_test(test_sock_open_refuses_a_host_that_does_not_resolve),
        cmocka_unit_test(test_sock_open_explains_a_bind_host_that_is_not_local),
        cmocka_unit_test(test_sock_open_refuses_a_bad_endpoint_before_creating),
        cmocka_unit_test(test_sock_open_connects_by_default_for_push),
    };
    return cmocka_run_group_tests_name("sock", tests, NULL, NULL);
}
