/* sym_time.h: clocks and ISO-8601 times in nanoseconds.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#ifndef SYM_TIME_H
#define SYM_TIME_H

#include <stddef.h>
#include <stdint.h>

#define SYM_NS_PER_SEC 1000000000LL
#define SYM_NS_PER_MS 1000000LL

/* Wall-clock time in nanoseconds since the Unix epoch. */
int64_t sym_time_now_ns(void);

/* Monotonic time in milliseconds, for timeouts and intervals. */
int64_t sym_time_mono_ms(void);

/* Monotonic time in nanoseconds, for pacing. */
int64_t sym_time_mono_ns(void);

/* Parse an ISO-8601 UTC time such as 2017-05-18T00:21:00Z, with optional
 * fractional seconds (up to 9 digits) and a Z or +hh:mm / -hh:mm offset;
 * a space may stand for the T. Also accepts a plain number of seconds
 * since the Unix epoch, with an optional fraction. Dates must exist and
 * fall between 1677 and 2262, the span of int64_t nanoseconds. Returns
 * SYM_OK or SYM_EDECODE. */
int sym_time_parse(const char *text, size_t len, int64_t *ns);

/* Format ns as 2017-05-18T00:21:00.000000000Z into buf (at least 32
 * bytes). Returns buf. */
char *sym_time_format(int64_t ns, char *buf, size_t size);

/* Sleep until the monotonic clock reaches deadline_ns, or a signal
 * arrives. */
void sym_time_sleep_until(int64_t deadline_ns);

#endif
