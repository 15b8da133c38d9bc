/* What a character of a name is, for an analyst who cannot tell 'с' from 'c'
 * or see a right-to-left override: "U+0441 CYRILLIC SMALL LETTER ES, Cyrillic",
 * from ICU's character names and scripts. */
#ifndef MASQ_CHAR_NOTES_H
#define MASQ_CHAR_NOTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Worth pointing out: any code point outside printable ASCII, and the space. */
bool masq_char_noteworthy(uint32_t c);

/* Never shown as itself, only as its code point: controls, bidi controls,
 * zero-width and other invisible characters, spaces (util/escape.h's set and
 * whatever ICU says has no glyph). */
bool masq_char_invisible(uint32_t c);

/* "U+0441 CYRILLIC SMALL LETTER ES, Cyrillic" into out (ASCII only). */
void masq_char_note(uint32_t c, char *out, size_t size);

/* The short form, "U+0441 Cyrillic", into out (ASCII only). */
void masq_char_label(uint32_t c, char *out, size_t size);

#endif
