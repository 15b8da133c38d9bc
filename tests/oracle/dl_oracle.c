#include "dl_oracle.h"

#include <stdlib.h>

static size_t min3(size_t a, size_t b, size_t c)
{
    size_t m = a < b ? a : b;
    return m < c ? m : c;
}

long masq_oracle_damerau_levenshtein(const uint32_t *a, size_t a_length, const uint32_t *b,
                                     size_t b_length)
{
    /* d is (m+2) x (n+2); row and column 0 hold the "infinity" sentinel, so
     * d[i+1][j+1] is the distance between the first i of a and first j of b. */
    size_t rows = a_length + 2, cols = b_length + 2;
    size_t *d = malloc(rows * cols * sizeof *d);
    /* last_row[c]: the last row (1-based) of a holding character c; a plain
     * association list keeps the oracle free of alphabet assumptions. */
    uint32_t *seen_char = malloc((a_length + 1) * sizeof *seen_char);
    size_t *seen_row = malloc((a_length + 1) * sizeof *seen_row);
    if (d == NULL || seen_char == NULL || seen_row == NULL) {
        free(d);
        free(seen_char);
        free(seen_row);
        return -1;
    }
    size_t seen_count = 0;
#define D(i, j) d[(size_t)(i) * cols + (size_t)(j)]
    size_t infinity = a_length + b_length;
    D(0, 0) = infinity;
    for (size_t i = 0; i <= a_length; i++) {
        D(i + 1, 0) = infinity;
        D(i + 1, 1) = i;
    }
    for (size_t j = 0; j <= b_length; j++) {
        D(0, j + 1) = infinity;
        D(1, j + 1) = j;
    }
    for (size_t i = 1; i <= a_length; i++) {
        size_t last_match_col = 0;
        for (size_t j = 1; j <= b_length; j++) {
            size_t k = 0; /* last row < i where a has b[j-1] */
            for (size_t s = 0; s < seen_count; s++)
                if (seen_char[s] == b[j - 1])
                    k = seen_row[s];
            size_t l = last_match_col;
            size_t cost = 1;
            if (a[i - 1] == b[j - 1]) {
                cost = 0;
                last_match_col = j;
            }
            size_t best = min3(D(i, j) + cost, D(i + 1, j) + 1, D(i, j + 1) + 1);
            size_t transpose = D(k, l) + (i - k - 1) + 1 + (j - l - 1);
            D(i + 1, j + 1) = transpose < best ? transpose : best;
        }
        size_t s = 0;
        while (s < seen_count && seen_char[s] != a[i - 1])
            s++;
        seen_char[s] = a[i - 1];
        seen_row[s] = i;
        if (s == seen_count)
            seen_count++;
    }
    long result = (long)D(a_length + 1, b_length + 1);
#undef D
    free(d);
    free(seen_char);
    free(seen_row);
    return result;
}

long masq_oracle_osa(const uint32_t *a, size_t a_length, const uint32_t *b, size_t b_length)
{
    size_t cols = b_length + 1;
    size_t *d = malloc((a_length + 1) * cols * sizeof *d);
    if (d == NULL)
        return -1;
#define D(i, j) d[(size_t)(i) * cols + (size_t)(j)]
    for (size_t i = 0; i <= a_length; i++)
        D(i, 0) = i;
    for (size_t j = 0; j <= b_length; j++)
        D(0, j) = j;
    for (size_t i = 1; i <= a_length; i++) {
        for (size_t j = 1; j <= b_length; j++) {
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            size_t best = min3(D(i - 1, j) + 1, D(i, j - 1) + 1, D(i - 1, j - 1) + cost);
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                D(i - 2, j - 2) + 1 < best)
                best = D(i - 2, j - 2) + 1;
            D(i, j) = best;
        }
    }
    long result = (long)D(a_length, b_length);
#undef D
    free(d);
    return result;
}
