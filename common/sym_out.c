/* sym_out.c: an output socket that batches records and applies an
 * overflow policy.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "sym_out.h"

#include <assert.h>
#include <inttypes.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sym_err.h"
#include "sym_ipc.h"
#include "sym_peers.h"
#include "sym_sig.h"
#include "sym_time.h"
#include "sym_wire.h"

/* A batch that could not be sent yet (drop-oldest). */
typedef struct {
    char *topic;
    char *payload;
    size_t payload_len;
    size_t records;
} s_queued_t;

/* Pending batches, one per topic: with streams interleaved record by
 * record, one batch for whichever topic came last would send about one
 * record per message. Few topics are live at once in a node, so a small
 * table searched in order is enough; a new topic past it sends one. */
#define S_SLOTS 16

/* Subscribers sometimes missed the last messages of a PUB closed right
 * after sending them (one stop in five in a test, with nothing counted on
 * either side). A PUB with subscribers that has sent anything stays open
 * this long after its final flush, within its linger, so they read all. */
#define S_PUB_GRACE_MS 200

typedef struct {
    char topic[256];       /* topic of the pending batch */
    size_t topic_len;      /* its length */
    msgpack_sbuffer batch; /* encoded records of the pending batch */
    size_t batch_records;  /* records in the pending batch */
} s_slot_t;

struct sym_out_t {
    zsock_t *sock;           /* the PUB or PUSH socket */
    void *handle;            /* its libzmq handle, for the hot path */
    sym_full_t on_full;      /* overflow policy */
    size_t batch_bytes;      /* flush threshold */
    sym_stats_t *stats;      /* the node's counters */
    s_slot_t slots[S_SLOTS]; /* pending batches by topic */
    size_t slot_count;       /* slots holding a topic */
    size_t last_slot;        /* slot of the previous write */
    size_t next_evict;       /* slot sent when a new topic needs room */
    s_queued_t *queue;       /* drop-oldest ring */
    size_t queue_cap;        /* slots in the ring */
    size_t queue_head;       /* oldest slot */
    size_t queue_len;        /* slots in use */

    sym_peers_t *peers;       /* connected peers; a PUSH names drops by it */
    sym_out_counts_t counts;  /* this output's own counters */
    char *endpoints;          /* to clean up ipc files */
    int type;                 /* ZMQ_PUB or ZMQ_PUSH */
    bool send_timed_out;      /* a blocking send hit SNDTIMEO this flush */
    sym_out_wait_fn *on_wait; /* called while a blocked send waits */
    void *on_wait_arg;
};

int
sym_full_parse(const char *text, sym_full_t *out)
{
    static const char *const names[] = {"block", "drop-newest", "drop-oldest"};
    for (int i = 0; i < 3; i++) {
        if (strcmp(text, names[i]) == 0) {
            *out = (sym_full_t) i;
            return SYM_OK;
        }
    }
    return SYM_EINVAL;
}

const char *
sym_full_name(sym_full_t policy)
{
    switch (policy) {
    case SYM_FULL_BLOCK:
        return "block";
    case SYM_FULL_DROP_NEWEST:
        return "drop-newest";
    case SYM_FULL_DROP_OLDEST:
        return "drop-oldest";
    }
    return "unknown";
}

sym_out_t *
sym_out_new(const sym_out_opts_t *opts, const sym_sock_policy_t *policy,
            sym_stats_t *stats, int *rc, char *err, size_t err_size)
{
    sym_out_t *self = calloc(1, sizeof *self);
    if (self == NULL) {
        *rc = SYM_ENOMEM;
        snprintf(err, err_size, "out of memory");
        return NULL;
    }
    for (size_t i = 0; i < S_SLOTS; i++) {
        msgpack_sbuffer_init(&self->slots[i].batch);
    }
    self->on_full = opts->on_full;
    self->batch_bytes = opts->batch_bytes ? opts->batch_bytes : 32768;
    self->stats = stats;
    if (opts->on_full == SYM_FULL_DROP_OLDEST) {
        self->queue_cap = opts->queue_batches ? opts->queue_batches : 16;
        self->queue = calloc(self->queue_cap, sizeof *self->queue);
        if (self->queue == NULL) {
            *rc = SYM_ENOMEM;
            snprintf(err, err_size, "out of memory");
            goto fail;
        }
    }
    self->sock =
        sym_sock_new(opts->type, opts->endpoints, policy, rc, err, err_size);
    if (self->sock == NULL) {
        goto fail;
    }
    /* Watched before it attaches, so the first peer's handshake counts. */
    self->peers = sym_peers_new(self->sock);
    *rc = sym_sock_attach(self->sock, opts->endpoints, err, err_size);
    if (*rc != SYM_OK) {
        sym_peers_destroy(&self->peers);
        zsock_destroy(&self->sock);
        goto fail;
    }
    self->handle = zsock_resolve(self->sock);
    self->endpoints = strdup(opts->endpoints);
    self->type = opts->type;
    *rc = SYM_OK;
    return self;

fail:
    sym_out_destroy(&self);
    return NULL;
}

static void
s_queued_free(s_queued_t *item)
{
    free(item->topic);
    free(item->payload);
    *item = (s_queued_t){NULL, NULL, 0, 0};
}

/* A send that could not go out: with no peer connected the records had
 * nowhere to go (no_peer); otherwise every peer was at its HWM (full). */
static void
s_count_drop(sym_out_t *self, size_t records)
{
    if (records == 0) {
        return;
    }
    if (self->type == ZMQ_PUSH && self->peers &&
        sym_peers_count(self->peers) == 0) {
        self->stats->values[SYM_CTR_DROP_NO_PEER] += records;
        self->counts.drop_no_peer += records;
    } else {
        self->stats->values[SYM_CTR_DROP_FULL] += records;
        self->counts.drop_full += records;
    }
}

static void
s_pub_grace(const sym_out_t *self, int linger_ms)
{
    if (self->type != ZMQ_PUB || self->counts.sent == 0 || linger_ms == 0 ||
        self->peers == NULL || sym_peers_count(self->peers) == 0) {
        return;
    }
    int grace_ms = linger_ms < 0 || linger_ms > S_PUB_GRACE_MS ? S_PUB_GRACE_MS
                                                               : linger_ms;
    sym_time_sleep_until(sym_time_mono_ns() + grace_ms * SYM_NS_PER_MS);
}

void
sym_out_destroy(sym_out_t **self_p)
{
    if (self_p == NULL || *self_p == NULL) {
        return;
    }
    sym_out_t *self = *self_p;
    if (self->sock) {
        /* A blocking send waits no longer than the linger here, so a node
         * whose peer is gone still stops; what is left counts as dropped. */
        int linger_ms = zsock_linger(self->sock);
        if (linger_ms >= 0) {
            zsock_set_sndtimeo(self->sock, linger_ms);
        }
        sym_out_flush(self);
        s_pub_grace(self, linger_ms);
    }
    for (size_t i = 0; i < self->queue_cap; i++) {
        s_count_drop(self, self->queue[i].records);
        s_queued_free(&self->queue[i]);
    }
    free(self->queue);
    for (size_t i = 0; i < S_SLOTS; i++) {
        msgpack_sbuffer_destroy(&self->slots[i].batch);
    }
    sym_peers_destroy(&self->peers);
    zsock_destroy(&self->sock);
    sym_ipc_unlink_bound(self->endpoints,
                         sym_sock_binds_by_default(self->type));
    free(self->endpoints);
    free(self);
    *self_p = NULL;
}

/* How long a blocked send waits for room before the node gets control
 * back to publish its stats, feed its watchdog and say it is blocked. */
#define S_WAIT_SLICE_MS 200

/* Wait for room for the next message under the block policy, in slices,
 * calling on_wait after each one that ends without room. Returns SYM_OK
 * when there is room, SYM_EAGAIN when SNDTIMEO (set by a stopping node)
 * has passed, or SYM_ECLOSED when a stop was asked for. */
static int
s_wait_for_room(sym_out_t *self, int64_t *waited_ms, int64_t limit_ms)
{
    if (sym_sig_stopping()) {
        return SYM_ECLOSED;
    }
    if (limit_ms >= 0 && *waited_ms >= limit_ms) {
        self->send_timed_out = true;
        return SYM_EAGAIN;
    }
    int64_t slice_ms = S_WAIT_SLICE_MS;
    if (limit_ms >= 0 && limit_ms - *waited_ms < slice_ms) {
        slice_ms = limit_ms - *waited_ms;
    }
    zmq_pollitem_t item = {self->handle, 0, ZMQ_POLLOUT, 0};
    int64_t start_ms = sym_time_mono_ms();
    if (zmq_poll(&item, 1, (long) slice_ms) < 0 && zmq_errno() != EINTR) {
        return SYM_ECLOSED;
    }
    *waited_ms += sym_time_mono_ms() - start_ms;
    if ((item.revents & ZMQ_POLLOUT) == 0 && self->on_wait) {
        self->on_wait(self->on_wait_arg, self, *waited_ms);
    }
    return SYM_OK;
}

/* Send one two-frame message. Returns SYM_OK, SYM_EAGAIN when it would
 * block under a drop policy, or SYM_ECLOSED when a stop interrupted a
 * blocking send. */
static int
s_send(sym_out_t *self, const char *topic, const char *payload, size_t len,
       size_t records)
{
    /* Once a blocking send has timed out (a stopping node bounds its last
     * sends), the other pending batches of the flush do not wait again;
     * after a stop request nothing waits, or a flush of many topics would
     * block once per topic. */
    bool may_wait = self->on_full == SYM_FULL_BLOCK && !self->send_timed_out &&
                    !sym_sig_stopping();
    int64_t waited_ms = 0;
    int64_t limit_ms = -2; /* SNDTIMEO, read once a wait begins */
    while (zmq_send(self->handle, topic, strlen(topic),
                    ZMQ_DONTWAIT | ZMQ_SNDMORE) < 0) {
        int error = zmq_errno();
        if (error == EAGAIN && !may_wait) {
            return SYM_EAGAIN;
        }
        if (error != EAGAIN && error != EINTR) {
            return SYM_ECLOSED;
        }
        if (limit_ms == -2) {
            limit_ms = zsock_sndtimeo(self->sock); /* -1: no bound */
        }
        int rc = s_wait_for_room(self, &waited_ms, limit_ms);
        if (rc != SYM_OK) {
            return rc;
        }
    }
    /* The second frame of a message whose first frame went out does not
     * block: libzmq queues multipart messages whole. */
    while (zmq_send(self->handle, payload, len, 0) < 0) {
        if (zmq_errno() != EINTR) {
            return SYM_ECLOSED;
        }
    }
    self->stats->values[SYM_CTR_SENT] += records;
    self->stats->values[SYM_CTR_MESSAGES_OUT]++;
    self->counts.sent += records;
    return SYM_OK;
}

/* drop-oldest: move the pending batch into the ring, dropping the oldest
 * queued batch when the ring is full, then send what the socket takes. */
static int
s_flush_queued(sym_out_t *self, s_slot_t *pend)
{
    if (pend->batch_records > 0) {
        if (self->queue_len == self->queue_cap) {
            s_queued_t *oldest = &self->queue[self->queue_head];
            s_count_drop(self, oldest->records);
            s_queued_free(oldest);
            self->queue_head = (self->queue_head + 1) % self->queue_cap;
            self->queue_len--;
        }
        size_t tail = (self->queue_head + self->queue_len) % self->queue_cap;
        s_queued_t *slot = &self->queue[tail];
        slot->topic = strdup(pend->topic);
        slot->payload = malloc(pend->batch.size);
        if (slot->topic == NULL || slot->payload == NULL) {
            s_queued_free(slot);
            return SYM_ENOMEM;
        }
        memcpy(slot->payload, pend->batch.data, pend->batch.size);
        slot->payload_len = pend->batch.size;
        slot->records = pend->batch_records;
        self->queue_len++;
    }
    while (self->queue_len > 0) {
        s_queued_t *head = &self->queue[self->queue_head];
        int rc = s_send(self, head->topic, head->payload, head->payload_len,
                        head->records);
        if (rc == SYM_EAGAIN) {
            return SYM_OK;
        }
        if (rc != SYM_OK) {
            return rc;
        }
        s_queued_free(head);
        self->queue_head = (self->queue_head + 1) % self->queue_cap;
        self->queue_len--;
    }
    return SYM_OK;
}

/* Send one pending batch now and empty its slot. */
static int
s_flush_slot(sym_out_t *self, s_slot_t *pend)
{
    int rc = SYM_OK;
    if (self->on_full == SYM_FULL_DROP_OLDEST) {
        rc = s_flush_queued(self, pend);
    } else if (pend->batch_records > 0) {
        rc = s_send(self, pend->topic, pend->batch.data, pend->batch.size,
                    pend->batch_records);
        if (rc == SYM_EAGAIN) {
            s_count_drop(self, pend->batch_records);
            rc = SYM_OK;
        } else if (rc == SYM_ECLOSED) {
            /* A stop interrupted a blocked send: the batch never left. */
            s_count_drop(self, pend->batch_records);
        }
    }
    msgpack_sbuffer_clear(&pend->batch);
    pend->batch_records = 0;
    return rc;
}

int
sym_out_flush(sym_out_t *self)
{
    assert(self);
    int rc = SYM_OK;
    self->send_timed_out = false;
    for (size_t i = 0; i < self->slot_count; i++) {
        int slot_rc = s_flush_slot(self, &self->slots[i]);
        rc = rc == SYM_OK ? slot_rc : rc;
    }
    if (self->slot_count == 0 && self->on_full == SYM_FULL_DROP_OLDEST) {
        rc = s_flush_queued(self, &self->slots[0]);
    }
    /* Slots are handed out again from the start: the topics of the next
     * burst are likely the same, in the same order. */
    self->slot_count = 0;
    self->last_slot = 0;
    return rc;
}

/* The slot of topic, taking a free one or sending the batch of an
 * occupied one when the topic is new. NULL with *rc set when that send
 * failed. */
static s_slot_t *
s_slot_for(sym_out_t *self, const char *topic, int *rc)
{
    size_t len = strlen(topic);
    s_slot_t *last = &self->slots[self->last_slot];
    if (self->slot_count > 0 && last->topic_len == len &&
        memcmp(last->topic, topic, len) == 0) {
        return last;
    }
    for (size_t i = 0; i < self->slot_count; i++) {
        s_slot_t *slot = &self->slots[i];
        if (slot->topic_len == len && memcmp(slot->topic, topic, len) == 0) {
            self->last_slot = i;
            return slot;
        }
    }
    size_t i = self->slot_count;
    if (i == S_SLOTS) {
        i = self->next_evict;
        self->next_evict = (self->next_evict + 1) % S_SLOTS;
        *rc = s_flush_slot(self, &self->slots[i]);
        if (*rc != SYM_OK) {
            return NULL;
        }
    } else {
        self->slot_count++;
    }
    s_slot_t *slot = &self->slots[i];
    len = len < sizeof slot->topic ? len : sizeof slot->topic - 1;
    memcpy(slot->topic, topic, len);
    slot->topic[len] = '\0';
    slot->topic_len = len;
    self->last_slot = i;
    return slot;
}

int
sym_out_write(sym_out_t *self, const char *topic, const sym_rec_t *rec)
{
    assert(self);
    assert(topic);
    assert(rec);

    int rc = SYM_OK;
    if (rec->kind == SYM_KIND_EOS) {
        /* An end of stream lets a receiver stop: whatever came before it,
         * on any topic (alarms, removals), must reach it first. */
        rc = sym_out_flush(self);
        if (rc != SYM_OK) {
            return rc;
        }
    }
    s_slot_t *slot = s_slot_for(self, topic, &rc);
    if (slot == NULL) {
        return rc;
    }
    rc = sym_wire_encode(rec, &slot->batch);
    if (rc != SYM_OK) {
        return rc;
    }
    slot->batch_records++;
    if (slot->batch.size >= self->batch_bytes) {
        rc = s_flush_slot(self, slot);
    }
    return rc;
}

size_t
sym_out_pending(const sym_out_t *self)
{
    size_t pending = 0;
    for (size_t i = 0; i < self->slot_count; i++) {
        pending += self->slots[i].batch_records;
    }
    for (size_t i = 0; i < self->queue_len; i++) {
        size_t slot = (self->queue_head + i) % self->queue_cap;
        pending += self->queue[slot].records;
    }
    return pending;
}

size_t
sym_out_unsent(sym_out_t *self)
{
    return sym_peers_unsent(self->peers);
}

void
sym_out_counts(sym_out_t *self, sym_out_counts_t *counts)
{
    *counts = self->counts;
    counts->pending = sym_out_pending(self);
    counts->peers = self->type == ZMQ_PUSH && self->peers
                        ? sym_peers_count(self->peers)
                        : -1;
}

void
sym_out_on_wait(sym_out_t *self, sym_out_wait_fn *fn, void *arg)
{
    assert(self);
    self->on_wait = fn;
    self->on_wait_arg = arg;
}

bool
sym_out_wait_warning(sym_out_t *self, int64_t waited_ms, int64_t after_ms,
                     sym_log_limit_t *limit, char *buf, size_t size)
{
    assert(self && limit && buf);
    uint64_t repeats = 0;
    if (waited_ms < after_ms || !sym_log_limit_pass(limit, &repeats)) {
        return false;
    }
    int peers = self->peers ? sym_peers_count(self->peers) : -1;
    char why[64] = "every peer is at its high-water mark or none is there";
    if (peers == 0) {
        snprintf(why, sizeof why, "no peer is connected");
    } else if (peers > 0) {
        snprintf(why, sizeof why, "its %d peer(s) are at their high-water mark",
                 peers);
    }
    snprintf(buf, size,
             "%s %s has taken nothing for %.1f s: %s; --on-full block holds "
             "the records and backs up upstream repeats=%" PRIu64,
             self->type == ZMQ_PUSH ? "push" : "pub", self->endpoints,
             (double) waited_ms / 1000.0, why, repeats);
    return true;
}

const char *
sym_out_endpoints(const sym_out_t *self)
{
    assert(self);
    return self->endpoints;
}

zsock_t *
sym_out_sock(sym_out_t *self)
{
    return self->sock;
}
