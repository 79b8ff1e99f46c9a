/* sym_opt.h: declarative option tables for argv and config files.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#ifndef SYM_OPT_H
#define SYM_OPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef enum {
    SYM_OPT_STR,    /* char *, owned by the config once parsed */
    SYM_OPT_INT,    /* int64_t, written in decimal */
    SYM_OPT_DOUBLE, /* double */
    SYM_OPT_BOOL,   /* bool; a flag on the command line, no value */
    SYM_OPT_LIST,   /* sym_strlist_t; each use of the option appends */
} sym_opt_type_t;

/* A repeatable option's values, in the order given. */
typedef struct {
    size_t count; /* number of values */
    char **items; /* the values, each owned by the list */
} sym_strlist_t;

/* One row of a node's option table; a row with a NULL name ends it. */
typedef struct {
    const char *name;          /* long option name, without the dashes */
    sym_opt_type_t type;       /* how the value is parsed and stored */
    const char *default_value; /* text parsed before argv; NULL for none */
    const char *help;          /* one line for --help */
    size_t offset;             /* offsetof the field in the config struct */
} sym_opt_t;

/* Options every node has; embed one as a field of each node's config. */
typedef struct {
    char *name;      /* instance name in logs and stats */
    char *log_level; /* error|warn|info|debug */
    char *config;    /* file read before the command line */
    bool help;       /* print --help and exit 0 */
    bool version;    /* print the version and exit 0 */

    char *stats_pub;      /* PUB endpoints for stats records, or NULL */
    int64_t stats_ms;     /* interval between stats records */
    int64_t metrics_port; /* HTTP port for /metrics and /health; 0: off */
    char *metrics_addr;   /* address that port is bound on */
} sym_opt_common_t;

/* Rows for the metrics endpoint, part of the common options. */
#define SYM_OPT_METRICS(type, field)                                           \
    {"metrics-port", SYM_OPT_INT, "0",                                         \
     "serve /metrics and /health over HTTP on this port; 0: off",              \
     offsetof(type, field.metrics_port)},                                      \
    {                                                                          \
        "metrics-addr", SYM_OPT_STR, "127.0.0.1",                              \
            "numeric address the metrics port is bound on",                    \
            offsetof(type, field.metrics_addr)                                 \
    }

/* Rows for the common options, given the node config type, the name of
 * its sym_opt_common_t field and the default instance name. */
#define SYM_OPT_COMMON(type, field, default_name)                              \
    {"name", SYM_OPT_STR, default_name, "instance name in logs and stats",     \
     offsetof(type, field.name)},                                              \
        {"log-level", SYM_OPT_STR, "info", "error, warn, info or debug",       \
         offsetof(type, field.log_level)},                                     \
        {"config", SYM_OPT_STR, NULL,                                          \
         "file of 'option value' lines, read before the command line",         \
         offsetof(type, field.config)},                                        \
        {"help", SYM_OPT_BOOL, NULL, "print this help and exit",               \
         offsetof(type, field.help)},                                          \
        {"stats-pub", SYM_OPT_STR, NULL,                                       \
         "PUB endpoints for the node's stats records (default: none)",         \
         offsetof(type, field.stats_pub)},                                     \
        {"stats-ms", SYM_OPT_INT, "1000",                                      \
         "interval between stats records, ms",                                 \
         offsetof(type, field.stats_ms)},                                      \
        SYM_OPT_METRICS(type, field),                                          \
    {                                                                          \
        "version", SYM_OPT_BOOL, NULL, "print the version and exit",           \
            offsetof(type, field.version)                                      \
    }

/* Fill cfg from the table's defaults, then the file named by --config (if
 * any), then argv. On failure returns SYM_EINVAL and writes a one-line
 * message naming the option (and file:line for a config file) into err.
 * Positional words are not accepted. */
int sym_opt_parse(const sym_opt_t *table, void *cfg, int argc, char **argv,
                  char *err, size_t err_size);

/* Free every string and list the table owns in cfg. */
void sym_opt_free(const sym_opt_t *table, void *cfg);

/* Print usage, then one line per option with its default. */
void sym_opt_print_help(const sym_opt_t *table, const char *program,
                        const char *summary, FILE *out);

/* Append a copy of value to list. Returns SYM_OK or SYM_ENOMEM. */
int sym_strlist_append(sym_strlist_t *list, const char *value);

/* Free the values and empty the list. */
void sym_strlist_clear(sym_strlist_t *list);

#endif
