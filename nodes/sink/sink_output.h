/* sink_output.h: where the sink writes records, one ops row per kind.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#ifndef SINK_OUTPUT_H
#define SINK_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sym_rec.h"

#define SINK_OUTPUT_ERR_MAX 512

typedef struct sink_output_t sink_output_t;

/* Settings some kinds read; zero values mean the defaults. */
typedef struct {
    int64_t rotate_bytes;         /* files: start a new file past this */
    int64_t rotate_ms;            /* files: start a new file this often */
    const char *raw_field;        /* raw: the bin field written, "packet" */
    const char *forward_format;   /* forward: "json" or "text" */
    const char *forward_socket;   /* forward: "pub" or "push" */
    const char *forward_template; /* forward text: "{message}" */
    const char *writer;           /* postgres: this sink's name */
    const volatile bool *stop;    /* set when the sink is asked to stop */
} sink_output_opts_t;

/* One (stream, epoch) account as an output keeps it. The counts agree:
 * expected = delivered + removed + lost, where delivered counts records
 * stored and lost counts records that never arrived or whose batch could
 * not be written. */
typedef struct {
    const char *stream;  /* origin stream */
    uint64_t epoch;      /* publisher run id */
    uint64_t first_seq;  /* sequence the account starts at */
    uint64_t expected;   /* records from first_seq to last_seq */
    uint64_t delivered;  /* data and alarm records stored */
    uint64_t removed;    /* records removed on purpose upstream */
    uint64_t lost;       /* the rest */
    uint64_t duplicates; /* records received again, not stored */
    bool has_eos;        /* the end-of-stream marker arrived */
    uint64_t last_seq;   /* last sequence announced or seen */
    int64_t updated_ns;  /* wall-clock time of this version of the row */
} sink_account_t;

/* Records of one account removed on purpose for one reason. */
typedef struct {
    const char *stream; /* origin stream */
    uint64_t epoch;     /* publisher run id */
    const char *reason; /* "filter", "dedupe", ... */
    uint64_t count;     /* total so far, not the change */
} sink_removal_t;

/* Where an output hands what an earlier run kept: every account, every
 * removal count, then the sequences stored among the last window of
 * each account. Each callback returns SYM_OK or stops the load with its
 * code. */
typedef struct {
    uint64_t window; /* seen: sequences behind an account's last_seq */
    int (*account)(void *arg, const sink_account_t *account);
    int (*removal)(void *arg, const sink_removal_t *removal);
    int (*seen)(void *arg, const char *stream, uint64_t epoch, uint64_t seq);
    void *arg; /* passed to every callback */
} sink_load_t;

/* One kind of output. Records go into an open batch: write adds to it,
 * commit makes the whole batch durable at once (or fails and throws it
 * away), abort throws it away. A kind that stores in the background
 * (SQLite, PostgreSQL) may report a failed row at a later write or at
 * commit; either way the whole batch is lost and counted. account and removal,
 * when not NULL, put bookkeeping rows into the same batch so that the output
 * always agrees with itself; load, when not NULL, reads them back after open.
 * Each call returns SYM_OK or a SYM_E* code and leaves the reason of a failure
 * in self->error. A new kind (PostgreSQL, ...) is one more row of this table,
 * registered in sink_output.c. */
typedef struct {
    const char *scheme; /* "sqlite" in sqlite:PATH */
    bool needs_path;    /* a PATH after the colon is required */
    const char *arg;    /* what follows the colon, for messages: PATH... */
    int (*open)(sink_output_t *self);
    int (*write)(sink_output_t *self, const char *topic, const sym_rec_t *rec);
    int (*account)(sink_output_t *self, const sink_account_t *account);
    int (*removal)(sink_output_t *self, const sink_removal_t *removal);
    int (*load)(sink_output_t *self, const sink_load_t *load);
    int (*commit)(sink_output_t *self);
    void (*abort)(sink_output_t *self);
    void (*close)(sink_output_t *self);
} sink_output_ops_t;

/* What every kind shares; the kind keeps its own data in state. */
struct sink_output_t {
    const sink_output_ops_t *ops;    /* the kind */
    char *uri;                       /* as given, e.g. sqlite:/x/t.db */
    char *shown;                     /* uri with passwords masked */
    const char *path;                /* the part after "scheme:" */
    void *state;                     /* owned by the kind */
    sink_output_opts_t opts;         /* settings, strings not owned */
    char error[SINK_OUTPUT_ERR_MAX]; /* reason of the last failure */
};

extern const sink_output_ops_t sink_sqlite_ops;
extern const sink_output_ops_t sink_jsonl_ops;
extern const sink_output_ops_t sink_stdout_ops;
extern const sink_output_ops_t sink_csv_ops;
extern const sink_output_ops_t sink_raw_ops;
extern const sink_output_ops_t sink_forward_ops;
extern const sink_output_ops_t sink_postgres_ops;
extern const sink_output_ops_t sink_null_ops; /* counts and discards */

/* Check an output URI (sqlite:PATH, jsonl:PATH, csv:PATH, stdout or null)
 * without opening it. Returns SYM_OK or SYM_EINVAL with the reason in
 * err. */
int sink_output_check(const char *uri, char *err, size_t err_size);

/* Open the output named by uri, creating files and tables that do not
 * exist. Returns the output, or NULL with *rc set to SYM_EINVAL (a bad
 * URI), SYM_EIO (it cannot be opened) or SYM_ENOMEM, and one line naming
 * the URI and the reason in err. */
sink_output_t *sink_output_open(const char *uri, int *rc, char *err,
                                size_t err_size);

/* The same with settings; opts may be NULL for the defaults. Its strings
 * must outlive the output. */
sink_output_t *sink_output_open_with(const char *uri,
                                     const sink_output_opts_t *opts, int *rc,
                                     char *err, size_t err_size);

/* Throw away an open batch, close and free; nulls the caller's pointer.
 * Safe on NULL. Commit first to keep what is pending. */
void sink_output_destroy(sink_output_t **self_p);

/* Add a data or alarm record to the open batch. Strings of rec are not
 * retained. */
int sink_output_write(sink_output_t *self, const char *topic,
                      const sym_rec_t *rec);

/* True when the output keeps accounts and removals (a database). */
bool sink_output_keeps_accounts(const sink_output_t *self);

/* Put an account or removal row into the open batch, replacing the
 * previous version of the row. SYM_OK when the kind keeps none. */
int sink_output_account(sink_output_t *self, const sink_account_t *account);
int sink_output_removal(sink_output_t *self, const sink_removal_t *removal);

/* Hand the accounts, removals and recent sequences the output kept
 * (from an earlier run) to load. SYM_OK when the kind keeps none. */
int sink_output_load(sink_output_t *self, const sink_load_t *load);

/* Make the open batch durable. On failure nothing of it is kept. */
int sink_output_commit(sink_output_t *self);

/* Throw the open batch away. */
void sink_output_abort(sink_output_t *self);

/* Copy uri into buf with the values of password=... and the password of
 * scheme://user:password@host masked as "***", for logs. */
void sink_output_redact(const char *uri, char *buf, size_t size);

/* Reason of the last failure, for the log line. */
const char *sink_output_error(const sink_output_t *self);

/* The URI the output was opened with, passwords masked, for logs. */
const char *sink_output_uri(const sink_output_t *self);

#endif
