/* sym_stats.c: a node's counters, by name.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "sym_stats.h"

#include <string.h>

#include "sym_err.h"

static const char *const s_names[SYM_CTR_COUNT] = {
    [SYM_CTR_READ] = "read",
    [SYM_CTR_RECEIVED] = "received",
    [SYM_CTR_SENT] = "sent",
    [SYM_CTR_MESSAGES_IN] = "messages_in",
    [SYM_CTR_MESSAGES_OUT] = "messages_out",
    [SYM_CTR_STORED] = "stored",
    [SYM_CTR_REMOVED] = "removed",
    [SYM_CTR_ALARMS] = "alarms",
    [SYM_CTR_DROP_FULL] = "drop_full",
    [SYM_CTR_DROP_NO_PEER] = "drop_no_peer",
    [SYM_CTR_DROP_DECODE] = "drop_decode",
    [SYM_CTR_DROP_FRAMES] = "drop_frames",
    [SYM_CTR_DROP_TOO_BIG] = "drop_too_big",
    [SYM_CTR_DROP_BAD_INPUT] = "drop_bad_input",
    [SYM_CTR_DROP_WRITE] = "drop_write",
    [SYM_CTR_GAPS] = "gaps",
    [SYM_CTR_DUPLICATES] = "duplicates",
    [SYM_CTR_EOS] = "eos",
};

const char *
sym_ctr_name(sym_ctr_t ctr)
{
    return ctr < SYM_CTR_COUNT ? s_names[ctr] : "unknown";
}

int
sym_stats_to_rec(const sym_stats_t *stats, sym_rec_t *rec)
{
    for (int i = 0; i < SYM_CTR_COUNT; i++) {
        if (stats->values[i] == 0) {
            continue;
        }
        sym_val_t val = {.type = SYM_VAL_INT,
                         .as.i = (int64_t) stats->values[i]};
        if (sym_rec_set(rec, s_names[i], strlen(s_names[i]), val) != 0) {
            return SYM_ETOOBIG;
        }
    }
    return SYM_OK;
}

uint64_t
sym_stats_dropped(const sym_stats_t *stats)
{
    uint64_t total = 0;
    for (int i = SYM_CTR_DROP_FULL; i <= SYM_CTR_DROP_WRITE; i++) {
        total += stats->values[i];
    }
    return total;
}
