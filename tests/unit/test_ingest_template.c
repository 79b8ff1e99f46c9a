/* test_ingest_template.c: stream and topic templates, and --match.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "ingest_match.h"
#include "sym_template.h"
#include "sym_err.h"

static int
s_setup(void **state)
{
    sym_rec_t *rec = sym_rec_new();
    assert_non_null(rec);
    assert_int_equal(sym_rec_set_str(rec, "source", "tartu", 5), SYM_OK);
    assert_int_equal(sym_rec_set_int(rec, "expedition", 3), SYM_OK);
    assert_int_equal(sym_rec_set_int(rec, "offset", -12), SYM_OK);
    assert_int_equal(sym_rec_set_double(rec, "vbatt", 8.1), SYM_OK);
    assert_int_equal(sym_rec_set_int(rec, "mode", 0), SYM_OK);
    sym_val_t nil = {.type = SYM_VAL_NIL};
    assert_int_equal(sym_rec_set(rec, "empty", 5, nil), SYM_OK);
    sym_val_t yes = {.type = SYM_VAL_BOOL, .as.b = true};
    assert_int_equal(sym_rec_set(rec, "ok", 2, yes), SYM_OK);
    *state = rec;
    return 0;
}

static int
s_teardown(void **state)
{
    sym_rec_destroy((sym_rec_t **) state);
    return 0;
}

/* The name of the missing field, kept after the template is gone. */
static char s_missing[64];

/* Expand text for rec; returns the status and leaves the result in buf,
 * and the missing field's name in s_missing. */
static int
s_expand(const char *text, const sym_rec_t *rec, const char *stream, char *buf,
         size_t size, const char **missing)
{
    int rc = SYM_OK;
    char err[128];
    sym_template_t *tpl = sym_template_new(text, &rc, err, sizeof err);
    assert_non_null(tpl);
    size_t len = 0;
    const char *name = NULL;
    rc = sym_template_expand(tpl, rec, stream, buf, size, &len, &name);
    if (rc == SYM_OK) {
        assert_int_equal(len, strlen(buf));
    }
    snprintf(s_missing, sizeof s_missing, "%s", name ? name : "");
    *missing = s_missing;
    sym_template_destroy(&tpl);
    assert_null(tpl);
    return rc;
}

static void
test_template_expands_text_field(void **state)
{
    char buf[SYM_TEMPLATE_MAX];
    const char *missing = NULL;
    assert_int_equal(
        s_expand("qb50.{source}", *state, NULL, buf, sizeof buf, &missing),
        SYM_OK);
    assert_string_equal(buf, "qb50.tartu");
}

static void
test_template_expands_numbers_and_bools(void **state)
{
    char buf[SYM_TEMPLATE_MAX];
    const char *missing = NULL;
    assert_int_equal(s_expand("exp{expedition}.o{offset}.{ok}.{vbatt}", *state,
                              NULL, buf, sizeof buf, &missing),
                     SYM_OK);
    assert_string_equal(buf, "exp3.o-12.true.8.1");
}

static void
test_template_stream_placeholder_uses_stream(void **state)
{
    char buf[SYM_TEMPLATE_MAX];
    const char *missing = NULL;
    assert_int_equal(s_expand("tlm.{stream}", *state, "qb50.tartu", buf,
                              sizeof buf, &missing),
                     SYM_OK);
    assert_string_equal(buf, "tlm.qb50.tartu");
}

static void
test_template_literal_only(void **state)
{
    char buf[SYM_TEMPLATE_MAX];
    const char *missing = NULL;
    assert_int_equal(
        s_expand("ingest", *state, NULL, buf, sizeof buf, &missing), SYM_OK);
    assert_string_equal(buf, "ingest");
}

static void
test_template_missing_field_is_named(void **state)
{
    char buf[SYM_TEMPLATE_MAX];
    const char *missing = NULL;
    assert_int_equal(
        s_expand("qb50.{station}", *state, NULL, buf, sizeof buf, &missing),
        SYM_ENOTFOUND);
    assert_string_equal(missing, "station");

    missing = NULL;
    assert_int_equal(
        s_expand("x.{empty}", *state, NULL, buf, sizeof buf, &missing),
        SYM_ENOTFOUND);
    assert_string_equal(missing, "empty");

    /* Without a stream given, {stream} is an ordinary field. */
    assert_int_equal(
        s_expand("tlm.{stream}", *state, NULL, buf, sizeof buf, &missing),
        SYM_ENOTFOUND);
}

static void
test_template_result_too_long(void **state)
{
    char buf[8];
    const char *missing = NULL;
    assert_int_equal(
        s_expand("qb50.{source}", *state, NULL, buf, sizeof buf, &missing),
        SYM_ETOOBIG);
    char exact[11];
    assert_int_equal(
        s_expand("qb50.{source}", *state, NULL, exact, sizeof exact, &missing),
        SYM_OK);
    assert_string_equal(exact, "qb50.tartu");
}

static void
test_template_rejects_bad_braces(void **state)
{
    (void) state;
    const char *bad[] = {"a{", "a{}", "a}b", "{a{b}}", "x.{source"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int rc = SYM_OK;
        char err[128] = "";
        sym_template_t *tpl = sym_template_new(bad[i], &rc, err, sizeof err);
        assert_null(tpl);
        assert_int_equal(rc, SYM_EINVAL);
        assert_non_null(strstr(err, bad[i]));
    }
}

static void
test_template_knows_stream_only(void **state)
{
    (void) state;
    int rc = SYM_OK;
    char err[128];
    sym_template_t *tpl =
        sym_template_new("tlm.{stream}", &rc, err, sizeof err);
    assert_true(sym_template_needs_stream_only(tpl));
    sym_template_destroy(&tpl);
    tpl = sym_template_new("tlm.{source}.{stream}", &rc, err, sizeof err);
    assert_false(sym_template_needs_stream_only(tpl));
    sym_template_destroy(&tpl);
}

/* A filter made of the given FIELD=VALUE words. */
static ingest_match_t *
s_match(const char *first, const char *second)
{
    sym_strlist_t list = {0};
    assert_int_equal(sym_strlist_append(&list, first), SYM_OK);
    if (second) {
        assert_int_equal(sym_strlist_append(&list, second), SYM_OK);
    }
    int rc = SYM_OK;
    char err[128];
    ingest_match_t *match = ingest_match_new(&list, &rc, err, sizeof err);
    sym_strlist_clear(&list);
    assert_non_null(match);
    return match;
}

static void
test_match_compares_text_and_numbers(void **state)
{
    const char *pass[] = {"source=tartu",  "mode=0", "vbatt=8.100",
                          "vbatt=8.1",     "empty=", "ok=true",
                          "expedition=3.0"};
    for (size_t i = 0; i < sizeof pass / sizeof pass[0]; i++) {
        ingest_match_t *match = s_match(pass[i], NULL);
        assert_true(ingest_match_test(match, *state));
        ingest_match_destroy(&match);
    }
    const char *fail[] = {"source=aalto", "source=tart",   "mode=00x",
                          "vbatt=8.2",    "station=tartu", "ok=false",
                          "empty=x",      "mode="};
    for (size_t i = 0; i < sizeof fail / sizeof fail[0]; i++) {
        ingest_match_t *match = s_match(fail[i], NULL);
        assert_false(ingest_match_test(match, *state));
        ingest_match_destroy(&match);
    }
}

static void
test_match_needs_every_condition(void **state)
{
    ingest_match_t *match = s_match("source=tartu", "mode=0");
    assert_int_equal(ingest_match_size(match), 2);
    assert_true(ingest_match_test(match, *state));
    ingest_match_destroy(&match);
    match = s_match("source=tartu", "mode=1");
    assert_false(ingest_match_test(match, *state));
    ingest_match_destroy(&match);
}

static void
test_match_rejects_words_without_field(void **state)
{
    (void) state;
    const char *bad[] = {"source", "=tartu"};
    for (size_t i = 0; i < 2; i++) {
        sym_strlist_t list = {0};
        assert_int_equal(sym_strlist_append(&list, bad[i]), SYM_OK);
        int rc = SYM_OK;
        char err[128] = "";
        assert_null(ingest_match_new(&list, &rc, err, sizeof err));
        assert_int_equal(rc, SYM_EINVAL);
        assert_non_null(strstr(err, "--match"));
        sym_strlist_clear(&list);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_template_expands_text_field),
        cmocka_unit_test(test_template_expands_numbers_and_bools),
        cmocka_unit_test(test_template_stream_placeholder_uses_stream),
        cmocka_unit_test(test_template_literal_only),
        cmocka_unit_test(test_template_missing_field_is_named),
        cmocka_unit_test(test_template_result_too_long),
        cmocka_unit_test(test_template_rejects_bad_braces),
        cmocka_unit_test(test_template_knows_stream_only),
        cmocka_unit_test(test_match_compares_text_and_numbers),
        cmocka_unit_test(test_match_needs_every_condition),
        cmocka_unit_test(test_match_rejects_words_without_field),
    };
    return cmocka_run_group_tests_name("ingest_template", tests, s_setup,
                                       s_teardown);
}
