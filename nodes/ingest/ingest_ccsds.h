/* ingest_ccsds.h: CCSDS space packets: primary header, sequence count
 * check per APID, and fields decoded from a packet dictionary.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#ifndef INGEST_CCSDS_H
#define INGEST_CCSDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sym_rec.h"

#define INGEST_CCSDS_HEADER_BYTES 6
#define INGEST_CCSDS_APIDS 2048     /* 11-bit APID */
#define INGEST_CCSDS_SEQ_MOD 16384  /* 14-bit sequence count */
#define INGEST_CCSDS_MAX_STRIDE 100 /* larger first steps are losses */

/* The primary header of one packet. */
typedef struct {
    uint8_t version;    /* 3 bits, 0 for CCSDS version 1 */
    uint8_t type;       /* 0 telemetry, 1 telecommand */
    uint8_t sec_hdr;    /* 1 when a secondary header follows */
    uint16_t apid;      /* application process id, 11 bits */
    uint8_t seq_flags;  /* 3 unsegmented, 1 first, 0 middle, 2 last */
    uint16_t seq_count; /* 14 bits, wraps at 16384 */
    uint16_t length;    /* data length field: total bytes - 7 */
    size_t total;       /* whole packet in bytes, header included */
} ingest_ccsds_header_t;

/* Decode the primary header at bytes. Returns SYM_OK, or SYM_EAGAIN
 * when fewer than INGEST_CCSDS_HEADER_BYTES are given. */
int ingest_ccsds_header(const uint8_t *bytes, size_t len,
                        ingest_ccsds_header_t *header);

/* Add the header fields (apid, seq_count, seq_flags, type, sec_hdr,
 * version, length) to rec. Returns SYM_OK or SYM_ETOOBIG. */
int ingest_ccsds_header_to_rec(const ingest_ccsds_header_t *header,
                               sym_rec_t *rec);

/* Sequence count checker, one state per APID. */
typedef struct ingest_ccsds_seq_t ingest_ccsds_seq_t;

ingest_ccsds_seq_t *ingest_ccsds_seq_new(void);
void ingest_ccsds_seq_destroy(ingest_ccsds_seq_t **self_p);

/* Fix the step of apid's count (a recorder that keeps one packet in
 * stride), instead of learning it from the first two packets. Returns
 * SYM_OK or SYM_EINVAL for a stride outside 1..16383. */
int ingest_ccsds_seq_set_stride(ingest_ccsds_seq_t *self, uint16_t apid,
                                uint32_t stride);

/* Account for a packet of apid with count: returns how many packets are
 * missing just before it (0 when it follows on). The first packet of an
 * APID sets the start; the second one sets the stride when none was
 * given (a step above INGEST_CCSDS_MAX_STRIDE counts as a loss at
 * stride 1). A repeated count is a duplicate, not a loss. */
uint32_t ingest_ccsds_seq_check(ingest_ccsds_seq_t *self, uint16_t apid,
                                uint16_t count);

/* What the checker saw for apid. */
typedef struct {
    uint64_t packets;    /* packets seen */
    uint64_t missing;    /* packets missing by count */
    uint64_t duplicates; /* packets that repeated the last count */
    uint32_t stride;     /* step in use, 0 while unknown */
} ingest_ccsds_apid_t;

void ingest_ccsds_seq_get(const ingest_ccsds_seq_t *self, uint16_t apid,
                          ingest_ccsds_apid_t *out);

/* The unsigned big-endian number of bits bits starting bit_offset bits
 * into bytes (bit 0 is the MSB of byte 0). Returns SYM_OK, SYM_EINVAL
 * when bits is 0 or above 64, or SYM_ETOOBIG when the field ends past
 * len. */
int ingest_ccsds_bits(const uint8_t *bytes, size_t len, uint64_t bit_offset,
                      uint32_t bits, uint64_t *out);

/* How a dictionary field is typed. */
typedef enum {
    INGEST_CCSDS_UINT = 0,
    INGEST_CCSDS_INT,   /* two's complement */
    INGEST_CCSDS_FLOAT, /* IEEE 754, 32 or 64 bits */
} ingest_ccsds_kind_t;

/* One field of a packet. */
typedef struct {
    char *name;    /* mnemonic, owned by the dictionary */
    char *unit;    /* unit text, may be empty */
    uint32_t byte; /* start byte from the packet's first byte */
    uint32_t bit;  /* start bit within that byte, 0 = MSB */
    uint32_t bits; /* size in bits */
    ingest_ccsds_kind_t kind;
    uint8_t order[8];    /* byte order digits of whole-byte fields */
    uint8_t order_count; /* 0: big-endian */
} ingest_ccsds_field_t;

/* A packet dictionary: fields per APID. */
typedef struct ingest_ccsds_dict_t ingest_ccsds_dict_t;

ingest_ccsds_dict_t *ingest_ccsds_dict_new(void);
void ingest_ccsds_dict_destroy(ingest_ccsds_dict_t **self_p);

/* Read the fields of apid from a CSV file whose header row names the
 * columns: name (or Mnemonic), byte (or Start Byte), bit (or Start
 * Bit), bits (or Data Size), type, unit (or Units); names are matched
 * without case and surrounding spaces, other columns are ignored, so a
 * CYGNSS dictionary sheet reads as it is. type is U (unsigned), I
 * (signed) or F (float), optionally followed by the byte order digits
 * (U1234 big-endian, F4321 little-endian). Returns SYM_OK, SYM_EINVAL
 * (the file cannot be read or a row is bad: err says which), or
 * SYM_ENOMEM. */
int ingest_ccsds_dict_load(ingest_ccsds_dict_t *self, uint16_t apid,
                           const char *path, char *err, size_t err_size);

/* Parse a type text such as U12 or F4321 into field. Returns SYM_OK or
 * SYM_EINVAL. */
int ingest_ccsds_type_parse(const char *text, ingest_ccsds_field_t *field);

/* Number of fields known for apid. */
size_t ingest_ccsds_dict_count(const ingest_ccsds_dict_t *self, uint16_t apid);

/* The value of field in the packet. Returns SYM_OK, SYM_ETOOBIG when
 * the packet is too short for it, or SYM_EINVAL for a float that is
 * not 32 or 64 bits. */
int ingest_ccsds_field_value(const ingest_ccsds_field_t *field,
                             const uint8_t *packet, size_t len, sym_val_t *val);

/* Add apid's dictionary fields found in the packet to rec; fields the
 * packet is too short for are left out and counted in *skipped.
 * Returns SYM_OK or SYM_ETOOBIG when rec is full. */
int ingest_ccsds_dict_decode(const ingest_ccsds_dict_t *self, uint16_t apid,
                             const uint8_t *packet, size_t len, sym_rec_t *rec,
                             size_t *skipped);

#endif
