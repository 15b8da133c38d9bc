/* Exact true Damerau-Levenshtein distance for the pairs the OSA filter cannot
 * decide (Lowrance-Wagner over dense symbols, reusable scratch). */
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

/* The distance, or -1 when out of memory. Symbols must be < alphabet_size. */
long masq_dl_exact(masq_dl_scratch *scratch, const uint32_t *a, uint32_t a_length,
                   const uint32_t *b, uint32_t b_length);

#endif
