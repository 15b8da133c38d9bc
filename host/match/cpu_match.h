/* The CPU path: every frequent x infrequent pair, exactly, without ever
 * holding the matrix. Pairs whose allowed distance is small are found through
 * a symmetric-deletion index; the rest are scanned within length bands. Every
 * candidate passes the bit-parallel OSA filter and, where OSA cannot decide,
 * the exact true Damerau-Levenshtein distance. */
#ifndef MASQ_CPU_MATCH_H
#define MASQ_CPU_MATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/status.h"
#include "pack.h"

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

typedef struct masq_match_options {
    double similarity_threshold; /* keep pairs whose score is > this */
    int threads;                 /* <= 0: one per online CPU */
} masq_match_options;

typedef struct masq_match_stats {
    uint64_t pairs;      /* frequent x infrequent: the matrix */
    uint64_t candidates; /* pairs whose OSA distance was computed */
    uint64_t verified;   /* pairs that needed the exact distance */
    int threads;
} masq_match_stats;

/* Compare every frequent name of the pack with every infrequent one under the
 * notebook's calcDist rule: names without a '.' score 0; names with the same
 * extension are compared without it; others are compared whole. Appends the
 * passing pairs to hits, sorted by (frequent, infrequent). */
masq_status masq_match_cpu(const masq_pack *pack, const masq_match_options *options,
                           masq_hits *hits, masq_match_stats *stats);

void masq_hits_free(masq_hits *hits);

#endif
