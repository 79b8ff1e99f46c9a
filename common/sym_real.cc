// sym_real.cc: doubles as text through Google's double-conversion.
// glibc prints the 17 digits of %.17g through multi-precision arithmetic,
// a fifth of a SQLite sink's time; double-conversion finds the shortest
// digits that read back exactly, mostly without it. It is C++, so this is
// the one C++ file, behind a C interface.
// Copyright (c) 2026 The Symphony authors
// SPDX-License-Identifier: MIT
#include "sym_real.h"

#include <cmath>

#include <double-conversion/double-to-string.h>

namespace
{

using double_conversion::DoubleToStringConverter;
using double_conversion::StringBuilder;

// Plain notation in [1e-4, 1e17), as %g with 17 digits, else an exponent;
// ".0" after a whole number; the precision-mode limits are unused.
const DoubleToStringConverter
    converter(DoubleToStringConverter::EMIT_TRAILING_DECIMAL_POINT |
                  DoubleToStringConverter::EMIT_TRAILING_ZERO_AFTER_POINT,
              nullptr, nullptr, 'e', -4, 17, 0, 0);

} // namespace

extern "C" size_t
sym_real_text(double value, char *text, size_t size)
{
    if (!std::isfinite(value) || size < SYM_REAL_TEXT_MAX) {
        return 0;
    }
    StringBuilder builder(text, static_cast<int>(size));
    if (!converter.ToShortest(value, &builder)) {
        return 0;
    }
    int len = builder.position();
    builder.Finalize();
    return static_cast<size_t>(len);
}
