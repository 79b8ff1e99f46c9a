/* sym_real.h: doubles as the shortest text that reads back the same.
 * Copyright (c) 2026 The Symphony authors
 * SPDX-License-Identifier: MIT */
#ifndef SYM_REAL_H
#define SYM_REAL_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Room for any finite double: 17 digits, a sign, a point, an exponent. */
#define SYM_REAL_TEXT_MAX 32

/* Write a finite value into text (size >= SYM_REAL_TEXT_MAX) with the
 * fewest significant digits that read back as the same double (7.66, not
 * 7.6600000000000001), NUL-terminated. Laid out as %g would: plain from
 * 1e-4 up to below 1e17, with ".0" when it is whole (100.0), otherwise
 * with an exponent that has neither '+' nor leading zeros (1e17, 1.5e-7).
 * Returns the length, or 0 for a value that is not finite or a buffer too
 * small. */
size_t sym_real_text(double value, char *text, size_t size);

#ifdef __cplusplus
}
#endif

#endif
