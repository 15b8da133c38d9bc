/* Frequency tiers exactly as the notebook computes them with Spark's
 * percent_rank() over the per-name counts in ascending order. */
#ifndef MASQ_PERCENT_RANK_H
#define MASQ_PERCENT_RANK_H

#include <stddef.h>
#include <stdint.h>

#include "../util/status.h"

typedef enum masq_tier {
    MASQ_TIER_MIDDLE = 0, /* left out of the comparison */
    MASQ_TIER_FREQUENT = 1,
    MASQ_TIER_INFREQUENT = 2,
    MASQ_TIER_BOTH = 3, /* only with overlapping thresholds */
} masq_tier;

/* ranks[i] = (rank - 1) / (n - 1) in double precision, where rank is 1 + the
 * number of counts strictly smaller than counts[i]; 0 for every name when
 * n == 1. This is Spark's percent_rank, ties sharing the lowest rank. */
masq_status masq_percent_rank(const uint64_t *counts, size_t n, double *ranks);

/* The same over weighted counts (a baseline's decayed sums over days). */
masq_status masq_percent_rank_weighted(const double *weights, size_t n, double *ranks);

/* Frequent: rank >= frequent_threshold. Infrequent: rank < infrequent_threshold. */
masq_tier masq_tier_of(double rank, double frequent_threshold, double infrequent_threshold);

#endif
