/* sym_log.c: one line per event, for operators.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "sym_log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "sym_err.h"
#include "sym_time.h"

static sym_log_level_t s_level = SYM_LOG_INFO;
static char s_node[32] = "symphony";
static char s_instance[64] = "-";

static const char *const s_level_names[] = {"ERROR", "WARN", "INFO", "DEBUG"};

int
sym_log_level_parse(const char *text, sym_log_level_t *level)
{
    for (int i = SYM_LOG_ERROR; i <= SYM_LOG_DEBUG; i++) {
        if (text && strcasecmp(text, s_level_names[i]) == 0) {
            *level = (sym_log_level_t) i;
            return SYM_OK;
        }
    }
    return SYM_EINVAL;
}

int
sym_log_init(const char *node, const char *instance, const char *level_name)
{
    snprintf(s_node, sizeof s_node, "%s", node ? node : "symphony");
    snprintf(s_instance, sizeof s_instance, "%s", instance ? instance : "-");
    if (level_name == NULL) {
        return SYM_OK;
    }
    return sym_log_level_parse(level_name, &s_level);
}

bool
sym_log_enabled(sym_log_level_t level)
{
    return level <= s_level;
}

void
sym_log_write(sym_log_level_t level, const char *component, const char *fmt,
              ...)
{
    if (!sym_log_enabled(level)) {
        return;
    }
    int64_t now_ns = sym_time_now_ns();
    time_t secs = (time_t) (now_ns / SYM_NS_PER_SEC);
    struct tm utc;
    gmtime_r(&secs, &utc);
    char stamp[32];
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &utc);

    /* One buffer and one write, so lines of threads do not interleave. */
    char line[2048];
    int used = snprintf(line, sizeof line, "%s.%03dZ %-5s %s[%s] %s: ", stamp,
                        (int) (now_ns / SYM_NS_PER_MS % 1000),
                        s_level_names[level], s_node, s_instance, component);
    va_list args;
    va_start(args, fmt);
    if (used > 0 && (size_t) used < sizeof line) {
        vsnprintf(line + used, sizeof line - (size_t) used, fmt, args);
    }
    va_end(args);
    fprintf(stderr, "%s\n", line);
}

bool
sym_log_limit_pass(sym_log_limit_t *limit, uint64_t *repeats)
{
    int64_t now_ms = sym_time_mono_ms();
    limit->suppressed++;
    if (limit->has_printed && now_ms - limit->last_ms < limit->interval_ms) {
        return false;
    }
    *repeats = limit->suppressed;
    limit->suppressed = 0;
    limit->last_ms = now_ms;
    limit->has_printed = true;
    return true;
}
