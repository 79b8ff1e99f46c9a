/* keygen.h: symphony-keygen, which writes CURVE key pairs.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#ifndef KEYGEN_H
#define KEYGEN_H

#include <stddef.h>

#include "sym_opt.h"

typedef struct {
    sym_opt_common_t common; /* --name, --log-level, --help, ... */
    char *out;               /* certificate path; secret at out_secret */
} keygen_cfg_t;

extern const sym_opt_t keygen_options[];

/* Write the key pair cfg names. Returns SYM_OK, SYM_EINVAL (no --out) or
 * SYM_EIO, with the reason in err. */
int keygen_write(const keygen_cfg_t *cfg, char *err, size_t err_size);

#endif
