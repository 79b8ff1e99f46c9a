/* tap_print.h: how the tap prints records, frames and its stats report.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#ifndef TAP_PRINT_H
#define TAP_PRINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "sym_rec.h"
#include "sym_stats.h"
#include "sym_track.h"

/* Print rec as one line of JSON (several lines when is_pretty), topic
 * included, then a newline. Returns SYM_OK or SYM_ENOMEM; a failed write
 * shows in ferror(out) and is found when the caller flushes. */
int tap_print_json(FILE *out, const sym_rec_t *rec, const char *topic,
                   bool is_pretty);

/* Print frame `index` (1-based) of `frames` of a message on topic: a
 * header line "topic=T frame=I/N bytes=B", then the bytes as
 * `hexdump -C` shows them (offset, 16 bytes in hex, the printable text;
 * repeated lines folded into '*'; the length on the last line). */
void tap_print_frame(FILE *out, const char *topic, int index, int frames,
                     const void *data, size_t len);

/* The state of --stats between two reports: what each account had
 * reached at the previous one, so the report can show a rate. */
typedef struct tap_report_t tap_report_t;

/* A report that starts counting now. NULL when out of memory. */
tap_report_t *tap_report_new(void);

/* Free the report and null the caller's pointer. Safe on NULL. */
void tap_report_destroy(tap_report_t **self_p);

/* Print one line per (stream, epoch) account of track, sorted by stream
 * and epoch:
 *   TIME stream=S epoch=E rate=R total=T lost=L duplicates=D last_seq=Q
 * where rate is records per second since the previous report and total
 * counts every record of the account the tap received; then one line for
 * malformed messages from the counters in stats:
 *   TIME malformed rate=R total=T frames=F decode=D too_big=B
 * Returns SYM_OK or SYM_ENOMEM. */
int tap_report_print(tap_report_t *self, sym_track_t *track,
                     const sym_stats_t *stats, FILE *out);

/* Print a node's stats record on one line:
 *   TIME node=NODE.NAME epoch=E report=Q FIELD=VALUE ...
 * with the fields in the order the node sent them. */
void tap_print_node_stats(FILE *out, const sym_rec_t *rec);

/* Messages dropped as malformed, from the drop counters in stats. */
uint64_t tap_malformed_count(const sym_stats_t *stats);

#endif
