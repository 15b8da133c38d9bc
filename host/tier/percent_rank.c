#include "percent_rank.h"

#include <stdlib.h>

typedef struct {
    double count;
    size_t index;
} counted;

static int compare_counted(const void *a, const void *b)
{
    double x = ((const counted *)a)->count, y = ((const counted *)b)->count;
    return (x > y) - (x < y);
}

masq_status masq_percent_rank(const uint64_t *counts, size_t n, double *ranks)
{
    /* Counts are below 2^53 (name tables refuse more): a double holds each
     * exactly, so the order and the ties are the counts'. */
    double *weights = malloc((n ? n : 1) * sizeof *weights);
    if (weights == NULL)
        return MASQ_ERR_NOMEM;
    for (size_t i = 0; i < n; i++)
        weights[i] = (double)counts[i];
    masq_status status = masq_percent_rank_weighted(weights, n, ranks);
    free(weights);
    return status;
}

masq_status masq_percent_rank_weighted(const double *counts, size_t n, double *ranks)
{
    if (n == 0)
        return MASQ_OK;
    if (n == 1) {
        ranks[0] = 0.0;
        return MASQ_OK;
    }
    counted *order = malloc(n * sizeof *order);
    if (order == NULL)
        return MASQ_ERR_NOMEM;
    for (size_t i = 0; i < n; i++)
        order[i] = (counted){counts[i], i};
    qsort(order, n, sizeof *order, compare_counted);
    /* Spark: (rank - 1) / (n - 1) as doubles, rank - 1 being the position of
     * the first element of a run of equal counts. */
    size_t run_start = 0;
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && order[i].count != order[i - 1].count)
            run_start = i;
        ranks[order[i].index] = (double)run_start / (double)(n - 1);
    }
    free(order);
    return MASQ_OK;
}

masq_tier masq_tier_of(double rank, double frequent_threshold, double infrequent_threshold)
{
    unsigned tier = 0;
    if (rank >= frequent_threshold)
        tier |= MASQ_TIER_FREQUENT;
    if (rank < infrequent_threshold)
        tier |= MASQ_TIER_INFREQUENT;
    return (masq_tier)tier;
}
