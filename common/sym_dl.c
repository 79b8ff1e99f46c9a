/* sym_dl.c: optional libraries opened when first needed.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "sym_dl.h"

#include <dlfcn.h>
#include <stdio.h>

#include "sym_err.h"

int
sym_dl_open(const char *soname, const sym_dl_fn_t *fns, size_t count, char *err,
            size_t err_size)
{
    /* Never closed: the functions stay in use until the process ends, and
     * a second open of the same soname returns the same handle. */
    void *library = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) {
        snprintf(err, err_size, "cannot load %s: %s", soname, dlerror());
        return SYM_EIO;
    }
    for (size_t i = 0; i < count; i++) {
        *fns[i].slot = dlsym(library, fns[i].name);
        if (*fns[i].slot == NULL) {
            snprintf(err, err_size,
                     "%s has no %s: the installed version is not the one "
                     "Symphony was built for",
                     soname, fns[i].name);
            return SYM_EIO;
        }
    }
    return SYM_OK;
}
