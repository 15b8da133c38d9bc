/* Match: every frequent x infrequent pair of a pack under the notebook's rule,
 * on the CPU or an OpenCL device. Results never depend on the backend, the
 * device, or the tile and work-group sizes. */
#ifndef MASQ_MATCH_H
#define MASQ_MATCH_H

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

typedef enum masq_match_backend {
    MASQ_MATCH_AUTO = 0, /* OpenCL when a device builds and passes its self-test, else the CPU */
    MASQ_MATCH_CPU,
    MASQ_MATCH_OPENCL,
} masq_match_backend;

/* OpenCL tuning; 0 means "from the device table" (host/match/opencl/cl_tuning.c). */
typedef struct masq_opencl_tuning {
    uint32_t work_group_size;    /* work-items per group */
    uint32_t frequent_per_group; /* frequent names whose match tables a group holds */
    uint32_t tile_infrequent;    /* infrequent names per tile */
    uint32_t candidate_capacity; /* candidates one launch may return before it is split */
} masq_opencl_tuning;

typedef struct masq_match_options {
    double similarity_threshold; /* keep pairs whose score is > this */
    int threads;                 /* CPU threads; <= 0: one per online CPU */
    masq_match_backend backend;
    const char *device;          /* OpenCL device: index, 'cpu', 'gpu' or a name substring */
    masq_opencl_tuning tuning;
} masq_match_options;

typedef struct masq_match_stats {
    uint64_t pairs;      /* frequent x infrequent: the matrix */
    uint64_t candidates; /* pairs whose OSA distance was computed */
    uint64_t verified;   /* pairs that needed the exact distance */
    uint64_t launches;   /* OpenCL kernel launches (overflow re-runs included) */
    uint64_t overflows;  /* launches whose candidates overflowed and were re-run */
    int threads;
    char backend[16];  /* "cpu" or "opencl" */
    char device[320];  /* what ran the matrix */
} masq_match_stats;

/* Run the matrix on the chosen backend. With MASQ_MATCH_AUTO and no usable
 * OpenCL device, says why in one info line and uses the CPU. With
 * MASQ_MATCH_OPENCL and none, MASQ_ERR_DEVICE (the reason is logged). Hits
 * come sorted by (frequent, infrequent). */
masq_status masq_match(const masq_pack *pack, const masq_match_options *options, masq_hits *hits,
                       masq_match_stats *stats);

/* Append a verified pair: computes its float32 score over the longer length
 * and checks it passes (MASQ_ERR_INTERNAL if the distance table and the rule
 * ever disagreed). */
masq_status masq_hits_add(masq_hits *hits, uint32_t frequent, uint32_t infrequent,
                          uint32_t distance, uint32_t longer_length, double threshold);

/* Sort by (frequent, infrequent). */
void masq_hits_sort(masq_hits *hits);

void masq_hits_free(masq_hits *hits);

#endif
