/* What a matrix run is asked for and what it reports: the options and
 * statistics both backends share (declarations only). */
#ifndef MASQ_MATCH_OPTIONS_H
#define MASQ_MATCH_OPTIONS_H

#include <stdint.h>

typedef enum masq_match_backend {
    MASQ_MATCH_AUTO = 0, /* OpenCL when a device builds and passes its self-test, else the CPU;
                          * matrices under MASQ_AUTO_DEVICE_MIN_PAIRS on the CPU */
    MASQ_MATCH_CPU,
    MASQ_MATCH_OPENCL,
} masq_match_backend;

/* In auto, a matrix smaller than this is run on the CPU without looking for a
 * device: loading the OpenCL platforms alone costs ~50 ms and ~60 MB here,
 * more than the CPU path spends on 5*10^7 pairs (~30 ms on 2 cores); the
 * answer is the same bytes either way. */
#define MASQ_AUTO_DEVICE_MIN_PAIRS 50000000ull

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

#endif
