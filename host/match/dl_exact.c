#include "dl_exact.h"

#include <stdlib.h>

#include "../util/memory.h"

masq_status masq_dl_scratch_init(masq_dl_scratch *scratch, uint32_t alphabet_size)
{
    scratch->table = NULL;
    scratch->table_capacity = 0;
    scratch->last_row = calloc(alphabet_size ? alphabet_size : 1, sizeof *scratch->last_row);
    return scratch->last_row ? MASQ_OK : MASQ_ERR_NOMEM;
}

void masq_dl_scratch_free(masq_dl_scratch *scratch)
{
    free(scratch->last_row);
    free(scratch->table);
    scratch->last_row = NULL;
    scratch->table = NULL;
}

static uint32_t min_u32(uint32_t a, uint32_t b)
{
    return a < b ? a : b;
}

long masq_dl_exact(masq_dl_scratch *scratch, const uint32_t *a, uint32_t a_length,
                   const uint32_t *b, uint32_t b_length)
{
    size_t cols = (size_t)b_length + 2;
    size_t cells = ((size_t)a_length + 2) * cols;
    if (masq_grow((void **)&scratch->table, &scratch->table_capacity, cells,
                  sizeof *scratch->table) != 0)
        return -1;
    uint32_t *d = scratch->table;
    /* Row and column 0 are the sentinel; d[(i+1)*cols + j+1] is the distance of
     * the first i symbols of a and the first j of b. */
    uint32_t infinity = a_length + b_length;
    d[0] = infinity;
    for (uint32_t i = 0; i <= a_length; i++) {
        d[(size_t)(i + 1) * cols] = infinity;
        d[(size_t)(i + 1) * cols + 1] = i;
    }
    for (uint32_t j = 0; j <= b_length; j++) {
        d[j + 1] = infinity;
        d[cols + j + 1] = j;
    }
    for (uint32_t i = 1; i <= a_length; i++) {
        uint32_t last_match_col = 0;
        const uint32_t *above = &d[(size_t)i * cols];
        uint32_t *row = &d[(size_t)(i + 1) * cols];
        for (uint32_t j = 1; j <= b_length; j++) {
            uint32_t k = scratch->last_row[b[j - 1]];
            uint32_t l = last_match_col;
            uint32_t cost = 1;
            if (a[i - 1] == b[j - 1]) {
                cost = 0;
                last_match_col = j;
            }
            uint32_t best = min_u32(above[j] + cost, min_u32(row[j] + 1, above[j + 1] + 1));
            uint32_t transpose = d[(size_t)k * cols + l] + (i - k - 1) + 1 + (j - l - 1);
            row[j + 1] = min_u32(best, transpose);
        }
        scratch->last_row[a[i - 1]] = i;
    }
    long result = d[(size_t)(a_length + 1) * cols + b_length + 1];
    for (uint32_t i = 0; i < a_length; i++)
        scratch->last_row[a[i]] = 0;
    return result;
}
