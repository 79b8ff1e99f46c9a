/* test_sink_output.c: output URIs, checked before anything is opened.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "sink_output.h"
#include "sym_err.h"

static void
test_sink_output_accepts_every_kind(void **state)
{
    (void) state;
    const char *uris[] = {"sqlite:/var/lib/t.db", "jsonl:out.jsonl",
                          "csv:relative/out.csv", "stdout"};
    char err[256];

    for (size_t i = 0; i < sizeof uris / sizeof uris[0]; i++) {
        err[0] = '\0';
        assert_int_equal(sink_output_check(uris[i], err, sizeof err), SYM_OK);
        assert_string_equal(err, "");
    }
}

static void
test_sink_output_rejects_bad_uris(void **state)
{
    (void) state;
    const char *uris[] = {"",
                          "sqlite",
                          "sqlite:",
                          "stdout:x",
                          "postgresql://db/x",
                          "SQLITE:/t.db",
                          "csv"};
    char err[256];

    for (size_t i = 0; i < sizeof uris / sizeof uris[0]; i++) {
        err[0] = '\0';
        assert_int_equal(sink_output_check(uris[i], err, sizeof err),
                         SYM_EINVAL);
        assert_non_null(strstr(err, "output '"));
    }
}

static void
test_sink_output_open_rejects_a_bad_uri(void **state)
{
    (void) state;
    int rc = SYM_OK;
    char err[256] = "";

    assert_null(sink_output_open("parquet:/x", &rc, err, sizeof err));
    assert_int_equal(rc, SYM_EINVAL);
    assert_non_null(strstr(err, "parquet:/x"));
}

static void
test_sink_output_masks_passwords_in_logs(void **state)
{
    (void) state;
    char buf[256];
    sink_output_redact("postgres:host=db password=s3cret user=u", buf,
                       sizeof buf);
    assert_string_equal(buf, "postgres:host=db password=*** user=u");
    sink_output_redact("postgres:postgresql://u:s3cret@db/x", buf, sizeof buf);
    assert_string_equal(buf, "postgres:postgresql://u:***@db/x");
    sink_output_redact("sqlite:/var/t.db", buf, sizeof buf);
    assert_string_equal(buf, "sqlite:/var/t.db");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sink_output_accepts_every_kind),
        cmocka_unit_test(test_sink_output_rejects_bad_uris),
        cmocka_unit_test(test_sink_output_open_rejects_a_bad_uri),
        cmocka_unit_test(test_sink_output_masks_passwords_in_logs),
    };
    return cmocka_run_group_tests_name("sink_output", tests, NULL, NULL);
}
