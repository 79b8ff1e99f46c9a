/* fuzz_conf.c: fuzz target for config files: the line splitter and the
 * option table applied to what it splits.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include <assert.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_source.h"
#include "sym_conf.h"
#include "sym_err.h"
#include "transform.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every failure must name the file and what was expected. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_scratch_write(data, size);
    assert(path != NULL);
    char err[512] = "";
    sym_conf_t *conf = sym_conf_load(path, err, sizeof err);
    if (conf == NULL) {
        assert(strstr(err, path) != NULL);
    }
    sym_conf_destroy(&conf);

    transform_cfg_t cfg;
    memset(&cfg, 0, sizeof cfg);
    char *argv[] = {"symphony-transform", "--config", (char *) path, NULL};
    err[0] = '\0';
    if (sym_opt_parse(transform_options, &cfg, 3, argv, err, sizeof err) !=
        SYM_OK) {
        assert(err[0] != '\0');
    }
    sym_opt_free(transform_options, &cfg);
    unlink(path);
    return 0;
}
