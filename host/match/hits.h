/* The hit list: verified pairs of a matrix, at the bottom of match/ (both
 * backends and the verifier append to it; nothing here calls back up). */
#ifndef MASQ_HITS_H
#define MASQ_HITS_H

#include <stddef.h>
#include <stdint.h>

#include "../util/status.h"

typedef struct masq_hit {
    uint32_t frequent;   /* index into pack->frequent */
    uint32_t infrequent; /* index into pack->infrequent */
    uint32_t distance;   /* true Damerau-Levenshtein distance of the compared parts */
    float score;         /* the notebook's float32 score */
} masq_hit;

typedef struct masq_hits {
    masq_hit *items;
    size_t count;
    size_t capacity;
} masq_hits;

/* Append a verified pair: computes its float32 score over the longer length
 * and checks it passes (MASQ_ERR_INTERNAL if the distance table and the rule
 * ever disagreed). */
masq_status masq_hits_add(masq_hits *hits, uint32_t frequent, uint32_t infrequent,
                          uint32_t distance, uint32_t longer_length, double threshold);

/* Sort by (frequent, infrequent). */
void masq_hits_sort(masq_hits *hits);

void masq_hits_free(masq_hits *hits);

#endif
