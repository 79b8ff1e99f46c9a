/* sym_rec.h: one telemetry record in memory: origin envelope and fields.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#ifndef SYM_REC_H
#define SYM_REC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SYM_REC_MAX_FIELDS 256    /* fields per record, hard limit */
#define SYM_REC_ARENA_BYTES 65536 /* bytes for strings a record owns */

/* What a record is. The kind travels on the wire. */
typedef enum {
    SYM_KIND_DATA = 0,    /* telemetry */
    SYM_KIND_ALARM = 1,   /* a state change found by a transform */
    SYM_KIND_REMOVED = 2, /* a record of (stream, epoch, seq) was removed
                             on purpose; the reason is field "reason" */
    SYM_KIND_EOS = 3,     /* end of a finite stream; seq is the last one */
    SYM_KIND_STATS = 4,   /* a node's counters */
    SYM_KIND_COUNT
} sym_kind_t;

/* Bytes that are not NUL-terminated: they may point into a received
 * frame or into a record's arena. */
typedef struct {
    const char *ptr;
    uint32_t len;
} sym_str_t;

typedef enum {
    SYM_VAL_NIL = 0,
    SYM_VAL_BOOL,
    SYM_VAL_INT,   /* int64_t */
    SYM_VAL_UINT,  /* uint64_t above INT64_MAX */
    SYM_VAL_FLOAT, /* double */
    SYM_VAL_STR,   /* text: sym_str_is_text on the wire */
    SYM_VAL_BIN,   /* raw bytes */
} sym_val_type_t;

typedef struct {
    sym_val_type_t type;
    union {
        bool b;
        int64_t i;
        uint64_t u;
        double f;
        sym_str_t s;
    } as;
} sym_val_t;

typedef struct {
    sym_str_t name;
    sym_val_t val;
} sym_field_t;

/* A record. Decoded strings point into the frame they came from, so a
 * record is valid only while that frame is. Strings set through the
 * sym_rec_set_* calls are copied into the arena. */
typedef struct {
    sym_kind_t kind;      /* data, alarm, removed, eos or stats */
    sym_str_t stream;     /* origin stream, e.g. qb50.tartu */
    uint64_t epoch;       /* run id of the stream's publisher */
    uint64_t seq;         /* per (stream, epoch), starting at 1 */
    int64_t event_ns;     /* when it happened, ns since the Unix epoch */
    int64_t ingest_ns;    /* when ingest read it */
    uint32_t field_count; /* fields in use */
    sym_field_t fields[SYM_REC_MAX_FIELDS];
    size_t arena_used; /* bytes of the arena in use */
    char arena[SYM_REC_ARENA_BYTES];
} sym_rec_t;

/* Create an empty record, or NULL when out of memory. */
sym_rec_t *sym_rec_new(void);

/* Free the record and null the caller's pointer. Safe on NULL. */
void sym_rec_destroy(sym_rec_t **self_p);

/* Forget the envelope, the fields and the arena. */
void sym_rec_reset(sym_rec_t *self);

/* Copy bytes into the arena. Returns SYM_OK or SYM_ETOOBIG. */
int sym_rec_own(sym_rec_t *self, const char *ptr, size_t len, sym_str_t *out);

/* Copy the whole record (envelope, fields, strings) into dest, so that it
 * no longer depends on any frame. Returns SYM_OK or SYM_ETOOBIG. */
int sym_rec_copy(sym_rec_t *dest, const sym_rec_t *src);

/* Set the origin stream, copying it. Returns SYM_OK or SYM_ETOOBIG. */
int sym_rec_set_stream(sym_rec_t *self, const char *stream, size_t len);

/* The field's value, or NULL when the record has no such field. */
sym_val_t *sym_rec_get(sym_rec_t *self, const char *name);
const sym_val_t *sym_rec_get_const(const sym_rec_t *self, const char *name,
                                   size_t name_len);

/* Add the field, or replace its value. The name is copied; a string or
 * binary value must outlive the record unless set with sym_rec_set_str.
 * Returns SYM_OK, or SYM_ETOOBIG when the record is full. */
int sym_rec_set(sym_rec_t *self, const char *name, size_t name_len,
                sym_val_t val);
int sym_rec_set_str(sym_rec_t *self, const char *name, const char *value,
                    size_t len);
int sym_rec_set_double(sym_rec_t *self, const char *name, double value);
int sym_rec_set_int(sym_rec_t *self, const char *name, int64_t value);

/* Remove the field if present; keeps the order of the others. */
void sym_rec_remove(sym_rec_t *self, const char *name, size_t name_len);

/* Rename a field; fails with SYM_ENOTFOUND when it is absent. */
int sym_rec_rename(sym_rec_t *self, const char *from, const char *to);

/* Numeric value of v as a double: ints, floats and bools convert; text
 * that is a whole decimal number converts too. False otherwise. */
bool sym_val_to_double(const sym_val_t *v, double *out);

/* The name of a kind: "data", "alarm", "removed", "eos" or "stats". */
const char *sym_kind_name(sym_kind_t kind);

/* The kind with that name. Returns SYM_OK or SYM_EINVAL. */
int sym_kind_parse(const char *text, sym_kind_t *out);

/* True when s equals the NUL-terminated text. */
bool sym_str_eq(sym_str_t s, const char *text);

/* True when s is UTF-8 without a NUL byte: what a stream, a field name or
 * a text value may hold (raw bytes travel as binary). Overlong forms,
 * surrogates and code points above U+10FFFF are not UTF-8. */
bool sym_str_is_text(sym_str_t s);

/* True when the stream, every field name and every text value of rec
 * pass sym_str_is_text; otherwise *bad names the first field that does
 * not (NULL for the stream). */
bool sym_rec_is_text(const sym_rec_t *rec, const sym_field_t **bad);

#endif
