/* sym_time.c: clocks and ISO-8601 times in nanoseconds.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "sym_time.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sym_err.h"

int64_t
sym_time_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t) ts.tv_sec * SYM_NS_PER_SEC + ts.tv_nsec;
}

int64_t
sym_time_mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * SYM_NS_PER_SEC + ts.tv_nsec;
}

int64_t
sym_time_mono_ms(void)
{
    return sym_time_mono_ns() / SYM_NS_PER_MS;
}

void
sym_time_sleep_until(int64_t deadline_ns)
{
    struct timespec ts = {.tv_sec = deadline_ns / SYM_NS_PER_SEC,
                          .tv_nsec = deadline_ns % SYM_NS_PER_SEC};
    clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
}

/* Read exactly width digits at *pos. */
static bool
s_digits(const char *text, size_t len, size_t *pos, int width, int *out)
{
    int value = 0;
    for (int i = 0; i < width; i++) {
        if (*pos >= len || !isdigit((unsigned char) text[*pos])) {
            return false;
        }
        value = value * 10 + (text[(*pos)++] - '0');
    }
    *out = value;
    return true;
}

static bool
s_expect(const char *text, size_t len, size_t *pos, char c)
{
    if (*pos < len && text[*pos] == c) {
        (*pos)++;
        return true;
    }
    return false;
}

/* Days from 1970-01-01 to the date, in the proleptic Gregorian calendar. */
static int64_t
s_days_from_civil(int64_t year, int month, int day)
{
    year -= month <= 2;
    int64_t era = (year >= 0 ? year : year - 399) / 400;
    int64_t yoe = year - era * 400;
    int64_t doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* Fractional digits after a '.', scaled to nanoseconds. */
static bool
s_fraction(const char *text, size_t len, size_t *pos, int64_t *ns)
{
    int64_t value = 0;
    int digits = 0;
    while (*pos < len && isdigit((unsigned char) text[*pos])) {
        if (digits < 9) {
            value = value * 10 + (text[*pos] - '0');
            digits++;
        }
        (*pos)++;
    }
    if (digits == 0) {
        return false;
    }
    while (digits++ < 9) {
        value *= 10;
    }
    *ns = value;
    return true;
}

static int
s_parse_epoch_seconds(const char *text, size_t len, int64_t *ns)
{
    char buf[40];
    if (len == 0 || len >= sizeof buf) {
        return SYM_EDECODE;
    }
    memcpy(buf, text, len);
    buf[len] = '\0';
    /* strtoll alone would take leading blanks and a '+' too. */
    bool negative = buf[0] == '-';
    if (!isdigit((unsigned char) buf[negative ? 1 : 0])) {
        return SYM_EDECODE;
    }
    char *end = NULL;
    errno = 0;
    long long secs = strtoll(buf, &end, 10);
    if (errno != 0 || end == buf || secs > INT64_MAX / SYM_NS_PER_SEC - 1 ||
        secs < INT64_MIN / SYM_NS_PER_SEC + 1) {
        return SYM_EDECODE;
    }
    size_t pos = (size_t) (end - buf);
    int64_t frac = 0;
    if (pos < len && buf[pos] == '.') {
        pos++;
        if (!s_fraction(buf, len, &pos, &frac)) {
            return SYM_EDECODE;
        }
    }
    if (pos != len) {
        return SYM_EDECODE;
    }
    /* The sign of "-0.5" is lost on secs, which is 0. */
    *ns = (int64_t) secs * SYM_NS_PER_SEC + (negative ? -frac : frac);
    return SYM_OK;
}

static int
s_days_in_month(int64_t year, int month)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool is_leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && is_leap ? 29 : days[month - 1];
}

/* An optional Z, +hh:mm, -hh:mm or +hhmm at *pos, as seconds to
 * subtract. False when an offset is there but malformed. */
static bool
s_offset(const char *text, size_t len, size_t *pos, int64_t *offset_s)
{
    *offset_s = 0;
    if (s_expect(text, len, pos, 'Z') || *pos >= len ||
        (text[*pos] != '+' && text[*pos] != '-')) {
        return true;
    }
    int sign = text[(*pos)++] == '-' ? -1 : 1;
    int off_h = 0;
    int off_m = 0;
    if (!s_digits(text, len, pos, 2, &off_h)) {
        return false;
    }
    s_expect(text, len, pos, ':'); /* +hhmm and +hh:mm both occur */
    if (!s_digits(text, len, pos, 2, &off_m) || off_h > 23 || off_m > 59) {
        return false;
    }
    *offset_s = sign * (off_h * 3600 + off_m * 60);
    return true;
}

int
sym_time_parse(const char *text, size_t len, int64_t *ns)
{
    size_t pos = 0;
    int year, month, day, hour, minute, second;
    if (len < 19 || text[4] != '-') {
        return s_parse_epoch_seconds(text, len, ns);
    }
    bool ok =
        s_digits(text, len, &pos, 4, &year) && s_expect(text, len, &pos, '-') &&
        s_digits(text, len, &pos, 2, &month) &&
        s_expect(text, len, &pos, '-') && s_digits(text, len, &pos, 2, &day) &&
        (s_expect(text, len, &pos, 'T') || s_expect(text, len, &pos, ' ')) &&
        s_digits(text, len, &pos, 2, &hour) && s_expect(text, len, &pos, ':') &&
        s_digits(text, len, &pos, 2, &minute) &&
        s_expect(text, len, &pos, ':') && s_digits(text, len, &pos, 2, &second);
    if (!ok || month < 1 || month > 12 || day < 1 ||
        day > s_days_in_month(year, month) || hour > 23 || minute > 59 ||
        second > 60) {
        return SYM_EDECODE;
    }

    int64_t frac = 0;
    if (s_expect(text, len, &pos, '.') && !s_fraction(text, len, &pos, &frac)) {
        return SYM_EDECODE;
    }
    int64_t offset_s = 0;
    if (!s_offset(text, len, &pos, &offset_s) || pos != len) {
        return SYM_EDECODE;
    }

    int64_t days = s_days_from_civil(year, month, day);
    int64_t secs = days * 86400 + hour * 3600 + minute * 60 + second - offset_s;
    /* Nanoseconds in an int64_t reach from 1677 to 2262 only. */
    if (secs > INT64_MAX / SYM_NS_PER_SEC - 1 ||
        secs < INT64_MIN / SYM_NS_PER_SEC + 1) {
        return SYM_EDECODE;
    }
    *ns = secs * SYM_NS_PER_SEC + frac;
    return SYM_OK;
}

char *
sym_time_format(int64_t ns, char *buf, size_t size)
{
    int64_t secs = ns / SYM_NS_PER_SEC;
    int64_t frac = ns % SYM_NS_PER_SEC;
    if (frac < 0) {
        frac += SYM_NS_PER_SEC;
        secs--;
    }
    time_t t = (time_t) secs;
    struct tm utc;
    gmtime_r(&t, &utc);
    char stamp[32];
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &utc);
    snprintf(buf, size, "%s.%09lldZ", stamp, (long long) frac);
    return buf;
}
