/* fuzz_wire.c: fuzz target for the wire decoder over a whole batch.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include <stddef.h>
#include <stdint.h>

#include "sym_err.h"
#include "sym_rec.h"
#include "sym_wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Decode records back to back as a receiving node does, with the default
 * limits and with tight ones so both paths of every check run. The first
 * byte picks the limits; the rest is the payload. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) {
        return 0;
    }
    sym_wire_limits_t limits;
    sym_wire_limits_default(&limits);
    if (data[0] & 1) {
        limits.max_fields = 4;
        limits.max_str_bytes = 16;
        limits.max_envelope_keys = 10;
        limits.max_record_bytes = 256;
    }
    sym_wire_decoder_t *decoder = sym_wire_decoder_new(&limits);
    sym_rec_t *rec = sym_rec_new();
    msgpack_sbuffer out;
    msgpack_sbuffer_init(&out);
    const char *payload = (const char *) data + 1;
    size_t left = size - 1;
    while (left > 0) {
        size_t used = 0;
        if (sym_wire_decode(decoder, payload, left, rec, &used) != SYM_OK) {
            break;
        }
        /* What decodes must encode again: nodes forward what they read. */
        out.size = 0;
        (void) sym_wire_encode(rec, &out);
        payload += used;
        left -= used;
    }
    msgpack_sbuffer_destroy(&out);
    sym_rec_destroy(&rec);
    sym_wire_decoder_destroy(&decoder);
    return 0;
}
