/* sink.c: the sink, which stores records and accounts for every stream.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "sink.h"

#include <assert.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <czmq.h>

#include "sink_latency.h"
#include "sink_ledger.h"
#include "sink_output.h"
#include "sym_err.h"
#include "sym_in.h"
#include "sym_log.h"
#include "sym_loop.h"
#include "sym_sig.h"
#include "sym_statpub.h"
#include "sym_service.h"
#include "sym_time.h"
#include "sym_wire.h"

/* At most one line per this many ms for each repeating event. */
#define S_WARN_INTERVAL_MS 5000
#define S_DEBUG_INTERVAL_MS 5000

/* One input edge, so that a loss can be named by where it showed. */
typedef struct {
    const char *kind;      /* "sub" or "pull" */
    const char *endpoint;  /* as given, owned by the settings */
    int64_t lost;          /* records missing, noticed on this input */
    sym_log_limit_t limit; /* its WARN lines about gaps */
} s_input_t;

struct sink_t {
    const sink_cfg_t *cfg;        /* settings, owned by the caller */
    sym_stats_t stats;            /* counters */
    sym_in_t *in;                 /* SUB and PULL inputs */
    s_input_t *inputs;            /* the same, by msg->source */
    sym_service_t *service;       /* systemd, metrics and health */
    sym_wire_decoder_t *decoder;  /* reused for every record */
    sym_rec_t *rec;               /* the record being handled */
    sink_output_t *out;           /* where records go */
    sink_ledger_t *ledger;        /* accounts of every stream */
    sink_latency_t *latency;      /* --latency-report, else NULL */
    sink_latency_t *lag;          /* --stats-pub: since the last report */
    uint64_t pending;             /* records in the open batch */
    uint64_t pending_alarms;      /* of which alarms */
    int64_t batch_started_ms;     /* first change of the batch, or -1 */
    int64_t last_input_ms;        /* monotonic time of the last message */
    uint64_t commits;             /* batches committed */
    uint64_t eos_before;          /* end markers kept by an earlier run */
    volatile bool stop;           /* set by sink_stop */
    sym_statpub_t *statpub;       /* stats records, or NULL */
    int64_t next_due_ns;          /* --max-rate: when the next may go */
    sym_log_limit_t decode_limit; /* malformed payloads */
    sym_log_limit_t frames_limit; /* malformed messages */
    sym_log_limit_t write_limit;  /* failed batches */
    sym_log_limit_t commit_limit; /* debug lines of commits */
    sym_auth_t auth;              /* keys and allow-lists loaded */
    sym_wire_limits_t limits;     /* what a record may hold */
};

/* The first numeric setting out of range, or NULL; *expected says why. */
static const char *
s_bad_number(const sink_cfg_t *cfg, const char **expected)
{
    *expected = "0 or more";
    if (cfg->rcvhwm < 0 || cfg->rcvhwm > INT_MAX) {
        return "rcvhwm";
    }
    if (cfg->rcvbuf < 0 || cfg->rcvbuf > INT_MAX) {
        return "rcvbuf";
    }
    if (cfg->exit_on_eos < 0) {
        return "exit-on-eos";
    }
    if (cfg->eos_grace_ms < 0) {
        return "eos-grace-ms";
    }
    if (!(cfg->max_rate >= 0.0 && cfg->max_rate <= 1e9)) {
        *expected = "0-1000000000";
        return "max-rate";
    }
    *expected = "1 or more";
    if (cfg->batch < 1) {
        return "batch";
    }
    if (cfg->flush_ms < 1) {
        return "flush-ms";
    }
    *expected = "0 or more";
    if (cfg->rotate_bytes < 0) {
        return "rotate-bytes";
    }
    if (cfg->rotate_ms < 0) {
        return "rotate-ms";
    }
    return NULL;
}

static int
s_check_cfg(const sink_cfg_t *cfg, char *err, size_t err_size)
{
    if (cfg->sub.count == 0 && cfg->pull.count == 0) {
        snprintf(err, err_size, "no input: give --sub or --pull");
        return SYM_EINVAL;
    }
    if (cfg->topic.count > 0 && cfg->sub.count == 0) {
        snprintf(err, err_size,
                 "option '--topic' applies to --sub inputs, "
                 "and none is given");
        return SYM_EINVAL;
    }
    const char *expected = NULL;
    const char *option = s_bad_number(cfg, &expected);
    if (option) {
        snprintf(err, err_size, "option '--%s': expected %s", option, expected);
        return SYM_EINVAL;
    }
    char reason[256];
    if (sink_output_check(cfg->output, reason, sizeof reason) != SYM_OK) {
        snprintf(err, err_size, "option '--output': %s", reason);
        return SYM_EINVAL;
    }
    return SYM_OK;
}

static int
s_open_inputs(sink_t *self, char *err, size_t err_size)
{
    sym_sock_policy_t policy;
    sym_sock_policy_default(&policy);
    policy.rcvhwm = (int) self->cfg->rcvhwm;
    policy.rcvbuf = (int) self->cfg->rcvbuf;
    policy.auth = &self->auth;
    sym_sock_apply_limits(&self->cfg->auth, &policy, &self->limits);
    const sym_strlist_t *lists[] = {&self->cfg->sub, &self->cfg->pull};
    const int types[] = {ZMQ_SUB, ZMQ_PULL};
    self->inputs =
        calloc(lists[0]->count + lists[1]->count, sizeof *self->inputs);
    if (self->inputs == NULL) {
        snprintf(err, err_size, "out of memory");
        return SYM_ENOMEM;
    }
    for (int k = 0; k < 2; k++) {
        for (size_t i = 0; i < lists[k]->count; i++) {
            s_input_t *input = &self->inputs[sym_in_count(self->in)];
            *input = (s_input_t){.kind = k == 0 ? "sub" : "pull",
                                 .endpoint = lists[k]->items[i],
                                 .limit.interval_ms = S_WARN_INTERVAL_MS};
            int rc = sym_in_add(self->in, types[k], lists[k]->items[i],
                                &self->cfg->topic, &policy, err, err_size);
            if (rc != SYM_OK) {
                return rc;
            }
            rc = sym_service_watch(
                self->service,
                sym_in_sock(self->in, sym_in_count(self->in) - 1),
                k == 0 ? "sub" : "pull", lists[k]->items[i], k == 1);
            if (rc != SYM_OK) {
                snprintf(err, err_size, "cannot watch input %s",
                         lists[k]->items[i]);
                return rc;
            }
        }
    }
    return SYM_OK;
}

/* What the output kinds read from the settings. */
static sink_output_opts_t
s_output_opts(sink_t *self)
{
    const sink_cfg_t *cfg = self->cfg;
    return (sink_output_opts_t){
        .rotate_bytes = cfg->rotate_bytes,
        .rotate_ms = cfg->rotate_ms,
        .raw_field = cfg->raw_field,
        .forward_format = cfg->forward_format,
        .forward_socket = cfg->forward_socket,
        .forward_template = cfg->forward_template,
        .writer = cfg->common.name,
        .stop = &self->stop,
    };
}

/* Continue the accounts an earlier run kept in the output, so that a
 * restart neither resets the counts nor forgets end markers. */
static int
s_load_ledger(sink_t *self, char *err, size_t err_size)
{
    uint64_t accounts = 0;
    int rc =
        sink_ledger_load(self->ledger, self->out, &accounts, &self->eos_before);
    if (rc != SYM_OK) {
        snprintf(err, err_size, "output %s: %s", sink_output_uri(self->out),
                 sink_output_error(self->out));
        return rc;
    }
    if (accounts > 0) {
        sym_log_info("output",
                     "continued accounts of an earlier run accounts=%" PRIu64
                     " eos=%" PRIu64 " lost=%" PRIu64,
                     accounts, self->eos_before,
                     sink_ledger_lost(self->ledger));
    }
    return SYM_OK;
}

/* Consumer lag, event time to storage, of the records stored since the
 * last report: what a live view shows, so each report starts afresh. */
static void
s_add_lag(void *arg, sym_rec_t *rec)
{
    sink_t *self = arg;
    sink_latency_t *lag = self->lag;
    sym_rec_set_int(rec, "latency_count", (int64_t) lag->count);
    if (lag->count > 0) {
        sym_rec_set_double(rec, "latency_p50_ms",
                           (double) sink_latency_quantile(lag, 0.50) / 1e6);
        sym_rec_set_double(rec, "latency_p99_ms",
                           (double) sink_latency_quantile(lag, 0.99) / 1e6);
    }
    memset(lag, 0, sizeof *lag);
}

sink_t *
sink_new(const sink_cfg_t *cfg, int *rc, char *err, size_t err_size)
{
    assert(cfg);
    assert(rc);

    *rc = s_check_cfg(cfg, err, err_size);
    if (*rc != SYM_OK) {
        return NULL;
    }
    sink_t *self = calloc(1, sizeof *self);
    if (self == NULL) {
        goto no_memory;
    }
    self->cfg = cfg;
    self->batch_started_ms = -1;
    self->decode_limit.interval_ms = S_WARN_INTERVAL_MS;
    self->frames_limit.interval_ms = S_WARN_INTERVAL_MS;
    self->write_limit.interval_ms = S_WARN_INTERVAL_MS;
    self->commit_limit.interval_ms = S_DEBUG_INTERVAL_MS;
    *rc = sym_auth_load(&cfg->auth, &self->auth, err, err_size);
    if (*rc != SYM_OK) {
        goto fail;
    }
    sym_sock_policy_t unused;
    sym_sock_apply_limits(&cfg->auth, &unused, &self->limits);
    self->in = sym_in_new(&self->stats);
    self->decoder = sym_wire_decoder_new(&self->limits);
    self->rec = sym_rec_new();
    self->ledger = sink_ledger_new();
    if (!self->in || !self->decoder || !self->rec || !self->ledger) {
        goto no_memory;
    }
    if (cfg->latency_report) {
        self->latency = calloc(1, sizeof *self->latency);
        if (self->latency == NULL) {
            goto no_memory;
        }
    }
    if (cfg->common.stats_pub) {
        self->lag = calloc(1, sizeof *self->lag);
        if (self->lag == NULL) {
            goto no_memory;
        }
    }
    /* The output first: a bad path should not leave ports bound. */
    const sink_output_opts_t opts = s_output_opts(self);
    self->out = sink_output_open_with(cfg->output, &opts, rc, err, err_size);
    if (self->out == NULL) {
        goto fail;
    }
    self->service =
        sym_service_new("sink", &cfg->common, &self->stats, rc, err, err_size);
    if (self->service == NULL) {
        goto fail;
    }
    *rc = s_load_ledger(self, err, err_size);
    if (*rc == SYM_OK) {
        *rc = s_open_inputs(self, err, err_size);
    }
    if (*rc == SYM_OK) {
        self->statpub =
            sym_statpub_new(&cfg->common, "sink", (uint64_t) sym_time_now_ns(),
                            rc, err, err_size);
        sym_statpub_set_extra(self->statpub, s_add_lag, self);
    }
    if (*rc != SYM_OK) {
        goto fail;
    }
    return self;

no_memory:
    snprintf(err, err_size, "out of memory");
    *rc = SYM_ENOMEM;
fail:
    sink_destroy(&self);
    return NULL;
}

void
sink_destroy(sink_t **self_p)
{
    if (self_p == NULL || *self_p == NULL) {
        return;
    }
    sink_t *self = *self_p;
    sym_service_destroy(&self->service);
    sym_in_destroy(&self->in);
    free(self->inputs);
    sink_output_destroy(&self->out);
    sink_ledger_destroy(&self->ledger);
    free(self->latency);
    free(self->lag);
    sym_rec_destroy(&self->rec);
    sym_wire_decoder_destroy(&self->decoder);
    sym_statpub_destroy(&self->statpub);
    free(self);
    *self_p = NULL;
}

/* The open batch could not be written: its records are dropped and
 * counted; the next batch tries again. */
static void
s_batch_failed(sink_t *self)
{
    sink_output_abort(self->out);
    sink_ledger_failed(self->ledger);
    uint64_t dropped = self->pending;
    self->stats.values[SYM_CTR_DROP_WRITE] += dropped;
    self->pending = 0;
    self->pending_alarms = 0;
    self->batch_started_ms = -1;
    uint64_t repeats = 0;
    if (sym_log_limit_pass(&self->write_limit, &repeats)) {
        sym_log_error("output",
                      "write failed, batch dropped output=%s err=\"%s\" "
                      "records=%" PRIu64 " drop_write=%" PRIu64
                      " repeats=%" PRIu64,
                      sink_output_uri(self->out), sink_output_error(self->out),
                      dropped, self->stats.values[SYM_CTR_DROP_WRITE], repeats);
    }
}

/* Write the accounts into the open batch and commit it. Returns SYM_OK,
 * or SYM_EIO when the batch was dropped (counted and logged). */
static int
s_commit(sink_t *self)
{
    if (self->pending == 0 && !sink_ledger_has_changes(self->ledger)) {
        return SYM_OK;
    }
    int rc = sink_ledger_export(self->ledger, self->out);
    if (rc == SYM_OK) {
        rc = sink_output_commit(self->out);
    }
    if (rc != SYM_OK) {
        s_batch_failed(self);
        return SYM_EIO;
    }
    sink_ledger_committed(self->ledger);
    self->stats.values[SYM_CTR_STORED] += self->pending;
    self->stats.values[SYM_CTR_ALARMS] += self->pending_alarms;
    self->commits++;
    uint64_t repeats = 0;
    if (sym_log_enabled(SYM_LOG_DEBUG) &&
        sym_log_limit_pass(&self->commit_limit, &repeats)) {
        sym_log_debug("output",
                      "committed records=%" PRIu64 " alarms=%" PRIu64
                      " commits=%" PRIu64 " stored=%" PRIu64
                      " repeats=%" PRIu64,
                      self->pending, self->pending_alarms, self->commits,
                      self->stats.values[SYM_CTR_STORED], repeats);
    }
    self->pending = 0;
    self->pending_alarms = 0;
    self->batch_started_ms = -1;
    return SYM_OK;
}

/* --max-rate: wait until the next record may be stored, as a slow
 * database would make the sink wait. A stop cuts the wait short. */
static void
s_throttle(sink_t *self)
{
    if (self->cfg->max_rate <= 0.0) {
        return;
    }
    int64_t now_ns = sym_time_mono_ns();
    if (self->next_due_ns < now_ns) {
        self->next_due_ns = now_ns;
    }
    if (self->next_due_ns > now_ns && !sym_sig_stopping()) {
        sym_time_sleep_until(self->next_due_ns);
    }
    self->next_due_ns += (int64_t) (1e9 / self->cfg->max_rate);
}

static void
s_store(sink_t *self, const char *topic, const sym_rec_t *rec)
{
    s_throttle(self);
    sink_ledger_add_pending(self->ledger);
    self->pending++;
    self->pending_alarms += rec->kind == SYM_KIND_ALARM;
    if (sink_output_write(self->out, topic, rec) != SYM_OK) {
        s_batch_failed(self);
        return;
    }
    if (self->pending >= (uint64_t) self->cfg->batch) {
        s_commit(self);
    }
}

/* A record that opened (or filled) a gap in its stream: the loss showed
 * on the input it came by, so it happened on that edge or upstream of
 * it. With one input per stream that is exact; when several inputs carry
 * a stream, a gap is named on the input that noticed it. */
static void
s_note_gap(sink_t *self, int source, const sym_rec_t *rec)
{
    int64_t change = sink_ledger_gap_change(self->ledger);
    if (change == 0 || source < 0 ||
        (size_t) source >= sym_in_count(self->in)) {
        return;
    }
    s_input_t *input = &self->inputs[source];
    input->lost += change;
    uint64_t repeats = 0;
    if (change > 0 && sym_log_limit_pass(&input->limit, &repeats)) {
        sym_log_warn("input",
                     "records missing before this one, lost on the edge "
                     "into input=%s:%s or upstream of it unless they "
                     "arrive late stream=%.*s "
                     "epoch=%" PRIu64 " seq=%" PRIu64 " gap=%" PRId64
                     " lost_on_input=%" PRId64 " repeats=%" PRIu64,
                     input->kind, input->endpoint, (int) rec->stream.len,
                     rec->stream.ptr, rec->epoch, rec->seq, change, input->lost,
                     repeats);
    }
}

/* Account for one record and store it unless it is bookkeeping. */
static int
s_handle(sink_t *self, const sym_in_msg_t *msg, const sym_rec_t *rec)
{
    if (rec->kind == SYM_KIND_STATS) {
        return SYM_OK; /* node counters are for taps, not for storage */
    }
    int rc = sink_ledger_record(self->ledger, rec);
    if (rc == SYM_ENOMEM) {
        sym_log_error("node", "out of memory accounting streams, stopping");
        return rc;
    }
    s_note_gap(self, msg->source, rec);
    if (self->batch_started_ms < 0) {
        self->batch_started_ms = sym_time_mono_ms();
    }
    if (rc == SYM_EAGAIN) {
        self->stats.values[SYM_CTR_DUPLICATES]++;
        return SYM_OK;
    }
    if (rec->kind == SYM_KIND_EOS) {
        self->stats.values[SYM_CTR_EOS]++;
    } else if (rec->kind == SYM_KIND_REMOVED) {
        self->stats.values[SYM_CTR_REMOVED]++;
    } else {
        if (self->latency || self->lag) {
            int64_t lag_ns = sym_time_now_ns() - rec->event_ns;
            if (self->latency) {
                sink_latency_add(self->latency, lag_ns);
            }
            if (self->lag) {
                sink_latency_add(self->lag, lag_ns);
            }
        }
        s_store(self, msg->topic, rec);
    }
    return SYM_OK;
}

static void
s_decode_failed(sink_t *self, const sym_in_msg_t *msg, size_t records,
                const char *why)
{
    self->stats.values[SYM_CTR_DROP_DECODE]++;
    uint64_t repeats = 0;
    if (sym_log_limit_pass(&self->decode_limit, &repeats)) {
        sym_log_warn("input",
                     "dropped malformed payload err=\"%s\" peer=%s "
                     "topic=%s records_before=%zu drop_decode=%" PRIu64
                     " repeats=%" PRIu64,
                     why, msg->peer, msg->topic, records,
                     self->stats.values[SYM_CTR_DROP_DECODE], repeats);
    }
}

static int
s_on_message(void *arg, const sym_in_msg_t *msg)
{
    sink_t *self = arg;
    self->last_input_ms = sym_time_mono_ms();
    if (msg->payload_len == 0) {
        s_decode_failed(self, msg, 0, "empty payload");
        return SYM_OK;
    }
    size_t offset = 0;
    size_t records = 0;
    while (offset < msg->payload_len) {
        size_t used = 0;
        int rc = sym_wire_decode(self->decoder, msg->payload + offset,
                                 msg->payload_len - offset, self->rec, &used);
        if (rc != SYM_OK) {
            /* The rest of the payload cannot be trusted. */
            s_decode_failed(self, msg, records,
                            sym_wire_last_error(self->decoder));
            return SYM_OK;
        }
        offset += used;
        records++;
        self->stats.values[SYM_CTR_RECEIVED]++;
        rc = s_handle(self, msg, self->rec);
        if (rc != SYM_OK) {
            return rc;
        }
    }
    return SYM_OK;
}

static void
s_on_bad_message(void *arg, const sym_in_msg_t *msg)
{
    sink_t *self = arg;
    self->last_input_ms = sym_time_mono_ms();
    uint64_t repeats = 0;
    if (sym_log_limit_pass(&self->frames_limit, &repeats)) {
        sym_log_warn("input",
                     "dropped malformed message input=%d peer=%s "
                     "reason=\"%s\" drop_frames=%" PRIu64 " repeats=%" PRIu64,
                     msg->source, msg->peer, msg->error,
                     self->stats.values[SYM_CTR_DROP_FRAMES], repeats);
    }
}

static int
s_on_idle(void *arg)
{
    s_commit(arg);
    return SYM_OK;
}

static int
s_on_tick(void *arg)
{
    sink_t *self = arg;
    if (self->batch_started_ms >= 0 &&
        sym_time_mono_ms() - self->batch_started_ms >= self->cfg->flush_ms) {
        s_commit(self);
    }
    self->stats.values[SYM_CTR_GAPS] = sink_ledger_lost(self->ledger);
    sym_statpub_tick(self->statpub, &self->stats);
    sym_service_tick(self->service, self->pending);
    return SYM_OK;
}

/* Done once --exit-on-eos markers arrived and every stream that ended
 * is complete, or no input came for --eos-grace-ms: with several
 * workers upstream, records of a stream may trail its marker. */
static bool
s_is_done(void *arg)
{
    sink_t *self = arg;
    int64_t wanted = self->cfg->exit_on_eos;
    uint64_t eos = self->stats.values[SYM_CTR_EOS] + self->eos_before;
    if (wanted <= 0 || eos < (uint64_t) wanted) {
        return false;
    }
    if (sink_ledger_eos_complete(self->ledger)) {
        sym_log_info("node", "every ended stream is complete eos=%" PRIu64,
                     eos);
        return true;
    }
    int64_t quiet_ms = sym_time_mono_ms() - self->last_input_ms;
    if (quiet_ms < self->cfg->eos_grace_ms) {
        return false;
    }
    sym_log_info("node",
                 "no input for eos_grace_ms=%" PRId64 " after the last "
                 "end of stream, records missing lost=%" PRIu64,
                 self->cfg->eos_grace_ms, sink_ledger_lost(self->ledger));
    return true;
}

/* Append "name=v1,v2" for a list to buf, when it has values. */
static void
s_append_list(char *buf, size_t size, const char *name,
              const sym_strlist_t *list)
{
    for (size_t i = 0; i < list->count; i++) {
        size_t used = strlen(buf);
        snprintf(buf + used, size - used, "%s%s%s", i == 0 ? " " : ",",
                 i == 0 ? name : "", list->items[i]);
    }
}

static void
s_log_start(const sink_t *self)
{
    const sink_cfg_t *cfg = self->cfg;
    char inputs[1024] = "";
    s_append_list(inputs, sizeof inputs, "sub=", &cfg->sub);
    s_append_list(inputs, sizeof inputs, "topic=", &cfg->topic);
    s_append_list(inputs, sizeof inputs, "pull=", &cfg->pull);
    sym_log_info(
        "node",
        "started version=%s%s output=%s batch=%" PRId64 " flush_ms=%" PRId64
        " rcvhwm=%" PRId64 " exit_on_eos=%" PRId64 " eos_grace_ms=%" PRId64,
        SYM_VERSION, inputs, sink_output_uri(self->out), cfg->batch,
        cfg->flush_ms, cfg->rcvhwm, cfg->exit_on_eos, cfg->eos_grace_ms);
}

/* Percentiles in microseconds, so a run can be compared with others. */
static void
s_log_latency(const sink_latency_t *lat)
{
    sym_log_info("node",
                 "latency count=%" PRIu64 " p50_us=%.1f p99_us=%.1f"
                 " p999_us=%.1f max_us=%.1f negative=%" PRIu64,
                 lat->count, sink_latency_quantile(lat, 0.50) / 1e3,
                 sink_latency_quantile(lat, 0.99) / 1e3,
                 sink_latency_quantile(lat, 0.999) / 1e3, lat->max_ns / 1e3,
                 lat->negative);
}

static void
s_log_stop(sink_t *self, int rc)
{
    const uint64_t *v = self->stats.values;
    self->stats.values[SYM_CTR_GAPS] = sink_ledger_lost(self->ledger);
    sym_log_info("node",
                 "stopped status=%s received=%" PRIu64 " stored=%" PRIu64
                 " alarms=%" PRIu64 " removed=%" PRIu64 " lost=%" PRIu64
                 " duplicates=%" PRIu64 " eos=%" PRIu64 " drop_decode=%" PRIu64
                 " drop_frames=%" PRIu64 " drop_write=%" PRIu64,
                 sym_strerror(rc), v[SYM_CTR_RECEIVED], v[SYM_CTR_STORED],
                 v[SYM_CTR_ALARMS], v[SYM_CTR_REMOVED], v[SYM_CTR_GAPS],
                 v[SYM_CTR_DUPLICATES], v[SYM_CTR_EOS], v[SYM_CTR_DROP_DECODE],
                 v[SYM_CTR_DROP_FRAMES], v[SYM_CTR_DROP_WRITE]);
    for (size_t i = 0; self->inputs && i < sym_in_count(self->in); i++) {
        const s_input_t *input = &self->inputs[i];
        if (input->lost != 0) {
            sym_log_info("input",
                         "records lost on the edge into input=%s:%s or "
                         "upstream of it lost_on_input=%" PRId64,
                         input->kind, input->endpoint, input->lost);
        }
    }
}

int
sink_run(sink_t *self)
{
    assert(self);

    s_log_start(self);
    self->last_input_ms = sym_time_mono_ms();
    const sym_loop_ops_t ops = {
        .on_message = s_on_message,
        .on_bad_message = s_on_bad_message,
        .on_idle = s_on_idle,
        .on_tick = s_on_tick,
        .is_done = s_is_done,
    };
    int tick_ms = self->cfg->flush_ms < SINK_TICK_MS ? (int) self->cfg->flush_ms
                                                     : SINK_TICK_MS;
    sym_service_ready(self->service);
    int rc = sym_loop_run(self->in, &ops, self, tick_ms, &self->stop);
    sym_service_stopping(self->service);
    int commit_rc = s_commit(self);
    if (rc == SYM_OK) {
        rc = commit_rc;
    }
    if (self->latency) {
        s_log_latency(self->latency);
    }
    s_log_stop(self, rc);
    sym_statpub_publish(self->statpub, &self->stats);
    return rc;
}

void
sink_stop(sink_t *self)
{
    assert(self);
    self->stop = true;
}

const sym_stats_t *
sink_stats(const sink_t *self)
{
    return &self->stats;
}

uint64_t
sink_lost(const sink_t *self)
{
    return sink_ledger_lost(self->ledger);
}
