#include "char_notes.h"

#include <stdio.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>

#include "../util/escape.h"

bool masq_char_noteworthy(uint32_t c)
{
    return c <= 0x20 || c >= 0x7F;
}

bool masq_char_invisible(uint32_t c)
{
    if (c <= 0x20 || c == 0x7F || masq_escape_code_point(c))
        return true;
    /* U+2800 (braille blank) has a "glyph" that shows nothing. */
    return c >= 0x80 && (!u_isgraph((UChar32)c) || c == 0x2800);
}

static const char *script_of(uint32_t c)
{
    UErrorCode error = U_ZERO_ERROR;
    UScriptCode script = uscript_getScript((UChar32)c, &error);
    const char *name = U_SUCCESS(error) ? uscript_getName(script) : NULL;
    return name ? name : "Unknown";
}

void masq_char_note(uint32_t c, char *out, size_t size)
{
    char name[128];
    UErrorCode error = U_ZERO_ERROR;
    /* The extended name also names controls and unassigned code points
     * ("<control-0007>", "<unassigned-0378>"). */
    int32_t length = u_charName((UChar32)c, U_EXTENDED_CHAR_NAME, name, sizeof name, &error);
    if (U_FAILURE(error) || length <= 0 || length >= (int32_t)sizeof name)
        snprintf(name, sizeof name, "<unnamed>");
    snprintf(out, size, "U+%04X %s, %s", (unsigned)c, name, script_of(c));
}

void masq_char_label(uint32_t c, char *out, size_t size)
{
    snprintf(out, size, "U+%04X %s", (unsigned)c, script_of(c));
}
