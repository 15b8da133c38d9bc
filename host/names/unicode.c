#include "unicode.h"

#include <stdlib.h>
#include <string.h>
#include <unicode/ucasemap.h>
#include <unicode/utf8.h>

static int is_ascii(const char *text, size_t length)
{
    size_t i = 0;
    for (; i + 8 <= length; i += 8) { /* eight bytes at a time: any high bit */
        uint64_t word;
        memcpy(&word, text + i, 8);
        if (word & 0x8080808080808080ull)
            return 0;
    }
    for (; i < length; i++)
        if ((unsigned char)text[i] >= 0x80)
            return 0;
    return 1;
}

/* ASCII lower-casing: for text without a byte >= 0x80, ICU's root-locale
 * full mapping changes A-Z only (tests/test_unicode_ascii.c holds the two to
 * the same bytes). */
static void lower_ascii(const char *text, size_t length, char *out)
{
    for (size_t i = 0; i < length; i++) {
        char c = text[i];
        out[i] = (c >= 'A' && c <= 'Z') ? (char)(c + ('a' - 'A')) : c;
    }
    out[length] = '\0';
}

long masq_unicode_decode(const char *text, size_t length, uint32_t *code_points)
{
    const uint8_t *bytes = (const uint8_t *)text;
    int32_t offset = 0;
    long count = 0;
    if (length > INT32_MAX)
        return -1;
    if (code_points == NULL && is_ascii(text, length))
        return (long)length;
    while ((size_t)offset < length) {
        UChar32 c;
        U8_NEXT(bytes, offset, (int32_t)length, c);
        if (c < 0)
            return -1;
        if (code_points != NULL)
            code_points[count] = (uint32_t)c;
        count++;
    }
    return count;
}

size_t masq_unicode_encode(uint32_t code_point, char *out)
{
    int32_t offset = 0;
    UBool error = 0;
    U8_APPEND((uint8_t *)out, offset, 4, (UChar32)code_point, error);
    return error ? 0 : (size_t)offset;
}

masq_unicode_result masq_unicode_lower(const char *text, size_t length, char **lowered,
                                       size_t *lowered_length)
{
    *lowered = NULL;
    if (is_ascii(text, length)) {
        char *out = malloc(length + 1);
        if (out == NULL)
            return MASQ_UNICODE_NOMEM;
        lower_ascii(text, length, out);
        *lowered = out;
        *lowered_length = length;
        return MASQ_UNICODE_OK;
    }
    return masq_unicode_lower_icu(text, length, lowered, lowered_length);
}

masq_unicode_result masq_unicode_lower_into(const char *text, size_t length, char *buffer,
                                            size_t capacity, char **lowered,
                                            size_t *lowered_length)
{
    if (length < capacity && is_ascii(text, length)) {
        lower_ascii(text, length, buffer);
        *lowered = buffer;
        *lowered_length = length;
        return MASQ_UNICODE_OK;
    }
    return masq_unicode_lower(text, length, lowered, lowered_length);
}

masq_unicode_result masq_unicode_lower_icu(const char *text, size_t length, char **lowered,
                                           size_t *lowered_length)
{
    *lowered = NULL;
    if (masq_unicode_decode(text, length, NULL) < 0)
        return MASQ_UNICODE_INVALID;

    /* The root locale ("") gives the language-independent full mapping that
     * Java's String.toLowerCase(Locale.ROOT) uses: İ becomes i + U+0307, a final
     * Σ becomes ς. A case mapping can grow the text, so retry with the size ICU
     * asks for. */
    UErrorCode error = U_ZERO_ERROR;
    UCaseMap *map = ucasemap_open("", 0, &error);
    if (U_FAILURE(error))
        return MASQ_UNICODE_NOMEM;
    int32_t capacity = (int32_t)length * 3 + 16;
    masq_unicode_result result = MASQ_UNICODE_OK;
    for (int attempt = 0; attempt < 2; attempt++) {
        char *out = malloc((size_t)capacity + 1);
        if (out == NULL) {
            result = MASQ_UNICODE_NOMEM;
            break;
        }
        error = U_ZERO_ERROR;
        int32_t written =
            ucasemap_utf8ToLower(map, out, capacity, text, (int32_t)length, &error);
        if (error == U_BUFFER_OVERFLOW_ERROR) {
            free(out);
            capacity = written;
            continue;
        }
        if (U_FAILURE(error)) {
            free(out);
            result = MASQ_UNICODE_INVALID;
            break;
        }
        out[written] = '\0';
        *lowered = out;
        *lowered_length = (size_t)written;
        break;
    }
    ucasemap_close(map);
    if (result == MASQ_UNICODE_OK && *lowered == NULL)
        result = MASQ_UNICODE_NOMEM;
    return result;
}
