/* test_ingest_ccsds.c: CCSDS header decode, sequence counts with
 * wrap-around and strides, bit-exact dictionary fields, and a truncated
 * last packet.
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
#include "ingest_payload.h"
#include "sym_err.h"

/* The first ENG_PVT (APID 394) packet of the CYGNSS recording. */
static const uint8_t s_pvt[76] = {
    0x09, 0x8a, 0xe0, 0xdb, 0x00, 0x45, 0xf7, 0x02, 0x39, 0xf9, 0x8a,
    0x95, 0xae, 0x25, 0xa9, 0xed, 0x4a, 0x25, 0xb0, 0x3f, 0x4a, 0xb4,
    0xad, 0x06, 0xca, 0x0c, 0x70, 0xd2, 0xc5, 0xbe, 0x2f, 0xde, 0x44,
    0xb1, 0xce, 0x98, 0xc5, 0x5d, 0x68, 0x85, 0x08, 0x9a, 0x41, 0x1f,
    0x24, 0x60, 0x00, 0x00, 0x00, 0xeb, 0x3f, 0xd6, 0xb6, 0x50, 0x42,
    0xdb, 0x47, 0x9a, 0x0b, 0x10, 0x02, 0x66, 0x5e, 0x64, 0x5e, 0x64,
    0x5f, 0x62, 0x5f, 0x5a, 0x6a, 0x6d, 0x55, 0x80, 0x20, 0x1e};

static void
s_data_path(const char *name, char *path, size_t size)
{
    const char *slash = strrchr(__FILE__, '/');
    int dir_len = slash ? (int) (slash - __FILE__) : 1;
    snprintf(path, size, "%.*s/../data/ccsds/%s", dir_len,
             slash ? __FILE__ : ".", name);
}

static void
test_ccsds_header_decodes_cygnss_packet(void **state)
{
    (void) state;
    ingest_ccsds_header_t header;
    assert_int_equal(ingest_ccsds_header(s_pvt, sizeof s_pvt, &header), SYM_OK);
    assert_int_equal(header.version, 0);
    assert_int_equal(header.type, 0);
    assert_int_equal(header.sec_hdr, 1);
    assert_int_equal(header.apid, 394);
    assert_int_equal(header.seq_flags, 3);
    assert_int_equal(header.seq_count, 8411);
    assert_int_equal(header.length, 69);
    assert_int_equal(header.total, 76);
    assert_int_equal(ingest_ccsds_header(s_pvt, 5, &header), SYM_EAGAIN);
}

static void
test_ccsds_seq_wraps_at_16384(void **state)
{
    (void) state;
    ingest_ccsds_seq_t *seq = ingest_ccsds_seq_new();
    assert_int_equal(ingest_ccsds_seq_check(seq, 5, 16382), 0);
    assert_int_equal(ingest_ccsds_seq_check(seq, 5, 16383), 0);
    assert_int_equal(ingest_ccsds_seq_check(seq, 5, 0), 0);
    assert_int_equal(ingest_ccsds_seq_check(seq, 5, 3), 2);
    assert_int_equal(ingest_ccsds_seq_check(seq, 5, 3), 0); /* repeat */
    ingest_ccsds_apid_t seen;
    ingest_ccsds_seq_get(seq, 5, &seen);
    assert_int_equal(seen.packets, 5);
    assert_int_equal(seen.missing, 2);
    assert_int_equal(seen.duplicates, 1);
    assert_int_equal(seen.stride, 1);
    ingest_ccsds_seq_destroy(&seq);
    assert_null(seq);
}

static void
test_ccsds_seq_learns_stride_of_ten(void **state)
{
    (void) state;
    ingest_ccsds_seq_t *seq = ingest_ccsds_seq_new();
    assert_int_equal(ingest_ccsds_seq_check(seq, 384, 16370), 0);
    assert_int_equal(ingest_ccsds_seq_check(seq, 384, 16380), 0);
    assert_int_equal(ingest_ccsds_seq_check(seq, 384, 6), 0); /* wraps */
    assert_int_equal(ingest_ccsds_seq_check(seq, 384, 36), 2);
    /* Another APID keeps its own state. */
    assert_int_equal(ingest_ccsds_seq_check(seq, 393, 100), 0);
    assert_int_equal(ingest_ccsds_seq_check(seq, 393, 101), 0);
    ingest_ccsds_apid_t seen;
    ingest_ccsds_seq_get(seq, 384, &seen);
    assert_int_equal(seen.stride, 10);
    assert_int_equal(seen.missing, 2);
    ingest_ccsds_seq_destroy(&seq);
}

static void
test_ccsds_seq_given_stride_counts_first_loss(void **state)
{
    (void) state;
    ingest_ccsds_seq_t *seq = ingest_ccsds_seq_new();
    assert_int_equal(ingest_ccsds_seq_set_stride(seq, 384, 10), SYM_OK);
    assert_int_equal(ingest_ccsds_seq_set_stride(seq, 384, 0), SYM_EINVAL);
    assert_int_equal(ingest_ccsds_seq_set_stride(seq, 2048, 1), SYM_EINVAL);
    assert_int_equal(ingest_ccsds_seq_check(seq, 384, 5380), 0);
    /* Learned, the first step would have set the stride to 20. */
    assert_int_equal(ingest_ccsds_seq_check(seq, 384, 5400), 1);
    assert_int_equal(ingest_ccsds_seq_check(seq, 384, 5410), 0);
    /* A step above the largest learnable stride is a loss at 1. */
    assert_int_equal(ingest_ccsds_seq_check(seq, 7, 0), 0);
    assert_int_equal(ingest_ccsds_seq_check(seq, 7, 500), 499);
    ingest_ccsds_seq_destroy(&seq);
}

static void
test_ccsds_bits_are_exact(void **state)
{
    (void) state;
    const uint8_t bytes[] = {0xa5, 0x3c, 0xff, 0x01};
    uint64_t value = 0;
    assert_int_equal(ingest_ccsds_bits(bytes, 4, 0, 3, &value), SYM_OK);
    assert_int_equal(value, 0x5); /* 101 */
    assert_int_equal(ingest_ccsds_bits(bytes, 4, 5, 11, &value), SYM_OK);
    assert_int_equal(value, 0x53c & 0x7ff);
    assert_int_equal(ingest_ccsds_bits(bytes, 4, 12, 12, &value), SYM_OK);
    assert_int_equal(value, 0xcff);
    assert_int_equal(ingest_ccsds_bits(bytes, 4, 0, 32, &value), SYM_OK);
    assert_int_equal(value, 0xa53cff01);
    assert_int_equal(ingest_ccsds_bits(bytes, 4, 25, 8, &value), SYM_ETOOBIG);
    assert_int_equal(ingest_ccsds_bits(bytes, 4, 0, 0, &value), SYM_EINVAL);
}

static void
test_ccsds_types_follow_byte_order_and_sign(void **state)
{
    (void) state;
    const uint8_t bytes[] = {0x00, 0x00, 0x80, 0x3f, 0xff, 0xfe};
    ingest_ccsds_field_t field = {.byte = 0, .bits = 32};
    assert_int_equal(ingest_ccsds_type_parse("F4321", &field), SYM_OK);
    sym_val_t val;
    assert_int_equal(ingest_ccsds_field_value(&field, bytes, 6, &val), SYM_OK);
    assert_int_equal(val.type, SYM_VAL_FLOAT);
    assert_true(val.as.f == 1.0); /* 0x3f800000 little-endian */
    field = (ingest_ccsds_field_t){.byte = 4, .bits = 16};
    assert_int_equal(ingest_ccsds_type_parse("I12", &field), SYM_OK);
    assert_int_equal(ingest_ccsds_field_value(&field, bytes, 6, &val), SYM_OK);
    assert_int_equal(val.as.i, -2);
    field = (ingest_ccsds_field_t){.byte = 4, .bit = 4, .bits = 4};
    assert_int_equal(ingest_ccsds_type_parse("I1", &field), SYM_OK);
    assert_int_equal(ingest_ccsds_field_value(&field, bytes, 6, &val), SYM_OK);
    assert_int_equal(val.as.i, -1);
    assert_int_equal(ingest_ccsds_type_parse("X12", &field), SYM_EINVAL);
    assert_int_equal(ingest_ccsds_type_parse("U11", &field), SYM_EINVAL);
}

static const sym_val_t *
s_field(const sym_rec_t *rec, const char *name)
{
    const sym_val_t *val = sym_rec_get_const(rec, name, strlen(name));
    if (val == NULL) {
        fail_msg("no field %s", name);
    }
    return val;
}

static void
test_ccsds_dictionary_decodes_gps_fix(void **state)
{
    (void) state;
    char path[512];
    s_data_path("defs/ENG_PVT.csv", path, sizeof path);
    ingest_ccsds_dict_t *dict = ingest_ccsds_dict_new();
    char err[256] = "";
    assert_int_equal(ingest_ccsds_dict_load(dict, 394, path, err, sizeof err),
                     SYM_OK);
    assert_int_equal(ingest_ccsds_dict_count(dict, 394), 43);
    sym_rec_t *rec = sym_rec_new();
    size_t skipped = 0;
    assert_int_equal(
        ingest_ccsds_dict_decode(dict, 394, s_pvt, sizeof s_pvt, rec, &skipped),
        SYM_OK);
    assert_int_equal(skipped, 0);
    assert_int_equal(s_field(rec, "ENG_PVT_HDR_SEQ")->as.i, 8411);
    assert_int_equal(s_field(rec, "ENG_PVT_HDR_YEAR")->as.i, 2022);
    assert_int_equal(s_field(rec, "ENG_PVT_HDR_DAY")->as.i, 84);
    assert_int_equal(s_field(rec, "ENG_PVT_HDR_HOUR")->as.i, 21);
    assert_int_equal(s_field(rec, "ENG_PVT_HDR_MIN")->as.i, 43);
    assert_int_equal(s_field(rec, "ENG_PVT_HDR_SEC")->as.i, 34);
    assert_int_equal(s_field(rec, "ENG_PVT_HDR_USEC")->as.i, 371181);
    assert_int_equal(s_field(rec, "DDMI_PVT_GPS_WEEK")->as.i, 2202);
    assert_int_equal(s_field(rec, "DDMI_PVT_NUMSATS")->as.i, 11);
    assert_true(s_field(rec, "DDMI_PVT_SCPOS_X")->as.f == 2714639.75);
    assert_true(s_field(rec, "DDMI_PVT_SCVEL_Z")->as.f == -3542.532470703125);
    /* GPS seconds of the week match the header's UTC time (21:43:34 on
     * day 5 of the week, plus 18 leap seconds). */
    double gps_s = s_field(rec, "DDMI_PVT_GPS_SEC")->as.f;
    assert_true(gps_s > 510231.9 && gps_s < 510232.1);
    sym_rec_destroy(&rec);
    ingest_ccsds_dict_destroy(&dict);
}

static void
test_ccsds_dictionary_rejects_bad_rows(void **state)
{
    (void) state;
    char path[] = "/tmp/test_ingest_ccsds_dict_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char text[] = "name,byte,bit,bits,type,unit\n"
                        "ok,6,0,8,U1,\n"
                        "bad,6,9,8,U1,\n";
    assert_int_equal(write(fd, text, sizeof text - 1), sizeof text - 1);
    close(fd);
    ingest_ccsds_dict_t *dict = ingest_ccsds_dict_new();
    char err[256] = "";
    assert_int_equal(ingest_ccsds_dict_load(dict, 1, path, err, sizeof err),
                     SYM_EINVAL);
    assert_non_null(strstr(err, "bad bit"));
    unlink(path);
    ingest_ccsds_dict_destroy(&dict);
}

/* The recording with its last packet cut short: every whole packet is
 * read, the rest is bad input at the offset where it starts. */
static void
test_ccsds_truncated_packet_is_bad_input(void **state)
{
    (void) state;
    char path[512];
    s_data_path("CYGNSS_F7_L0_2022_086_10_15_V01_F__first101pkts.tlm", path,
                sizeof path);
    FILE *file = fopen(path, "rb");
    assert_non_null(file);
    static uint8_t bytes[16384];
    size_t len = fread(bytes, 1, sizeof bytes, file);
    fclose(file);
    assert_int_equal(len, 14820);
    int pipe_fds[2];
    assert_int_equal(pipe(pipe_fds), 0);
    assert_int_equal(write(pipe_fds[1], bytes, len - 30), (ssize_t) len - 30);
    close(pipe_fds[1]);

    sym_stats_t stats = {0};
    ingest_payload_t *payload =
        ingest_payload_new(INGEST_PAYLOAD_CCSDS, &stats);
    ingest_framer_t *framer = ingest_framer_new(INGEST_FRAMING_CCSDS);
    sym_rec_t *rec = sym_rec_new();
    ingest_where_t where;
    uint64_t records = 0;
    uint64_t bad = 0;
    int rc = SYM_OK;
    while (rc != SYM_ECLOSED) {
        rc = ingest_payload_from_framer(payload, framer, rec, &where);
        if (rc == SYM_EAGAIN) {
            assert_int_not_equal(ingest_framer_fill(framer, pipe_fds[0], 1000),
                                 SYM_EIO);
        } else if (rc == SYM_OK) {
            records++;
        } else if (rc == SYM_EDECODE) {
            bad++;
            assert_string_equal(where.reason, "truncated");
            assert_true(where.has_offset);
            assert_true(where.offset < len - 30 && where.offset > len - 300);
        }
    }
    close(pipe_fds[0]);
    assert_int_equal(records, 100);
    assert_int_equal(bad, 1);
    assert_int_equal(stats.values[SYM_CTR_GAPS], 0);
    sym_rec_destroy(&rec);
    ingest_framer_destroy(&framer);
    ingest_payload_destroy(&payload);
}

static void
test_ccsds_packet_length_must_match_unit(void **state)
{
    (void) state;
    sym_stats_t stats = {0};
    ingest_payload_t *payload =
        ingest_payload_new(INGEST_PAYLOAD_CCSDS, &stats);
    sym_rec_t *rec = sym_rec_new();
    ingest_where_t where = {0};
    uint8_t longer[80] = {0};
    memcpy(longer, s_pvt, sizeof s_pvt);
    assert_int_equal(ingest_payload_parse(payload, longer, 80, rec, &where),
                     SYM_EDECODE);
    assert_string_equal(where.reason, "length-mismatch");
    assert_int_equal(ingest_payload_parse(payload, s_pvt, 40, rec, &where),
                     SYM_EDECODE);
    assert_string_equal(where.reason, "truncated");
    assert_int_equal(
        ingest_payload_parse(payload, s_pvt, sizeof s_pvt, rec, &where),
        SYM_OK);
    const sym_val_t *packet = sym_rec_get_const(rec, "packet", 6);
    assert_non_null(packet);
    assert_int_equal(packet->type, SYM_VAL_BIN);
    assert_memory_equal(packet->as.s.ptr, s_pvt, sizeof s_pvt);
    assert_int_equal(sym_rec_get_const(rec, "ccsds_gap", 9)->as.i, 0);
    sym_rec_destroy(&rec);
    ingest_payload_destroy(&payload);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ccsds_header_decodes_cygnss_packet),
        cmocka_unit_test(test_ccsds_seq_wraps_at_16384),
        cmocka_unit_test(test_ccsds_seq_learns_stride_of_ten),
        cmocka_unit_test(test_ccsds_seq_given_stride_counts_first_loss),
        cmocka_unit_test(test_ccsds_bits_are_exact),
        cmocka_unit_test(test_ccsds_types_follow_byte_order_and_sign),
        cmocka_unit_test(test_ccsds_dictionary_decodes_gps_fix),
        cmocka_unit_test(test_ccsds_dictionary_rejects_bad_rows),
        cmocka_unit_test(test_ccsds_truncated_packet_is_bad_input),
        cmocka_unit_test(test_ccsds_packet_length_must_match_unit),
    };
    return cmocka_run_group_tests_name("ingest_ccsds", tests, NULL, NULL);
}
