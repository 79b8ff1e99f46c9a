/* keygen.c: symphony-keygen, which writes CURVE key pairs.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "keygen.h"

#include <stdio.h>

#include "sym_auth.h"
#include "sym_err.h"

/* Not a node: no stats, metrics or config file, only what a key needs. */
const sym_opt_t keygen_options[] = {
    {"name", SYM_OPT_STR, "node", "name written into the certificate",
     offsetof(keygen_cfg_t, common.name)},
    {"help", SYM_OPT_BOOL, NULL, "print this help and exit",
     offsetof(keygen_cfg_t, common.help)},
    {"version", SYM_OPT_BOOL, NULL, "print the version and exit",
     offsetof(keygen_cfg_t, common.version)},
    {"out", SYM_OPT_STR, NULL,
     "public certificate to write; the secret one goes to OUT_secret",
     offsetof(keygen_cfg_t, out)},
    {NULL, SYM_OPT_STR, NULL, NULL, 0},
};

int
keygen_write(const keygen_cfg_t *cfg, char *err, size_t err_size)
{
    if (cfg->out == NULL) {
        snprintf(err, err_size, "expected '--out FILE'");
        return SYM_EINVAL;
    }
    return sym_auth_keygen(cfg->out, cfg->common.name, err, err_size);
}
