/* Exact true Damerau-Levenshtein distance for the pairs the OSA filter cannot
 * decide (Lowrance-Wagner over dense symbols, reusable scratch), banded: only
 * the cells with |i - j| <= bound are computed, and only the last bound + 2
 * rows are kept, so a pair costs O(bound * min(bound, n)) memory and
 * O(bound * n) time whatever the names' lengths. */
#ifndef MASQ_DL_EXACT_H
#define MASQ_DL_EXACT_H

#include <stddef.h>
#include <stdint.h>

#include "../util/status.h"

typedef struct masq_dl_scratch {
    uint32_t *last_row; /* per symbol, all zero between calls */
    uint32_t *table;
    size_t table_capacity;
} masq_dl_scratch;

masq_status masq_dl_scratch_init(masq_dl_scratch *scratch, uint32_t alphabet_size);
void masq_dl_scratch_free(masq_dl_scratch *scratch);

/* The distance when it is <= bound, bound + 1 when it is larger ("more than
 * bound"), or -1 when out of memory. Symbols must be < alphabet_size. The
 * scratch holds min(bound + 2, a_length + 2) rows of min(2 bound + 3,
 * b_length + 2) cells. */
long masq_dl_exact_bounded(masq_dl_scratch *scratch, const uint32_t *a, uint32_t a_length,
                           const uint32_t *b, uint32_t b_length, uint32_t bound);

/* The distance, or -1 when out of memory: masq_dl_exact_bounded with the
 * largest possible distance as the bound ((m + 2)(n + 2) cells). */
long masq_dl_exact(masq_dl_scratch *scratch, const uint32_t *a, uint32_t a_length,
                   const uint32_t *b, uint32_t b_length);

/* The same over any code points (no dense symbols, no scratch): for callers
 * outside the matcher (the detector's whole-name similarity). The distance
 * when <= bound, bound + 1 when larger, -1 when out of memory. */
long masq_dl_codepoints(const uint32_t *a, size_t a_length, const uint32_t *b, size_t b_length,
                        uint32_t bound);

#endif
