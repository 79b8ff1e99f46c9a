/* sym_dl.h: optional libraries opened when first needed.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#ifndef SYM_DL_H
#define SYM_DL_H

#include <stddef.h>

/* One function to look up: its name and the function pointer to fill. */
typedef struct {
    const char *name;
    void **slot; /* the address of a function pointer, cast */
} sym_dl_fn_t;

/* The entry for the member of table named after the function it holds. */
#define SYM_DL_FN(table, name)                                                 \
    {                                                                          \
#name, (void **) &(table).name                                         \
    }

/* Open the library soname, once for the life of the process, and fill
 * every slot. A node that never needs the library never maps it, nor
 * what the library itself depends on. Returns SYM_OK, or SYM_EIO with
 * the loader's reason in err; the slots are then not to be used. */
int sym_dl_open(const char *soname, const sym_dl_fn_t *fns, size_t count,
                char *err, size_t err_size);

#endif
