/* Unicode for process names: lower-casing as Spark's lower() does it (full
 * case mapping, root locale) and code-point decoding. Lengths and distances in
 * masq are counted in code points, never bytes. */
#ifndef MASQ_UNICODE_H
#define MASQ_UNICODE_H

#include <stddef.h>
#include <stdint.h>

typedef enum masq_unicode_result {
    MASQ_UNICODE_OK = 0,
    MASQ_UNICODE_INVALID, /* the bytes are not valid UTF-8 */
    MASQ_UNICODE_NOMEM,
} masq_unicode_result;

/* Lower-case UTF-8 text. On success *lowered is a new NUL-terminated string
 * (free() it) of *lowered_length bytes. ASCII takes a fast path; anything else
 * goes through ICU's full case mapping. */
masq_unicode_result masq_unicode_lower(const char *text, size_t length, char **lowered,
                                       size_t *lowered_length);

/* masq_unicode_lower into buffer (of capacity bytes) when the text is ASCII
 * and fits, with no allocation: *lowered is then buffer; otherwise as
 * masq_unicode_lower (free() *lowered when it is not buffer). */
masq_unicode_result masq_unicode_lower_into(const char *text, size_t length, char *buffer,
                                            size_t capacity, char **lowered,
                                            size_t *lowered_length);

/* masq_unicode_lower always through ICU, ASCII too: what the fast paths are
 * held to. */
masq_unicode_result masq_unicode_lower_icu(const char *text, size_t length, char **lowered,
                                           size_t *lowered_length);

/* Decode valid UTF-8 into code points. Returns the number of code points, or
 * -1 if the text is invalid UTF-8. With code_points NULL it only counts. */
long masq_unicode_decode(const char *text, size_t length, uint32_t *code_points);

/* Encode one code point as UTF-8 into out (4 bytes room); returns the byte count. */
size_t masq_unicode_encode(uint32_t code_point, char *out);

#endif
