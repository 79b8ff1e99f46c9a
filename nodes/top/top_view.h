/* top_view.h: how symphony-top shows its table: key=value lines, or a
 * table redrawn on a terminal.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#ifndef TOP_VIEW_H
#define TOP_VIEW_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "top_state.h"

/* One line per node (only those with is_changed set when only_changed),
 * of key=value pairs in a fixed order, for scripts and logs:
 *   ts node kind state epoch restarts seen_ms interval_ms uptime_s
 *   in/s out/s in out drops drop_<reason>... gaps duplicates
 *   missed_reports queue=pending/hwm lag_p50_ms lag_p99_ms
 * then per output <label>.sent .out/s .drops .queue .peers. Unknown
 * values are "-". now_ms is on the clock of the state's times. */
void top_view_plain(FILE *out, const top_state_t *state, int64_t now_ms,
                    bool only_changed);

/* Clear the terminal and draw the whole table, with colour. */
void top_view_table(FILE *out, const top_state_t *state, int64_t now_ms);

#endif
