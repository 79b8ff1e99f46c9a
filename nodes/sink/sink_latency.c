/* sink_latency.c: end-to-end latency of records, as a fixed histogram.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "sink_latency.h"

#include <assert.h>

/* Values below SINK_LATENCY_SUB have a bucket each; above, a power of two
 * is split into SINK_LATENCY_SUB equal parts. */
static unsigned
s_bucket(uint64_t v)
{
    if (v < SINK_LATENCY_SUB) {
        return (unsigned) v;
    }
    unsigned top = 63u - (unsigned) __builtin_clzll(v); /* >= 5 */
    unsigned sub = (unsigned) (v >> (top - 5)) & (SINK_LATENCY_SUB - 1);
    return (top - 4) * SINK_LATENCY_SUB + sub;
}

/* The upper end of bucket i, so a percentile never understates. */
static uint64_t
s_bucket_high(unsigned i)
{
    if (i < SINK_LATENCY_SUB) {
        return i;
    }
    unsigned top = i / SINK_LATENCY_SUB + 4;
    uint64_t sub = i % SINK_LATENCY_SUB;
    uint64_t low = (1ull << top) | (sub << (top - 5));
    return low + (1ull << (top - 5)) - 1;
}

void
sink_latency_add(sink_latency_t *self, int64_t ns)
{
    assert(self);
    uint64_t v = 0;
    if (ns < 0) {
        self->negative++;
    } else {
        v = (uint64_t) ns;
    }
    self->count++;
    self->max_ns = v > self->max_ns ? v : self->max_ns;
    self->buckets[s_bucket(v)]++;
}

uint64_t
sink_latency_quantile(const sink_latency_t *self, double q)
{
    assert(self);
    if (self->count == 0) {
        return 0;
    }
    uint64_t rank = (uint64_t) (q * (double) self->count);
    rank = rank >= self->count ? self->count - 1 : rank;
    uint64_t seen = 0;
    for (unsigned i = 0; i < SINK_LATENCY_BUCKETS; i++) {
        seen += self->buckets[i];
        if (seen > rank) {
            uint64_t high = s_bucket_high(i);
            return high < self->max_ns ? high : self->max_ns;
        }
    }
    return self->max_ns;
}
