/* bench_raw.c: the raw libzmq baseline of make bench: one msgpack record
 * per message, over PUSH/PULL, with nothing else in the way.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <msgpack.h>
#include <zmq.h>

/* Usage:
 *   bench_raw send  ENDPOINT COUNT RATE   connect a PUSH, send COUNT records
 *                                         (RATE records/s, 0 = max)
 *   bench_raw relay IN OUT                bind a PULL on IN, connect a PUSH
 *                                         to OUT; decode and re-encode each
 *                                         record until the end record
 *   bench_raw recv  ENDPOINT COUNT        bind a PULL, decode COUNT records,
 *                                         print the rate and latencies
 *   bench_raw drain ENDPOINT              bind a PULL and discard every
 *                                         message unread until stopped, so
 *                                         a source is measured alone
 * Records carry the envelope of Symphony's wire format and four float
 * fields (about 120 bytes), the event time being the send schedule. A
 * record with q = 0 ends the run. */

#define S_HWM 1000

static int64_t
s_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void
s_key(msgpack_packer *pk, const char *key)
{
    msgpack_pack_str(pk, strlen(key));
    msgpack_pack_str_body(pk, key, strlen(key));
}

static void
s_encode(msgpack_sbuffer *buf, uint64_t seq, int64_t event_ns,
         const double values[4])
{
    static const char *const names[4] = {"altitude_km", "lat_deg", "lon_deg",
                                         "velocity_kms"};
    msgpack_packer pk;
    msgpack_packer_init(&pk, buf, msgpack_sbuffer_write);
    msgpack_pack_map(&pk, 8);
    s_key(&pk, "v");
    msgpack_pack_uint8(&pk, 1);
    s_key(&pk, "k");
    msgpack_pack_uint8(&pk, 0);
    s_key(&pk, "s");
    s_key(&pk, "sim.exp1.ch1");
    s_key(&pk, "e");
    msgpack_pack_uint64(&pk, 1700000000000000000ull);
    s_key(&pk, "q");
    msgpack_pack_uint64(&pk, seq);
    s_key(&pk, "te");
    msgpack_pack_int64(&pk, event_ns);
    s_key(&pk, "ti");
    msgpack_pack_int64(&pk, event_ns);
    s_key(&pk, "f");
    msgpack_pack_map(&pk, 4);
    for (int i = 0; i < 4; i++) {
        s_key(&pk, names[i]);
        msgpack_pack_double(&pk, values[i]);
    }
}

/* The fields of a decoded record that the runs need. */
typedef struct {
    uint64_t seq;
    int64_t event_ns;
    double values[4];
} s_rec_t;

static int
s_decode(msgpack_zone *zone, const char *data, size_t len, s_rec_t *rec)
{
    msgpack_object root;
    size_t off = 0;
    msgpack_zone_clear(zone);
    if (msgpack_unpack(data, len, &off, zone, &root) !=
            MSGPACK_UNPACK_SUCCESS ||
        root.type != MSGPACK_OBJECT_MAP) {
        return -1;
    }
    for (uint32_t i = 0; i < root.via.map.size; i++) {
        const msgpack_object_kv *kv = &root.via.map.ptr[i];
        const msgpack_object_str *key = &kv->key.via.str;
        if (key->size == 1 && key->ptr[0] == 'q') {
            rec->seq = kv->val.via.u64;
        } else if (key->size == 2 && memcmp(key->ptr, "te", 2) == 0) {
            rec->event_ns = kv->val.via.i64;
        } else if (key->size == 1 && key->ptr[0] == 'f') {
            const msgpack_object_map *f = &kv->val.via.map;
            for (uint32_t j = 0; j < f->size && j < 4; j++) {
                rec->values[j] = f->ptr[j].val.via.f64;
            }
        }
    }
    return 0;
}

static void *
s_socket(void *ctx, int type, const char *endpoint, int bind)
{
    void *sock = zmq_socket(ctx, type);
    int hwm = S_HWM;
    int linger = 5000;
    zmq_setsockopt(sock, type == ZMQ_PUSH ? ZMQ_SNDHWM : ZMQ_RCVHWM, &hwm,
                   sizeof hwm);
    zmq_setsockopt(sock, ZMQ_LINGER, &linger, sizeof linger);
    int rc = bind ? zmq_bind(sock, endpoint) : zmq_connect(sock, endpoint);
    if (rc != 0) {
        fprintf(stderr, "bench_raw: %s %s: %s\n", bind ? "bind" : "connect",
                endpoint, zmq_strerror(zmq_errno()));
        exit(1);
    }
    return sock;
}

static void
s_sleep_until(int64_t deadline_ns)
{
    int64_t now = s_now_ns();
    if (deadline_ns > now + 20000) {
        struct timespec ts = {0, deadline_ns - now};
        nanosleep(&ts, NULL);
    }
}

static int
s_send(void *ctx, const char *endpoint, uint64_t count, double rate)
{
    void *push = s_socket(ctx, ZMQ_PUSH, endpoint, 0);
    msgpack_sbuffer buf;
    msgpack_sbuffer_init(&buf);
    int64_t start_ns = s_now_ns();
    double values[4] = {420.5, 12.25, -33.125, 7.66};
    for (uint64_t seq = 1; seq <= count + 1; seq++) {
        int64_t event_ns = start_ns;
        if (rate > 0) {
            event_ns += (int64_t) ((double) (seq - 1) * 1e9 / rate);
            s_sleep_until(event_ns);
        }
        values[0] += 0.001;
        msgpack_sbuffer_clear(&buf);
        s_encode(&buf, seq <= count ? seq : 0, event_ns, values);
        zmq_send(push, buf.data, buf.size, 0);
    }
    msgpack_sbuffer_destroy(&buf);
    zmq_close(push);
    return 0;
}

static int
s_relay(void *ctx, const char *in, const char *out)
{
    void *pull = s_socket(ctx, ZMQ_PULL, in, 1);
    void *push = s_socket(ctx, ZMQ_PUSH, out, 0);
    msgpack_zone zone;
    msgpack_zone_init(&zone, 4096);
    msgpack_sbuffer buf;
    msgpack_sbuffer_init(&buf);
    zmq_msg_t msg;
    zmq_msg_init(&msg);
    s_rec_t rec = {0};
    do {
        if (zmq_msg_recv(&msg, pull, 0) < 0 ||
            s_decode(&zone, zmq_msg_data(&msg), zmq_msg_size(&msg), &rec)) {
            return 1;
        }
        msgpack_sbuffer_clear(&buf);
        s_encode(&buf, rec.seq, rec.event_ns, rec.values);
        zmq_send(push, buf.data, buf.size, 0);
    } while (rec.seq != 0);
    zmq_msg_close(&msg);
    msgpack_zone_destroy(&zone);
    msgpack_sbuffer_destroy(&buf);
    zmq_close(pull);
    zmq_close(push);
    return 0;
}

static int
s_cmp(const void *a, const void *b)
{
    int64_t x = *(const int64_t *) a;
    int64_t y = *(const int64_t *) b;
    return (x > y) - (x < y);
}

static int
s_recv(void *ctx, const char *endpoint, uint64_t count)
{
    void *pull = s_socket(ctx, ZMQ_PULL, endpoint, 1);
    int64_t *lat = malloc(count * sizeof *lat);
    msgpack_zone zone;
    msgpack_zone_init(&zone, 4096);
    zmq_msg_t msg;
    zmq_msg_init(&msg);
    s_rec_t rec = {0};
    uint64_t got = 0;
    uint64_t gaps = 0;
    int64_t first_ns = 0;
    while (true) {
        if (zmq_msg_recv(&msg, pull, 0) < 0 ||
            s_decode(&zone, zmq_msg_data(&msg), zmq_msg_size(&msg), &rec)) {
            return 1;
        }
        int64_t now = s_now_ns();
        if (rec.seq == 0) {
            break;
        }
        first_ns = got == 0 ? now : first_ns;
        gaps += rec.seq != got + 1;
        lat[got++] = now - rec.event_ns;
        if (got == count) {
            break;
        }
    }
    double secs = (double) (s_now_ns() - first_ns) / 1e9;
    qsort(lat, got, sizeof *lat, s_cmp);
    printf("raw recv count=%" PRIu64 " gaps=%" PRIu64 " secs=%.3f rate=%.0f"
           " p50_us=%.1f p99_us=%.1f p999_us=%.1f\n",
           got, gaps, secs, (double) got / secs, lat[got / 2] / 1e3,
           lat[got * 99 / 100] / 1e3, lat[got * 999 / 1000] / 1e3);
    free(lat);
    zmq_msg_close(&msg);
    msgpack_zone_destroy(&zone);
    zmq_close(pull);
    return got == count ? 0 : 1;
}

static int
s_drain(void *ctx, const char *endpoint)
{
    void *pull = s_socket(ctx, ZMQ_PULL, endpoint, 1);
    zmq_msg_t msg;
    zmq_msg_init(&msg);
    while (zmq_msg_recv(&msg, pull, 0) >= 0) {
    }
    zmq_msg_close(&msg);
    zmq_close(pull);
    return 0;
}

int
main(int argc, char **argv)
{
    void *ctx = zmq_ctx_new();
    int rc = 2;
    if (argc == 5 && strcmp(argv[1], "send") == 0) {
        rc = s_send(ctx, argv[2], strtoull(argv[3], NULL, 10),
                    strtod(argv[4], NULL));
    } else if (argc == 4 && strcmp(argv[1], "relay") == 0) {
        rc = s_relay(ctx, argv[2], argv[3]);
    } else if (argc == 4 && strcmp(argv[1], "recv") == 0) {
        rc = s_recv(ctx, argv[2], strtoull(argv[3], NULL, 10));
    } else if (argc == 3 && strcmp(argv[1], "drain") == 0) {
        rc = s_drain(ctx, argv[2]);
    } else {
        fprintf(stderr, "usage: bench_raw send EP COUNT RATE | relay IN OUT"
                        " | recv EP COUNT | drain EP\n");
    }
    zmq_ctx_term(ctx);
    return rc;
}
