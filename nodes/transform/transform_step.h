/* transform_step.h: the interface every kind of step implements.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#ifndef TRANSFORM_STEP_H
#define TRANSFORM_STEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sym_rec.h"
#include "transform_chain.h"

/* A step kind is one file that defines a transform_step_ops_t with
 * designated initializers, plus one row in the table of transform_step.c.
 * Steps are parsed once at start; apply runs on the hot path and must not
 * allocate per record. */

/* What a step decided about the record it was given. */
typedef enum {
    TRANSFORM_KEEP = 0, /* hand the record to the next step */
    TRANSFORM_REMOVE,   /* drop it; the chain sends a REMOVED notice */
} transform_verdict_t;

/* What a step may reach while it handles one record, or a tick. */
typedef struct {
    transform_chain_t *chain; /* raises alarms (transform_alarm_*) */
    const char *topic;        /* topic the record goes out on: the one it
                                 arrived on until a step (route) points
                                 this at a buffer it owns; NULL in tick */
    int64_t now_ns;           /* the chain's clock: arrival or tick time */
} transform_ctx_t;

typedef struct transform_step_t transform_step_t;

typedef struct {
    const char *name;   /* first word of a step line */
    const char *usage;  /* the step's grammar, quoted in parse errors */
    const char *reason; /* reason of its REMOVED notices, NULL if none */
    /* Read argv[1..argc-1] (argv[0] is the name) into step->state. On
     * failure write what was expected into err (the chain adds FILE:LINE
     * and the step name) and return SYM_EINVAL or SYM_ENOMEM. */
    int (*parse)(transform_step_t *step, int argc, const char *const *argv,
                 char *err, size_t err_size);
    /* Handle one data record in place and set *verdict. Returns SYM_OK,
     * or the code of a failed alarm send, which stops the chain. */
    int (*apply)(transform_step_t *step, transform_ctx_t *ctx, sym_rec_t *rec,
                 transform_verdict_t *verdict);
    /* Called about every 100 ms with ctx->now_ns set (timeouts, windows).
     * Returns SYM_OK or the code of a failed send. May be NULL. */
    int (*tick)(transform_step_t *step, transform_ctx_t *ctx);
    /* Free step->state; also called after a failed parse. May be NULL. */
    void (*destroy)(transform_step_t *step);
} transform_step_ops_t;

struct transform_step_t {
    const transform_step_ops_t *ops; /* the kind of step */
    int lineno;                      /* line of the steps file */
    void *state;                     /* owned by the kind */
    uint64_t seen;                   /* data records given to apply */
    uint64_t removed;                /* records it removed */
    uint64_t skipped;                /* left alone: field missing, not a
                                        number, or the record full */
};

/* The kinds, one per file. */
extern const transform_step_ops_t transform_filter_ops;
extern const transform_step_ops_t transform_select_ops;
extern const transform_step_ops_t transform_drop_ops;
extern const transform_step_ops_t transform_rename_ops;
extern const transform_step_ops_t transform_calibrate_ops;
extern const transform_step_ops_t transform_limits_ops;
extern const transform_step_ops_t transform_dedupe_ops;
extern const transform_step_ops_t transform_enum_ops;
extern const transform_step_ops_t transform_limitset_ops;
extern const transform_step_ops_t transform_stale_ops;
extern const transform_step_ops_t transform_derive_ops;
extern const transform_step_ops_t transform_window_ops;
extern const transform_step_ops_t transform_route_ops;

/* The kind named name, or NULL. */
const transform_step_ops_t *transform_step_find(const char *name);

/* Every kind's name, comma-separated, for "expected ..." messages;
 * written into buf, which is returned. */
const char *transform_step_names(char *buf, size_t size);

/* A field name with its length, so apply need not measure it. */
typedef struct {
    char *text; /* NUL-terminated, owned */
    size_t len; /* strlen(text) */
} transform_name_t;

/* A list of field names. */
typedef struct {
    transform_name_t *items; /* owned */
    size_t count;
} transform_names_t;

/* Copy len bytes of text as a name. Returns SYM_OK, SYM_EINVAL for an
 * empty name, or SYM_ENOMEM. */
int transform_name_set(transform_name_t *name, const char *text, size_t len);
void transform_name_clear(transform_name_t *name);

/* Append a copy; same returns as transform_name_set. */
int transform_names_add(transform_names_t *list, const char *text, size_t len);
void transform_names_clear(transform_names_t *list);

/* True when name is one of the list. */
bool transform_names_has(const transform_names_t *list, sym_str_t name);

/* The value after "key=" when word starts with it, else NULL. */
const char *transform_kv(const char *word, const char *key);

/* Parse a finite decimal number (no hex, inf or nan). True on success. */
bool transform_parse_double(const char *text, double *out);

/* Parse a whole number in [min, max]. True on success. */
bool transform_parse_count(const char *text, uint64_t min, uint64_t max,
                           uint64_t *out);

/* The value as a number: ints, uints and floats, and text that is a
 * decimal number. False for anything else (bool, nil, binary, other
 * text). */
bool transform_val_number(const sym_val_t *val, double *out);

/* A map from raw values to names, written "0:OFF,1:ON,2:SAFE". A key
 * that is a decimal number matches any value of that number (int 2,
 * float 2.0, text "2"); other keys match text of the same bytes. */
typedef struct {
    transform_name_t key;  /* as written */
    transform_name_t name; /* what it maps to */
    bool is_number;        /* key is a decimal number */
    double number;         /* its value */
} transform_map_entry_t;

typedef struct {
    transform_map_entry_t *items; /* owned */
    size_t count;
} transform_map_t;

/* Parse "K:NAME,K:NAME,..." into map (appending). On failure writes what
 * was expected into err, with what naming the option, and returns
 * SYM_EINVAL or SYM_ENOMEM. */
int transform_map_parse(transform_map_t *map, const char *text,
                        const char *what, char *err, size_t err_size);
void transform_map_clear(transform_map_t *map);

/* The name val maps to, or NULL. */
const transform_name_t *transform_map_find(const transform_map_t *map,
                                           const sym_val_t *val);

/* Raise an alarm: begin returns the chain's preallocated alarm record with
 * its envelope; with a cause, send adds the source_* fields from it and
 * the alarm takes its event and ingest times, without one (a timeout)
 * both are ctx->now_ns. The step adds its own fields, then send numbers
 * it and emits it on "alarm.<ctx->topic>". The record is valid until
 * send. Send returns SYM_OK or the emit code. */
sym_rec_t *transform_alarm_begin(transform_ctx_t *ctx, const sym_rec_t *cause);
int transform_alarm_send(transform_ctx_t *ctx);

/* Emit a record the chain makes itself (a window's aggregate): begin
 * returns the chain's preallocated record, kind data, stream
 * "agg.<instance>", the chain's epoch, ingest time ctx->now_ns; the step
 * sets the event time and fields, then send numbers it (its own sequence
 * from 1) and emits it on topic, past any later step. Send returns SYM_OK
 * or the emit code. */
sym_rec_t *transform_agg_begin(transform_ctx_t *ctx);
int transform_agg_send(transform_ctx_t *ctx, const char *topic);

#endif
