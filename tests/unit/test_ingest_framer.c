/* test_ingest_framer.c: units far larger than the framer's first buffer
 * come out whole, and one past the unit limit is skipped, not kept.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ingest_ccsds.h"
#include "ingest_framer.h"
#include "sym_err.h"

/* One unit handed out by the framer, or why there was none. */
typedef struct {
    int rc;
    size_t len;
    uint8_t first;
    uint8_t last;
    const char *reason;
} s_unit_t;

/* Cut the bytes with framing, reading them from a file as the file
 * source does; returns the count of units (at most max) put in units. */
static size_t
s_cut(ingest_framing_t framing, const uint8_t *bytes, size_t len,
      s_unit_t *units, size_t max)
{
    char path[] = "/tmp/test_ingest_framer_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, bytes, len), (ssize_t) len);
    assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
    unlink(path);
    ingest_framer_t *framer = ingest_framer_new(framing);
    assert_non_null(framer);
    size_t count = 0;
    while (count < max) {
        const uint8_t *unit = NULL;
        s_unit_t *out = &units[count];
        uint64_t offset = 0;
        *out = (s_unit_t){0};
        out->rc =
            ingest_framer_next(framer, &unit, &out->len, &offset, &out->reason);
        if (out->rc == SYM_EAGAIN) {
            assert_int_not_equal(ingest_framer_fill(framer, fd, 0), SYM_EIO);
            continue;
        }
        if (out->rc == SYM_ECLOSED) {
            break;
        }
        if (out->rc == SYM_OK && out->len > 0) {
            out->first = unit[0];
            out->last = unit[out->len - 1];
        }
        count++;
    }
    ingest_framer_destroy(&framer);
    close(fd);
    return count;
}

static void
test_framer_length32_frame_of_700k_is_whole(void **state)
{
    (void) state;
    size_t big = 700 * 1024;
    size_t len = 4 + big + 4 + 3;
    uint8_t *bytes = calloc(1, len);
    assert_non_null(bytes);
    bytes[1] = (uint8_t) (big >> 16);
    bytes[2] = (uint8_t) (big >> 8);
    bytes[3] = (uint8_t) big;
    bytes[4] = 'a';
    bytes[4 + big - 1] = 'z';
    memcpy(bytes + 4 + big, "\0\0\0\3xyz", 7);
    s_unit_t units[4];
    assert_int_equal(s_cut(INGEST_FRAMING_LENGTH32, bytes, len, units, 4), 2);
    assert_int_equal(units[0].rc, SYM_OK);
    assert_int_equal(units[0].len, big);
    assert_int_equal(units[0].first, 'a');
    assert_int_equal(units[0].last, 'z');
    assert_int_equal(units[1].rc, SYM_OK);
    assert_int_equal(units[1].len, 3);
    assert_int_equal(units[1].first, 'x');
    free(bytes);
}

static void
test_framer_largest_ccsds_packet_is_whole(void **state)
{
    (void) state;
    size_t len = 65535 + 7;
    uint8_t *bytes = calloc(1, len);
    assert_non_null(bytes);
    bytes[0] = 0x09;
    bytes[1] = 0x8a;
    bytes[4] = 0xff;
    bytes[5] = 0xff;
    bytes[len - 1] = 0x5a;
    s_unit_t units[2];
    assert_int_equal(s_cut(INGEST_FRAMING_CCSDS, bytes, len, units, 2), 1);
    assert_int_equal(units[0].rc, SYM_OK);
    assert_int_equal(units[0].len, len);
    assert_int_equal(units[0].last, 0x5a);
    free(bytes);
}

static void
test_framer_line_past_the_limit_is_skipped(void **state)
{
    (void) state;
    size_t long_len = INGEST_UNIT_MAX + 100;
    size_t len = long_len + 1 + 3;
    uint8_t *bytes = malloc(len);
    assert_non_null(bytes);
    memset(bytes, 'q', long_len);
    memcpy(bytes + long_len, "\nok\n", 4);
    s_unit_t units[4];
    assert_int_equal(s_cut(INGEST_FRAMING_LINES, bytes, len, units, 4), 2);
    assert_int_equal(units[0].rc, SYM_EDECODE);
    assert_string_equal(units[0].reason, "too-long");
    assert_int_equal(units[1].rc, SYM_OK);
    assert_int_equal(units[1].len, 2);
    assert_int_equal(units[1].first, 'o');
    free(bytes);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_framer_length32_frame_of_700k_is_whole),
        cmocka_unit_test(test_framer_largest_ccsds_packet_is_whole),
        cmocka_unit_test(test_framer_line_past_the_limit_is_skipped),
    };
    return cmocka_run_group_tests_name("ingest_framer", tests, NULL, NULL);
}
