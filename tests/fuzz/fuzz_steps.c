/* fuzz_steps.c: fuzz target for transform steps files.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "transform_chain.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (text == NULL) {
        return 0;
    }
    memcpy(text, data, size);
    text[size] = '\0';
    char err[512];
    transform_chain_t *chain =
        transform_chain_parse("fuzz.steps", text, err, sizeof err);
    transform_chain_destroy(&chain);
    free(text);
    return 0;
}
