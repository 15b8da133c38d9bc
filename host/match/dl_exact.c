#include "dl_exact.h"

#include <stdlib.h>
#include <string.h>

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

/* Larger than any distance (names are far shorter than 2^30 code points), and
 * small enough that adding two lengths to it cannot wrap. */
#define INF 0x40000000u

/* The band. Stored row R and column C hold the distance of the first R - 1
 * symbols of a and the first C - 1 of b; row and column 0 are the sentinel
 * (INF). Only |R - C| <= bound matters: a cell off the band costs more than
 * bound, and so does every path through it, since a distance is at least the
 * difference of the lengths. A row keeps the columns [R - bound - 1,
 * R + bound + 1] (the outer ones hold INF), and only the last bound + 2 rows
 * are kept: a transposition from an older row k costs at least i - k > bound.
 * When the band is as wide as the table (or the ring as tall), the plain
 * full table is used. */
typedef struct band {
    uint32_t *cells;
    long width;   /* cells per stored row */
    long rows;    /* stored rows (a ring) */
    long bound;
    int banded;   /* rows start at column R - bound - 1, not 0 */
    long columns; /* b_length + 2 */
} band;

static long first_column(const band *t, long r)
{
    return t->banded ? r - t->bound - 1 : 0;
}

static uint32_t *row_of(const band *t, long r)
{
    return t->cells + (size_t)(r % t->rows) * (size_t)t->width;
}

/* Cell (r, c) of a row still in the ring, INF off the band. */
static uint32_t cell(const band *t, long r, long c)
{
    long first = first_column(t, r);
    if (c < first || c >= first + t->width || c < 0 || c >= t->columns)
        return INF;
    return row_of(t, r)[c - first];
}

long masq_dl_exact_bounded(masq_dl_scratch *scratch, const uint32_t *a, uint32_t a_length,
                           const uint32_t *b, uint32_t b_length, uint32_t bound)
{
    uint32_t longer = a_length > b_length ? a_length : b_length;
    if (bound > longer)
        bound = longer; /* no distance is larger */
    uint32_t difference = a_length > b_length ? a_length - b_length : b_length - a_length;
    if (difference > bound)
        return (long)bound + 1;
    band t;
    t.bound = bound;
    t.columns = (long)b_length + 2;
    t.banded = 2 * (long)bound + 3 < t.columns;
    t.width = t.banded ? 2 * (long)bound + 3 : t.columns;
    t.rows = (long)bound + 2 < (long)a_length + 2 ? (long)bound + 2 : (long)a_length + 2;
    if (masq_grow((void **)&scratch->table, &scratch->table_capacity,
                  (size_t)t.rows * (size_t)t.width, sizeof *scratch->table) != 0)
        return -1;
    t.cells = scratch->table;

    /* Rows 0 (the sentinel) and 1 (the empty prefix of a: j insertions). */
    for (long r = 0; r <= 1 && r < t.rows; r++) {
        uint32_t *row = row_of(&t, r);
        long first = first_column(&t, r);
        for (long x = 0; x < t.width; x++) {
            long c = first + x;
            row[x] = r == 0 || c <= 0 || c >= t.columns ? INF : (uint32_t)(c - 1);
        }
    }
    for (uint32_t i = 1; i <= a_length; i++) {
        long r = (long)i + 1;
        uint32_t *row = row_of(&t, r);
        const uint32_t *above = row_of(&t, r - 1);
        long first = first_column(&t, r), above_first = first_column(&t, r - 1);
        for (long x = 0; x < t.width; x++)
            row[x] = INF;
        if (1 >= first && 1 < first + t.width)
            row[1 - first] = i; /* i deletions */
        /* Columns j of b (cell column j + 1) within the band. */
        long j_low = t.banded && (long)i - (long)bound > 1 ? (long)i - (long)bound : 1;
        long j_high = t.banded && (long)i + (long)bound < (long)b_length ? (long)i + (long)bound
                                                                         : (long)b_length;
        uint32_t last_match_col = 0; /* in the band; an earlier match costs > bound */
        uint32_t symbol = a[i - 1];
        for (long j = j_low; j <= j_high; j++) {
            long c = j + 1;
            uint32_t cost = 1;
            uint32_t l = last_match_col;
            if (symbol == b[j - 1]) {
                cost = 0;
                last_match_col = (uint32_t)j;
            }
            /* above[c - 1], row[c - 1] and above[c] are inside the stored
             * windows (the outer columns hold INF). */
            uint32_t best = min_u32(above[c - 1 - above_first] + cost,
                                    min_u32(row[c - 1 - first] + 1, above[c - above_first] + 1));
            uint32_t k = scratch->last_row[b[j - 1]];
            if (k > 0 && l > 0 && (long)k > r - t.rows) {
                uint32_t from = cell(&t, (long)k, (long)l);
                if (from < INF)
                    best = min_u32(best, from + (i - k - 1) + 1 + ((uint32_t)j - l - 1));
            }
            row[c - first] = best;
        }
        scratch->last_row[symbol] = i;
    }
    uint32_t result = cell(&t, (long)a_length + 1, (long)b_length + 1);
    for (uint32_t i = 0; i < a_length; i++)
        scratch->last_row[a[i]] = 0;
    return result > bound ? (long)bound + 1 : (long)result;
}

long masq_dl_exact(masq_dl_scratch *scratch, const uint32_t *a, uint32_t a_length,
                   const uint32_t *b, uint32_t b_length)
{
    return masq_dl_exact_bounded(scratch, a, a_length, b, b_length,
                                 a_length > b_length ? a_length : b_length);
}

static int compare_u32(const void *x, const void *y)
{
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    return (a > b) - (a < b);
}

static uint32_t dense_of(const uint32_t *alphabet, size_t count, uint32_t c)
{
    size_t low = 0, high = count;
    while (low < high) {
        size_t middle = low + (high - low) / 2;
        if (alphabet[middle] < c)
            low = middle + 1;
        else
            high = middle;
    }
    return (uint32_t)low;
}

long masq_dl_codepoints(const uint32_t *a, size_t a_length, const uint32_t *b, size_t b_length,
                        uint32_t bound)
{
    if (a_length > UINT32_MAX / 4 || b_length > UINT32_MAX / 4)
        return -1;
    size_t total = a_length + b_length;
    uint32_t *alphabet = malloc((total ? total : 1) * sizeof *alphabet);
    uint32_t *dense = malloc((total ? total : 1) * sizeof *dense);
    if (alphabet == NULL || dense == NULL) {
        free(alphabet);
        free(dense);
        return -1;
    }
    if (a_length > 0)
        memcpy(alphabet, a, a_length * sizeof *a);
    if (b_length > 0)
        memcpy(alphabet + a_length, b, b_length * sizeof *b);
    qsort(alphabet, total, sizeof *alphabet, compare_u32);
    size_t count = 0;
    for (size_t x = 0; x < total; x++)
        if (count == 0 || alphabet[count - 1] != alphabet[x])
            alphabet[count++] = alphabet[x];
    for (size_t x = 0; x < a_length; x++)
        dense[x] = dense_of(alphabet, count, a[x]);
    for (size_t x = 0; x < b_length; x++)
        dense[a_length + x] = dense_of(alphabet, count, b[x]);
    masq_dl_scratch scratch;
    long result = -1;
    if (masq_dl_scratch_init(&scratch, (uint32_t)count) == MASQ_OK)
        result = masq_dl_exact_bounded(&scratch, dense, (uint32_t)a_length, dense + a_length,
                                       (uint32_t)b_length, bound);
    masq_dl_scratch_free(&scratch);
    free(alphabet);
    free(dense);
    return result;
}
