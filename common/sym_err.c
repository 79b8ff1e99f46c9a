/* sym_err.c: descriptions of status codes.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#include "sym_err.h"

const char *
sym_strerror(int rc)
{
    switch (rc) {
    case SYM_OK:
        return "ok";
    case SYM_EINVAL:
        return "invalid argument";
    case SYM_ENOMEM:
        return "out of memory";
    case SYM_EIO:
        return "i/o error";
    case SYM_EDECODE:
        return "malformed input";
    case SYM_ETOOBIG:
        return "over limit";
    case SYM_ETIMEOUT:
        return "timed out";
    case SYM_ECLOSED:
        return "closed";
    case SYM_EAGAIN:
        return "try again";
    case SYM_EVERSION:
        return "unsupported version";
    case SYM_ENOTFOUND:
        return "not found";
    default:
        return "unknown error";
    }
}
