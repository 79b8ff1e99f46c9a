/* fuzz_jsonl.c: fuzz target for the ingest JSON-lines source.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "fuzz_source.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_source_run(&ingest_jsonl_ops, data, size);
    return 0;
}
