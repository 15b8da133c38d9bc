/* The ASCII fast paths of lower-casing (masq_unicode_lower and
 * masq_unicode_lower_into) against ICU's full root-locale mapping, which is
 * Spark's lower(): every ASCII byte alone and in seeded mixed strings of every
 * length up to 300 (past the stack buffer of masq_unicode_lower_into) must give
 * the same bytes both ways; and a non-ASCII byte anywhere sends a string to
 * ICU, whose result the fast entry points must return unchanged. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "names/unicode.h"
#include "util/random.h"

static unsigned long compared;

static void compare(const char *text, size_t length)
{
    char *icu = NULL, *fast = NULL, *into = NULL, buffer[256];
    size_t icu_length = 0, fast_length = 0, into_length = 0;
    masq_unicode_result a = masq_unicode_lower_icu(text, length, &icu, &icu_length);
    masq_unicode_result b = masq_unicode_lower(text, length, &fast, &fast_length);
    masq_unicode_result c =
        masq_unicode_lower_into(text, length, buffer, sizeof buffer, &into, &into_length);
    CHECK(a == b && a == c, "results differ (%d, %d, %d) for %zu bytes", a, b, c, length);
    if (a == MASQ_UNICODE_OK && b == MASQ_UNICODE_OK && c == MASQ_UNICODE_OK) {
        CHECK(icu_length == fast_length && memcmp(icu, fast, icu_length) == 0,
              "masq_unicode_lower differs from ICU on %.*s", (int)length, text);
        CHECK(icu_length == into_length && memcmp(icu, into, icu_length) == 0,
              "masq_unicode_lower_into differs from ICU on %.*s", (int)length, text);
        CHECK(into[into_length] == '\0' && fast[fast_length] == '\0', "not NUL-terminated");
        compared++;
    }
    free(icu);
    free(fast);
    if (into != buffer)
        free(into);
}

int main(void)
{
    char text[320];
    for (int c = 1; c < 0x80; c++) { /* every ASCII byte alone, and in a name */
        text[0] = (char)c;
        compare(text, 1);
        int n = snprintf(text, sizeof text, "SvC%cHoSt.EXE", c);
        compare(text, (size_t)n);
    }
    masq_random r = {20261203};
    static const char *const others[] = {"\xc3\x84", "\xc4\xb0", "\xce\xa3", "\xe1\xba\x9e", "\xff"};
    for (size_t length = 0; length <= 300; length++)
        for (int round = 0; round < 20; round++) {
            for (size_t i = 0; i < length; i++)
                text[i] = (char)(1 + masq_random_below(&r, 0x7F));
            compare(text, length);
            if (length > 0 && length + 3 < sizeof text) { /* one non-ASCII letter anywhere */
                const char *other = others[masq_random_below(&r, sizeof others / sizeof *others)];
                size_t at = masq_random_below(&r, (uint32_t)length), n = strlen(other);
                memmove(text + at + n, text + at, length - at);
                memcpy(text + at, other, n);
                compare(text, length + n);
            }
        }
    printf("compared %lu strings with ICU\n", compared);
    CHECK(compared > 10000, "too few strings compared");
    return check_finish("test_unicode_ascii");
}
