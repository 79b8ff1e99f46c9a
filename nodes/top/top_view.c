/* top_view.c: how symphony-top shows its table: key=value lines, or a
 * table redrawn on a terminal.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "top_view.h"

#include <inttypes.h>

#include "sym_time.h"

#define S_CLEAR "\033[H\033[2J"
#define S_RED "\033[1;31m"
#define S_GREEN "\033[32m"
#define S_DIM "\033[2m"
#define S_BOLD "\033[1m"
#define S_RESET "\033[0m"

/* The output nearest to its high-water mark, or NULL without outputs. */
static const top_out_t *
s_fullest(const top_node_t *node)
{
    const top_out_t *fullest = NULL;
    double fill = -1.0;
    for (size_t i = 0; i < node->out_count; i++) {
        const top_out_t *out = &node->outs[i];
        double this_fill =
            out->hwm > 0 ? (double) out->pending / (double) out->hwm : 0.0;
        if (this_fill > fill) {
            fill = this_fill;
            fullest = out;
        }
    }
    return fullest;
}

static void
s_plain_lag(FILE *out, const char *key, bool is_known, double ms)
{
    if (is_known) {
        fprintf(out, " %s=%.3f", key, ms);
    } else {
        fprintf(out, " %s=-", key);
    }
}

static void
s_plain_outs(FILE *out, const top_node_t *node)
{
    for (size_t i = 0; i < node->out_count; i++) {
        const top_out_t *o = &node->outs[i];
        fprintf(out, " %s.sent=%" PRId64, o->label, o->sent);
        if (o->has_rate) {
            fprintf(out, " %s.out/s=%.1f", o->label, o->rate);
        } else {
            fprintf(out, " %s.out/s=-", o->label);
        }
        fprintf(out,
                " %s.drops=%" PRId64 " %s.queue=%" PRId64 "/%" PRId64
                " %s.peers=%" PRId64,
                o->label, o->drop_full + o->drop_no_peer, o->label, o->pending,
                o->hwm, o->label, o->peers);
    }
}

static void
s_plain_counters(FILE *out, const top_node_t *node)
{
    const int64_t *c = node->counters;
    fprintf(
        out,
        " in/s=%.1f out/s=%.1f in=%" PRId64 " out=%" PRId64 " drops=%" PRId64,
        node->rate_in, node->rate_out, c[SYM_CTR_READ] + c[SYM_CTR_RECEIVED],
        c[SYM_CTR_SENT] + c[SYM_CTR_STORED], top_node_drops(node));
    for (int i = SYM_CTR_DROP_FULL; i <= SYM_CTR_DROP_WRITE; i++) {
        fprintf(out, " %s=%" PRId64, sym_ctr_name((sym_ctr_t) i), c[i]);
    }
    fprintf(out,
            " gaps=%" PRId64 " duplicates=%" PRId64 " missed_reports=%" PRIu64,
            c[SYM_CTR_GAPS], c[SYM_CTR_DUPLICATES], node->missed);
    const top_out_t *fullest = s_fullest(node);
    if (fullest) {
        fprintf(out, " queue=%" PRId64 "/%" PRId64, fullest->pending,
                fullest->hwm);
    } else {
        fprintf(out, " queue=-");
    }
    s_plain_lag(out, "lag_p50_ms", node->has_lag, node->lag_p50_ms);
    s_plain_lag(out, "lag_p99_ms", node->has_lag, node->lag_p99_ms);
}

static void
s_plain_line(FILE *out, const top_node_t *node, const char *stamp,
             int64_t now_ms)
{
    fprintf(out,
            "ts=%s node=%s kind=%s state=%s epoch=%" PRIu64
            " restarts=%" PRIu64,
            stamp, node->name, node->kind, top_health_name(node->health),
            node->epoch, node->restarts);
    if (node->is_seen) {
        fprintf(out,
                " seen_ms=%" PRId64 " interval_ms=%" PRId64 " uptime_s=%.1f",
                now_ms - node->heard_ms, node->interval_ms,
                (double) node->uptime_ms / 1000.0);
    } else {
        fprintf(out, " seen_ms=- interval_ms=- uptime_s=-");
    }
    s_plain_counters(out, node);
    s_plain_outs(out, node);
    fputc('\n', out);
}

/* Now as 2026-12-03T16:15:02.311Z. */
static void
s_stamp(char *buf, size_t size)
{
    char full[40];
    sym_time_format(sym_time_now_ns(), full, sizeof full);
    snprintf(buf, size, "%.23sZ", full);
}

void
top_view_plain(FILE *out, const top_state_t *state, int64_t now_ms,
               bool only_changed)
{
    char stamp[32];
    s_stamp(stamp, sizeof stamp);
    for (size_t i = 0; i < top_state_count(state); i++) {
        const top_node_t *node = top_state_node(state, i);
        if (!only_changed || node->is_changed) {
            s_plain_line(out, node, stamp, now_ms);
        }
    }
}

/* A rate or count in at most 6 characters: 950, 12.3k, 4.1M. */
static void
s_human(double value, char *buf, size_t size)
{
    if (value < 10000.0) {
        snprintf(buf, size, "%.0f", value);
    } else if (value < 1e6) {
        snprintf(buf, size, "%.1fk", value / 1e3);
    } else if (value < 1e9) {
        snprintf(buf, size, "%.1fM", value / 1e6);
    } else {
        snprintf(buf, size, "%.1fG", value / 1e9);
    }
}

/* A duration in ms in at most 7 characters: 850us, 12.3ms, 4.2s, 3d. */
static void
s_duration(bool is_known, double ms, char *buf, size_t size)
{
    if (!is_known) {
        snprintf(buf, size, "-");
    } else if (ms < 1.0) {
        snprintf(buf, size, "%.0fus", ms * 1e3);
    } else if (ms < 1000.0) {
        snprintf(buf, size, "%.1fms", ms);
    } else if (ms < 120e3) {
        snprintf(buf, size, "%.1fs", ms / 1e3);
    } else if (ms < 7200e3) {
        snprintf(buf, size, "%.0fm", ms / 60e3);
    } else if (ms < 172800e3) {
        snprintf(buf, size, "%.0fh", ms / 3600e3);
    } else {
        snprintf(buf, size, "%.0fd", ms / 86400e3);
    }
}

static const char *
s_health_colour(top_health_t health)
{
    switch (health) {
    case TOP_UP:
        return S_GREEN;
    case TOP_STOPPED:
        return S_DIM;
    default:
        return S_RED;
    }
}

/* The run's start time, which the epoch is, as HH:MM:SS. */
static void
s_started(const top_node_t *node, char *buf, size_t size)
{
    char full[40];
    if (!node->is_seen) {
        snprintf(buf, size, "-");
        return;
    }
    sym_time_format((int64_t) node->epoch, full, sizeof full);
    snprintf(buf, size, "%.8s", full + 11);
}

static void
s_table_outs(FILE *out, const top_node_t *node)
{
    for (size_t i = 0; i < node->out_count; i++) {
        const top_out_t *o = &node->outs[i];
        char sent[16];
        char rate[16] = "-";
        s_human((double) o->sent, sent, sizeof sent);
        if (o->has_rate) {
            s_human(o->rate, rate, sizeof rate);
        }
        fprintf(out,
                S_DIM "  %-12s" S_RESET " sent %-7s %7s/s  drops full %" PRId64
                      " no_peer %" PRId64 "  queue %" PRId64 "/%" PRId64
                      "  peers %" PRId64 "\n",
                o->label, sent, rate, o->drop_full, o->drop_no_peer, o->pending,
                o->hwm, o->peers);
    }
}

static void
s_table_row(FILE *out, const top_node_t *node, int64_t now_ms)
{
    char in[16], rate_out[16], drops[16], gaps[16], queue[24];
    char p50[16], p99[16], started[16], seen[16];
    s_human(node->rate_in, in, sizeof in);
    s_human(node->rate_out, rate_out, sizeof rate_out);
    s_human((double) top_node_drops(node), drops, sizeof drops);
    s_human((double) node->counters[SYM_CTR_GAPS], gaps, sizeof gaps);
    const top_out_t *fullest = s_fullest(node);
    snprintf(queue, sizeof queue, "-");
    if (fullest) {
        snprintf(queue, sizeof queue, "%" PRId64 "/%" PRId64, fullest->pending,
                 fullest->hwm);
    }
    s_duration(node->has_lag, node->lag_p50_ms, p50, sizeof p50);
    s_duration(node->has_lag, node->lag_p99_ms, p99, sizeof p99);
    s_duration(node->is_seen, (double) (now_ms - node->heard_ms), seen,
               sizeof seen);
    s_started(node, started, sizeof started);
    fprintf(out,
            "%-14.14s %-9.9s %s%-7s" S_RESET " %-8s %3" PRIu64
            " %7s %7s %6s %6s %11s %7s %7s %7s\n",
            node->name, node->kind, s_health_colour(node->health),
            top_health_name(node->health), started, node->restarts, in,
            rate_out, drops, gaps, queue, p50, p99, seen);
    s_table_outs(out, node);
}

void
top_view_table(FILE *out, const top_state_t *state, int64_t now_ms)
{
    size_t counts[3] = {0, 0, 0};
    for (size_t i = 0; i < top_state_count(state); i++) {
        counts[top_state_node(state, i)->health]++;
    }
    char stamp[32];
    s_stamp(stamp, sizeof stamp);
    fprintf(out,
            S_CLEAR S_BOLD "symphony-top" S_RESET "  %.19sZ  %zu nodes: %zu "
                           "up, %zu down, %zu stopped   (Ctrl-C quits)\n\n",
            stamp, top_state_count(state), counts[TOP_UP], counts[TOP_DOWN],
            counts[TOP_STOPPED]);
    fprintf(out,
            S_BOLD "%-14s %-9s %-7s %-8s %3s %7s %7s %6s %6s %11s %7s %7s "
                   "%7s" S_RESET "\n",
            "NODE", "KIND", "STATE", "STARTED", "RST", "IN/S", "OUT/S", "DROPS",
            "GAPS", "QUEUE", "LAG50", "LAG99", "SEEN");
    for (size_t i = 0; i < top_state_count(state); i++) {
        s_table_row(out, top_state_node(state, i), now_ms);
    }
}
