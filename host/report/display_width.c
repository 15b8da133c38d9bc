#include "display_width.h"

#include <string.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

int masq_code_point_width(uint32_t c)
{
    if (c == 0)
        return 0;
    int8_t type = u_charType((UChar32)c);
    if (type == U_NON_SPACING_MARK || type == U_ENCLOSING_MARK || type == U_FORMAT_CHAR)
        return 0;
    if (c >= 0x1160 && c <= 0x11FF) /* Hangul medial vowels and final consonants join the syllable */
        return 0;
    int east_asian = u_getIntPropertyValue((UChar32)c, UCHAR_EAST_ASIAN_WIDTH);
    return east_asian == U_EA_WIDE || east_asian == U_EA_FULLWIDTH ? 2 : 1;
}

/* The next code point of text at *i (length bytes), and its width. */
static int next_width(const char *text, size_t length, size_t *i)
{
    UChar32 c;
    int32_t at = (int32_t)*i;
    U8_NEXT((const uint8_t *)text, at, (int32_t)length, c);
    *i = (size_t)at;
    return c < 0 ? 1 : masq_code_point_width((uint32_t)c);
}

size_t masq_display_width(const char *text)
{
    size_t length = strlen(text), width = 0;
    for (size_t i = 0; i < length;)
        width += (size_t)next_width(text, length, &i);
    return width;
}

size_t masq_display_fit(const char *text, size_t columns, size_t *width, int *cut)
{
    size_t whole = masq_display_width(text), length = strlen(text);
    *cut = whole > columns;
    if (!*cut) {
        *width = whole;
        return length;
    }
    size_t room = columns > 0 ? columns - 1 : 0; /* the ellipsis takes one */
    size_t used = 0, end = 0;
    for (size_t i = 0; i < length;) {
        size_t next = i;
        int w = next_width(text, length, &next);
        if (used + (size_t)w > room)
            break;
        used += (size_t)w;
        i = next;
        end = i;
    }
    *width = used;
    return end;
}
