/* ingest_ccsds.c: CCSDS primary header, sequence count check and field
 * extraction.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "ingest_ccsds.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "sym_err.h"

int
ingest_ccsds_header(const uint8_t *bytes, size_t len,
                    ingest_ccsds_header_t *header)
{
    assert(header);
    if (len < INGEST_CCSDS_HEADER_BYTES) {
        return SYM_EAGAIN;
    }
    uint16_t id = (uint16_t) (bytes[0] << 8 | bytes[1]);
    uint16_t seq = (uint16_t) (bytes[2] << 8 | bytes[3]);
    header->version = (uint8_t) (id >> 13);
    header->type = (uint8_t) ((id >> 12) & 1u);
    header->sec_hdr = (uint8_t) ((id >> 11) & 1u);
    header->apid = (uint16_t) (id & 0x7ffu);
    header->seq_flags = (uint8_t) (seq >> 14);
    header->seq_count = (uint16_t) (seq & 0x3fffu);
    header->length = (uint16_t) (bytes[4] << 8 | bytes[5]);
    header->total = (size_t) header->length + 7;
    return SYM_OK;
}

int
ingest_ccsds_header_to_rec(const ingest_ccsds_header_t *header, sym_rec_t *rec)
{
    const struct {
        const char *name;
        int64_t value;
    } fields[] = {
        {"apid", header->apid},           {"seq_count", header->seq_count},
        {"seq_flags", header->seq_flags}, {"type", header->type},
        {"sec_hdr", header->sec_hdr},     {"version", header->version},
        {"length", header->length},
    };
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        int rc = sym_rec_set_int(rec, fields[i].name, fields[i].value);
        if (rc != SYM_OK) {
            return rc;
        }
    }
    return SYM_OK;
}

typedef struct {
    uint64_t packets;
    uint64_t missing;
    uint64_t duplicates;
    uint32_t stride; /* 0 while unknown */
    uint16_t last;
} s_apid_t;

struct ingest_ccsds_seq_t {
    s_apid_t apids[INGEST_CCSDS_APIDS];
};

ingest_ccsds_seq_t *
ingest_ccsds_seq_new(void)
{
    return calloc(1, sizeof(ingest_ccsds_seq_t));
}

void
ingest_ccsds_seq_destroy(ingest_ccsds_seq_t **self_p)
{
    if (self_p == NULL || *self_p == NULL) {
        return;
    }
    free(*self_p);
    *self_p = NULL;
}

int
ingest_ccsds_seq_set_stride(ingest_ccsds_seq_t *self, uint16_t apid,
                            uint32_t stride)
{
    assert(self);
    if (apid >= INGEST_CCSDS_APIDS || stride < 1 ||
        stride >= INGEST_CCSDS_SEQ_MOD) {
        return SYM_EINVAL;
    }
    self->apids[apid].stride = stride;
    return SYM_OK;
}

/* Packets missing in a step of diff counts at stride: a step that is
 * not a whole number of strides still rounds up to the next packet. */
static uint32_t
s_missing(uint32_t diff, uint32_t stride)
{
    return (diff + stride - 1) / stride - 1;
}

uint32_t
ingest_ccsds_seq_check(ingest_ccsds_seq_t *self, uint16_t apid, uint16_t count)
{
    assert(self);
    assert(apid < INGEST_CCSDS_APIDS);
    s_apid_t *state = &self->apids[apid];
    uint16_t last = state->last;
    state->last = count;
    if (state->packets++ == 0) {
        return 0;
    }
    uint32_t diff =
        (uint32_t) (count + INGEST_CCSDS_SEQ_MOD - last) % INGEST_CCSDS_SEQ_MOD;
    if (diff == 0) {
        state->duplicates++;
        return 0;
    }
    if (state->stride == 0) {
        state->stride = diff <= INGEST_CCSDS_MAX_STRIDE ? diff : 1;
    }
    uint32_t missing = s_missing(diff, state->stride);
    state->missing += missing;
    return missing;
}

void
ingest_ccsds_seq_get(const ingest_ccsds_seq_t *self, uint16_t apid,
                     ingest_ccsds_apid_t *out)
{
    assert(apid < INGEST_CCSDS_APIDS);
    const s_apid_t *state = &self->apids[apid];
    *out = (ingest_ccsds_apid_t){
        .packets = state->packets,
        .missing = state->missing,
        .duplicates = state->duplicates,
        .stride = state->stride,
    };
}

int
ingest_ccsds_bits(const uint8_t *bytes, size_t len, uint64_t bit_offset,
                  uint32_t bits, uint64_t *out)
{
    if (bits == 0 || bits > 64) {
        return SYM_EINVAL;
    }
    if (bit_offset + bits > (uint64_t) len * 8) {
        return SYM_ETOOBIG;
    }
    uint64_t value = 0;
    for (uint64_t pos = bit_offset; pos < bit_offset + bits; pos++) {
        unsigned bit = (bytes[pos / 8] >> (7 - pos % 8)) & 1u;
        value = value << 1 | bit;
    }
    *out = value;
    return SYM_OK;
}

/* A whole-byte field in the byte order its type names: digit d at
 * position i makes byte i the d-th most significant one. */
static int
s_ordered(const ingest_ccsds_field_t *field, const uint8_t *packet, size_t len,
          uint64_t *out)
{
    size_t count = field->order_count;
    if ((size_t) field->byte + count > len) {
        return SYM_ETOOBIG;
    }
    uint64_t value = 0;
    for (size_t i = 0; i < count; i++) {
        unsigned shift = (unsigned) (count - field->order[i]) * 8;
        value |= (uint64_t) packet[field->byte + i] << shift;
    }
    *out = value;
    return SYM_OK;
}

static bool
s_is_reordered(const ingest_ccsds_field_t *field)
{
    if (field->order_count == 0 || field->bit != 0 ||
        field->bits != field->order_count * 8u) {
        return false;
    }
    for (uint8_t i = 0; i < field->order_count; i++) {
        if (field->order[i] != i + 1) {
            return true;
        }
    }
    return false;
}

/* The raw bits as the field's kind. */
static int
s_typed(const ingest_ccsds_field_t *field, uint64_t raw, sym_val_t *val)
{
    if (field->kind == INGEST_CCSDS_FLOAT) {
        if (field->bits == 32) {
            uint32_t word = (uint32_t) raw;
            float single;
            memcpy(&single, &word, sizeof single);
            *val = (sym_val_t){.type = SYM_VAL_FLOAT, .as.f = single};
        } else if (field->bits == 64) {
            double wide;
            memcpy(&wide, &raw, sizeof wide);
            *val = (sym_val_t){.type = SYM_VAL_FLOAT, .as.f = wide};
        } else {
            return SYM_EINVAL;
        }
        return SYM_OK;
    }
    if (field->kind == INGEST_CCSDS_INT && field->bits < 64 &&
        (raw >> (field->bits - 1)) & 1u) {
        raw |= ~(uint64_t) 0 << field->bits; /* sign-extend */
    }
    if (field->kind == INGEST_CCSDS_INT || raw <= INT64_MAX) {
        *val = (sym_val_t){.type = SYM_VAL_INT, .as.i = (int64_t) raw};
    } else {
        *val = (sym_val_t){.type = SYM_VAL_UINT, .as.u = raw};
    }
    return SYM_OK;
}

int
ingest_ccsds_field_value(const ingest_ccsds_field_t *field,
                         const uint8_t *packet, size_t len, sym_val_t *val)
{
    assert(field);
    uint64_t raw = 0;
    int rc = s_is_reordered(field)
                 ? s_ordered(field, packet, len, &raw)
                 : ingest_ccsds_bits(packet, len,
                                     (uint64_t) field->byte * 8 + field->bit,
                                     field->bits, &raw);
    if (rc != SYM_OK) {
        return rc;
    }
    return s_typed(field, raw, val);
}
