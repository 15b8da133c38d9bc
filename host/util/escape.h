/* Untrusted text (names, paths, computers, file names) made safe for a
 * terminal: every byte or character that could steer a terminal or hide or
 * reorder text is written visibly instead. C0 controls (ESC, CR, LF, TAB...),
 * DEL and bytes that are not UTF-8 become \xHH; C1 controls (U+0080-U+009F),
 * bidi controls (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069),
 * zero-width and other invisible characters (U+00AD, U+034F, U+115F, U+1160,
 * U+180E, U+200B-U+200D, U+2060-U+2064, U+3164, U+FEFF, U+FFA0, U+2028,
 * U+2029, U+FFF9-U+FFFB, tags U+E0000-U+E007F) become \u{XXXX}. Everything
 * else, printable non-ASCII included, is kept. JSON output does not use this:
 * JSON has its own escapes. */
#ifndef MASQ_ESCAPE_H
#define MASQ_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Is this code point escaped? */
bool masq_escape_code_point(unsigned long c);

/* Escape length bytes of text into out (size bytes, NUL-terminated, cut at a
 * whole escape when short). keep_newlines leaves '\n' as it is (multi-line
 * messages of masq's own). Returns the length the whole escaped text needs. */
size_t masq_escape(const char *text, size_t length, bool keep_newlines, char *out, size_t size);

/* The escaped copy of a NUL-terminated text (malloc'ed; NULL when out of memory). */
char *masq_escape_dup(const char *text);

/* Write the escaped text; 0, or -1 when writing fails. */
int masq_escape_fputs(const char *text, FILE *out);

#endif
