/* fuzz_wire.c: fuzz target for the wire decoder over a whole batch.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sym_err.h"
#include "sym_rec.h"
#include "sym_wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool
s_same_str(sym_str_t a, sym_str_t b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

static bool
s_same_val(const sym_val_t *a, const sym_val_t *b)
{
    if (a->type != b->type) {
        return false;
    }
    switch (a->type) {
    case SYM_VAL_NIL:
        return true;
    case SYM_VAL_BOOL:
        return a->as.b == b->as.b;
    case SYM_VAL_STR:
    case SYM_VAL_BIN:
        return s_same_str(a->as.s, b->as.s);
    default: /* integers and doubles, compared bit for bit */
        return memcmp(&a->as, &b->as, sizeof a->as.u) == 0;
    }
}

static bool
s_same_rec(const sym_rec_t *a, const sym_rec_t *b)
{
    if (a->kind != b->kind || !s_same_str(a->stream, b->stream) ||
        a->epoch != b->epoch || a->seq != b->seq ||
        a->event_ns != b->event_ns || a->ingest_ns != b->ingest_ns ||
        a->field_count != b->field_count) {
        return false;
    }
    for (uint32_t i = 0; i < a->field_count; i++) {
        if (!s_same_str(a->fields[i].name, b->fields[i].name) ||
            !s_same_val(&a->fields[i].val, &b->fields[i].val)) {
            return false;
        }
    }
    return true;
}

/* Decode records back to back as a receiving node does, with the default
 * limits and with tight ones so both paths of every check run. Every
 * record is read twice, in one pass and in the validating two, and both
 * must agree. The first byte picks the limits; the rest is the payload. */
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
    sym_wire_decoder_t *two_pass = sym_wire_decoder_new(&limits);
    sym_wire_decoder_set_one_pass(two_pass, false);
    sym_rec_t *rec = sym_rec_new();
    sym_rec_t *check = sym_rec_new();
    msgpack_sbuffer out;
    msgpack_sbuffer_init(&out);
    const char *payload = (const char *) data + 1;
    size_t left = size - 1;
    while (left > 0) {
        size_t used = 0;
        size_t check_used = 0;
        int rc = sym_wire_decode(decoder, payload, left, rec, &used);
        int check_rc =
            sym_wire_decode(two_pass, payload, left, check, &check_used);
        if (rc != check_rc ||
            (rc == SYM_OK && (used != check_used || !s_same_rec(rec, check)))) {
            abort();
        }
        if (rc != SYM_OK) {
            break;
        }
        /* What decodes must encode again: nodes forward what they read. */
        out.size = 0;
        (void) sym_wire_encode(rec, &out);
        payload += used;
        left -= used;
    }
    msgpack_sbuffer_destroy(&out);
    sym_rec_destroy(&check);
    sym_rec_destroy(&rec);
    sym_wire_decoder_destroy(&two_pass);
    sym_wire_decoder_destroy(&decoder);
    return 0;
}
