#include "match.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "../util/log.h"
#include "../util/memory.h"
#include "cpu_match.h"
#include "opencl/cl_device.h"
#include "opencl/cl_match.h"
#include "score.h"

masq_status masq_hits_add(masq_hits *hits, uint32_t frequent, uint32_t infrequent,
                          uint32_t distance, uint32_t longer_length, double threshold)
{
    float score = masq_score(distance, longer_length);
    if (!masq_score_passes(score, threshold))
        return MASQ_ERR_INTERNAL; /* the distance table and the rule disagree */
    masq_hit hit = {frequent, infrequent, distance, score};
    return MASQ_PUSH(*hits, hit) == 0 ? MASQ_OK : MASQ_ERR_NOMEM;
}

static int compare_hit(const void *a, const void *b)
{
    const masq_hit *x = a, *y = b;
    if (x->frequent != y->frequent)
        return (x->frequent > y->frequent) - (x->frequent < y->frequent);
    return (x->infrequent > y->infrequent) - (x->infrequent < y->infrequent);
}

void masq_hits_sort(masq_hits *hits)
{
    if (hits->count > 1)
        qsort(hits->items, hits->count, sizeof *hits->items, compare_hit);
}

void masq_hits_free(masq_hits *hits)
{
    free(hits->items);
    memset(hits, 0, sizeof *hits);
}

masq_status masq_match(const masq_pack *pack, const masq_match_options *options, masq_hits *hits,
                       masq_match_stats *stats)
{
    memset(stats, 0, sizeof *stats);
    stats->pairs = (uint64_t)pack->frequent.count * pack->infrequent.count;
    masq_status status = MASQ_ERR_DEVICE;
    if (options->backend != MASQ_MATCH_CPU) {
        char why[256] = "";
        status = masq_match_opencl(pack, options, hits, stats, why, sizeof why);
        if (status == MASQ_ERR_DEVICE) {
            if (options->backend == MASQ_MATCH_OPENCL) {
                masq_error("--backend opencl: %s", why);
                return status;
            }
            /* A machine whose only OpenCL devices are CPUs is best served by
             * the CPU path: say so only when asked (-v). Either way, once. */
            static atomic_flag said = ATOMIC_FLAG_INIT;
            if (!atomic_flag_test_and_set(&said)) {
                if (masq_cl_only_cpu_devices())
                    masq_info("OpenCL offers only CPU devices: matching on the CPU path");
                else
                    masq_warn("no OpenCL device used (%s): matching on the CPU", why);
            }
            hits->count = 0;
        }
    }
    if (status == MASQ_ERR_DEVICE) {
        uint64_t pairs = stats->pairs;
        memset(stats, 0, sizeof *stats);
        stats->pairs = pairs;
        status = masq_match_cpu(pack, options, hits, stats);
    }
    if (status == MASQ_OK)
        masq_hits_sort(hits);
    return status;
}
