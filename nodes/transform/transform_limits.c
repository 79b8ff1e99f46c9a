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

#define S_MAX_SETS 16
#define S_DEFAULT_SET "default"

/* The record field that names the active limit set (see limitset). */
#define S_SET_FIELD "limitset"

/* One limit set: thresholds under a name. */
typedef struct {
    transform_name_t name;        /* set=NAME, or "default" */
    double limit[S_THRESHOLDS];   /* threshold values */
    bool has_limit[S_THRESHOLDS]; /* which thresholds were given */
} s_set_t;

typedef struct {
    transform_name_t field;   /* the sampled value */
    transform_name_t flag;    /* "<field>.limit" */
    s_set_t sets[S_MAX_SETS]; /* the first one is used when the record
                                 names no set of this step */
    size_t set_count;         /* sets in use */
    uint64_t persistence;     /* samples that confirm a change */
    zhashx_t *tracks;         /* origin stream -> s_track_t */
} s_limits_t;

static void
s_destroy(transform_step_t *step)
{
    s_limits_t *self = step->state;
    if (self) {
        transform_name_clear(&self->field);
        transform_name_clear(&self->flag);
        for (size_t i = 0; i < self->set_count; i++) {
            transform_name_clear(&self->sets[i].name);
        }
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

/* Start a set named name (len bytes). */
static int
s_add_set(s_limits_t *self, const char *name, size_t len, char *err,
          size_t err_size)
{
    if (self->set_count == S_MAX_SETS) {
        snprintf(err, err_size, "expected at most %d sets", S_MAX_SETS);
        return SYM_EINVAL;
    }
    for (size_t i = 0; i < self->set_count; i++) {
        if (self->sets[i].name.len == len &&
            memcmp(self->sets[i].name.text, name, len) == 0) {
            snprintf(err, err_size, "set '%.*s' given twice", (int) len, name);
            return SYM_EINVAL;
        }
    }
    int rc = transform_name_set(&self->sets[self->set_count].name, name, len);
    if (rc != SYM_OK) {
        snprintf(err, err_size, "%s",
                 rc == SYM_EINVAL ? "expected a name in set="
                                  : "out of memory");
        return rc;
    }
    self->set_count++;
    return SYM_OK;
}

/* One threshold word; thresholds before any set= form the set
 * "default". Returns SYM_ENOTFOUND when word is no threshold. */
static int
s_parse_threshold(s_limits_t *self, const char *word, char *err,
                  size_t err_size)
{
    for (int i = 0; i < S_THRESHOLDS; i++) {
        const char *value = transform_kv(word, s_threshold_names[i]);
        if (value == NULL) {
            continue;
        }
        int rc = self->set_count
                     ? SYM_OK
                     : s_add_set(self, S_DEFAULT_SET, strlen(S_DEFAULT_SET),
                                 err, err_size);
        if (rc != SYM_OK) {
            return rc;
        }
        s_set_t *set = &self->sets[self->set_count - 1];
        if (!transform_parse_double(value, &set->limit[i])) {
            snprintf(err, err_size, "expected a number in %s=, got '%s'",
                     s_threshold_names[i], value);
            return SYM_EINVAL;
        }
        set->has_limit[i] = true;
        return SYM_OK;
    }
    return SYM_ENOTFOUND;
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
    if ((value = transform_kv(word, "set")) != NULL) {
        return s_add_set(self, value, strlen(value), err, err_size);
    }
    int rc = s_parse_threshold(self, word, err, err_size);
    if (rc != SYM_ENOTFOUND) {
        return rc;
    }
    snprintf(err, err_size,
             "expected set=, red-low=, yellow-low=, yellow-high=, red-high= "
             "or persistence=, got '%s'",
             word);
    return SYM_EINVAL;
}

/* The thresholds given must not cross: red-low <= yellow-low <=
 * yellow-high <= red-high. */
static int
s_check_set(const s_set_t *set, bool is_named, char *err, size_t err_size)
{
    int given = 0;
    int previous = -1;
    for (int i = 0; i < S_THRESHOLDS; i++) {
        if (!set->has_limit[i]) {
            continue;
        }
        given++;
        if (previous >= 0 && set->limit[previous] > set->limit[i]) {
            snprintf(err, err_size, "expected %s <= %s%s%s",
                     s_threshold_names[previous], s_threshold_names[i],
                     is_named ? " in set " : "",
                     is_named ? set->name.text : "");
            return SYM_EINVAL;
        }
        previous = i;
    }
    if (given == 0) {
        snprintf(err, err_size,
                 "expected at least one of red-low=, "
                 "yellow-low=, yellow-high=, red-high=%s%s",
                 is_named ? " in set " : "", is_named ? set->name.text : "");
        return SYM_EINVAL;
    }
    return SYM_OK;
}

static int
s_check_order(const s_limits_t *self, char *err, size_t err_size)
{
    if (self->set_count == 0) {
        return s_check_set(&self->sets[0], false, err, err_size);
    }
    bool is_named = self->set_count > 1 ||
                    strcmp(self->sets[0].name.text, S_DEFAULT_SET) != 0;
    for (size_t i = 0; i < self->set_count; i++) {
        int rc = s_check_set(&self->sets[i], is_named, err, err_size);
        if (rc != SYM_OK) {
            return rc;
        }
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
s_classify(const s_set_t *set, double x)
{
    if (set->has_limit[S_RL] && x < set->limit[S_RL]) {
        return S_RED_LOW;
    }
    if (set->has_limit[S_YL] && x < set->limit[S_YL]) {
        return S_YELLOW_LOW;
    }
    if (set->has_limit[S_RH] && x > set->limit[S_RH]) {
        return S_RED_HIGH;
    }
    if (set->has_limit[S_YH] && x > set->limit[S_YH]) {
        return S_YELLOW_HIGH;
    }
    return S_NOMINAL;
}

/* The set the record names in its "limitset" field, or the first. */
static const s_set_t *
s_active_set(const s_limits_t *self, const sym_rec_t *rec)
{
    const sym_val_t *val =
        sym_rec_get_const(rec, S_SET_FIELD, sizeof S_SET_FIELD - 1);
    if (val == NULL || val->type != SYM_VAL_STR) {
        return &self->sets[0];
    }
    for (size_t i = 0; i < self->set_count; i++) {
        const transform_name_t *name = &self->sets[i].name;
        if (name->len == val->as.s.len &&
            memcmp(name->text, val->as.s.ptr, name->len) == 0) {
            return &self->sets[i];
        }
    }
    return &self->sets[0];
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
        const s_set_t *set, s_state_t from, s_state_t to, double value)
{
    sym_rec_t *alarm = transform_alarm_begin(ctx, rec);
    const char *from_name = s_state_names[from];
    const char *to_name = s_state_names[to];
    sym_rec_set_str(alarm, "field", self->field.text, self->field.len);
    sym_rec_set_str(alarm, "from", from_name, strlen(from_name));
    sym_rec_set_str(alarm, "to", to_name, strlen(to_name));
    sym_rec_set_double(alarm, "value", value);
    sym_rec_set_str(alarm, "set", set->name.text, set->name.len);
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

    const s_set_t *set = s_active_set(self, rec);
    s_state_t from = track->confirmed;
    s_state_t now = s_classify(set, x);
    int rc = SYM_OK;
    if (s_update(track, now, self->persistence)) {
        rc = s_raise(self, ctx, rec, set, from, now, x);
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
    .usage = "FIELD [set=NAME] [red-low=X] [yellow-low=X] [yellow-high=X] "
             "[red-high=X] [set=NAME2 ...] [persistence=N]",
    .parse = s_parse,
    .apply = s_apply,
    .destroy = s_destroy,
};
