/* test_sink_forward.c: forward:ENDPOINT to plain ZeroMQ PULL and SUB peers.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <czmq.h>
#include <jansson.h>

#include "sink_output.h"
#include "sym_err.h"
#include "sym_time.h"

#define S_PORT_PUSH 17931
#define S_PORT_TEXT 17932
#define S_PORT_PUB 17933

static sink_output_t *
s_open(int port, const char *socket, const char *format, const char *tmpl)
{
    char uri[128];
    snprintf(uri, sizeof uri, "forward:@tcp://127.0.0.1:%d", port);
    sink_output_opts_t opts = {.forward_socket = socket,
                               .forward_format = format,
                               .forward_template = tmpl};
    int rc = SYM_OK;
    char err[256] = "";
    sink_output_t *out =
        sink_output_open_with(uri, &opts, &rc, err, sizeof err);
    assert_non_null(out);
    return out;
}

static void
s_record(sym_rec_t *rec, uint64_t seq, const char *message)
{
    sym_rec_reset(rec);
    assert_int_equal(sym_rec_set_stream(rec, "host.app", 8), SYM_OK);
    rec->seq = seq;
    rec->epoch = 5;
    assert_int_equal(sym_rec_set_str(rec, "message", message, strlen(message)),
                     SYM_OK);
    assert_int_equal(sym_rec_set_int(rec, "code", 42), SYM_OK);
}

/* One frame as text, or NULL after the deadline. */
static char *
s_recv(zsock_t *sock)
{
    zsock_set_rcvtimeo(sock, 5000);
    zmsg_t *msg = zmsg_recv(sock);
    if (msg == NULL) {
        return NULL;
    }
    assert_int_equal(zmsg_size(msg), 1);
    char *text = zmsg_popstr(msg);
    zmsg_destroy(&msg);
    return text;
}

static void
test_sink_forward_sends_json_frames_to_a_pull_peer(void **state)
{
    (void) state;
    sink_output_t *out = s_open(S_PORT_PUSH, "push", "json", NULL);
    zsock_t *pull = zsock_new_pull(">tcp://127.0.0.1:17931");
    assert_non_null(pull);
    sym_rec_t *rec = sym_rec_new();

    s_record(rec, 1, "first");
    assert_int_equal(sink_output_write(out, "logs", rec), SYM_OK);
    s_record(rec, 2, "second");
    assert_int_equal(sink_output_write(out, "logs", rec), SYM_OK);
    assert_int_equal(sink_output_commit(out), SYM_OK);

    for (int i = 1; i <= 2; i++) {
        char *text = s_recv(pull);
        assert_non_null(text);
        json_t *json = json_loads(text, 0, NULL);
        assert_non_null(json);
        assert_string_equal(json_string_value(json_object_get(json, "stream")),
                            "host.app");
        assert_int_equal(json_integer_value(json_object_get(json, "seq")), i);
        json_t *fields = json_object_get(json, "fields");
        assert_string_equal(
            json_string_value(json_object_get(fields, "message")),
            i == 1 ? "first" : "second");
        json_decref(json);
        free(text);
    }
    sym_rec_destroy(&rec);
    zsock_destroy(&pull);
    sink_output_destroy(&out);
}

static void
test_sink_forward_sends_text_from_a_template(void **state)
{
    (void) state;
    sink_output_t *out = s_open(S_PORT_TEXT, "push", "text",
                                "{stream} code={code:05} {message}");
    zsock_t *pull = zsock_new_pull(">tcp://127.0.0.1:17932");
    sym_rec_t *rec = sym_rec_new();

    s_record(rec, 1, "disk full");
    assert_int_equal(sink_output_write(out, "logs", rec), SYM_OK);
    assert_int_equal(sink_output_commit(out), SYM_OK);

    char *text = s_recv(pull);
    assert_non_null(text);
    assert_string_equal(text, "host.app code=00042 disk full");
    free(text);
    sym_rec_destroy(&rec);
    zsock_destroy(&pull);
    sink_output_destroy(&out);
}

static void
test_sink_forward_publishes_to_a_sub_peer(void **state)
{
    (void) state;
    sink_output_t *out = s_open(S_PORT_PUB, NULL, "text", NULL);
    zsock_t *sub = zsock_new_sub(">tcp://127.0.0.1:17933", "");
    sym_rec_t *rec = sym_rec_new();
    s_record(rec, 1, "hello");

    /* A SUB joins late: publish until one message arrives. */
    char *text = NULL;
    int64_t deadline = sym_time_mono_ms() + 5000;
    while (text == NULL && sym_time_mono_ms() < deadline) {
        assert_int_equal(sink_output_write(out, "logs", rec), SYM_OK);
        assert_int_equal(sink_output_commit(out), SYM_OK);
        zsock_set_rcvtimeo(sub, 100);
        text = zstr_recv(sub);
    }
    assert_non_null(text);
    assert_string_equal(text, "hello");
    free(text);
    sym_rec_destroy(&rec);
    zsock_destroy(&sub);
    sink_output_destroy(&out);
}

static void
test_sink_forward_rejects_unknown_settings(void **state)
{
    (void) state;
    sink_output_opts_t opts = {.forward_socket = "dealer"};
    int rc = SYM_OK;
    char err[256] = "";
    assert_null(sink_output_open_with("forward:@tcp://127.0.0.1:17934", &opts,
                                      &rc, err, sizeof err));
    assert_int_equal(rc, SYM_EINVAL);
    assert_non_null(strstr(err, "pub or push"));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sink_forward_sends_json_frames_to_a_pull_peer),
        cmocka_unit_test(test_sink_forward_sends_text_from_a_template),
        cmocka_unit_test(test_sink_forward_publishes_to_a_sub_peer),
        cmocka_unit_test(test_sink_forward_rejects_unknown_settings),
    };
    return cmocka_run_group_tests_name("sink_forward", tests, NULL, NULL);
}
