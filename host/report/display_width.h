/* How many terminal columns text takes, by wcwidth's rules but from ICU's
 * properties (the C library's wcwidth depends on the locale): East Asian
 * wide and fullwidth characters take two, combining marks (Mn, Me), format
 * characters (Cf) and Hangul medial and final jamo none, the rest one. The
 * text is the escaped text (util/escape.h): no control characters are left. */
#ifndef MASQ_DISPLAY_WIDTH_H
#define MASQ_DISPLAY_WIDTH_H

#include <stddef.h>
#include <stdint.h>

/* The columns of one code point: 0, 1 or 2. */
int masq_code_point_width(uint32_t c);

/* The columns of UTF-8 text (a byte that is not UTF-8 counts one). */
size_t masq_display_width(const char *text);

/* How many bytes of text fit in `columns` columns, with room for an ellipsis
 * ("…", one column) when the text does not fit whole; *width gets the
 * columns of those bytes. Zero-width characters after the last kept one stay
 * with it (a combining mark is never cut from its letter). */
size_t masq_display_fit(const char *text, size_t columns, size_t *width, int *cut);

#endif
