/* Unicode and skeletons on any bytes: decoding accepts exactly what encodes
 * back to the same bytes (valid UTF-8: no overlong forms, no surrogates, no
 * code point past U+10FFFF), the lower-cased text and the homoglyph skeleton
 * are valid UTF-8, lower-casing (its ASCII fast path included) gives ICU's
 * bytes, and lower-casing ASCII changes only A-Z. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "detect/skeleton.h"
#include "fuzz_check.h"
#include "names/unicode.h"

static masq_skeleton *skeleton;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    long count = masq_unicode_decode(text, size, NULL);
    if (count >= 0) {
        uint32_t *points = malloc(((size_t)count + 1) * sizeof *points);
        char *again = malloc(size + 4);
        FUZZ_CHECK(points && again, "out of memory");
        FUZZ_CHECK(masq_unicode_decode(text, size, points) == count, "two counts");
        size_t n = 0;
        for (long i = 0; i < count; i++) {
            FUZZ_CHECK(points[i] <= 0x10FFFF && (points[i] < 0xD800 || points[i] > 0xDFFF),
                       "code point U+%X decoded", points[i]);
            FUZZ_CHECK(n + 4 <= size + 4, "encoding grows");
            size_t bytes = masq_unicode_encode(points[i], again + n);
            FUZZ_CHECK(bytes > 0, "U+%X does not encode", points[i]);
            n += bytes;
        }
        FUZZ_CHECK(n == size && memcmp(again, text, size) == 0, "decode and encode differ");
        free(points);
        free(again);
    }
    char *lowered = NULL;
    size_t lowered_length = 0;
    masq_unicode_result result = masq_unicode_lower(text, size, &lowered, &lowered_length);
    FUZZ_CHECK((result == MASQ_UNICODE_INVALID) == (count < 0), "lower-casing and decoding disagree");
    if (result == MASQ_UNICODE_OK) {
        FUZZ_CHECK(masq_unicode_decode(lowered, lowered_length, NULL) >= 0, "lower-cased text not UTF-8");
        bool ascii = true;
        for (size_t i = 0; i < size; i++)
            ascii = ascii && data[i] < 0x80;
        char *icu = NULL;
        size_t icu_length = 0;
        FUZZ_CHECK(masq_unicode_lower_icu(text, size, &icu, &icu_length) == MASQ_UNICODE_OK &&
                       icu_length == lowered_length && memcmp(icu, lowered, icu_length) == 0,
                   "lower-casing differs from ICU's");
        free(icu);
        if (ascii) {
            FUZZ_CHECK(lowered_length == size, "ASCII changed length");
            for (size_t i = 0; i < size; i++) {
                char c = text[i];
                char want = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
                FUZZ_CHECK(lowered[i] == want, "ASCII lower-casing at %zu", i);
            }
        }
        free(lowered);
    }
    if (skeleton == NULL)
        FUZZ_CHECK(masq_skeleton_open(&skeleton) == MASQ_OK, "cannot open the skeleton checker");
    char *shape = masq_skeleton_of(skeleton, text, size);
    if (shape != NULL) {
        FUZZ_CHECK(masq_unicode_decode(shape, strlen(shape), NULL) >= 0, "skeleton not UTF-8");
        free(shape);
    }
    return 0;
}
