#include "score.h"

#include <stdlib.h>

float masq_score(uint32_t distance, uint32_t longer_length)
{
    if (longer_length == 0)
        return 1.0f;
    return (float)((double)(longer_length - distance) / (double)longer_length);
}

bool masq_score_passes(float score, double threshold)
{
    return (double)score > threshold;
}

masq_status masq_threshold_init(masq_threshold *threshold, double similarity, uint32_t max_length)
{
    threshold->similarity = similarity;
    threshold->max_length = max_length;
    threshold->max_distance = malloc(((size_t)max_length + 1) * sizeof *threshold->max_distance);
    if (threshold->max_distance == NULL)
        return MASQ_ERR_NOMEM;
    for (uint32_t length = 0; length <= max_length; length++) {
        /* The score falls as d grows, so the passing distances are 0..k:
         * binary search for k, evaluating the rule itself at each step. */
        int64_t low = -1, high = (int64_t)length; /* pass(low) holds, k <= high */
        if (!masq_score_passes(masq_score(0, length), similarity)) {
            threshold->max_distance[length] = -1;
            continue;
        }
        low = 0;
        while (low < high) {
            int64_t middle = low + (high - low + 1) / 2;
            if (masq_score_passes(masq_score((uint32_t)middle, length), similarity))
                low = middle;
            else
                high = middle - 1;
        }
        threshold->max_distance[length] = (int32_t)low;
    }
    return MASQ_OK;
}

void masq_threshold_free(masq_threshold *threshold)
{
    free(threshold->max_distance);
    threshold->max_distance = NULL;
}
