/* sym_log.h: one line per event, for operators.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#ifndef SYM_LOG_H
#define SYM_LOG_H

#include <stdbool.h>
#include <stdint.h>

typedef enum {
    SYM_LOG_ERROR = 0, /* the node cannot do its job, or data was lost */
    SYM_LOG_WARN,      /* degraded but continuing */
    SYM_LOG_INFO,      /* lifecycle: start, endpoints, stop with totals */
    SYM_LOG_DEBUG,     /* per batch or per peer; off by default */
} sym_log_level_t;

/* Set the node kind and instance name printed on every line, and the
 * level. Called once from main before any other thread starts. Returns
 * SYM_OK, or SYM_EINVAL when level_name is not error|warn|info|debug. */
int sym_log_init(const char *node, const char *instance,
                 const char *level_name);

/* Parse error|warn|info|debug. Returns SYM_OK or SYM_EINVAL. */
int sym_log_level_parse(const char *text, sym_log_level_t *level);

/* True when lines at this level are printed. */
bool sym_log_enabled(sym_log_level_t level);

/* Print one line to stderr: UTC time, level, node[instance], component,
 * then the formatted message (a lowercase phrase and key=value pairs). */
void sym_log_write(sym_log_level_t level, const char *component,
                   const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#define sym_log_error(...) sym_log_write(SYM_LOG_ERROR, __VA_ARGS__)
#define sym_log_warn(...) sym_log_write(SYM_LOG_WARN, __VA_ARGS__)
#define sym_log_info(...) sym_log_write(SYM_LOG_INFO, __VA_ARGS__)
#define sym_log_debug(...)                                                     \
    do {                                                                       \
        if (sym_log_enabled(SYM_LOG_DEBUG)) {                                  \
            sym_log_write(SYM_LOG_DEBUG, __VA_ARGS__);                         \
        }                                                                      \
    } while (0)

/* Collapses a repeating warning into one line per interval. Zero it, set
 * interval_ms, and ask before each line. */
typedef struct {
    int64_t interval_ms; /* at most one line per this many ms */
    int64_t last_ms;     /* monotonic time of the last line printed */
    uint64_t suppressed; /* events since the last line printed */
    bool has_printed;    /* false until the first line */
} sym_log_limit_t;

/* Count one event. Returns true when a line should be printed now, and
 * then sets *repeats to the events folded into it since the last line. */
bool sym_log_limit_pass(sym_log_limit_t *limit, uint64_t *repeats);

#endif
