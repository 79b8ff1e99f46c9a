/* sink_latency.h: end-to-end latency of records, as a fixed histogram.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#ifndef SINK_LATENCY_H
#define SINK_LATENCY_H

#include <stdint.h>

/* Log-linear buckets: 32 per power of two, so a percentile is within
 * about 3 % of the true value; no allocation per record. */
#define SINK_LATENCY_SUB 32
#define SINK_LATENCY_BUCKETS (64 * SINK_LATENCY_SUB)

typedef struct {
    uint64_t count;    /* samples */
    uint64_t negative; /* samples below zero (clocks apart), counted as 0 */
    uint64_t max_ns;   /* largest sample */
    uint64_t buckets[SINK_LATENCY_BUCKETS];
} sink_latency_t;

/* Add one sample of ns nanoseconds. */
void sink_latency_add(sink_latency_t *self, int64_t ns);

/* The value below which fraction q (0..1) of the samples lie, in ns, or
 * 0 without samples. */
uint64_t sink_latency_quantile(const sink_latency_t *self, double q);

#endif
