/* test_sym_conf.c: configuration files split into words and lines.
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

#include "sym_conf.h"
#include "sym_err.h"

typedef struct {
    char dir[64];   /* private temp directory */
    char path[128]; /* the file a test writes */
    char err[256];  /* the last error message */
} s_fixture_t;

static int
s_setup(void **state)
{
    s_fixture_t *self = calloc(1, sizeof *self);
    if (self == NULL) {
        return -1;
    }
    snprintf(self->dir, sizeof self->dir, "/tmp/sym-conf-XXXXXX");
    if (mkdtemp(self->dir) == NULL) {
        free(self);
        return -1;
    }
    snprintf(self->path, sizeof self->path, "%s/test.conf", self->dir);
    *state = self;
    return 0;
}

static int
s_teardown(void **state)
{
    s_fixture_t *self = *state;
    unlink(self->path);
    rmdir(self->dir);
    free(self);
    return 0;
}

static void
s_write(const s_fixture_t *self, const char *text, size_t len)
{
    FILE *file = fopen(self->path, "wb");
    assert_non_null(file);
    assert_int_equal(fwrite(text, 1, len, file), len);
    assert_int_equal(fclose(file), 0);
}

static const sym_conf_line_t *
s_line(const sym_conf_t *conf, size_t i, int lineno, int argc)
{
    const sym_conf_line_t *line = sym_conf_line(conf, i);
    assert_non_null(line);
    assert_int_equal(line->lineno, lineno);
    assert_int_equal(line->argc, argc);
    return line;
}

static void
test_conf_splits_lines_into_words(void **state)
{
    s_fixture_t *self = *state;
    const char *text = "# a step file\n"
                       "\n"
                       "filter field=temp above 30\n"
                       "   \t  \n"
                       "rename t temperature   # trailing comment\n"
                       "pull tcp://127.0.0.1:7101";
    sym_conf_t *conf =
        sym_conf_parse("steps.conf", text, self->err, sizeof self->err);
    assert_non_null(conf);
    assert_string_equal(sym_conf_name(conf), "steps.conf");
    assert_int_equal(sym_conf_size(conf), 3);

    const sym_conf_line_t *line = s_line(conf, 0, 3, 4);
    assert_string_equal(line->argv[0], "filter");
    assert_string_equal(line->argv[1], "field=temp");
    assert_string_equal(line->argv[2], "above");
    assert_string_equal(line->argv[3], "30");
    line = s_line(conf, 1, 5, 3);
    assert_string_equal(line->argv[2], "temperature");
    line = s_line(conf, 2, 6, 2);
    assert_string_equal(line->argv[1], "tcp://127.0.0.1:7101");
    assert_null(sym_conf_line(conf, 3));

    sym_conf_destroy(&conf);
    assert_null(conf);
    sym_conf_destroy(&conf);
    sym_conf_destroy(NULL);
}

static void
test_conf_quotes_group_words_and_take_escapes(void **state)
{
    s_fixture_t *self = *state;
    const char *text = "name \"two words\" \"\" x\n"
                       "say \"a \\\"quoted\\\" \\\\ b\\n\\tc\\q\"\n"
                       "mix a\"b c\"d \"#not a comment\" e#f\n"
                       "raw back\\slash\n";
    sym_conf_t *conf =
        sym_conf_parse("q.conf", text, self->err, sizeof self->err);
    assert_non_null(conf);
    assert_int_equal(sym_conf_size(conf), 4);

    const sym_conf_line_t *line = s_line(conf, 0, 1, 4);
    assert_string_equal(line->argv[1], "two words");
    assert_string_equal(line->argv[2], "");
    assert_string_equal(line->argv[3], "x");
    line = s_line(conf, 1, 2, 2);
    assert_string_equal(line->argv[1], "a \"quoted\" \\ b\n\tcq");
    line = s_line(conf, 2, 3, 4);
    assert_string_equal(line->argv[1], "ab cd");
    assert_string_equal(line->argv[2], "#not a comment");
    assert_string_equal(line->argv[3], "e");
    line = s_line(conf, 3, 4, 2);
    assert_string_equal(line->argv[1], "back\\slash");
    sym_conf_destroy(&conf);
}

static void
test_conf_takes_crlf_line_ends(void **state)
{
    s_fixture_t *self = *state;
    sym_conf_t *conf = sym_conf_parse("crlf.conf", "a 1\r\n\r\nb 2\r\n",
                                      self->err, sizeof self->err);
    assert_non_null(conf);
    assert_int_equal(sym_conf_size(conf), 2);
    assert_string_equal(s_line(conf, 0, 1, 2)->argv[1], "1");
    assert_string_equal(s_line(conf, 1, 3, 2)->argv[1], "2");
    sym_conf_destroy(&conf);
}

static void
test_conf_unterminated_quote_names_its_line(void **state)
{
    s_fixture_t *self = *state;
    const char *text = "ok 1\n# fine\nbad \"no end\nlater 2\n";
    sym_conf_t *conf =
        sym_conf_parse("app.conf", text, self->err, sizeof self->err);
    assert_null(conf);
    assert_string_equal(self->err, "app.conf:3: unterminated quote");

    conf = sym_conf_parse("app.conf", "x \"ends in escape\\", self->err,
                          sizeof self->err);
    assert_null(conf);
    assert_string_equal(self->err, "app.conf:1: unterminated quote");
}

static void
test_conf_refuses_too_many_words_and_long_lines(void **state)
{
    s_fixture_t *self = *state;
    char text[SYM_CONF_MAX_LINE + 16];
    size_t len = 0;
    for (int i = 0; i < SYM_CONF_MAX_WORDS; i++) {
        len += (size_t) snprintf(text + len, sizeof text - len, "w ");
    }
    sym_conf_t *conf =
        sym_conf_parse("w.conf", text, self->err, sizeof self->err);
    assert_non_null(conf);
    assert_int_equal(sym_conf_line(conf, 0)->argc, SYM_CONF_MAX_WORDS);
    sym_conf_destroy(&conf);

    snprintf(text + len, sizeof text - len, "w");
    conf = sym_conf_parse("w.conf", text, self->err, sizeof self->err);
    assert_null(conf);
    assert_string_equal(self->err, "w.conf:1: too many words on one line");

    memset(text, 'a', sizeof text - 1);
    memcpy(text, "ok 1\n", 5);
    text[sizeof text - 1] = '\0';
    conf = sym_conf_parse("l.conf", text, self->err, sizeof self->err);
    assert_null(conf);
    assert_non_null(strstr(self->err, "l.conf:2: line longer than"));
}

static void
test_conf_load_reads_a_file(void **state)
{
    s_fixture_t *self = *state;
    const char text[] = "hwm 10\nname \"a b\"\n";
    s_write(self, text, sizeof text - 1);
    sym_conf_t *conf = sym_conf_load(self->path, self->err, sizeof self->err);
    assert_non_null(conf);
    assert_string_equal(sym_conf_name(conf), self->path);
    assert_int_equal(sym_conf_size(conf), 2);
    assert_string_equal(s_line(conf, 1, 2, 2)->argv[1], "a b");
    sym_conf_destroy(&conf);

    s_write(self, "", 0);
    conf = sym_conf_load(self->path, self->err, sizeof self->err);
    assert_non_null(conf);
    assert_int_equal(sym_conf_size(conf), 0);
    sym_conf_destroy(&conf);
}

static void
test_conf_load_reports_file_errors(void **state)
{
    s_fixture_t *self = *state;
    char missing[160];
    snprintf(missing, sizeof missing, "%s/missing.conf", self->dir);
    assert_null(sym_conf_load(missing, self->err, sizeof self->err));
    assert_non_null(strstr(self->err, "missing.conf: cannot open"));

    s_write(self, "a 1\n\0b 2\n", 9);
    assert_null(sym_conf_load(self->path, self->err, sizeof self->err));
    assert_non_null(strstr(self->err, "NUL byte"));

    s_write(self, "a 1\nb \"x\n", 9);
    assert_null(sym_conf_load(self->path, self->err, sizeof self->err));
    char want[200];
    snprintf(want, sizeof want, "%s:2: unterminated quote", self->path);
    assert_string_equal(self->err, want);
}

static void
test_conf_split_kv_cuts_at_the_first_equals(void **state)
{
    (void) state;
    char word[] = "field=a=b";
    char *value = sym_conf_split_kv(word);
    assert_non_null(value);
    assert_string_equal(word, "field");
    assert_string_equal(value, "a=b");

    char bare[] = "field";
    assert_null(sym_conf_split_kv(bare));
    assert_string_equal(bare, "field");

    char empty[] = "k=";
    assert_string_equal(sym_conf_split_kv(empty), "");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
#define S_TEST(name) cmocka_unit_test_setup_teardown(name, s_setup, s_teardown)
        S_TEST(test_conf_splits_lines_into_words),
        S_TEST(test_conf_quotes_group_words_and_take_escapes),
        S_TEST(test_conf_takes_crlf_line_ends),
        S_TEST(test_conf_unterminated_quote_names_its_line),
        S_TEST(test_conf_refuses_too_many_words_and_long_lines),
        S_TEST(test_conf_load_reads_a_file),
        S_TEST(test_conf_load_reports_file_errors),
        S_TEST(test_conf_split_kv_cuts_at_the_first_equals),
#undef S_TEST
    };
    return cmocka_run_group_tests_name("conf", tests, NULL, NULL);
}
