#include "escape.h"

#include <stdlib.h>
#include <string.h>

bool masq_escape_code_point(unsigned long c)
{
    if (c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F))
        return true; /* C0, DEL, C1 (U+009B is CSI, U+009D OSC) */
    switch (c) {
    case 0x00AD: /* soft hyphen */
    case 0x034F: /* combining grapheme joiner */
    case 0x061C: /* Arabic letter mark */
    case 0x115F: case 0x1160: /* Hangul fillers */
    case 0x180E: /* Mongolian vowel separator */
    case 0x2028: case 0x2029: /* line and paragraph separators */
    case 0x3164: case 0xFFA0: /* Hangul fillers */
    case 0xFEFF: /* zero-width no-break space, byte-order mark */
        return true;
    default:
        break;
    }
    return (c >= 0x200B && c <= 0x200F) ||  /* zero-width space/non-joiner/joiner, LRM, RLM */
           (c >= 0x202A && c <= 0x202E) ||  /* LRE, RLE, PDF, LRO, RLO */
           (c >= 0x2060 && c <= 0x2069) ||  /* word joiner, invisible operators, LRI..PDI */
           (c >= 0xFFF9 && c <= 0xFFFB) ||  /* interlinear annotation */
           (c >= 0xE0000 && c <= 0xE007F);  /* tags */
}

/* One UTF-8 sequence at text (length >= 1 bytes): its code point and its
 * length, or 0 when it is not valid UTF-8 (overlong, surrogate, past U+10FFFF,
 * cut short). */
static size_t decode(const unsigned char *text, size_t length, unsigned long *c)
{
    unsigned char b = text[0];
    size_t n;
    unsigned long min;
    if (b < 0x80) {
        *c = b;
        return 1;
    } else if (b >= 0xC2 && b <= 0xDF) {
        n = 2, *c = b & 0x1F, min = 0x80;
    } else if (b >= 0xE0 && b <= 0xEF) {
        n = 3, *c = b & 0x0F, min = 0x800;
    } else if (b >= 0xF0 && b <= 0xF4) {
        n = 4, *c = b & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (length < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((text[i] & 0xC0) != 0x80)
            return 0;
        *c = (*c << 6) | (text[i] & 0x3F);
    }
    if (*c < min || *c > 0x10FFFF || (*c >= 0xD800 && *c <= 0xDFFF))
        return 0;
    return n;
}

size_t masq_escape(const char *text, size_t length, bool keep_newlines, char *out, size_t size)
{
    const unsigned char *p = (const unsigned char *)text;
    size_t need = 0, written = 0;
    bool full = size == 0;
    for (size_t i = 0; i < length;) {
        unsigned long c;
        size_t n = decode(p + i, length - i, &c);
        char piece[16];
        size_t piece_length;
        if (n == 0) {
            piece_length = (size_t)snprintf(piece, sizeof piece, "\\x%02x", p[i]);
            n = 1;
        } else if (masq_escape_code_point(c) && !(keep_newlines && c == '\n')) {
            piece_length = c < 0x80 ? (size_t)snprintf(piece, sizeof piece, "\\x%02lx", c)
                                    : (size_t)snprintf(piece, sizeof piece, "\\u{%04lX}", c);
        } else {
            memcpy(piece, p + i, n);
            piece_length = n;
        }
        if (!full && written + piece_length < size) {
            memcpy(out + written, piece, piece_length);
            written += piece_length;
        } else {
            full = true;
        }
        need += piece_length;
        i += n;
    }
    if (size > 0)
        out[written] = '\0';
    return need;
}

char *masq_escape_dup(const char *text)
{
    size_t length = strlen(text);
    size_t need = masq_escape(text, length, false, NULL, 0);
    char *out = malloc(need + 1);
    if (out != NULL)
        masq_escape(text, length, false, out, need + 1);
    return out;
}

int masq_escape_fputs(const char *text, FILE *out)
{
    char buffer[1024];
    size_t length = strlen(text);
    if (masq_escape(text, length, false, buffer, sizeof buffer) < sizeof buffer)
        return fputs(buffer, out) < 0 ? -1 : 0;
    char *escaped = masq_escape_dup(text);
    if (escaped == NULL)
        return -1;
    int failed = fputs(escaped, out) < 0;
    free(escaped);
    return failed ? -1 : 0;
}
