/* top_state.h: what symphony-top knows of each node, from its stats
 * records: counters, rates, health and restarts.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#ifndef TOP_STATE_H
#define TOP_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sym_rec.h"
#include "sym_stats.h"

/* A node is DOWN once this many of its own intervals passed without a
 * report from it. */
#define TOP_DOWN_INTERVALS 3

/* Nodes shown at most, and outputs per node. */
#define TOP_MAX_NODES 512
#define TOP_MAX_OUTS 4

typedef enum {
    TOP_DOWN = 0, /* silent for TOP_DOWN_INTERVALS, or never heard */
    TOP_UP,       /* reporting */
    TOP_STOPPED,  /* its last report said it stopped in order */
} top_health_t;

/* One output of a node: an edge towards its consumers. */
typedef struct {
    char label[16];       /* "push", "pub" */
    int64_t sent;         /* records handed to the socket */
    int64_t drop_full;    /* dropped: every peer at its HWM */
    int64_t drop_no_peer; /* dropped: no peer connected */
    int64_t pending;      /* records waiting in the output */
    int64_t hwm;          /* its send high-water mark */
    int64_t peers;        /* connected peers, -1 for a PUB */
    double rate;          /* records/s sent between the last two reports */
    bool has_rate;        /* rate is known: two reports of one epoch */
} top_out_t;

typedef struct {
    char stream[160];    /* "<kind>.<name>": the node's identity */
    char kind[32];       /* ingest, transform, sink, tap */
    char name[128];      /* its --name */
    top_health_t health; /* UP, DOWN or STOPPED */
    bool is_seen;        /* a report came from it */
    bool is_changed;     /* health or epoch changed; cleared by the view */
    uint64_t epoch;      /* run id of the current run, 0 before a report */
    uint64_t restarts;   /* new epochs seen after the first */
    uint64_t seq;        /* report number of the last report */
    uint64_t missed;     /* reports missing by number within an epoch */
    int source;          /* the input its last report came through */
    int64_t heard_ms;    /* when the last report came, caller's clock */
    int64_t down_ms;     /* when it was found DOWN, or -1 */
    int64_t interval_ms; /* the node's report interval */
    int64_t uptime_ms;   /* the node's uptime at its last report */
    double rate_in;      /* records/s in, as the node computed it */
    double rate_out;     /* records/s out */
    int64_t counters[SYM_CTR_COUNT];
    bool has_lag;      /* a sink that stored records in its last interval */
    double lag_p50_ms; /* event time to storage, median */
    double lag_p99_ms; /* and 99th percentile */
    size_t out_count;  /* outputs in outs */
    top_out_t outs[TOP_MAX_OUTS];
} top_node_t;

typedef struct top_state_t top_state_t;

/* An empty table, or NULL when out of memory. */
top_state_t *top_state_new(void);

/* Free the table and null the caller's pointer. Safe on NULL. */
void top_state_destroy(top_state_t **self_p);

/* List a node before it reports (from a cluster file), so a node that
 * never comes up shows as DOWN. Returns SYM_OK (also when it is listed
 * already) or SYM_ETOOBIG when the table is full. */
int top_state_expect(top_state_t *self, const char *kind, const char *name);

/* Take one stats record received through input source at now_ms (a
 * monotonic clock). A new
 * epoch from a node is a restart; a report from an older epoch is a late
 * one from a run that ended, and is ignored. Returns SYM_OK, SYM_EINVAL
 * when rec is not a stats record, or SYM_ETOOBIG when the table is full. */
int top_state_update(top_state_t *self, const sym_rec_t *rec, int source,
                     int64_t now_ms);

/* Mark DOWN every UP node silent for TOP_DOWN_INTERVALS of its interval
 * at now_ms. Returns how many went DOWN now. */
size_t top_state_check(top_state_t *self, int64_t now_ms);

/* Input source lost its only publisher (its connection closed: the
 * process died): mark DOWN at now_ms every UP node last heard through
 * it, without waiting for the silence. Returns how many went DOWN. */
size_t top_state_lost(top_state_t *self, int source, int64_t now_ms);

/* Nodes in the table, in the order they were first listed or heard. */
size_t top_state_count(const top_state_t *self);
const top_node_t *top_state_node(const top_state_t *self, size_t i);

/* The node with that stream ("<kind>.<name>"), or NULL. */
const top_node_t *top_state_find(const top_state_t *self, const char *stream);

/* True when some node has is_changed set. */
bool top_state_has_changes(const top_state_t *self);

/* Clear is_changed on every node, once the view has shown them. */
void top_state_clear_changes(top_state_t *self);

/* "UP", "DOWN" or "STOPPED". */
const char *top_health_name(top_health_t health);

/* Records dropped by a node, every reason together. */
int64_t top_node_drops(const top_node_t *node);

#endif
