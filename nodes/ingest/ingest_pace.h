/* ingest_pace.h: when to send a replayed record, from its event time.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#ifndef INGEST_PACE_H
#define INGEST_PACE_H

#include <stdbool.h>
#include <stdint.h>

/* Replay keeps the gaps between event times, divided by the speed. The
 * first record anchors event time to the monotonic clock; every deadline
 * after it is absolute (anchor + scaled distance), so rounding and the
 * time spent sending do not add up over a long replay. */
typedef struct {
    double speed;            /* 1: original timing, N: N times faster,
                                0: no waiting at all */
    int64_t max_wait_ns;     /* longest single wait */
    bool is_anchored;        /* false until the first record */
    int64_t anchor_event_ns; /* event time of the anchor record */
    int64_t anchor_mono_ns;  /* monotonic time it was due */
    int64_t last_event_ns;   /* event time of the previous record */
} ingest_pace_t;

/* What ingest_pace_deadline decided, besides the deadline. */
typedef enum {
    INGEST_PACE_ON_TIME = 0, /* the scaled gap, as it is */
    INGEST_PACE_ANCHORED,    /* first record, or time went backwards */
    INGEST_PACE_CAPPED,      /* the gap was longer than max_wait_ns */
} ingest_pace_note_t;

/* Parse --speed: "max" gives 0, else a number above 0. Returns SYM_OK or
 * SYM_EINVAL. */
int ingest_pace_parse_speed(const char *text, double *speed);

/* Start a pacing with no anchor. */
void ingest_pace_init(ingest_pace_t *self, double speed, int64_t max_wait_ns);

/* The monotonic time at which the record with this event time is due,
 * given the monotonic time now. A deadline not after now means "send at
 * once". When event time goes backwards the pacing re-anchors at this
 * record and does not wait; a wait longer than max_wait_ns is cut to it
 * and the pacing re-anchors after the gap. *note says which happened. */
int64_t ingest_pace_deadline(ingest_pace_t *self, int64_t event_ns,
                             int64_t now_ns, ingest_pace_note_t *note);

#endif
