/* tap.c: the debug subscriber, which prints what flows on PUB endpoints.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "tap.h"

#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>

#include <czmq.h>

#include "sym_err.h"
#include "sym_in.h"
#include "sym_log.h"
#include "sym_loop.h"
#include "sym_service.h"
#include "sym_rec.h"
#include "sym_sig.h"
#include "sym_sock.h"
#include "sym_statpub.h"
#include "sym_time.h"
#include "sym_track.h"
#include "sym_wire.h"
#include "tap_print.h"

/* At most one malformed-message warning per this many ms. */
#define TAP_WARN_MS 1000

typedef enum {
    TAP_MODE_JSON = 0, /* one JSON line per record */
    TAP_MODE_RAW,      /* a hex dump of both frames of each message */
    TAP_MODE_STATS,    /* a per-stream report each second */
} tap_mode_t;

struct tap_t {
    FILE *out;                   /* where records are printed */
    tap_mode_t mode;             /* what is printed */
    bool is_pretty;              /* indented JSON */
    unsigned kinds;              /* bit (1 << kind) set: print that kind */
    uint64_t count;              /* stop after this many printed, 0: never */
    uint64_t printed;            /* records, messages or reports printed */
    volatile bool stop;          /* set by tap_stop */
    bool is_out_closed;          /* the reader of out went away */
    sym_stats_t stats;           /* counters, also fed by the input */
    sym_in_t *in;                /* one SUB per --connect value */
    sym_service_t *service;      /* systemd, metrics and health */
    sym_strlist_t sources;       /* the --connect values, for warnings */
    sym_wire_decoder_t *decoder; /* reused for every record */
    sym_rec_t *rec;              /* the record being printed */
    sym_track_t *track;          /* --stats: per-stream accounts */
    tap_report_t *report;        /* --stats: rates between reports */
    sym_log_limit_t warn_limit;  /* malformed-message warnings */
    sym_statpub_t *statpub;      /* the tap's own stats, or NULL */
    sym_auth_t auth;             /* keys and allow-lists loaded */
    sym_wire_limits_t limits;    /* what a record may hold */
};

/* Parse a comma list of kind names into a bit set. */
static int
s_parse_kinds(const char *text, unsigned *kinds, char *err, size_t err_size)
{
    char *copy = strdup(text);
    if (copy == NULL) {
        snprintf(err, err_size, "out of memory");
        return SYM_ENOMEM;
    }
    int rc = SYM_OK;
    *kinds = 0;
    char *save = NULL;
    for (char *name = strtok_r(copy, ",", &save); name && rc == SYM_OK;
         name = strtok_r(NULL, ",", &save)) {
        sym_kind_t kind = SYM_KIND_DATA;
        if (sym_kind_parse(name, &kind) != SYM_OK) {
            snprintf(err, err_size,
                     "option '--kinds': unknown kind '%s' (expected a "
                     "comma list of " TAP_KINDS_ALL ")",
                     name);
            rc = SYM_EINVAL;
        } else {
            *kinds |= 1u << kind;
        }
    }
    free(copy);
    if (rc == SYM_OK && *kinds == 0) {
        snprintf(err, err_size, "option '--kinds': no kind given");
        rc = SYM_EINVAL;
    }
    return rc;
}

/* Options that only make sense for JSON output. */
static int
s_check_modes(const tap_cfg_t *cfg, unsigned kinds, char *err, size_t err_size)
{
    const char *mode = cfg->is_raw ? "--raw" : "--stats";
    if (cfg->is_raw && cfg->is_stats) {
        snprintf(err, err_size, "option '--raw' cannot be used with '--stats'");
        return SYM_EINVAL;
    }
    if ((cfg->is_raw || cfg->is_stats) && cfg->is_pretty) {
        snprintf(err, err_size, "option '--pretty' cannot be used with '%s'",
                 mode);
        return SYM_EINVAL;
    }
    unsigned all = (1u << SYM_KIND_COUNT) - 1;
    if ((cfg->is_raw || cfg->is_stats) && kinds != all) {
        snprintf(err, err_size, "option '--kinds' cannot be used with '%s'",
                 mode);
        return SYM_EINVAL;
    }
    return SYM_OK;
}

static int
s_check_cfg(const tap_cfg_t *cfg, unsigned *kinds, char *err, size_t err_size)
{
    if (cfg->connect.count == 0) {
        snprintf(err, err_size, "option '--connect' is required");
        return SYM_EINVAL;
    }
    if (cfg->count < 0) {
        snprintf(err, err_size,
                 "option '--count': expected 0 or more, got %" PRId64,
                 cfg->count);
        return SYM_EINVAL;
    }
    if (cfg->rcvhwm < 1 || cfg->rcvhwm > INT_MAX) {
        snprintf(err, err_size,
                 "option '--rcvhwm': expected 1 to %d, got %" PRId64, INT_MAX,
                 cfg->rcvhwm);
        return SYM_EINVAL;
    }
    for (size_t i = 0; i < cfg->topic.count; i++) {
        const char *prefix = cfg->topic.items[i];
        if (*prefix != '\0' &&
            sym_wire_check_topic(prefix, strlen(prefix)) != SYM_OK) {
            snprintf(err, err_size,
                     "option '--topic': '%s' is not a topic prefix "
                     "(printable, no spaces)",
                     prefix);
            return SYM_EINVAL;
        }
    }
    int rc = s_parse_kinds(cfg->kinds ? cfg->kinds : TAP_KINDS_ALL, kinds, err,
                           err_size);
    return rc == SYM_OK ? s_check_modes(cfg, *kinds, err, err_size) : rc;
}

/* Open one SUB input per --connect value. */
static int
s_connect(tap_t *self, const tap_cfg_t *cfg, char *err, size_t err_size)
{
    sym_sock_policy_t policy;
    sym_sock_policy_default(&policy);
    policy.rcvhwm = (int) cfg->rcvhwm;
    policy.auth = &self->auth;
    sym_sock_apply_limits(&cfg->auth, &policy, &self->limits);
    for (size_t i = 0; i < cfg->connect.count; i++) {
        const char *endpoints = cfg->connect.items[i];
        char reason[256] = "";
        int rc = sym_in_add(self->in, ZMQ_SUB, endpoints, &cfg->topic, &policy,
                            reason, sizeof reason);
        if (rc == SYM_OK) {
            rc = sym_service_watch(self->service, sym_in_sock(self->in, i),
                                   "sub", endpoints, false);
        }
        if (rc == SYM_OK) {
            rc = sym_strlist_append(&self->sources, endpoints);
        }
        if (rc != SYM_OK) {
            snprintf(err, err_size, "option '--connect': %s",
                     *reason ? reason : sym_strerror(rc));
            return rc;
        }
    }
    return SYM_OK;
}

/* Values of a list joined by commas, for the start line. */
static void
s_join(const sym_strlist_t *list, const char *none, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < list->count && used < size; i++) {
        int n = snprintf(buf + used, size - used, "%s%s", i ? "," : "",
                         list->items[i]);
        used += n > 0 ? (size_t) n : 0;
    }
    if (list->count == 0) {
        snprintf(buf, size, "%s", none);
    }
}

static void
s_log_start(const tap_t *self, const tap_cfg_t *cfg)
{
    static const char *const mode_names[] = {"json", "raw", "stats"};
    char connect[512];
    char topics[512];
    s_join(&cfg->connect, "", connect, sizeof connect);
    s_join(&cfg->topic, "(all)", topics, sizeof topics);
    sym_log_info("node",
                 "started version=%s connect=%s topics=%s mode=%s%s "
                 "count=%" PRIu64 " rcvhwm=%" PRId64 " kinds=%s",
                 SYM_VERSION, connect, topics, mode_names[self->mode],
                 self->is_pretty ? " pretty=true" : "", self->count,
                 cfg->rcvhwm, cfg->kinds ? cfg->kinds : TAP_KINDS_ALL);
}

/* Allocate what the tap uses on every message. */
static int
s_alloc(tap_t *self)
{
    self->in = sym_in_new(&self->stats);
    self->decoder = sym_wire_decoder_new(&self->limits);
    self->rec = sym_rec_new();
    if (self->mode == TAP_MODE_STATS) {
        /* A tap joins late: what was sent before it came is not lost. */
        self->track = sym_track_new(false);
        self->report = tap_report_new();
    }
    bool has_stats =
        self->mode != TAP_MODE_STATS || (self->track && self->report);
    return self->in && self->decoder && self->rec && has_stats ? SYM_OK
                                                               : SYM_ENOMEM;
}

tap_t *
tap_new(const tap_cfg_t *cfg, FILE *out, int *rc, char *err, size_t err_size)
{
    assert(cfg);
    assert(out);
    assert(rc);

    unsigned kinds = 0;
    *rc = s_check_cfg(cfg, &kinds, err, err_size);
    if (*rc != SYM_OK) {
        return NULL;
    }
    tap_t *self = calloc(1, sizeof *self);
    if (self == NULL) {
        *rc = SYM_ENOMEM;
        snprintf(err, err_size, "out of memory");
        return NULL;
    }
    self->out = out;
    self->mode = cfg->is_raw     ? TAP_MODE_RAW
                 : cfg->is_stats ? TAP_MODE_STATS
                                 : TAP_MODE_JSON;
    self->is_pretty = cfg->is_pretty;
    self->kinds = kinds;
    self->count = (uint64_t) cfg->count;
    self->warn_limit.interval_ms = TAP_WARN_MS;

    *rc = sym_auth_load(&cfg->auth, &self->auth, err, err_size);
    if (*rc != SYM_OK) {
        goto fail;
    }
    sym_sock_policy_t unused;
    sym_sock_apply_limits(&cfg->auth, &unused, &self->limits);
    *rc = s_alloc(self);
    if (*rc != SYM_OK) {
        snprintf(err, err_size, "out of memory");
        goto fail;
    }
    self->service =
        sym_service_new("tap", &cfg->common, &self->stats, rc, err, err_size);
    if (self->service == NULL) {
        goto fail;
    }
    *rc = s_connect(self, cfg, err, err_size);
    if (*rc == SYM_OK) {
        self->statpub =
            sym_statpub_new(&cfg->common, "tap", (uint64_t) sym_time_now_ns(),
                            rc, err, err_size);
    }
    if (*rc != SYM_OK) {
        goto fail;
    }
    s_log_start(self, cfg);
    return self;

fail:
    tap_destroy(&self);
    return NULL;
}

void
tap_destroy(tap_t **self_p)
{
    if (self_p == NULL || *self_p == NULL) {
        return;
    }
    tap_t *self = *self_p;
    sym_service_destroy(&self->service);
    sym_in_destroy(&self->in);
    sym_strlist_clear(&self->sources);
    sym_wire_decoder_destroy(&self->decoder);
    sym_rec_destroy(&self->rec);
    sym_track_destroy(&self->track);
    tap_report_destroy(&self->report);
    sym_statpub_destroy(&self->statpub);
    free(self);
    *self_p = NULL;
}

static bool
s_is_done(void *arg)
{
    tap_t *self = arg;
    return self->count > 0 && self->printed >= self->count;
}

/* Push what is printed to the reader. A reader that went away (`| head`)
 * is an orderly stop; any other write failure is an error. */
static int
s_flush(tap_t *self)
{
    while (fflush(self->out) != 0 || ferror(self->out)) {
        int error = errno;
        clearerr(self->out);
        bool is_stopping = sym_sig_stopping() || self->stop;
        if (error == EINTR && !is_stopping) {
            continue;
        }
        /* What is left cannot reach the reader, or would hold up a stop
         * asked for while the reader is not reading: drop it, so that
         * the flush at exit does not block either. */
        __fpurge(self->out);
        if (error == EINTR) {
            return SYM_ECLOSED;
        }
        if (error == EPIPE) {
            self->is_out_closed = true;
            return SYM_ECLOSED;
        }
        sym_log_error("output", "write failed err=\"%s\"", strerror(error));
        return SYM_EIO;
    }
    return SYM_OK;
}

/* Warn about a dropped message, at most once a second. */
static void
s_warn_malformed(tap_t *self, int source, const char *topic, const char *reason)
{
    uint64_t repeats = 0;
    if (!sym_log_limit_pass(&self->warn_limit, &repeats)) {
        return;
    }
    const char *from = source >= 0 && (size_t) source < self->sources.count
                           ? self->sources.items[source]
                           : "?";
    sym_log_warn("input",
                 "dropped malformed message reason=\"%s\" topic=%s "
                 "source=%s repeats=%" PRIu64,
                 reason, topic ? topic : "-", from, repeats);
}

static void
s_on_bad_message(void *arg, const sym_in_msg_t *msg)
{
    /* sym_in counted it under drop_frames already. */
    s_warn_malformed(arg, msg->source, NULL, msg->error);
}

/* Print or account one decoded record. */
static int
s_on_record(tap_t *self, const char *topic)
{
    sym_rec_t *rec = self->rec;
    self->stats.values[SYM_CTR_RECEIVED]++;
    if (rec->kind == SYM_KIND_EOS) {
        self->stats.values[SYM_CTR_EOS]++;
    }
    if (self->mode == TAP_MODE_STATS && rec->kind == SYM_KIND_STATS) {
        /* A node's stats line goes out as it arrives, not at the next
         * tick: whoever watches a node sees it at its own --stats-ms. */
        tap_print_node_stats(self->out, rec);
        return s_flush(self);
    }
    if (self->mode == TAP_MODE_STATS) {
        int rc = sym_track_record(self->track, rec, NULL);
        if (rc == SYM_EAGAIN) {
            self->stats.values[SYM_CTR_DUPLICATES]++;
            rc = SYM_OK;
        }
        return rc;
    }
    if ((self->kinds & (1u << rec->kind)) == 0) {
        return SYM_OK;
    }
    int rc = tap_print_json(self->out, rec, topic, self->is_pretty);
    if (rc == SYM_OK) {
        self->printed++;
    }
    return rc;
}

/* Step through the records of a batch. A record that does not decode
 * drops the rest of the payload: its end cannot be trusted. */
static int
s_on_records(tap_t *self, const sym_in_msg_t *msg)
{
    const char *data = msg->payload;
    size_t left = msg->payload_len;
    if (left == 0) {
        self->stats.values[SYM_CTR_DROP_DECODE]++;
        s_warn_malformed(self, msg->source, msg->topic, "empty payload");
        return SYM_OK;
    }
    while (left > 0 && !s_is_done(self)) {
        size_t used = 0;
        int rc = sym_wire_decode(self->decoder, data, left, self->rec, &used);
        if (rc != SYM_OK) {
            sym_ctr_t ctr =
                rc == SYM_ETOOBIG ? SYM_CTR_DROP_TOO_BIG : SYM_CTR_DROP_DECODE;
            self->stats.values[ctr]++;
            s_warn_malformed(self, msg->source, msg->topic,
                             sym_wire_last_error(self->decoder));
            return SYM_OK;
        }
        rc = s_on_record(self, msg->topic);
        if (rc != SYM_OK) {
            return rc;
        }
        data += used;
        left -= used;
    }
    return SYM_OK;
}

static int
s_on_message(void *arg, const sym_in_msg_t *msg)
{
    tap_t *self = arg;
    if (self->mode == TAP_MODE_STATS) {
        return s_on_records(self, msg);
    }
    if (self->mode == TAP_MODE_RAW) {
        tap_print_frame(self->out, msg->topic, 1, 2, msg->topic,
                        msg->topic_len);
        tap_print_frame(self->out, msg->topic, 2, 2, msg->payload,
                        msg->payload_len);
        self->printed++;
        return s_flush(self);
    }
    int rc = s_on_records(self, msg);
    return rc == SYM_OK ? s_flush(self) : rc;
}

static int
s_on_tick(void *arg)
{
    tap_t *self = arg;
    sym_statpub_tick(self->statpub, &self->stats);
    sym_service_tick(self->service, 0);
    if (self->mode != TAP_MODE_STATS) {
        return SYM_OK;
    }
    int rc =
        tap_report_print(self->report, self->track, &self->stats, self->out);
    if (rc == SYM_OK) {
        rc = s_flush(self);
    }
    if (rc == SYM_OK) {
        self->printed++;
    }
    return rc;
}

static void
s_log_stop(tap_t *self)
{
    const char *why = self->is_out_closed  ? "output closed"
                      : s_is_done(self)    ? "count reached"
                      : sym_sig_stopping() ? "signal"
                                           : "stop requested";
    uint64_t lost = self->track ? sym_track_lost_total(self->track) : 0;
    const uint64_t *values = self->stats.values;
    sym_log_info("node",
                 "stopped reason=\"%s\" messages=%" PRIu64 " records=%" PRIu64
                 " printed=%" PRIu64 " malformed=%" PRIu64 " lost=%" PRIu64
                 " duplicates=%" PRIu64,
                 why, values[SYM_CTR_MESSAGES_IN], values[SYM_CTR_RECEIVED],
                 self->printed, tap_malformed_count(&self->stats), lost,
                 values[SYM_CTR_DUPLICATES]);
}

int
tap_run(tap_t *self)
{
    assert(self);

    const sym_loop_ops_t ops = {
        .on_message = s_on_message,
        .on_bad_message = s_on_bad_message,
        .on_tick = s_on_tick,
        .is_done = s_is_done,
    };
    sym_service_ready(self->service);
    int rc = sym_loop_run(self->in, &ops, self, TAP_STATS_MS, &self->stop);
    sym_service_stopping(self->service);
    /* The loop passes SYM_ECLOSED from on_tick through as it is; it
     * still means an orderly stop. */
    if (rc == SYM_ECLOSED) {
        rc = SYM_OK;
    }
    s_log_stop(self);
    return rc;
}

void
tap_stop(tap_t *self)
{
    assert(self);
    self->stop = true;
}

bool
tap_output_closed(const tap_t *self)
{
    return self->is_out_closed;
}

uint64_t
tap_printed(const tap_t *self)
{
    return self->printed;
}

uint64_t
tap_malformed(const tap_t *self)
{
    return tap_malformed_count(&self->stats);
}

const sym_stats_t *
tap_stats(const tap_t *self)
{
    return &self->stats;
}
