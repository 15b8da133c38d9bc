/* The one way text from the events enters the HTML report: names, paths and
 * hosts are the attacker's, so each is first made visible as for a terminal
 * (util/escape.h: controls as \xHH, bidi and invisible characters as
 * \u{XXXX}, bytes that are not UTF-8 as \xHH) and then & < > " ' become
 * entities. The result is safe in text and in quoted attribute values alike. */
#ifndef MASQ_HTML_ESCAPE_H
#define MASQ_HTML_ESCAPE_H

#include <stddef.h>
#include <stdio.h>

/* Write length bytes of text escaped; 0, or -1 when out of memory or writing fails. */
int masq_html_escape_n(FILE *out, const char *text, size_t length);

/* The same for a NUL-terminated text (NULL writes nothing). */
int masq_html_escape(FILE *out, const char *text);

#endif
