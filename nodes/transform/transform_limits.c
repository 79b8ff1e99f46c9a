/* transform_limits.c: step "limits", flags samples and raises an alarm on
 * each confirmed change of limit state.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "transform_step.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <czmq.h>

#include "sym_err.h"

typedef enum {
    S_NOMINAL = 0,
    S_YELLOW_LOW,
    S_RED_LOW,
    S_YELLOW_HIGH,
    S_RED_HIGH,
} s_state_t;

static const char *const s_state_names[] = {
    [S_NOMINAL] = "nominal",   [S_YELLOW_LOW] = "yellow-low",
    [S_RED_LOW] = "red-low",   [S_YELLOW_HIGH] = "yellow-high",
    [S_RED_HIGH] = "red-high",
};

/* Thresholds, in the order they must be given. */
enum { S_RL = 0, S_YL, S_YH, S_RH, S_THRESHOLDS };

static const char *const s_threshold_names[S_THRESHOLDS] = {
    "red-low", "yellow-low", "yellow-high", "red-high"};

/* The state of one origin stream for this step's field. */
typedef struct {
    s_state_t confirmed; /* what the flag and the last alarm said */
    s_state_t candidate; /* the state samples are moving to */
    uint64_t count;      /* consecutive samples in candidate */
} s_track_t;

typedef struct {
    transform_name_t field;       /* the sampled value */
    transform_name_t flag;        /* "<field>.limit" */
    double limit[S_THRESHOLDS];   /* threshold values */
    bool has_limit[S_THRESHOLDS]; /* which thresholds were given */
    uint64_t persistence;         /* samples that confirm a change */
    zhashx_t *tracks;             /* origin stream -> s_track_t */
} s_limits_t;

static void
s_destroy(transform_step_t *step)
{
    s_limits_t *self = step->state;
    if (self) {
        transform_name_clear(&self->field);
        transform_name_clear(&self->flag);
        zhashx_destroy(&self->tracks);
        free(self);
        step->state = NULL;
    }
}

static void
s_track_free(void **item)
{
    free(*item);
    *item = NULL;
}

static int
s_parse_option(s_limits_t *self, const char *word, char *err, size_t err_size)
{
    const char *value = transform_kv(word, "persistence");
    if (value) {
        if (!transform_parse_count(value, 1, 1000000, &self->persistence)) {
            snprintf(err, err_size,
                     "expected a count of 1-1000000 in persistence=, got '%s'",
                     value);
            return SYM_EINVAL;
        }
        return SYM_OK;
    }
    for (int i = 0; i < S_THRESHOLDS; i++) {
        value = transform_kv(word, s_threshold_names[i]);
        if (value == NULL) {
            continue;
        }
        if (!transform_parse_double(value, &self->limit[i])) {
            snprintf(err, err_size, "expected a number in %s=, got '%s'",
                     s_threshold_names[i], value);
            return SYM_EINVAL;
        }
        self->has_limit[i] = true;
        return SYM_OK;
    }
    snprintf(err, err_size,
             "expected red-low=, yellow-low=, yellow-high=, red-high= or "
             "persistence=, got '%s'",
             word);
    return SYM_EINVAL;
}

/* The thresholds given must not cross: red-low <= yellow-low <=
 * yellow-high <= red-high. */
static int
s_check_order(const s_limits_t *self, char *err, size_t err_size)
{
    int given = 0;
    int previous = -1;
    for (int i = 0; i < S_THRESHOLDS; i++) {
        if (!self->has_limit[i]) {
            continue;
        }
        given++;
        if (previous >= 0 && self->limit[previous] > self->limit[i]) {
            snprintf(err, err_size, "expected %s <= %s",
                     s_threshold_names[previous], s_threshold_names[i]);
            return SYM_EINVAL;
        }
        previous = i;
    }
    if (given == 0) {
        snprintf(err, err_size,
                 "expected at least one of red-low=, "
                 "yellow-low=, yellow-high=, red-high=");
        return SYM_EINVAL;
    }
    return SYM_OK;
}

static int
s_init(s_limits_t *self, const char *field)
{
    char flag[512];
    int len = snprintf(flag, sizeof flag, "%s.limit", field);
    if (len < 0 || (size_t) len >= sizeof flag) {
        return SYM_EINVAL;
    }
    self->persistence = 1;
    self->tracks = zhashx_new();
    if (self->tracks == NULL ||
        transform_name_set(&self->field, field, strlen(field)) != SYM_OK ||
        transform_name_set(&self->flag, flag, (size_t) len) != SYM_OK) {
        return SYM_ENOMEM;
    }
    zhashx_set_destructor(self->tracks, s_track_free);
    return SYM_OK;
}

static int
s_parse(transform_step_t *step, int argc, const char *const *argv, char *err,
        size_t err_size)
{
    if (argc < 2 || argv[1][0] == '\0' || strchr(argv[1], '=') != NULL) {
        snprintf(err, err_size, "expected %s", step->ops->usage);
        return SYM_EINVAL;
    }
    s_limits_t *self = calloc(1, sizeof *self);
    step->state = self;
    int rc = self ? s_init(self, argv[1]) : SYM_ENOMEM;
    if (rc != SYM_OK) {
        snprintf(err, err_size, "%s",
                 rc == SYM_EINVAL ? "field name too long" : "out of memory");
        return rc;
    }
    for (int i = 2; i < argc; i++) {
        rc = s_parse_option(self, argv[i], err, err_size);
        if (rc != SYM_OK) {
            return rc;
        }
    }
    return s_check_order(self, err, err_size);
}

static s_state_t
s_classify(const s_limits_t *self, double x)
{
    if (self->has_limit[S_RL] && x < self->limit[S_RL]) {
        return S_RED_LOW;
    }
    if (self->has_limit[S_YL] && x < self->limit[S_YL]) {
        return S_YELLOW_LOW;
    }
    if (self->has_limit[S_RH] && x > self->limit[S_RH]) {
        return S_RED_HIGH;
    }
    if (self->has_limit[S_YH] && x > self->limit[S_YH]) {
        return S_YELLOW_HIGH;
    }
    return S_NOMINAL;
}

/* Feed one sample's state; true when it confirms a change. */
static bool
s_update(s_track_t *track, s_state_t now, uint64_t persistence)
{
    if (now == track->confirmed) {
        track->candidate = now;
        track->count = 0;
        return false;
    }
    if (now != track->candidate) {
        track->candidate = now;
        track->count = 0;
    }
    track->count++;
    if (track->count < persistence) {
        return false;
    }
    track->confirmed = now;
    track->count = 0;
    return true;
}

/* The stream's track, created nominal on its first sample; NULL when out
 * of memory. */
static s_track_t *
s_lookup(s_limits_t *self, sym_str_t stream)
{
    char key[256];
    size_t len = stream.len < sizeof key ? stream.len : sizeof key - 1;
    memcpy(key, stream.ptr, len);
    key[len] = '\0';
    s_track_t *track = zhashx_lookup(self->tracks, key);
    if (track) {
        return track;
    }
    track = calloc(1, sizeof *track);
    if (track && zhashx_insert(self->tracks, key, track) != 0) {
        free(track);
        track = NULL;
    }
    return track;
}

static int
s_raise(const s_limits_t *self, transform_ctx_t *ctx, const sym_rec_t *rec,
        s_state_t from, s_state_t to, double value)
{
    sym_rec_t *alarm = transform_alarm_begin(ctx, rec);
    const char *from_name = s_state_names[from];
    const char *to_name = s_state_names[to];
    sym_rec_set_str(alarm, "field", self->field.text, self->field.len);
    sym_rec_set_str(alarm, "from", from_name, strlen(from_name));
    sym_rec_set_str(alarm, "to", to_name, strlen(to_name));
    sym_rec_set_double(alarm, "value", value);
    return transform_alarm_send(ctx);
}

static int
s_apply(transform_step_t *step, transform_ctx_t *ctx, sym_rec_t *rec,
        transform_verdict_t *verdict)
{
    s_limits_t *self = step->state;
    *verdict = TRANSFORM_KEEP;
    const sym_val_t *val =
        sym_rec_get_const(rec, self->field.text, self->field.len);
    double x = 0;
    s_track_t *track = NULL;
    if (val == NULL || !transform_val_number(val, &x) || isnan(x) ||
        (track = s_lookup(self, rec->stream)) == NULL) {
        step->skipped++;
        return SYM_OK;
    }

    s_state_t from = track->confirmed;
    s_state_t now = s_classify(self, x);
    int rc = SYM_OK;
    if (s_update(track, now, self->persistence)) {
        rc = s_raise(self, ctx, rec, from, now, x);
    }
    /* The names are constants, so the flag's value needs no copy. */
    const char *state = s_state_names[track->confirmed];
    sym_val_t flag = {.type = SYM_VAL_STR,
                      .as.s = {state, (uint32_t) strlen(state)}};
    if (sym_rec_set(rec, self->flag.text, self->flag.len, flag) != SYM_OK) {
        step->skipped++;
    }
    return rc;
}

const transform_step_ops_t transform_limits_ops = {
    .name = "limits",
    .usage = "FIELD [red-low=X] [yellow-low=X] [yellow-high=X] [red-high=X] "
             "[persistence=N]",
    .parse = s_parse,
    .apply = s_apply,
    .destroy = s_destroy,
};
