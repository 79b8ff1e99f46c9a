/* fuzz_source.c: drive an ingest source over bytes put in a scratch file.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "fuzz_source.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "sym_err.h"

/* Sources read paths, so the bytes go to a file: one per process, in
 * memory-backed /dev/shm when there is one, rewritten for every input. */
const char *
fuzz_scratch_write(const uint8_t *data, size_t size)
{
    static char path[64];
    if (path[0] == '\0') {
        const char *dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
        snprintf(path, sizeof path, "%s/sym-fuzz-%ld", dir, (long) getpid());
    }
    FILE *file = fopen(path, "wb");
    if (file == NULL) {
        return NULL;
    }
    size_t written = size > 0 ? fwrite(data, 1, size, file) : 0;
    fclose(file);
    return written == size ? path : NULL;
}

void
fuzz_source_run(const ingest_source_ops_t *ops, const uint8_t *data,
                size_t size)
{
    ingest_source_args_t args = {0};
    fuzz_source_run_with(ops, &args, data, size);
}

void
fuzz_source_run_with(const ingest_source_ops_t *ops,
                     const ingest_source_args_t *given, const uint8_t *data,
                     size_t size)
{
    const char *path = fuzz_scratch_write(data, size);
    assert(path != NULL);
    ingest_source_args_t args = *given;
    args.path = path;
    void *state = NULL;
    char err[256];
    if (ops->open(&args, &state, err, sizeof err) != SYM_OK) {
        return;
    }
    sym_rec_t *rec = sym_rec_new();
    /* A source that neither ends nor moves on is a stall: bound the loop
     * by the input size, which no correct source can exceed by much. */
    size_t budget = 2 * size + 16;
    for (size_t i = 0; i < budget; i++) {
        ingest_where_t where = {0};
        int rc = ops->next(state, rec, &where);
        if (rc != SYM_OK && rc != SYM_EDECODE && rc != SYM_EAGAIN) {
            break;
        }
        if (rc == SYM_EDECODE) {
            assert(where.reason != NULL);
        }
    }
    sym_rec_destroy(&rec);
    ops->close(&state);
    unlink(path);
}
