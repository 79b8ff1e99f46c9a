/* ingest_sim.c: a simulated fleet: expeditions x channels streams of
 * plausible, seed-deterministic telemetry.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "ingest_source.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sym_err.h"
#include "sym_time.h"

#define S_TWO_PI 6.283185307179586
#define S_DEG (180.0 / 3.141592653589793)
#define S_BURST 64 /* max speed: records of one stream in a row */
#define S_MAX_STREAMS 100000
#define S_NOMINAL_RATE 10 /* sim clock per record when not paced */

/* What a channel measures; channel j of every expedition is the same. */
typedef enum {
    S_ORBIT = 0, /* altitude, position and speed of a satellite */
    S_POWER,     /* a battery draining and recharging, and its current */
    S_THERMAL,   /* a temperature with a day/night swing */
    S_ROVER,     /* a ground vehicle: battery, temperature, speed */
    S_KIND_COUNT
} s_kind_t;

typedef struct {
    uint64_t rng;       /* xorshift64* state */
    int64_t expedition; /* 1-based */
    int64_t channel;    /* 1-based */
    s_kind_t kind;
    uint64_t made;   /* records of this stream so far */
    double phase;    /* radians */
    double period_s; /* orbit period or day length */
    double base;     /* mean altitude (km) or temperature (C) */
    double swing;    /* temperature swing (C) */
    double sin_incl; /* sine of the orbit inclination */
    double cos_incl; /* its cosine */
    double lon0_deg; /* longitude of the ascending node */
    double drain_s;  /* seconds from full to empty battery */
} s_stream_t;

typedef struct {
    s_stream_t *streams;
    size_t count;
    double step_s;        /* simulated seconds between records */
    double ns_per_record; /* event time step when paced, else 0 */
    uint64_t limit;       /* records in total, 0 for no end */
    uint64_t made;        /* records in total so far */
    uint64_t burst;       /* unpaced: records of one stream in a row */
    int64_t start_ns;     /* event time of each stream's first record */
} s_sim_t;

static uint64_t
s_splitmix(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Uniform in [0, 1). */
static double
s_uniform(s_stream_t *stream)
{
    uint64_t x = stream->rng;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    stream->rng = x;
    return (double) ((x * 0x2545f4914f6cdd1dULL) >> 11) * 0x1.0p-53;
}

/* Uniform in [-1, 1): measurement noise. */
static double
s_noise(s_stream_t *stream)
{
    return s_uniform(stream) * 2.0 - 1.0;
}

static void
s_stream_init(s_stream_t *stream, uint64_t seed, size_t index, size_t channels)
{
    uint64_t mix = seed ^ (0xd1b54a32d192ed03ULL * (index + 1));
    stream->rng = s_splitmix(&mix) | 1u;
    stream->expedition = (int64_t) (index / channels) + 1;
    stream->channel = (int64_t) (index % channels) + 1;
    stream->kind = (s_kind_t) ((stream->channel - 1) % S_KIND_COUNT);
    stream->phase = s_uniform(stream) * S_TWO_PI;
    double inclination = (45.0 + 53.0 * s_uniform(stream)) / S_DEG;
    stream->sin_incl = sin(inclination);
    stream->cos_incl = cos(inclination);
    stream->lon0_deg = 360.0 * s_uniform(stream) - 180.0;
    stream->drain_s = 3600.0 * (4.0 + 4.0 * s_uniform(stream));
    stream->swing = 5.0 + 25.0 * s_uniform(stream);
    if (stream->kind == S_ORBIT) {
        stream->period_s = 5400.0 + 600.0 * s_uniform(stream);
        stream->base = 420.0 + 360.0 * s_uniform(stream);
    } else {
        stream->period_s = 86400.0;
        stream->base = -10.0 + 35.0 * s_uniform(stream);
    }
}

/* Append a field named by a string literal. The names of one record are
 * distinct and few, so this skips the lookup and the copy that
 * sym_rec_set does: the sim makes millions of records a second. */
static void
s_put(sym_rec_t *rec, const char *name, sym_val_t val)
{
    sym_str_t key = {name, (uint32_t) strlen(name)};
    rec->fields[rec->field_count++] = (sym_field_t){key, val};
}

static void
s_put_float(sym_rec_t *rec, const char *name, double value)
{
    s_put(rec, name, (sym_val_t){.type = SYM_VAL_FLOAT, .as.f = value});
}

static void
s_fill_orbit(s_stream_t *stream, double t, sym_rec_t *rec)
{
    double phase = S_TWO_PI * t / stream->period_s + stream->phase;
    double sin_phase = sin(phase);
    double cos_phase = cos(phase);
    double lat = asin(stream->sin_incl * sin_phase) * S_DEG;
    double lon = stream->lon0_deg - 360.0 * t / 86164.1 +
                 atan2(stream->cos_incl * sin_phase, cos_phase) * S_DEG;
    lon = fmod(lon + 180.0, 360.0);
    lon = (lon < 0.0 ? lon + 360.0 : lon) - 180.0;
    /* The orbit breathes slowly (one cycle every 16 orbits). */
    double altitude =
        stream->base + 12.0 * sin(phase / 16.0) + 0.05 * s_noise(stream);
    s_put_float(rec, "altitude_km", altitude);
    s_put_float(rec, "lat_deg", lat);
    s_put_float(rec, "lon_deg", lon);
    s_put_float(rec, "velocity_kms", sqrt(398600.4418 / (6371.0 + altitude)));
}

/* 8.4 V when full, draining to 7.0 V, then recharged. */
static double
s_battery_v(s_stream_t *stream, double t)
{
    double cycle = fmod(t / stream->drain_s + stream->phase / S_TWO_PI, 1.0);
    double volts = 8.4 - 1.4 * cycle + 0.005 * s_noise(stream);
    return volts < 7.0 ? 7.0 : volts > 8.4 ? 8.4 : volts;
}

static double
s_temperature_c(s_stream_t *stream, double t)
{
    double day = S_TWO_PI * t / stream->period_s + stream->phase;
    return stream->base + stream->swing * sin(day) + 0.2 * s_noise(stream);
}

static double
s_current_a(s_stream_t *stream, double t)
{
    return 0.8 + 0.3 * sin(S_TWO_PI * t / 600.0 + stream->phase) +
           0.02 * s_noise(stream);
}

static void
s_fill(s_stream_t *stream, double t, sym_rec_t *rec)
{
    s_put(rec, "expedition",
          (sym_val_t){.type = SYM_VAL_INT, .as.i = stream->expedition});
    s_put(rec, "channel",
          (sym_val_t){.type = SYM_VAL_INT, .as.i = stream->channel});
    switch (stream->kind) {
    case S_ORBIT:
        s_fill_orbit(stream, t, rec);
        break;
    case S_POWER:
        s_put_float(rec, "battery_v", s_battery_v(stream, t));
        s_put_float(rec, "current_a", s_current_a(stream, t));
        break;
    case S_THERMAL: {
        double temp = s_temperature_c(stream, t);
        s_put_float(rec, "temp_c", temp);
        s_put(rec, "heater_on",
              (sym_val_t){.type = SYM_VAL_BOOL, .as.b = temp < 0.0});
        break;
    }
    default: {
        double speed =
            0.3 + 0.2 * sin(S_TWO_PI * t / 300.0) + 0.05 * s_noise(stream);
        s_put_float(rec, "battery_v", s_battery_v(stream, t));
        s_put_float(rec, "temp_c", s_temperature_c(stream, t));
        s_put_float(rec, "current_a", s_current_a(stream, t));
        s_put_float(rec, "speed_mps", speed > 0.0 ? speed : 0.0);
        break;
    }
    }
}

/* Paced: every stream's record n before any record n + 1, so event time
 * never goes backwards, each stream at its own phase (see s_next).
 * Unpaced: bursts per stream, so batches of one topic fill up. */
static s_stream_t *
s_pick(s_sim_t *self)
{
    uint64_t turn =
        self->ns_per_record > 0.0 ? self->made : self->made / self->burst;
    return &self->streams[turn % self->count];
}

static int
s_next(void *state, sym_rec_t *rec, ingest_where_t *where)
{
    s_sim_t *self = state;
    *where = (ingest_where_t){.line = self->made};
    if (self->limit > 0 && self->made >= self->limit) {
        return SYM_ECLOSED;
    }
    if (self->start_ns == 0) {
        self->start_ns = sym_time_now_ns();
    }
    s_stream_t *stream = s_pick(self);
    uint64_t index = stream->made++;
    /* Independent stations do not sample in step: stream i of n is i/n of
     * a period later than stream 0, so a paced sim emits one record every
     * 1/(rate x n) s rather than a burst of n records each period. */
    double phase = (double) (self->made % self->count) / (double) self->count;
    self->made++;
    where->line = self->made;

    sym_rec_reset(rec);
    s_fill(stream, (double) index * self->step_s, rec);
    if (self->ns_per_record > 0.0) {
        rec->event_ns = self->start_ns + (int64_t) (((double) index + phase) *
                                                    self->ns_per_record);
        where->has_event_time = true;
    }
    return SYM_OK;
}

static void
s_close(void **state_p)
{
    if (state_p == NULL || *state_p == NULL) {
        return;
    }
    s_sim_t *self = *state_p;
    free(self->streams);
    free(self);
    *state_p = NULL;
}

static int
s_open(const ingest_source_args_t *args, void **state, char *err,
       size_t err_size)
{
    uint64_t count = args->sim_expeditions * args->sim_channels;
    if (args->sim_expeditions == 0 || args->sim_channels == 0 ||
        count / args->sim_channels != args->sim_expeditions ||
        count > S_MAX_STREAMS) {
        snprintf(err, err_size,
                 "option '--sim-expeditions' x '--sim-channels': expected "
                 "1 to %d streams",
                 S_MAX_STREAMS);
        return SYM_EINVAL;
    }
    s_sim_t *self = calloc(1, sizeof *self);
    s_stream_t *streams = calloc(count, sizeof *streams);
    if (self == NULL || streams == NULL) {
        free(self);
        free(streams);
        snprintf(err, err_size, "out of memory");
        return SYM_ENOMEM;
    }
    *self = (s_sim_t){.streams = streams,
                      .count = count,
                      .limit = args->sim_count,
                      .start_ns = args->start_ns};
    bool is_paced = args->sim_rate > 0.0;
    self->step_s = 1.0 / (is_paced ? args->sim_rate : S_NOMINAL_RATE);
    self->ns_per_record = is_paced ? 1e9 / args->sim_rate : 0.0;
    /* A short run still reaches every stream, so each one ends with an
     * end-of-stream marker that a sink waiting for all of them sees. */
    self->burst = S_BURST;
    if (self->limit > 0 && self->limit / count < self->burst) {
        self->burst = self->limit / count > 0 ? self->limit / count : 1;
    }
    for (size_t i = 0; i < count; i++) {
        s_stream_init(&streams[i], args->sim_seed, i, args->sim_channels);
    }
    *state = self;
    return SYM_OK;
}

const ingest_source_ops_t ingest_sim_ops = {
    .name = "sim",
    .default_stream = "sim.exp{expedition}.ch{channel}",
    .makes_only_text = true, /* names of its own, numbers and booleans */
    .open = s_open,
    .next = s_next,
    .close = s_close,
};
