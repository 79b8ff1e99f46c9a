/* ingest_run.c: the ingest run loop: read, filter, name, pace, send, and
 * end every stream with an end-of-stream record.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "ingest.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "ingest_node.h"
#include "sym_err.h"
#include "sym_sig.h"
#include "sym_time.h"
#include "sym_wire.h"

#define S_FLUSH_NS (50 * SYM_NS_PER_MS) /* flush at least this often */
#define S_SLICE_NS (50 * SYM_NS_PER_MS) /* longest sleep between checks */
#define S_STOP_SEND_MS 500              /* last flush after a stop */
#define S_BLOCKED_WARN_MS 2000 /* a blocked send this long is worth a WARN */
/* A record due this soon is sent now rather than after a sleep that would
 * overshoot it anyway. Records are never sent much before their event time:
 * what is due at a wake-up goes out together, so at high rates one message
 * per wake-up carries many records, and deadlines stay absolute, so the
 * rate over time is unchanged. */
#define S_EARLY_NS (SYM_NS_PER_MS / 50)

int
ingest_flush(ingest_t *self)
{
    int rc = SYM_OK;
    for (size_t i = 0; i < self->out_count; i++) {
        int out_rc = sym_out_flush(self->outs[i]);
        if (rc == SYM_OK) {
            rc = out_rc;
        }
    }
    self->last_flush_ns = sym_time_mono_ns();
    sym_statpub_tick(self->statpub, &self->stats);
    return rc;
}

static uint64_t
s_pending(const ingest_t *self)
{
    uint64_t pending = 0;
    for (size_t i = 0; i < self->out_count; i++) {
        pending += sym_out_pending(self->outs[i]);
    }
    return pending;
}

void
ingest_on_wait(void *arg, sym_out_t *out, int64_t waited_ms)
{
    ingest_t *self = arg;
    sym_statpub_tick(self->statpub, &self->stats);
    sym_service_tick(self->service, s_pending(self));
    char line[768];
    if (sym_out_wait_warning(out, waited_ms, S_BLOCKED_WARN_MS,
                             &self->blocked_limit, line, sizeof line)) {
        sym_log_warn("output", "%s", line);
    }
}

/* Count bad input and say so, at most once per interval. */
static void
s_bad_input(ingest_t *self, const ingest_where_t *where, const char *reason,
            const char *field)
{
    self->stats.values[SYM_CTR_DROP_BAD_INPUT]++;
    uint64_t repeats = 0;
    if (!sym_log_limit_pass(&self->bad_limit, &repeats)) {
        return;
    }
    char offset[48] = "";
    if (where->has_offset) {
        snprintf(offset, sizeof offset, " offset=%" PRIu64, where->offset);
    }
    sym_log_warn("ingest",
                 "bad input file=%s line=%" PRIu64 "%s reason=%s%s%s "
                 "repeats=%" PRIu64,
                 self->input, where->line, offset, reason ? reason : "-",
                 field ? " field=" : "", field ? field : "", repeats);
}

/* Expand the topic for the record on stream into self->topic_buf, or
 * reuse the stream's when the topic depends on the stream alone. Returns
 * the topic, or NULL with *reason set. */
static const char *
s_topic(ingest_t *self, ingest_stream_t *stream, const char **reason,
        const char **field)
{
    if (self->is_topic_per_stream && stream->topic_len > 0) {
        return stream->topic;
    }
    size_t len = 0;
    int rc = sym_template_expand(self->topic_tpl, self->rec, stream->name,
                                 self->topic_buf, sizeof self->topic_buf, &len,
                                 field);
    if (rc != SYM_OK) {
        *reason = rc == SYM_ENOTFOUND ? "missing-field" : "topic-too-long";
        return NULL;
    }
    if (sym_wire_check_topic(self->topic_buf, len) != SYM_OK) {
        *reason = "bad-topic";
        return NULL;
    }
    if (self->is_topic_per_stream) {
        memcpy(stream->topic, self->topic_buf, len + 1);
        stream->topic_len = len;
        return stream->topic;
    }
    return self->topic_buf;
}

/* The record's stream, created on first sight. Returns NULL with *reason
 * set for bad input, or with *rc set to a failure. */
static ingest_stream_t *
s_stream(ingest_t *self, const char **reason, const char **field, int *rc)
{
    size_t len = 0;
    *rc =
        sym_template_expand(self->stream_tpl, self->rec, NULL, self->stream_buf,
                            sizeof self->stream_buf, &len, field);
    if (*rc != SYM_OK || len == 0) {
        *reason = *rc == SYM_ENOTFOUND ? "missing-field"
                  : len == 0           ? "empty-stream"
                                       : "stream-too-long";
        *rc = SYM_OK;
        return NULL;
    }
    ingest_stream_t *stream =
        ingest_streams_get(self->streams, self->stream_buf, len, rc);
    if (stream == NULL && *rc == SYM_ETOOBIG) {
        *reason = "too-many-streams";
        *rc = SYM_OK;
    }
    return stream;
}

/* Event time from the --time-field value: text is ISO-8601 or epoch
 * seconds, a number is epoch seconds. */
static bool
s_parse_event_time(const sym_val_t *val, int64_t *ns)
{
    const double limit_s = 9.0e9; /* keeps ns inside int64 */
    switch (val->type) {
    case SYM_VAL_STR:
        return sym_time_parse(val->as.s.ptr, val->as.s.len, ns) == SYM_OK;
    case SYM_VAL_INT:
        if (val->as.i > (int64_t) limit_s || val->as.i < -(int64_t) limit_s) {
            return false;
        }
        *ns = val->as.i * SYM_NS_PER_SEC;
        return true;
    case SYM_VAL_FLOAT:
        if (!(val->as.f < limit_s && val->as.f > -limit_s)) {
            return false;
        }
        *ns = (int64_t) (val->as.f * 1e9);
        return true;
    default:
        return false;
    }
}

/* The record's event time, when it has one. */
static bool
s_event_time(ingest_t *self, const ingest_where_t *where, int64_t *ns)
{
    if (where->has_event_time) {
        *ns = self->rec->event_ns;
        return true;
    }
    const char *name = self->cfg->time_field;
    if (name == NULL) {
        return false;
    }
    const sym_val_t *val = sym_rec_get_const(self->rec, name, strlen(name));
    if (val && s_parse_event_time(val, ns)) {
        return true;
    }
    if (!self->has_warned_time) {
        self->has_warned_time = true;
        sym_log_warn("ingest",
                     "no usable event time, using read time file=%s "
                     "line=%" PRIu64 " field=%s (said once)",
                     self->input, where->line, name);
    }
    return false;
}

/* Wait until the record is due, flushing first and checking for a stop
 * every slice. Returns SYM_OK with *now_ns updated, or SYM_ECLOSED. */
static int
s_pace(ingest_t *self, int64_t event_ns, int64_t *now_ns)
{
    ingest_pace_note_t note = INGEST_PACE_ON_TIME;
    int64_t deadline_ns =
        ingest_pace_deadline(&self->pace, event_ns, *now_ns, &note);
    if (note == INGEST_PACE_CAPPED && !self->has_logged_cap) {
        self->has_logged_cap = true;
        sym_log_info("ingest",
                     "event time gap longer than the wait cap, waiting "
                     "max_wait_ms=%" PRId64 " instead (said once)",
                     self->cfg->max_wait_ms);
    }
    if (deadline_ns - *now_ns <= S_EARLY_NS) {
        return SYM_OK;
    }
    int rc = ingest_flush(self);
    while (rc == SYM_OK && *now_ns < deadline_ns) {
        if (sym_sig_stopping()) {
            return SYM_ECLOSED;
        }
        sym_service_tick(self->service, s_pending(self));
        /* A drop-oldest queue is retried while waiting, so what it holds
         * goes out as soon as a peer has room, not with the next record. */
        if (s_pending(self) > 0) {
            rc = ingest_flush(self);
        }
        int64_t slice_ns = deadline_ns - *now_ns;
        sym_time_sleep_until(*now_ns +
                             (slice_ns < S_SLICE_NS ? slice_ns : S_SLICE_NS));
        *now_ns = sym_time_mono_ns();
        sym_statpub_tick(self->statpub, &self->stats);
    }
    return rc;
}

/* Hand rec to every output, but to one partition only: the one of its
 * stream, so that stream's records stay in order behind one worker. */
static int
s_write(ingest_t *self, const char *topic, const sym_rec_t *rec)
{
    size_t skip_from = self->out_count;
    size_t keep = 0;
    if (self->part_count > 0) {
        skip_from = self->part_first;
        keep = self->part_first +
               sym_part_of(rec->stream.ptr, rec->stream.len, self->part_count);
    }
    for (size_t i = 0; i < self->out_count; i++) {
        if (i >= skip_from && i != keep) {
            continue;
        }
        int rc = sym_out_write(self->outs[i], topic, rec);
        if (rc != SYM_OK) {
            return rc;
        }
    }
    return SYM_OK;
}

/* Stamp the envelope and hand the record to every output. */
static int
s_send(ingest_t *self, ingest_stream_t *stream, const char *topic,
       int64_t event_ns, int64_t ingest_ns, const ingest_where_t *where)
{
    sym_rec_t *rec = self->rec;
    if (sym_rec_set_stream(rec, stream->name, stream->name_len) != SYM_OK) {
        s_bad_input(self, where, "too-big", NULL);
        return SYM_OK;
    }
    rec->kind = SYM_KIND_DATA;
    rec->epoch = self->epoch;
    rec->seq = ++stream->seq;
    rec->event_ns = event_ns;
    stream->last_event_ns = event_ns;
    rec->ingest_ns = ingest_ns;
    if (topic != stream->topic) {
        size_t len = strlen(topic);
        memcpy(stream->topic, topic, len + 1);
        stream->topic_len = len;
    }
    int rc = s_write(self, topic, rec);
    if (rc != SYM_OK) {
        return rc;
    }
    self->accepted++;
    return SYM_OK;
}

/* One record from the source: filter, name, pace and send it. */
static int
s_handle(ingest_t *self, const ingest_where_t *where, int64_t now_ns)
{
    if (!ingest_match_test(self->match, self->rec)) {
        self->skipped++;
        return SYM_OK;
    }
    /* Downstream every text must be UTF-8 without NUL bytes, so a line
     * that is not is set aside here, with its file and line. */
    const sym_field_t *bad_field = NULL;
    if (!self->ops->makes_only_text &&
        !sym_rec_is_text(self->rec, &bad_field)) {
        s_bad_input(self, where, "text-not-utf8", NULL);
        return SYM_OK;
    }
    const char *reason = NULL;
    const char *field = NULL;
    int rc = SYM_OK;
    ingest_stream_t *stream = s_stream(self, &reason, &field, &rc);
    const char *topic = stream ? s_topic(self, stream, &reason, &field) : NULL;
    if (topic == NULL) {
        if (rc == SYM_OK) {
            s_bad_input(self, where, reason, field);
        }
        return rc;
    }
    int64_t event_ns = 0;
    bool has_event_time = s_event_time(self, where, &event_ns);
    if (has_event_time) {
        rc = s_pace(self, event_ns, &now_ns);
    }
    int64_t ingest_ns = now_ns + self->wall_minus_mono_ns;
    if (rc != SYM_OK) {
        return rc;
    }
    return s_send(self, stream, topic, has_event_time ? event_ns : ingest_ns,
                  ingest_ns, where);
}

/* Ask the source for one record and deal with what comes back. Sets
 * *is_end at the end of the input. */
static int
s_step(ingest_t *self, bool *is_end)
{
    ingest_where_t where = {0};
    int rc = self->ops->next(self->source, self->rec, &where);
    int64_t now_ns = sym_time_mono_ns();
    sym_service_tick_at(self->service, s_pending(self), now_ns / SYM_NS_PER_MS);
    if (rc == SYM_OK || rc == SYM_EDECODE) {
        self->stats.values[SYM_CTR_READ]++;
    }
    if (rc == SYM_OK) {
        rc = s_handle(self, &where, now_ns);
    } else if (rc == SYM_EDECODE) {
        s_bad_input(self, &where, where.reason, NULL);
        rc = SYM_OK;
    } else if (rc == SYM_EAGAIN) {
        return ingest_flush(self); /* input is slow: send what we have */
    } else if (rc == SYM_ECLOSED) {
        *is_end = true;
        return SYM_OK;
    } else {
        sym_log_error("ingest",
                      "read failed file=%s line=%" PRIu64
                      " err=\"%s\" reason=%s",
                      self->input, where.line, sym_strerror(rc),
                      where.reason ? where.reason : "-");
        return rc;
    }
    if (rc == SYM_OK && now_ns - self->last_flush_ns >= S_FLUSH_NS) {
        rc = ingest_flush(self);
    }
    return rc;
}

/* What the outputs still hold: records not yet handed to libzmq, and
 * whether the kernel still holds bytes for a peer. */
static size_t
s_held(ingest_t *self, bool *unsent)
{
    size_t pending = 0;
    *unsent = false;
    for (size_t i = 0; i < self->out_count; i++) {
        pending += sym_out_pending(self->outs[i]);
        *unsent = *unsent || sym_out_unsent(self->outs[i]) > 0;
    }
    return pending;
}

/* Flush until the outputs hold nothing (a drop-oldest queue sends as
 * peers take it) and the peers have taken every byte, or until the
 * linger has passed (never, when it is negative): the end markers should
 * not stay behind when the node exits. libzmq alone is not enough: when
 * it closes a connection that has an unread heartbeat reply, the kernel
 * resets it and drops what it had not yet sent, so the queue must be
 * empty first. libzmq's own queue refills the kernel's within
 * microseconds, so an empty kernel queue on two looks 10 ms apart means
 * both are empty. */
static int
s_drain(ingest_t *self)
{
    int64_t linger_ms = self->cfg->linger_ms;
    int64_t deadline_ms = sym_time_mono_ms() + linger_ms;
    int rc = ingest_flush(self);
    int empty_looks = 0;
    while (rc == SYM_OK &&
           (linger_ms < 0 || sym_time_mono_ms() < deadline_ms) &&
           !sym_sig_stopping()) {
        bool unsent = false;
        size_t pending = s_held(self, &unsent);
        empty_looks = pending == 0 && !unsent ? empty_looks + 1 : 0;
        if (empty_looks == 2) {
            break;
        }
        sym_time_sleep_until(sym_time_mono_ns() + 10 * SYM_NS_PER_MS);
        if (pending > 0) {
            rc = ingest_flush(self);
        }
    }
    return rc;
}

/* One end-of-stream record per stream: its last seq, on its last
 * topic. */
static int
s_send_eos(ingest_t *self)
{
    sym_rec_t *rec = self->rec;
    int64_t now_ns = sym_time_mono_ns() + self->wall_minus_mono_ns;
    for (size_t i = 0; i < ingest_streams_size(self->streams); i++) {
        ingest_stream_t *stream = ingest_streams_at(self->streams, i);
        if (stream->seq == 0) {
            continue; /* named, but nothing was sent on it */
        }
        sym_rec_reset(rec);
        /* Cannot fail: a name is shorter than the empty arena. */
        sym_rec_set_stream(rec, stream->name, stream->name_len);
        rec->kind = SYM_KIND_EOS;
        rec->epoch = self->epoch;
        rec->seq = stream->seq;
        rec->event_ns = stream->last_event_ns;
        rec->ingest_ns = now_ns;
        int rc = s_write(self, stream->topic, rec);
        if (rc != SYM_OK) {
            return rc;
        }
        self->eos_sent++;
    }
    return s_drain(self);
}

static void
s_log_start(const ingest_t *self)
{
    const ingest_cfg_t *cfg = self->cfg;
    bool is_sim = self->ops == &ingest_sim_ops;
    sym_log_info(
        "node",
        "started version=%s source=%s format=%s stream=%s "
        "topic=%s pub=%s push=%s on_full=%s speed=%s matches=%zu "
        "epoch=%" PRIu64,
        SYM_VERSION, self->ops == &ingest_zmq_ops ? self->input : cfg->source,
        self->ops->name, self->stream_text, cfg->topic,
        cfg->pub ? cfg->pub : "-", cfg->push ? cfg->push : "-", cfg->on_full,
        is_sim ? (self->speed > 0.0 ? "sim-rate" : "max") : cfg->speed,
        ingest_match_size(self->match), self->epoch);
}

/* What each stream sent, so a test or an operator can check the sink's
 * account of it: sent = stored + removed + lost. */
static void
s_log_streams(ingest_t *self)
{
    for (size_t i = 0; i < ingest_streams_size(self->streams); i++) {
        const ingest_stream_t *stream = ingest_streams_at(self->streams, i);
        if (stream->seq > 0) {
            sym_log_info("ingest",
                         "stream sent stream=%s epoch=%" PRIu64
                         " sent=%" PRIu64,
                         stream->name, self->epoch, stream->seq);
        }
    }
}

static void
s_log_stop(const ingest_t *self, const char *why)
{
    const uint64_t *ctr = self->stats.values;
    sym_log_info(
        "node",
        "stopped why=%s read=%" PRIu64 " accepted=%" PRIu64 " sent=%" PRIu64
        " skipped=%" PRIu64 " bad=%" PRIu64 " drop_full=%" PRIu64
        " drop_no_peer=%" PRIu64 " dropped=%" PRIu64 " streams=%zu"
        " eos=%" PRIu64 " messages=%" PRIu64 " gaps=%" PRIu64,
        why, ctr[SYM_CTR_READ], self->accepted, ctr[SYM_CTR_SENT],
        self->skipped, ctr[SYM_CTR_DROP_BAD_INPUT], ctr[SYM_CTR_DROP_FULL],
        ctr[SYM_CTR_DROP_NO_PEER], sym_stats_dropped(&self->stats),
        ingest_streams_used(self->streams), self->eos_sent,
        ctr[SYM_CTR_MESSAGES_OUT], ctr[SYM_CTR_GAPS]);
}

/* After a stop, a blocked peer must not hold the process: the last
 * flush may wait a little, then what is left counts as dropped. */
static void
s_bound_last_send(ingest_t *self)
{
    for (size_t i = 0; i < self->out_count; i++) {
        zsock_set_sndtimeo(sym_out_sock(self->outs[i]), S_STOP_SEND_MS);
        zsock_set_linger(sym_out_sock(self->outs[i]), S_STOP_SEND_MS);
    }
}

int
ingest_run(ingest_t *self)
{
    s_log_start(self);
    sym_service_ready(self->service);
    bool is_end = false;
    int rc = SYM_OK;
    while (rc == SYM_OK && !is_end && !sym_sig_stopping()) {
        rc = s_step(self, &is_end);
    }
    sym_service_stopping(self->service);
    const char *why = "error";
    if (rc == SYM_OK && is_end && !sym_sig_stopping()) {
        if (ingest_streams_used(self->streams) == 0) {
            sym_log_info("ingest", "end of input, nothing to send file=%s",
                         self->input);
        }
        rc = s_send_eos(self);
        why = "end";
    }
    if (sym_sig_stopping() && (rc == SYM_OK || rc == SYM_ECLOSED)) {
        s_bound_last_send(self);
        ingest_flush(self);
        rc = SYM_OK;
        why = "signal";
    } else if (rc == SYM_ECLOSED) {
        sym_log_error("ingest", "output closed under the node");
        rc = SYM_EIO;
    }
    sym_statpub_publish(self->statpub, &self->stats);
    s_log_streams(self);
    s_log_stop(self, why);
    return rc;
}
