/* test_sym_log.c: the repeat limiter, levels and the line format.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "sym_err.h"
#include "sym_log.h"
#include "sym_time.h"

static void
test_log_limit_prints_the_first_event_then_folds_repeats(void **state)
{
    (void) state;
    sym_log_limit_t limit = {.interval_ms = 3600 * 1000};
    uint64_t repeats = 0;
    assert_true(sym_log_limit_pass(&limit, &repeats));
    assert_true(repeats == 1);
    for (int i = 0; i < 41; i++) {
        assert_false(sym_log_limit_pass(&limit, &repeats));
    }
    assert_true(limit.suppressed == 41);

    /* The interval has passed: one line tells of every folded event. */
    limit.last_ms -= limit.interval_ms;
    assert_true(sym_log_limit_pass(&limit, &repeats));
    assert_true(repeats == 42);
    assert_true(limit.suppressed == 0);
    assert_false(sym_log_limit_pass(&limit, &repeats));
}

static void
test_log_limit_with_no_interval_passes_every_event(void **state)
{
    (void) state;
    sym_log_limit_t limit = {.interval_ms = 0};
    for (int i = 0; i < 5; i++) {
        uint64_t repeats = 0;
        assert_true(sym_log_limit_pass(&limit, &repeats));
        assert_true(repeats == 1);
    }
}

static void
test_log_limit_passes_again_once_the_interval_ends(void **state)
{
    (void) state;
    sym_log_limit_t limit = {.interval_ms = 20};
    uint64_t repeats = 0;
    assert_true(sym_log_limit_pass(&limit, &repeats));
    int64_t deadline_ms = sym_time_mono_ms() + 2000;
    uint64_t events = 1;
    bool passed = false;
    while (!passed && sym_time_mono_ms() < deadline_ms) {
        events++;
        passed = sym_log_limit_pass(&limit, &repeats);
    }
    assert_true(passed);
    assert_true(repeats == events - 1);
    assert_true(sym_time_mono_ms() - limit.last_ms < 20);
}

static void
test_log_level_names_parse(void **state)
{
    (void) state;
    sym_log_level_t level = SYM_LOG_ERROR;
    assert_int_equal(sym_log_level_parse("debug", &level), SYM_OK);
    assert_int_equal(level, SYM_LOG_DEBUG);
    assert_int_equal(sym_log_level_parse("WARN", &level), SYM_OK);
    assert_int_equal(level, SYM_LOG_WARN);
    assert_int_equal(sym_log_level_parse("Info", &level), SYM_OK);
    assert_int_equal(level, SYM_LOG_INFO);
    assert_int_equal(sym_log_level_parse("error", &level), SYM_OK);
    assert_int_equal(level, SYM_LOG_ERROR);
    assert_int_equal(sym_log_level_parse("trace", &level), SYM_EINVAL);
    assert_int_equal(sym_log_level_parse("", &level), SYM_EINVAL);
    assert_int_equal(sym_log_level_parse(NULL, &level), SYM_EINVAL);
    assert_int_equal(level, SYM_LOG_ERROR);
}

static void
test_log_init_sets_the_level(void **state)
{
    (void) state;
    assert_int_equal(sym_log_init("test", "unit", "warn"), SYM_OK);
    assert_true(sym_log_enabled(SYM_LOG_ERROR));
    assert_true(sym_log_enabled(SYM_LOG_WARN));
    assert_false(sym_log_enabled(SYM_LOG_INFO));
    assert_false(sym_log_enabled(SYM_LOG_DEBUG));
    assert_int_equal(sym_log_init("test", "unit", "loud"), SYM_EINVAL);
    assert_false(sym_log_enabled(SYM_LOG_INFO));
    assert_int_equal(sym_log_init("test", "unit", "debug"), SYM_OK);
    assert_true(sym_log_enabled(SYM_LOG_DEBUG));
}

/* Run fn with stderr sent to a file; return what it wrote. */
static char *
s_capture(void (*fn)(void))
{
    char path[] = "/tmp/sym-log-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    fflush(stderr);
    int saved = dup(STDERR_FILENO);
    assert_true(saved >= 0);
    assert_true(dup2(fd, STDERR_FILENO) >= 0);
    fn();
    fflush(stderr);
    assert_true(dup2(saved, STDERR_FILENO) >= 0);
    close(saved);

    char *text = calloc(1, 8192);
    assert_non_null(text);
    assert_true(lseek(fd, 0, SEEK_SET) == 0);
    assert_true(read(fd, text, 8191) >= 0);
    close(fd);
    unlink(path);
    return text;
}

static int s_evaluated = 0;

static int
s_count_evaluation(void)
{
    return ++s_evaluated;
}

static void
s_write_lines(void)
{
    sym_log_init("transform", "t1", "info");
    sym_log_info("node", "started pull=%s hwm=%d", "tcp://127.0.0.1:7101", 5);
    sym_log_warn("rec", "dropped frame repeats=%d", 41);
    sym_log_error("file", "write failed err=\"%s\"", "No space");
    sym_log_debug("out", "batch n=%d", s_count_evaluation());
}

static void
test_log_writes_one_line_per_event(void **state)
{
    (void) state;
    s_evaluated = 0;
    char *text = s_capture(s_write_lines);

    const char *first = strstr(text, "Z INFO  transform[t1] node: started "
                                     "pull=tcp://127.0.0.1:7101 hwm=5\n");
    assert_non_null(first);
    assert_non_null(strstr(text, "Z WARN  transform[t1] rec: dropped frame "
                                 "repeats=41\n"));
    assert_non_null(strstr(text, "Z ERROR transform[t1] file: write failed "
                                 "err=\"No space\"\n"));
    assert_null(strstr(text, "batch"));
    /* Debug arguments are not even evaluated when debug is off. */
    assert_int_equal(s_evaluated, 0);

    /* 2026-01-02T03:04:05.678Z: a UTC time with milliseconds. */
    assert_true(first - text == 23);
    assert_true(text[4] == '-' && text[10] == 'T' && text[19] == '.');
    free(text);
}

static void
s_write_long_line(void)
{
    sym_log_init("sink", "s1", "info");
    char *big = malloc(5000);
    assert_non_null(big);
    memset(big, 'x', 4999);
    big[4999] = '\0';
    sym_log_warn("file", "path=%s", big);
    free(big);
}

static void
test_log_cuts_a_long_line(void **state)
{
    (void) state;
    char *text = s_capture(s_write_long_line);
    size_t len = strlen(text);
    assert_true(len > 1000 && len <= 2048);
    assert_true(text[len - 1] == '\n');
    assert_non_null(strstr(text, "sink[s1] file: path=xxx"));
    free(text);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(
            test_log_limit_prints_the_first_event_then_folds_repeats),
        cmocka_unit_test(test_log_limit_with_no_interval_passes_every_event),
        cmocka_unit_test(test_log_limit_passes_again_once_the_interval_ends),
        cmocka_unit_test(test_log_level_names_parse),
        cmocka_unit_test(test_log_init_sets_the_level),
        cmocka_unit_test(test_log_writes_one_line_per_event),
        cmocka_unit_test(test_log_cuts_a_long_line),
    };
    return cmocka_run_group_tests_name("log", tests, NULL, NULL);
}
