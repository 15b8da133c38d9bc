/* The terminal escaper (host/util/escape.c): every byte and character that
 * can steer a terminal or hide text is written visibly; other text is kept;
 * a short buffer is cut at a whole escape. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/escape.h"

static int failures;

static void expect(const char *input, size_t length, int keep_newlines, const char *expected)
{
    char out[512];
    size_t need = masq_escape(input, length, keep_newlines != 0, out, sizeof out);
    if (strcmp(out, expected) != 0 || need != strlen(expected)) {
        printf("FAIL: escape of %zu bytes gave '%s' (need %zu), expected '%s'\n", length, out, need,
               expected);
        failures++;
    }
}

#define EXPECT(literal, expected) expect(literal, sizeof literal - 1, 0, expected)

int main(void)
{
    /* kept: ASCII, Windows paths, printable non-ASCII (Cyrillic, CJK, arrows, emoji) */
    EXPECT("C:\\Windows\\System32\\svchost.exe", "C:\\Windows\\System32\\svchost.exe");
    EXPECT("sv\xd1\x81host.exe \xe6\xbc\xa2 \xe2\x86\x92 \xf0\x9f\x98\x80", "sv\xd1\x81host.exe \xe6\xbc\xa2 \xe2\x86\x92 \xf0\x9f\x98\x80");
    /* C0, ESC sequences (OSC 0 title, OSC 8 link, OSC 52 clipboard, SGR 8), CR, DEL */
    EXPECT("a\x1b]0;pwned\x07" "b", "a\\x1b]0;pwned\\x07b");
    EXPECT("\x1b[8mhidden\x1b[0m", "\\x1b[8mhidden\\x1b[0m");
    EXPECT("x\ry\nz\tw\x7f", "x\\x0dy\\x0az\\x09w\\x7f");
    expect("a\0b", 3, 0, "a\\x00b");
    /* newlines kept only when asked */
    expect("one\ntwo\r", 8, 1, "one\ntwo\\x0d");
    /* C1: U+009B (CSI) and U+009D (OSC) as UTF-8; a lone 0x9b byte */
    EXPECT("\xc2\x9b" "31m \xc2\x9d" "0;t", "\\u{009B}31m \\u{009D}0;t");
    EXPECT("\x9b" "31m", "\\x9b31m");
    /* bidi controls and marks */
    EXPECT("report\xe2\x80\xae" "fdp.exe", "report\\u{202E}fdp.exe");
    EXPECT("\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad", "\\u{202A}\\u{202B}\\u{202C}\\u{202D}");
    EXPECT("\xe2\x81\xa6\xe2\x81\xa7\xe2\x81\xa8\xe2\x81\xa9", "\\u{2066}\\u{2067}\\u{2068}\\u{2069}");
    EXPECT("\xe2\x80\x8e\xe2\x80\x8f\xd8\x9c", "\\u{200E}\\u{200F}\\u{061C}");
    /* zero-width and other invisible characters */
    EXPECT("s\xe2\x80\x8bv\xe2\x80\x8c" "c\xe2\x80\x8dh\xe2\x81\xa0o\xef\xbb\xbfst\xc2\xad",
           "s\\u{200B}v\\u{200C}c\\u{200D}h\\u{2060}o\\u{FEFF}st\\u{00AD}");
    EXPECT("\xe3\x85\xa4\xe2\x80\xa8\xf3\xa0\x80\x81", "\\u{3164}\\u{2028}\\u{E0001}");
    /* not UTF-8: overlong, surrogate, past U+10FFFF, cut short */
    EXPECT("\xc0\xaf", "\\xc0\\xaf");
    EXPECT("\xed\xa0\x80", "\\xed\\xa0\\x80");
    EXPECT("\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80");
    EXPECT("ab\xe2\x80", "ab\\xe2\\x80");
    /* a short buffer: cut at a whole escape, the needed length still told */
    char small[6];
    size_t need = masq_escape("ab\x1b" "cd", 5, 0, small, sizeof small);
    if (strcmp(small, "ab") != 0 || need != 8) {
        printf("FAIL: short buffer gave '%s' (need %zu)\n", small, need);
        failures++;
    }
    char *dup = masq_escape_dup("x\x1b[2Jy");
    if (dup == NULL || strcmp(dup, "x\\x1b[2Jy") != 0) {
        printf("FAIL: masq_escape_dup gave '%s'\n", dup ? dup : "(null)");
        failures++;
    }
    free(dup);
    /* every code point: escaped ones never print raw, the rest round-trip */
    for (unsigned long c = 0; c <= 0x10FFFF; c++) {
        if (c >= 0xD800 && c <= 0xDFFF)
            continue;
        char in[5];
        size_t n;
        if (c < 0x80) in[0] = (char)c, n = 1;
        else if (c < 0x800) in[0] = (char)(0xC0 | c >> 6), in[1] = (char)(0x80 | (c & 0x3F)), n = 2;
        else if (c < 0x10000) in[0] = (char)(0xE0 | c >> 12), in[1] = (char)(0x80 | ((c >> 6) & 0x3F)), in[2] = (char)(0x80 | (c & 0x3F)), n = 3;
        else in[0] = (char)(0xF0 | c >> 18), in[1] = (char)(0x80 | ((c >> 12) & 0x3F)), in[2] = (char)(0x80 | ((c >> 6) & 0x3F)), in[3] = (char)(0x80 | (c & 0x3F)), n = 4;
        char out[32];
        masq_escape(in, n, 0, out, sizeof out);
        int raw = strlen(out) == n && memcmp(out, in, n) == 0;
        if (raw == masq_escape_code_point(c)) {
            printf("FAIL: U+%04lX %s\n", c, raw ? "printed raw" : "escaped but not listed");
            failures++;
            break;
        }
    }
    printf("escape: %s\n", failures ? "FAILED" : "all passed");
    return failures ? 1 : 0;
}
