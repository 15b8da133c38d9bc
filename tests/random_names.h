/* Seeded random strings for the oracle tests: small alphabets (where OSA and
 * true Damerau-Levenshtein differ most), Cyrillic look-alikes and CJK, and
 * edits that turn one string into a near copy of another. */
#ifndef MASQ_RANDOM_NAMES_H
#define MASQ_RANDOM_NAMES_H

#include <stdint.h>
#include <string.h>

#include "util/random.h"

static const uint32_t alphabet_ab[] = {'a', 'b'};
static const uint32_t alphabet_abc[] = {'a', 'b', 'c'};
static const uint32_t alphabet_abcd[] = {'a', 'b', 'c', 'd'};
/* Latin letters with their Cyrillic look-alikes (с о е а р), CJK and a digit. */
static const uint32_t alphabet_mixed[] = {'s', 'v', 'c', 'h', 'o', 0x0441, 0x043E, 0x0435,
                                          0x0430, 0x0440, 0x4E2D, 0x6587, '0', '.'};

typedef struct test_alphabet {
    const uint32_t *symbols;
    uint32_t size;
} test_alphabet;

static const test_alphabet test_alphabets[] = {
    {alphabet_ab, 2}, {alphabet_abc, 3}, {alphabet_abcd, 4}, {alphabet_mixed, 14}};

/* A length from 0 to 300: mostly short names, some very long. */
static inline uint32_t random_length(masq_random *r)
{
    uint32_t pick = masq_random_below(r, 100);
    if (pick < 3)
        return masq_random_below(r, 301);
    if (pick < 10)
        return 30 + masq_random_below(r, 40);
    return masq_random_below(r, 30);
}

static inline void random_string(masq_random *r, const test_alphabet *a, uint32_t length,
                                 uint32_t *out)
{
    for (uint32_t i = 0; i < length; i++)
        out[i] = a->symbols[masq_random_below(r, a->size)];
}

/* Apply `edits` random edits (substitute, insert, delete, swap neighbours) to
 * s in place; out has room for length + edits. Returns the new length. */
static inline uint32_t random_edits(masq_random *r, const test_alphabet *a, uint32_t *s,
                                    uint32_t length, uint32_t edits)
{
    for (uint32_t e = 0; e < edits; e++) {
        uint32_t kind = masq_random_below(r, 4);
        if (length == 0)
            kind = 1;
        uint32_t at = length ? masq_random_below(r, length) : 0;
        switch (kind) {
        case 0:
            s[at] = a->symbols[masq_random_below(r, a->size)];
            break;
        case 1:
            at = masq_random_below(r, length + 1);
            memmove(s + at + 1, s + at, (length - at) * sizeof *s);
            s[at] = a->symbols[masq_random_below(r, a->size)];
            length++;
            break;
        case 2:
            memmove(s + at, s + at + 1, (length - at - 1) * sizeof *s);
            length--;
            break;
        default:
            if (at + 1 < length) {
                uint32_t t = s[at];
                s[at] = s[at + 1];
                s[at + 1] = t;
            }
            break;
        }
    }
    return length;
}

#endif
