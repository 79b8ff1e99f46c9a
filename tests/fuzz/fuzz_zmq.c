/* fuzz_zmq.c: fuzz target for messages of foreign ZeroMQ producers, as
 * the zmq source turns them into records.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include <assert.h>
#include <stdbool.h>
#include <string.h>

#include "ingest_payload.h"
#include "ingest_source.h"
#include "sym_err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define S_MAX_KEPT 2 /* frames the source keeps of one message */

/* The bytes left of the input. */
typedef struct {
    const uint8_t *data;
    size_t size;
} s_input_t;

/* The next frame: a 2-byte big-endian header whose top bit says more
 * frames follow and whose other bits give the length (cut to what is
 * left). Returns false at the end of the input. */
static bool
s_frame(s_input_t *input, ingest_frame_t *frame, bool *has_more)
{
    if (input->size < 2) {
        return false;
    }
    unsigned header = (unsigned) input->data[0] << 8 | input->data[1];
    size_t len = header & 0x7fffu;
    len = len < input->size - 2 ? len : input->size - 2;
    *frame = (ingest_frame_t){.data = input->data + 2, .size = len};
    *has_more = (header & 0x8000u) != 0;
    input->data += 2 + len;
    input->size -= 2 + len;
    return true;
}

/* Every message of the input through the parser, as the source reads
 * them one after the other from one socket. */
static void
s_messages(ingest_payload_t *payload, bool is_envelope, s_input_t *input)
{
    sym_rec_t *rec = sym_rec_new();
    ingest_frame_t frames[S_MAX_KEPT];
    int count = 0;
    bool has_more = false;
    ingest_frame_t frame;
    while (s_frame(input, &frame, &has_more)) {
        if (count < S_MAX_KEPT) {
            frames[count] = frame;
        }
        count++;
        if (has_more && input->size > 0) {
            continue;
        }
        ingest_where_t where = {0};
        int rc =
            ingest_zmq_parse(payload, is_envelope, frames, count, rec, &where);
        assert(rc == SYM_OK || rc == SYM_EAGAIN || rc == SYM_EDECODE);
        assert(rc != SYM_EDECODE || where.reason != NULL);
        count = 0;
    }
    sym_rec_destroy(&rec);
}

/* The first byte picks the set-up: bit 0 envelopes, bits 1-3 the
 * payload kind, bit 4 CSV column names given instead of a header row. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) {
        return 0;
    }
    static const ingest_payload_kind_t kinds[] = {
        INGEST_PAYLOAD_CSV, INGEST_PAYLOAD_JSONL, INGEST_PAYLOAD_CCSDS,
        INGEST_PAYLOAD_RAW, INGEST_PAYLOAD_TEXT,
    };
    bool is_envelope = data[0] & 1u;
    ingest_payload_kind_t kind = kinds[(data[0] >> 1 & 7u) % 5];
    sym_stats_t stats;
    memset(&stats, 0, sizeof stats);
    ingest_payload_t *payload = ingest_payload_new(kind, &stats);
    assert(payload != NULL);
    if (kind == INGEST_PAYLOAD_CSV && (data[0] & 0x10u)) {
        int rc = ingest_payload_set_header(payload, "time,station,value");
        assert(rc == SYM_OK);
    }
    s_input_t input = {.data = data + 1, .size = size - 1};
    s_messages(payload, is_envelope, &input);
    ingest_payload_destroy(&payload);
    return 0;
}
