/* sym_test_zmq.c: a raw ZeroMQ peer for bad-input tests: sends arbitrary
 * multipart messages through a PUSH, or counts what a SUB receives.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT
 *
 * sym-test-zmq push ENDPOINT [-n COUNT] [-t SECONDS] FRAME... [. FRAME...]
 *   Sends each message (frames up to a lone ".") in order, the whole list
 *   COUNT times (default 1) or, with -t, over and over for SECONDS as fast
 *   as the socket takes them. Prints the number of messages sent.
 * sym-test-zmq sub ENDPOINT MS
 *   Subscribes to everything for MS milliseconds and prints the number of
 *   messages received.
 * ENDPOINT is libzmq's, so "tcp://127.0.0.2:0;127.0.0.1:PORT" picks the
 * source address. A FRAME is one of:
 *   t=TEXT   the bytes of TEXT          h=HEX    bytes given in hex
 *   z=N      N zero bytes               e        an empty frame
 *   r=REC[+REC...]  wire records back to back; REC is STREAM:SEQ:TE[:KIND]
 *   with TE the event time in ns (uN: N as an unsigned 64-bit number,
 *   beyond what the envelope takes) and KIND one of int (default: n=SEQ),
 *   nan, inf, -inf, utf8 (a string that is not UTF-8), nul (a string with
 *   a NUL byte), nulstream (a stream name with a NUL byte). */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <msgpack.h>
#include <zmq.h>

#define S_MAX_FRAMES 4096

typedef struct {
    char *data;
    size_t len;
    bool is_last; /* ends its message */
} s_frame_t;

static void
s_usage(void)
{
    fprintf(stderr, "usage: sym-test-zmq push ENDPOINT [-n COUNT] "
                    "[-t SECONDS] FRAME... [. FRAME...]\n"
                    "       sym-test-zmq sub ENDPOINT MS\n");
    exit(2);
}

static void
s_pack_str(msgpack_packer *pk, const char *text, size_t len)
{
    msgpack_pack_str(pk, len);
    msgpack_pack_str_body(pk, text, len);
}

/* The field map of one record, by kind. */
static void
s_pack_fields(msgpack_packer *pk, const char *kind, uint64_t seq)
{
    msgpack_pack_map(pk, 1);
    if (strcmp(kind, "int") == 0 || strcmp(kind, "nulstream") == 0) {
        s_pack_str(pk, "n", 1);
        msgpack_pack_uint64(pk, seq);
        return;
    }
    s_pack_str(pk, "x", 1);
    if (strcmp(kind, "nan") == 0) {
        msgpack_pack_double(pk, NAN);
    } else if (strcmp(kind, "inf") == 0) {
        msgpack_pack_double(pk, INFINITY);
    } else if (strcmp(kind, "-inf") == 0) {
        msgpack_pack_double(pk, -INFINITY);
    } else if (strcmp(kind, "utf8") == 0) {
        s_pack_str(pk, "ok\xff\xfe", 4);
    } else if (strcmp(kind, "nul") == 0) {
        s_pack_str(pk, "a\0b", 3);
    } else {
        fprintf(stderr, "sym-test-zmq: unknown record kind %s\n", kind);
        exit(2);
    }
}

/* One record STREAM:SEQ:TE[:KIND] appended to buf. */
static void
s_pack_record(msgpack_sbuffer *buf, char *spec)
{
    char *stream = strtok(spec, ":");
    char *seq_text = strtok(NULL, ":");
    char *te_text = strtok(NULL, ":");
    char *kind = strtok(NULL, ":");
    if (stream == NULL || seq_text == NULL || te_text == NULL) {
        s_usage();
    }
    kind = kind ? kind : "int";
    uint64_t seq = strtoull(seq_text, NULL, 10);
    msgpack_packer pk;
    msgpack_packer_init(&pk, buf, msgpack_sbuffer_write);
    msgpack_pack_map(&pk, 8);
    s_pack_str(&pk, "v", 1);
    msgpack_pack_uint8(&pk, 1);
    s_pack_str(&pk, "k", 1);
    msgpack_pack_uint8(&pk, 0);
    s_pack_str(&pk, "s", 1);
    if (strcmp(kind, "nulstream") == 0) {
        char name[300];
        int len = snprintf(name, sizeof name, "%s%c", stream, '\0');
        s_pack_str(&pk, name, (size_t) len + 1);
    } else {
        s_pack_str(&pk, stream, strlen(stream));
    }
    s_pack_str(&pk, "e", 1);
    msgpack_pack_uint64(&pk, 1);
    s_pack_str(&pk, "q", 1);
    msgpack_pack_uint64(&pk, seq);
    s_pack_str(&pk, "te", 2);
    if (te_text[0] == 'u') {
        msgpack_pack_uint64(&pk, strtoull(te_text + 1, NULL, 10));
    } else {
        msgpack_pack_int64(&pk, strtoll(te_text, NULL, 10));
    }
    s_pack_str(&pk, "ti", 2);
    msgpack_pack_int64(&pk, 0);
    s_pack_str(&pk, "f", 1);
    s_pack_fields(&pk, kind, seq);
}

static s_frame_t
s_records(char *list)
{
    msgpack_sbuffer buf;
    msgpack_sbuffer_init(&buf);
    char *save = NULL;
    for (char *spec = strtok_r(list, "+", &save); spec;
         spec = strtok_r(NULL, "+", &save)) {
        char copy[512];
        snprintf(copy, sizeof copy, "%s", spec);
        s_pack_record(&buf, copy);
    }
    return (s_frame_t){.data = buf.data, .len = buf.size};
}

static s_frame_t
s_hex(const char *hex)
{
    size_t len = strlen(hex) / 2;
    char *data = malloc(len + 1);
    for (size_t i = 0; i < len; i++) {
        unsigned byte = 0;
        sscanf(hex + 2 * i, "%2x", &byte);
        data[i] = (char) byte;
    }
    return (s_frame_t){.data = data, .len = len};
}

static s_frame_t
s_frame(char *arg)
{
    if (strcmp(arg, "e") == 0) {
        return (s_frame_t){.data = NULL, .len = 0};
    }
    if (strncmp(arg, "t=", 2) == 0) {
        return (s_frame_t){.data = strdup(arg + 2), .len = strlen(arg + 2)};
    }
    if (strncmp(arg, "h=", 2) == 0) {
        return s_hex(arg + 2);
    }
    if (strncmp(arg, "z=", 2) == 0) {
        size_t len = strtoull(arg + 2, NULL, 10);
        return (s_frame_t){.data = calloc(1, len + 1), .len = len};
    }
    if (strncmp(arg, "r=", 2) == 0) {
        return s_records(arg + 2);
    }
    s_usage();
    return (s_frame_t){0};
}

static double
s_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

/* Send the frames once; returns the messages sent, or -1 on a timeout. */
static long
s_send_all(void *sock, const s_frame_t *frames, size_t count)
{
    long sent = 0;
    for (size_t i = 0; i < count; i++) {
        int flags = frames[i].is_last ? 0 : ZMQ_SNDMORE;
        if (zmq_send(sock, frames[i].data, frames[i].len, flags) < 0) {
            return -1;
        }
        sent += frames[i].is_last;
    }
    return sent;
}

static int
s_push(const char *endpoint, int argc, char **argv)
{
    long repeat = 1;
    double seconds = 0;
    int i = 0;
    for (; i + 1 < argc && argv[i][0] == '-' && argv[i][1] != '\0'; i += 2) {
        if (strcmp(argv[i], "-n") == 0) {
            repeat = atol(argv[i + 1]);
        } else if (strcmp(argv[i], "-t") == 0) {
            seconds = atof(argv[i + 1]);
        } else {
            s_usage();
        }
    }
    static s_frame_t frames[S_MAX_FRAMES];
    size_t count = 0;
    for (; i < argc && count < S_MAX_FRAMES; i++) {
        if (strcmp(argv[i], ".") == 0) {
            continue;
        }
        frames[count] = s_frame(argv[i]);
        frames[count].is_last = i + 1 == argc || strcmp(argv[i + 1], ".") == 0;
        count++;
    }
    if (count == 0) {
        s_usage();
    }
    void *ctx = zmq_ctx_new();
    void *sock = zmq_socket(ctx, ZMQ_PUSH);
    int timeout_ms = 10000;
    int linger_ms = -1; /* every counted message is delivered */
    zmq_setsockopt(sock, ZMQ_SNDTIMEO, &timeout_ms, sizeof timeout_ms);
    zmq_setsockopt(sock, ZMQ_LINGER, &linger_ms, sizeof linger_ms);
    if (zmq_connect(sock, endpoint) != 0) {
        fprintf(stderr, "sym-test-zmq: connect %s: %s\n", endpoint,
                zmq_strerror(zmq_errno()));
        return 1;
    }
    long sent = 0;
    double until = s_now() + seconds;
    bool is_stuck = false;
    for (long round = 0; seconds > 0 ? s_now() < until : round < repeat;
         round++) {
        long n = s_send_all(sock, frames, count);
        if (n < 0) {
            is_stuck = true;
            break;
        }
        sent += n;
    }
    printf("%ld\n", sent);
    if (is_stuck) {
        fprintf(stderr, "sym-test-zmq: %s took no message for %d ms\n",
                endpoint, timeout_ms);
    }
    zmq_close(sock);
    zmq_ctx_term(ctx);
    return is_stuck ? 1 : 0;
}

static int
s_sub(const char *endpoint, const char *ms_text)
{
    void *ctx = zmq_ctx_new();
    void *sock = zmq_socket(ctx, ZMQ_SUB);
    int timeout_ms = 100;
    zmq_setsockopt(sock, ZMQ_RCVTIMEO, &timeout_ms, sizeof timeout_ms);
    zmq_setsockopt(sock, ZMQ_SUBSCRIBE, "", 0);
    if (zmq_connect(sock, endpoint) != 0) {
        return 1;
    }
    long received = 0;
    double until = s_now() + atof(ms_text) / 1000.0;
    while (s_now() < until) {
        zmq_msg_t msg;
        zmq_msg_init(&msg);
        if (zmq_msg_recv(&msg, sock, 0) >= 0 && !zmq_msg_more(&msg)) {
            received++;
        }
        zmq_msg_close(&msg);
    }
    printf("%ld\n", received);
    int linger_ms = 0;
    zmq_setsockopt(sock, ZMQ_LINGER, &linger_ms, sizeof linger_ms);
    zmq_close(sock);
    zmq_ctx_term(ctx);
    return 0;
}

int
main(int argc, char **argv)
{
    if (argc < 4) {
        s_usage();
    }
    if (strcmp(argv[1], "push") == 0) {
        return s_push(argv[2], argc - 3, argv + 3);
    }
    if (strcmp(argv[1], "sub") == 0) {
        return s_sub(argv[2], argv[3]);
    }
    s_usage();
    return 2;
}
