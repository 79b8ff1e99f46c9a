/* sym_err.h: status codes shared by every Symphony module.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#ifndef SYM_ERR_H
#define SYM_ERR_H

/* Every function that returns int returns SYM_OK or one of these negative
 * codes, never a positive errno. */
enum {
    SYM_OK = 0,
    SYM_EINVAL = -1,   /* an argument or a setting is not valid */
    SYM_ENOMEM = -2,   /* an allocation failed */
    SYM_EIO = -3,      /* a system or socket call failed */
    SYM_EDECODE = -4,  /* bytes from outside are malformed */
    SYM_ETOOBIG = -5,  /* input exceeds a configured limit */
    SYM_ETIMEOUT = -6, /* a deadline passed */
    SYM_ECLOSED = -7,  /* the peer, file or context is gone: stop in order */
    SYM_EAGAIN = -8,   /* nothing now; try again later (full queue, no data) */
    SYM_EVERSION = -9, /* a wire-format version this build does not speak */
    SYM_ENOTFOUND = -10, /* a named thing does not exist */
};

/* A short, constant, lowercase description of a status code. */
const char *sym_strerror(int rc);

#endif
