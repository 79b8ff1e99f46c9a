/* ingest_pace.c: when to send a replayed record, from its event time.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "ingest_pace.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sym_err.h"

int
ingest_pace_parse_speed(const char *text, double *speed)
{
    if (strcmp(text, "max") == 0) {
        *speed = 0.0;
        return SYM_OK;
    }
    char *end = NULL;
    errno = 0;
    double value = strtod(text, &end);
    if (errno != 0 || end == text || *end != '\0' || !isfinite(value) ||
        value <= 0.0) {
        return SYM_EINVAL;
    }
    *speed = value;
    return SYM_OK;
}

void
ingest_pace_init(ingest_pace_t *self, double speed, int64_t max_wait_ns)
{
    assert(speed >= 0.0);
    *self = (ingest_pace_t){.speed = speed, .max_wait_ns = max_wait_ns};
}

static int64_t
s_anchor(ingest_pace_t *self, int64_t event_ns, int64_t due_ns)
{
    self->is_anchored = true;
    self->anchor_event_ns = event_ns;
    self->anchor_mono_ns = due_ns;
    self->last_event_ns = event_ns;
    return due_ns;
}

int64_t
ingest_pace_deadline(ingest_pace_t *self, int64_t event_ns, int64_t now_ns,
                     ingest_pace_note_t *note)
{
    *note = INGEST_PACE_ON_TIME;
    if (self->speed == 0.0) {
        return now_ns;
    }
    if (!self->is_anchored || event_ns < self->last_event_ns) {
        *note = INGEST_PACE_ANCHORED;
        return s_anchor(self, event_ns, now_ns);
    }

    /* Whole nanoseconds at speed 1, so a long replay stays exact. */
    int64_t distance_ns = 0;
    if (__builtin_sub_overflow(event_ns, self->anchor_event_ns, &distance_ns)) {
        distance_ns = INT64_MAX / 4;
    }
    int64_t scaled_ns = distance_ns;
    if (self->speed != 1.0) {
        /* A slow speed over a long gap can leave int64 range; the cap
         * below cuts such a wait anyway. */
        double scaled = (double) distance_ns / self->speed;
        scaled_ns = scaled < (double) (INT64_MAX / 4) ? (int64_t) scaled
                                                      : INT64_MAX / 4;
    }
    if (scaled_ns > INT64_MAX / 4) {
        scaled_ns = INT64_MAX / 4;
    }
    int64_t deadline_ns = self->anchor_mono_ns + scaled_ns;
    self->last_event_ns = event_ns;
    if (deadline_ns - now_ns > self->max_wait_ns) {
        *note = INGEST_PACE_CAPPED;
        return s_anchor(self, event_ns, now_ns + self->max_wait_ns);
    }
    return deadline_ns;
}
