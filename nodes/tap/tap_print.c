/* tap_print.c: how the tap prints records, frames and its stats report.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "tap_print.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <czmq.h>

#include "sym_err.h"
#include "sym_json.h"
#include "sym_time.h"

#define TAP_HEX_WIDTH 16 /* bytes per line of a hex dump */

struct tap_report_t {
    zhashx_t *previous;          /* "stream/epoch" -> uint64_t total at the
                                    previous report */
    sym_track_stream_t **sorted; /* the accounts of one report */
    size_t sorted_cap;           /* slots in sorted */
    uint64_t malformed_prev;     /* malformed messages at the previous report */
    int64_t last_ms;             /* monotonic time of the previous report */
};

int
tap_print_json(FILE *out, const sym_rec_t *rec, const char *topic,
               bool is_pretty)
{
    char *text = sym_json_dump(rec, topic, is_pretty ? SYM_JSON_PRETTY : 0);
    if (text == NULL) {
        return SYM_ENOMEM;
    }
    fputs(text, out);
    fputc('\n', out);
    free(text);
    return SYM_OK;
}

/* One line of a hex dump: offset, up to 16 bytes in two groups of 8,
 * then the bytes as text with '.' for what is not printable. */
static void
s_hex_line(FILE *out, size_t offset, const unsigned char *bytes, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    char line[96];
    size_t pos = (size_t) snprintf(line, sizeof line, "%08zx  ", offset);
    for (size_t i = 0; i < TAP_HEX_WIDTH; i++) {
        line[pos++] = i < n ? digits[bytes[i] >> 4] : ' ';
        line[pos++] = i < n ? digits[bytes[i] & 0xf] : ' ';
        line[pos++] = ' ';
        if (i == TAP_HEX_WIDTH / 2 - 1) {
            line[pos++] = ' ';
        }
    }
    line[pos++] = ' ';
    line[pos++] = '|';
    for (size_t i = 0; i < n; i++) {
        line[pos++] =
            bytes[i] >= 0x20 && bytes[i] < 0x7f ? (char) bytes[i] : '.';
    }
    line[pos++] = '|';
    line[pos++] = '\n';
    fwrite(line, 1, pos, out);
}

void
tap_print_frame(FILE *out, const char *topic, int index, int frames,
                const void *data, size_t len)
{
    const unsigned char *bytes = data;
    fprintf(out, "topic=%s frame=%d/%d bytes=%zu\n", topic, index, frames, len);

    /* Like hexdump -C, a run of lines equal to the one before is shown
     * as a single '*', so a zero-filled buffer stays short. */
    bool is_folding = false;
    for (size_t offset = 0; offset < len; offset += TAP_HEX_WIDTH) {
        size_t n = len - offset < TAP_HEX_WIDTH ? len - offset : TAP_HEX_WIDTH;
        bool is_repeat = offset > 0 && n == TAP_HEX_WIDTH &&
                         memcmp(bytes + offset, bytes + offset - n, n) == 0;
        if (is_repeat) {
            if (!is_folding) {
                fputs("*\n", out);
            }
            is_folding = true;
            continue;
        }
        is_folding = false;
        s_hex_line(out, offset, bytes + offset, n);
    }
    if (len > 0) {
        fprintf(out, "%08zx\n", len);
    }
}

uint64_t
tap_malformed_count(const sym_stats_t *stats)
{
    return stats->values[SYM_CTR_DROP_FRAMES] +
           stats->values[SYM_CTR_DROP_DECODE] +
           stats->values[SYM_CTR_DROP_TOO_BIG];
}

static void
s_free_value(void **value_p)
{
    free(*value_p);
    *value_p = NULL;
}

tap_report_t *
tap_report_new(void)
{
    tap_report_t *self = calloc(1, sizeof *self);
    if (self == NULL) {
        return NULL;
    }
    self->previous = zhashx_new();
    if (self->previous == NULL) {
        free(self);
        return NULL;
    }
    zhashx_set_destructor(self->previous, s_free_value);
    self->last_ms = sym_time_mono_ms();
    return self;
}

void
tap_report_destroy(tap_report_t **self_p)
{
    if (self_p == NULL || *self_p == NULL) {
        return;
    }
    tap_report_t *self = *self_p;
    zhashx_destroy(&self->previous);
    free(self->sorted);
    free(self);
    *self_p = NULL;
}

/* Events per second, rounded, from a count over elapsed_ms. */
static uint64_t
s_per_second(uint64_t delta, int64_t elapsed_ms)
{
    if (elapsed_ms <= 0) {
        return delta;
    }
    uint64_t ms = (uint64_t) elapsed_ms;
    return (delta * 1000 + ms / 2) / ms;
}

/* The account's rate since the previous report; remembers total for the
 * next one. */
static int
s_account_rate(tap_report_t *self, const sym_track_stream_t *account,
               uint64_t total, int64_t elapsed_ms, uint64_t *rate)
{
    char key[300];
    snprintf(key, sizeof key, "%s/%" PRIu64, account->stream, account->epoch);
    uint64_t *previous = zhashx_lookup(self->previous, key);
    if (previous == NULL) {
        previous = calloc(1, sizeof *previous);
        if (previous == NULL) {
            return SYM_ENOMEM;
        }
        zhashx_insert(self->previous, key, previous);
    }
    *rate = s_per_second(total - *previous, elapsed_ms);
    *previous = total;
    return SYM_OK;
}

/* Print text as a key=value value: bare when it is plain, else quoted,
 * so a stream name with a space or a control byte cannot break a line. */
static void
s_put_value(FILE *out, const char *text)
{
    bool is_plain = *text != '\0';
    for (const char *p = text; *p && is_plain; p++) {
        unsigned char c = (unsigned char) *p;
        is_plain = c > 0x20 && c < 0x7f && c != '"' && c != '=' && c != '\\';
    }
    if (is_plain) {
        fputs(text, out);
        return;
    }
    fputc('"', out);
    for (const char *p = text; *p; p++) {
        unsigned char c = (unsigned char) *p;
        if (c == '"' || c == '\\') {
            fprintf(out, "\\%c", c);
        } else if (c < 0x20 || c == 0x7f) {
            fprintf(out, "\\x%02x", c);
        } else {
            fputc(c, out);
        }
    }
    fputc('"', out);
}

static int
s_compare_accounts(const void *a, const void *b)
{
    const sym_track_stream_t *left = *(sym_track_stream_t *const *) a;
    const sym_track_stream_t *right = *(sym_track_stream_t *const *) b;
    int rc = strcmp(left->stream, right->stream);
    if (rc != 0) {
        return rc;
    }
    return left->epoch < right->epoch ? -1 : left->epoch > right->epoch;
}

/* Collect the accounts of track into self->sorted, in print order. */
static int
s_sort_accounts(tap_report_t *self, sym_track_t *track, size_t *count)
{
    size_t size = sym_track_size(track);
    if (size > self->sorted_cap) {
        sym_track_stream_t **sorted =
            realloc(self->sorted, size * sizeof *sorted);
        if (sorted == NULL) {
            return SYM_ENOMEM;
        }
        self->sorted = sorted;
        self->sorted_cap = size;
    }
    size_t n = 0;
    for (sym_track_stream_t *account = sym_track_first(track);
         account && n < size; account = sym_track_next(track)) {
        self->sorted[n++] = account;
    }
    if (n > 1) {
        qsort(self->sorted, n, sizeof *self->sorted, s_compare_accounts);
    }
    *count = n;
    return SYM_OK;
}

static void
s_print_malformed(tap_report_t *self, const sym_stats_t *stats,
                  const char *stamp, int64_t elapsed_ms, FILE *out)
{
    uint64_t total = tap_malformed_count(stats);
    fprintf(out,
            "%s malformed rate=%" PRIu64 " total=%" PRIu64 " frames=%" PRIu64
            " decode=%" PRIu64 " too_big=%" PRIu64 "\n",
            stamp, s_per_second(total - self->malformed_prev, elapsed_ms),
            total, stats->values[SYM_CTR_DROP_FRAMES],
            stats->values[SYM_CTR_DROP_DECODE],
            stats->values[SYM_CTR_DROP_TOO_BIG]);
    self->malformed_prev = total;
}

int
tap_report_print(tap_report_t *self, sym_track_t *track,
                 const sym_stats_t *stats, FILE *out)
{
    int64_t now_ms = sym_time_mono_ms();
    int64_t elapsed_ms = now_ms - self->last_ms;
    self->last_ms = now_ms;
    char full[40];
    char stamp[24];
    sym_time_format(sym_time_now_ns(), full, sizeof full);
    snprintf(stamp, sizeof stamp, "%.19sZ", full);

    size_t count = 0;
    int rc = s_sort_accounts(self, track, &count);
    for (size_t i = 0; i < count && rc == SYM_OK; i++) {
        const sym_track_stream_t *account = self->sorted[i];
        uint64_t total =
            account->delivered + account->removed + account->duplicates;
        uint64_t rate = 0;
        rc = s_account_rate(self, account, total, elapsed_ms, &rate);
        if (rc != SYM_OK) {
            break;
        }
        fprintf(out, "%s stream=", stamp);
        s_put_value(out, account->stream);
        fprintf(out,
                " epoch=%" PRIu64 " rate=%" PRIu64 " total=%" PRIu64
                " lost=%" PRIu64 " duplicates=%" PRIu64 " last_seq=%" PRIu64
                "\n",
                account->epoch, rate, total, sym_track_lost(account),
                account->duplicates, account->highest);
    }
    if (rc == SYM_OK) {
        s_print_malformed(self, stats, stamp, elapsed_ms, out);
    }
    return rc;
}

/* Print one value of a stats record: numbers as they are, anything else
 * as a placeholder (stats fields are numbers). */
static void
s_put_stat(FILE *out, const sym_val_t *val)
{
    switch (val->type) {
    case SYM_VAL_INT:
        fprintf(out, "%" PRId64, val->as.i);
        break;
    case SYM_VAL_UINT:
        fprintf(out, "%" PRIu64, val->as.u);
        break;
    case SYM_VAL_FLOAT:
        fprintf(out, "%.1f", val->as.f);
        break;
    default:
        fputs("-", out);
        break;
    }
}

void
tap_print_node_stats(FILE *out, const sym_rec_t *rec)
{
    char full[40];
    sym_time_format(sym_time_now_ns(), full, sizeof full);
    fprintf(out, "%.19sZ node=%.*s epoch=%" PRIu64 " report=%" PRIu64, full,
            (int) rec->stream.len, rec->stream.ptr, rec->epoch, rec->seq);
    for (uint32_t i = 0; i < rec->field_count; i++) {
        const sym_field_t *field = &rec->fields[i];
        fprintf(out, " %.*s=", (int) field->name.len, field->name.ptr);
        s_put_stat(out, &field->val);
    }
    fputc('\n', out);
}
