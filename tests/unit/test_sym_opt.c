/* test_sym_opt.c: option tables over defaults, config files and argv.
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
#include "sym_opt.h"

typedef struct {
    sym_opt_common_t common;
    char *pull;
    int64_t hwm;
    double rate;
    bool verbose;
    bool fast;
    sym_strlist_t topics;
    sym_strlist_t extra;
} s_cfg_t;

static const sym_opt_t s_table[] = {
    SYM_OPT_COMMON(s_cfg_t, common, "t1"),
    {"pull", SYM_OPT_STR, "tcp://127.0.0.1:17501", "upstream endpoint",
     offsetof(s_cfg_t, pull)},
    {"hwm", SYM_OPT_INT, "1000", "high-water mark", offsetof(s_cfg_t, hwm)},
    {"rate", SYM_OPT_DOUBLE, "2.5", "records per second",
     offsetof(s_cfg_t, rate)},
    {"verbose", SYM_OPT_BOOL, NULL, "say more", offsetof(s_cfg_t, verbose)},
    {"fast", SYM_OPT_BOOL, "true", "go fast", offsetof(s_cfg_t, fast)},
    {"topic", SYM_OPT_LIST, "tlm.", "topic prefix", offsetof(s_cfg_t, topics)},
    {"extra", SYM_OPT_LIST, NULL, "extra words", offsetof(s_cfg_t, extra)},
    {NULL},
};

typedef struct {
    s_cfg_t cfg;
    char dir[64];
    char path[128];
    char err[256];
} s_fixture_t;

static int
s_setup(void **state)
{
    s_fixture_t *self = calloc(1, sizeof *self);
    if (self == NULL) {
        return -1;
    }
    snprintf(self->dir, sizeof self->dir, "/tmp/sym-opt-XXXXXX");
    if (mkdtemp(self->dir) == NULL) {
        free(self);
        return -1;
    }
    snprintf(self->path, sizeof self->path, "%s/node.conf", self->dir);
    *state = self;
    return 0;
}

static int
s_teardown(void **state)
{
    s_fixture_t *self = *state;
    sym_opt_free(s_table, &self->cfg);
    unlink(self->path);
    rmdir(self->dir);
    free(self);
    return 0;
}

/* Parse a NULL-terminated argv after the program name. */
static int
s_parse_argv(s_fixture_t *self, const char *const *args)
{
    char *argv[32] = {"symphony-test"};
    int argc = 1;
    while (args[argc - 1] != NULL) {
        argv[argc] = (char *) args[argc - 1];
        argc++;
    }
    self->err[0] = '\0';
    return sym_opt_parse(s_table, &self->cfg, argc, argv, self->err,
                         sizeof self->err);
}

#define S_PARSE(self, ...)                                                     \
    s_parse_argv((self), (const char *const[]){__VA_ARGS__, NULL})

static void
s_write_config(const s_fixture_t *self, const char *text)
{
    FILE *file = fopen(self->path, "w");
    assert_non_null(file);
    assert_true(fputs(text, file) >= 0);
    assert_int_equal(fclose(file), 0);
}

static void
s_assert_list(const sym_strlist_t *list, const char *const *want, size_t count)
{
    assert_int_equal(list->count, count);
    for (size_t i = 0; i < count; i++) {
        assert_string_equal(list->items[i], want[i]);
    }
}

static void
test_opt_parses_values_from_argv(void **state)
{
    s_fixture_t *self = *state;
    assert_int_equal(S_PARSE(self, "--pull", "tcp://10.0.0.1:7101", "--hwm=50",
                             "--rate", "0.5", "--verbose", "--name=edge",
                             "--topic", "a.", "--topic=b."),
                     SYM_OK);
    assert_string_equal(self->cfg.pull, "tcp://10.0.0.1:7101");
    assert_true(self->cfg.hwm == 50);
    assert_true(self->cfg.rate == 0.5);
    assert_true(self->cfg.verbose);
    assert_string_equal(self->cfg.common.name, "edge");
    const char *const topics[] = {"a.", "b."};
    s_assert_list(&self->cfg.topics, topics, 2);
}

static void
test_opt_fills_defaults(void **state)
{
    s_fixture_t *self = *state;
    char *argv[] = {"symphony-test"};
    assert_int_equal(sym_opt_parse(s_table, &self->cfg, 1, argv, self->err,
                                   sizeof self->err),
                     SYM_OK);
    assert_string_equal(self->cfg.common.name, "t1");
    assert_string_equal(self->cfg.common.log_level, "info");
    assert_null(self->cfg.common.config);
    assert_false(self->cfg.common.help);
    assert_false(self->cfg.common.version);
    assert_string_equal(self->cfg.pull, "tcp://127.0.0.1:17501");
    assert_true(self->cfg.hwm == 1000);
    assert_true(self->cfg.rate == 2.5);
    assert_false(self->cfg.verbose);
    assert_true(self->cfg.fast);
    const char *const topics[] = {"tlm."};
    s_assert_list(&self->cfg.topics, topics, 1);
    assert_int_equal(self->cfg.extra.count, 0);
}

static void
test_opt_bool_flags_take_no_value_or_an_explicit_one(void **state)
{
    s_fixture_t *self = *state;
    assert_int_equal(S_PARSE(self, "--help", "--fast=false", "--version"),
                     SYM_OK);
    assert_true(self->cfg.common.help);
    assert_true(self->cfg.common.version);
    assert_false(self->cfg.fast);

    static const char *const yes[] = {"true", "yes", "1", "on", "TRUE"};
    static const char *const no[] = {"false", "no", "0", "off", "Off"};
    for (size_t i = 0; i < 5; i++) {
        char arg[32];
        snprintf(arg, sizeof arg, "--verbose=%s", yes[i]);
        assert_int_equal(S_PARSE(self, arg), SYM_OK);
        assert_true(self->cfg.verbose);
        snprintf(arg, sizeof arg, "--verbose=%s", no[i]);
        assert_int_equal(S_PARSE(self, arg), SYM_OK);
        assert_false(self->cfg.verbose);
    }

    /* A flag does not swallow the next word. */
    assert_int_equal(S_PARSE(self, "--verbose", "false"), SYM_EINVAL);
    assert_string_equal(self->err, "unexpected argument 'false'");
    assert_int_equal(S_PARSE(self, "--verbose=maybe"), SYM_EINVAL);
    assert_string_equal(self->err, "option '--verbose': expected true or "
                                   "false, got 'maybe'");
}

static void
test_opt_rejects_bad_numbers_naming_the_option(void **state)
{
    s_fixture_t *self = *state;
    static const struct {
        const char *arg;
        const char *value;
        const char *err;
    } cases[] = {
        {"--hwm", "12x", "option '--hwm': expected an integer, got '12x'"},
        {"--hwm", "", "option '--hwm': expected an integer, got ''"},
        {"--hwm", "1.5", "option '--hwm': expected an integer, got '1.5'"},
        {"--hwm", "99999999999999999999",
         "option '--hwm': expected an integer, got '99999999999999999999'"},
        {"--rate", "fast", "option '--rate': expected a number, got 'fast'"},
        {"--rate", "nan", "option '--rate': expected a number, got 'nan'"},
        {"--rate", "inf", "option '--rate': expected a number, got 'inf'"},
        {"--rate", "1e999", "option '--rate': expected a number, got '1e999'"},
        {"--rate", "2,5", "option '--rate': expected a number, got '2,5'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(S_PARSE(self, cases[i].arg, cases[i].value),
                         SYM_EINVAL);
        assert_string_equal(self->err, cases[i].err);
    }
}

static void
test_opt_reads_integers_in_decimal(void **state)
{
    s_fixture_t *self = *state;
    assert_int_equal(S_PARSE(self, "--hwm", "010"), SYM_OK);
    assert_true(self->cfg.hwm == 10);
    assert_int_equal(S_PARSE(self, "--hwm", "-5"), SYM_OK);
    assert_true(self->cfg.hwm == -5);
    assert_int_equal(S_PARSE(self, "--hwm", "9223372036854775807"), SYM_OK);
    assert_true(self->cfg.hwm == INT64_MAX);
    assert_int_equal(S_PARSE(self, "--hwm", "0x10"), SYM_EINVAL);
    assert_int_equal(S_PARSE(self, "--rate", "-1e-3"), SYM_OK);
    assert_true(self->cfg.rate == -1e-3);
}

static void
test_opt_rejects_unknown_options_and_stray_words(void **state)
{
    s_fixture_t *self = *state;
    assert_int_equal(S_PARSE(self, "--bogus", "1"), SYM_EINVAL);
    assert_string_equal(self->err, "unknown option '--bogus' (see --help)");
    assert_int_equal(S_PARSE(self, "--hwmx=1"), SYM_EINVAL);
    assert_string_equal(self->err, "unknown option '--hwmx' (see --help)");
    assert_int_equal(S_PARSE(self, "--hw=1"), SYM_EINVAL);
    assert_int_equal(S_PARSE(self, "stray"), SYM_EINVAL);
    assert_string_equal(self->err, "unexpected argument 'stray'");
    assert_int_equal(S_PARSE(self, "-v"), SYM_EINVAL);
    assert_int_equal(S_PARSE(self, "--"), SYM_EINVAL);
    assert_int_equal(S_PARSE(self, "--hwm"), SYM_EINVAL);
    assert_string_equal(self->err, "option '--hwm' needs a value");
}

static void
test_opt_argv_list_replaces_the_default(void **state)
{
    s_fixture_t *self = *state;
    assert_int_equal(S_PARSE(self, "--topic", "x.", "--extra", "e1"), SYM_OK);
    const char *const topics[] = {"x."};
    s_assert_list(&self->cfg.topics, topics, 1);
    const char *const extra[] = {"e1"};
    s_assert_list(&self->cfg.extra, extra, 1);
}

static void
test_opt_reads_the_config_file_before_argv(void **state)
{
    s_fixture_t *self = *state;
    s_write_config(self, "# node settings\n"
                         "hwm 20\n"
                         "rate = 7.5\n"
                         "pull \"tcp://127.0.0.1:17502\"\n"
                         "verbose true\n"
                         "name \"from file\"\n"
                         "topic f1.\n"
                         "topic f2.  # two prefixes\n"
                         "extra only-in-file\n");
    assert_int_equal(S_PARSE(self, "--hwm", "30", "--config", self->path),
                     SYM_OK);
    assert_true(self->cfg.hwm == 30); /* argv wins, wherever --config is */
    assert_true(self->cfg.rate == 7.5);
    assert_string_equal(self->cfg.pull, "tcp://127.0.0.1:17502");
    assert_true(self->cfg.verbose);
    assert_string_equal(self->cfg.common.name, "from file");
    assert_string_equal(self->cfg.common.config, self->path);
    const char *const topics[] = {"f1.", "f2."};
    s_assert_list(&self->cfg.topics, topics, 2);
    const char *const extra[] = {"only-in-file"};
    s_assert_list(&self->cfg.extra, extra, 1);
}

static void
test_opt_argv_list_replaces_the_config_file_list(void **state)
{
    s_fixture_t *self = *state;
    s_write_config(self, "topic f1.\ntopic f2.\n");
    char config_arg[160];
    snprintf(config_arg, sizeof config_arg, "--config=%s", self->path);
    assert_int_equal(S_PARSE(self, config_arg, "--topic", "a1.", "--topic",
                             "a2.", "--topic", "a3."),
                     SYM_OK);
    const char *const topics[] = {"a1.", "a2.", "a3."};
    s_assert_list(&self->cfg.topics, topics, 3);
}

static void
test_opt_config_file_errors_name_file_and_line(void **state)
{
    s_fixture_t *self = *state;
    static const struct {
        const char *text;
        const char *err; /* after "PATH:" */
    } cases[] = {
        {"hwm 1\n\nbogus 2\n", "3: unknown option 'bogus'"},
        {"# c\nhwm ten\n", "2: expected an integer 'hwm'"},
        {"rate\n", "1: expected 'option value' (quote a value with spaces) "
                   "'rate'"},
        {"pull a b\n", "1: expected 'option value' (quote a value with "
                       "spaces) 'pull'"},
        {"hwm 1\nhwm 2\nname \"open\n", "3: unterminated quote"},
        {"config other.conf\n", "1: unknown option 'config'"},
        {"verbose maybe\n", "1: expected true or false 'verbose'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        s_write_config(self, cases[i].text);
        assert_int_equal(S_PARSE(self, "--config", self->path), SYM_EINVAL);
        char want[300];
        snprintf(want, sizeof want, "%s:%s", self->path, cases[i].err);
        assert_string_equal(self->err, want);
    }
}

static void
test_opt_missing_config_file_is_an_error(void **state)
{
    s_fixture_t *self = *state;
    char missing[160];
    snprintf(missing, sizeof missing, "%s/none.conf", self->dir);
    assert_int_equal(S_PARSE(self, "--config", missing), SYM_EINVAL);
    char want[220];
    snprintf(want, sizeof want, "%s: cannot open", missing);
    assert_non_null(strstr(self->err, want));
}

static void
test_opt_free_releases_strings_and_lists(void **state)
{
    s_fixture_t *self = *state;
    assert_int_equal(S_PARSE(self, "--extra", "a", "--extra", "b"), SYM_OK);
    sym_opt_free(s_table, &self->cfg);
    assert_null(self->cfg.pull);
    assert_null(self->cfg.common.name);
    assert_int_equal(self->cfg.topics.count, 0);
    assert_null(self->cfg.extra.items);
    sym_opt_free(s_table, &self->cfg);
}

static void
test_opt_help_lists_every_option_with_its_default(void **state)
{
    (void) state;
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    assert_non_null(out);
    sym_opt_print_help(s_table, "symphony-test", "Tests options.", out);
    assert_int_equal(fclose(out), 0);

    assert_non_null(strstr(text, "Usage: symphony-test [--option value]"));
    assert_non_null(strstr(text, "Tests options."));
    for (const sym_opt_t *opt = s_table; opt->name; opt++) {
        char name[64];
        snprintf(name, sizeof name, "--%s", opt->name);
        assert_non_null(strstr(text, name));
        assert_non_null(strstr(text, opt->help));
    }
    assert_non_null(strstr(text, "[default: tcp://127.0.0.1:17501]"));
    assert_non_null(strstr(text, "--hwm N"));
    assert_non_null(strstr(text, "[default: 1000]"));
    assert_non_null(strstr(text, "--rate X"));
    assert_non_null(strstr(text, "topic prefix (repeatable) [default: tlm.]"));
    free(text);
}

static void
test_opt_strlist_appends_copies_in_order(void **state)
{
    (void) state;
    sym_strlist_t list = {0, NULL};
    char value[8] = "one";
    assert_int_equal(sym_strlist_append(&list, value), SYM_OK);
    memcpy(value, "two", 4);
    assert_int_equal(sym_strlist_append(&list, value), SYM_OK);
    const char *const want[] = {"one", "two"};
    s_assert_list(&list, want, 2);
    sym_strlist_clear(&list);
    assert_int_equal(list.count, 0);
    assert_null(list.items);
    sym_strlist_clear(&list);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
#define S_TEST(name) cmocka_unit_test_setup_teardown(name, s_setup, s_teardown)
        S_TEST(test_opt_parses_values_from_argv),
        S_TEST(test_opt_fills_defaults),
        S_TEST(test_opt_bool_flags_take_no_value_or_an_explicit_one),
        S_TEST(test_opt_rejects_bad_numbers_naming_the_option),
        S_TEST(test_opt_reads_integers_in_decimal),
        S_TEST(test_opt_rejects_unknown_options_and_stray_words),
        S_TEST(test_opt_argv_list_replaces_the_default),
        S_TEST(test_opt_reads_the_config_file_before_argv),
        S_TEST(test_opt_argv_list_replaces_the_config_file_list),
        S_TEST(test_opt_config_file_errors_name_file_and_line),
        S_TEST(test_opt_missing_config_file_is_an_error),
        S_TEST(test_opt_free_releases_strings_and_lists),
        S_TEST(test_opt_help_lists_every_option_with_its_default),
        S_TEST(test_opt_strlist_appends_copies_in_order),
#undef S_TEST
    };
    return cmocka_run_group_tests_name("opt", tests, NULL, NULL);
}
