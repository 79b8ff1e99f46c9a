/* fuzz_ccsds.c: fuzz target for CCSDS space packets: the header, the
 * sequence check and the dictionary decode of known APIDs, for a packet
 * in a datagram and for packets back to back in a stream.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_source.h"
#include "ingest_framer.h"
#include "ingest_payload.h"
#include "sym_err.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The dictionaries are the operator's files, not outside bytes, so the
 * parser is set up once: loading them for every input took most of the
 * time. Its sequence state carries over from input to input as it does
 * from connection to connection in a node. */
static sym_stats_t s_stats;
static ingest_payload_t *s_payload;

/* APID=FILE: the real CYGNSS ENG_PVT sheet for APID 394, and for the
 * APID of ENG_LZ packets a dictionary of every field kind and order. */
static void
s_add_dict(const char *apid, const char *file)
{
    const char *slash = strrchr(__FILE__, '/');
    int dir_len = slash ? (int) (slash - __FILE__) : 1;
    char spec[4200];
    snprintf(spec, sizeof spec, "%s=%.*s/%s", apid, dir_len,
             slash ? __FILE__ : ".", file);
    char err[512];
    if (ingest_payload_add_dict(s_payload, spec, err, sizeof err) != SYM_OK) {
        fprintf(stderr, "fuzz_ccsds: %s\n", err);
        abort();
    }
}

/* A parser as the node sets it up for --payload ccsds with dictionaries
 * and a fixed stride. */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void) argc;
    (void) argv;
    s_payload = ingest_payload_new(INGEST_PAYLOAD_CCSDS, &s_stats);
    assert(s_payload != NULL);
    s_add_dict("394", "../data/ccsds/defs/ENG_PVT.csv");
    s_add_dict("384", "ccsds-dict.csv");
    char err[256];
    int rc = ingest_payload_add_stride(s_payload, "392=10", err, sizeof err);
    assert(rc == SYM_OK);
    return 0;
}

/* The whole input as one datagram (udp source), then as a stream cut by
 * the packets' own length field (file and tcp sources). */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sym_rec_t *rec = sym_rec_new();
    ingest_where_t where = {0};
    if (ingest_payload_parse(s_payload, data, size, rec, &where) ==
        SYM_EDECODE) {
        assert(where.reason != NULL);
    }
    sym_rec_destroy(&rec);

    ingest_source_args_t args = {.framing = INGEST_FRAMING_CCSDS,
                                 .payload = s_payload};
    fuzz_source_run_with(&ingest_file_ops, &args, data, size);
    return 0;
}
