#include "match.h"

#include <stdlib.h>
#include <string.h>

#include "../util/log.h"
#include "../util/memory.h"
#include "cpu_match.h"
#include "opencl/cl_device.h"
#include "opencl/cl_match.h"
#include "score.h"

/* The matcher of a scan: the options, and the OpenCL session once one is
 * open (or the reason none could be, so that a scan says it once). */
struct masq_matcher {
    masq_match_options options;
    uint64_t auto_min_pairs; /* auto: smaller matrices stay on the CPU */
    masq_cl_session *session;
    bool device_refused; /* auto: no usable device; the CPU path from now on */
};

masq_status masq_matcher_open(const masq_match_options *options, masq_matcher **matcher)
{
    *matcher = calloc(1, sizeof **matcher);
    if (*matcher == NULL)
        return MASQ_ERR_NOMEM;
    (*matcher)->options = *options;
    /* MASQ_AUTO_DEVICE_MIN_PAIRS: another floor for auto (0: always look for
     * a device), for a machine whose GPU starts faster and for the tests of
     * auto's fallback on small inputs. */
    const char *floor = getenv("MASQ_AUTO_DEVICE_MIN_PAIRS");
    char *end = NULL;
    unsigned long long value = floor && *floor ? strtoull(floor, &end, 10) : 0;
    (*matcher)->auto_min_pairs =
        end != NULL && *end == '\0' ? (uint64_t)value : MASQ_AUTO_DEVICE_MIN_PAIRS;
    return MASQ_OK;
}

void masq_matcher_close(masq_matcher *matcher)
{
    if (matcher == NULL)
        return;
    masq_cl_session_close(matcher->session);
    free(matcher);
}

/* The session for a pack: the open one when the pack fits it, else a new one
 * (the device, program and self-test once per scan as long as packs fit). */
static masq_status session_for(masq_matcher *m, const masq_pack *pack, char *why, size_t size)
{
    if (m->session != NULL && masq_cl_session_fits(m->session, pack))
        return MASQ_OK;
    if (m->session != NULL)
        masq_info("opencl: a pack needs a larger symbol table: building the program again");
    masq_cl_session_close(m->session);
    m->session = NULL;
    return masq_cl_session_open(pack, &m->options, &m->session, why, size);
}

masq_status masq_matcher_run(masq_matcher *m, const masq_pack *pack, double threshold,
                             masq_hits *hits, masq_match_stats *stats)
{
    memset(stats, 0, sizeof *stats);
    stats->pairs = (uint64_t)pack->frequent.count * pack->infrequent.count;
    masq_match_options options = m->options;
    options.similarity_threshold = threshold;
    masq_status status = MASQ_ERR_DEVICE;
    bool small = options.backend == MASQ_MATCH_AUTO && m->session == NULL &&
                 stats->pairs < m->auto_min_pairs;
    if (options.backend != MASQ_MATCH_CPU && !m->device_refused && !small) {
        char why[256] = "";
        status = session_for(m, pack, why, sizeof why);
        if (status == MASQ_OK)
            status = masq_cl_session_run(m->session, pack, threshold, hits, stats, why, sizeof why);
        if (status == MASQ_ERR_DEVICE) {
            if (options.backend == MASQ_MATCH_OPENCL) {
                masq_error("--backend opencl: %s", why);
                return status;
            }
            /* A machine whose only OpenCL devices are CPUs is best served by
             * the CPU path: say so only when asked (-v). Either way, once. */
            m->device_refused = true;
            if (masq_cl_only_cpu_devices())
                masq_info("OpenCL offers only CPU devices: matching on the CPU path");
            else
                masq_warn("no OpenCL device used (%s): matching on the CPU", why);
            hits->count = 0;
        }
    }
    if (status == MASQ_ERR_DEVICE) {
        uint64_t pairs = stats->pairs;
        memset(stats, 0, sizeof *stats);
        stats->pairs = pairs;
        status = masq_match_cpu(pack, &options, hits, stats);
    }
    if (status == MASQ_OK)
        masq_hits_sort(hits);
    return status;
}

masq_status masq_match(const masq_pack *pack, const masq_match_options *options, masq_hits *hits,
                       masq_match_stats *stats)
{
    masq_matcher *matcher;
    MASQ_TRY(masq_matcher_open(options, &matcher));
    masq_status status = masq_matcher_run(matcher, pack, options->similarity_threshold, hits, stats);
    masq_matcher_close(matcher);
    return status;
}
