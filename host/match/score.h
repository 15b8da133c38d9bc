/* The notebook's scoring rule (calcDist), exactly: which part of two names is
 * compared, the float32 score, and the largest distance that still passes. */
#ifndef MASQ_SCORE_H
#define MASQ_SCORE_H

#include <stdbool.h>
#include <stdint.h>

#include "../util/status.h"

/* score = (L - d) / L in double, as fastDamerauLevenshtein computes it, then
 * rounded to float32 as the notebook's FloatType UDF does; 1.0 when L == 0
 * (two empty strings are equal). */
float masq_score(uint32_t distance, uint32_t longer_length);

/* The notebook's filter: the float32 score, widened back to double, is
 * strictly greater than the double threshold. */
bool masq_score_passes(float score, double threshold);

/* For every longer length L up to max_length, the largest distance that still
 * passes (max_distance[L]), or -1 if none does. */
typedef struct masq_threshold {
    double similarity;
    uint32_t max_length;
    int32_t *max_distance; /* max_length + 1 entries */
} masq_threshold;

masq_status masq_threshold_init(masq_threshold *threshold, double similarity, uint32_t max_length);
void masq_threshold_free(masq_threshold *threshold);

/* max_distance for length L (lengths past max_length are not valid here). */
static inline int32_t masq_threshold_k(const masq_threshold *threshold, uint32_t length)
{
    return threshold->max_distance[length];
}

#endif
