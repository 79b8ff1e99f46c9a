/* sym_test_send.c: a test sender for the UDP and TCP sources: numbered
 * records as JSON lines, CSV rows or length-prefixed raw frames.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define S_BURST 500 /* datagrams between two pacing waits */

static void
s_usage(void)
{
    fprintf(stderr, "usage: sym-test-send udp PORT COUNT RATE\n"
                    "       sym-test-send tcp PORT COUNT CONNECTIONS "
                    "jsonl|csv|length32\n");
    exit(2);
}

/* Record i in format into buf; returns its length. */
static size_t
s_record(const char *format, long i, char *buf, size_t size)
{
    if (strcmp(format, "csv") == 0) {
        return (size_t) snprintf(buf, size, "%ld,node-%ld,%ld.5\n", i, i % 7,
                                 i);
    }
    if (strcmp(format, "length32") == 0) {
        int len = snprintf(buf + 4, size - 4, "raw-%ld", i);
        uint32_t prefix = htonl((uint32_t) len);
        memcpy(buf, &prefix, 4);
        return (size_t) len + 4;
    }
    return (size_t) snprintf(buf, size, "{\"n\":%ld,\"node\":\"node-%ld\"}\n",
                             i, i % 7);
}

static struct sockaddr_in
s_loopback(int port)
{
    struct sockaddr_in addr = {.sin_family = AF_INET,
                               .sin_port = htons((uint16_t) port)};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return addr;
}

/* COUNT JSON datagrams at RATE per second, paced in bursts against
 * absolute deadlines. */
static int
s_udp(int port, long count, long rate)
{
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in addr = s_loopback(port);
    struct timespec next;
    clock_gettime(CLOCK_MONOTONIC, &next);
    long step_ns = 1000000000L / rate * S_BURST;
    for (long i = 1; i <= count; i++) {
        char buf[128];
        size_t len = s_record("jsonl", i, buf, sizeof buf) - 1;
        if (sendto(fd, buf, len, 0, (struct sockaddr *) &addr, sizeof addr) <
            0) {
            perror("sendto");
            return 1;
        }
        if (i % S_BURST == 0) {
            next.tv_nsec += step_ns;
            next.tv_sec += next.tv_nsec / 1000000000L;
            next.tv_nsec %= 1000000000L;
            clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
        }
    }
    close(fd);
    return 0;
}

static int
s_send_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t sent = send(fd, buf, len, MSG_NOSIGNAL);
        if (sent < 0 && errno != EINTR) {
            return -1;
        }
        buf += sent > 0 ? sent : 0;
        len -= sent > 0 ? (size_t) sent : 0;
    }
    return 0;
}

/* Listen, and on each of CONNECTIONS accepted connections send an
 * equal share of COUNT records, then close it. */
static int
s_tcp(int port, long count, long connections, const char *format)
{
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    int on = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    struct sockaddr_in addr = s_loopback(port);
    if (bind(listener, (struct sockaddr *) &addr, sizeof addr) < 0 ||
        listen(listener, 4) < 0) {
        perror("bind");
        return 1;
    }
    long sent = 0;
    for (long c = 0; c < connections; c++) {
        int fd = accept(listener, NULL, NULL);
        if (fd < 0) {
            perror("accept");
            return 1;
        }
        if (strcmp(format, "csv") == 0) {
            s_send_all(fd, "n,node,value\n", 13);
        }
        long share = c + 1 == connections ? count - sent : count / connections;
        static char buf[1 << 16];
        size_t used = 0;
        for (long i = 0; i < share; i++) {
            used += s_record(format, ++sent, buf + used, sizeof buf - used);
            if (used > sizeof buf - 128 || i + 1 == share) {
                if (s_send_all(fd, buf, used) < 0) {
                    perror("send");
                    return 1;
                }
                used = 0;
            }
        }
        close(fd);
    }
    close(listener);
    return 0;
}

int
main(int argc, char **argv)
{
    if (argc == 5 && strcmp(argv[1], "udp") == 0) {
        return s_udp(atoi(argv[2]), atol(argv[3]), atol(argv[4]));
    }
    if (argc == 6 && strcmp(argv[1], "tcp") == 0) {
        return s_tcp(atoi(argv[2]), atol(argv[3]), atol(argv[4]), argv[5]);
    }
    s_usage();
    return 2;
}
