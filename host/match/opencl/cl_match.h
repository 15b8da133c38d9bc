/* The OpenCL backend of the matrix: tiles of frequent x infrequent names on a
 * device, candidates back to the host, exact verification as on the CPU. */
#ifndef MASQ_CL_MATCH_H
#define MASQ_CL_MATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "../hits.h"
#include "../match_options.h"
#include "../pack.h"

/* A device made ready for a scan: context, queue, both kernels built and the
 * known-answer self-test passed, sized for a pack's alphabet. Opened once,
 * it runs every pack that fits (masq_cl_session_fits). */
typedef struct masq_cl_session masq_cl_session;

/* Open a session on options->device, $MASQ_DEVICE, or the first GPU (a CPU
 * device only when options->backend is MASQ_MATCH_OPENCL or a device is
 * named), sized for pack. MASQ_ERR_DEVICE with the reason in why when no
 * device can be used. */
masq_status masq_cl_session_open(const masq_pack *pack, const masq_match_options *options,
                                 masq_cl_session **session, char *why, size_t why_size);

/* Does pack's alphabet fit the session's kernels? */
bool masq_cl_session_fits(const masq_cl_session *session, const masq_pack *pack);

/* Run the matrix of a pack that fits, verifying as on the CPU. */
masq_status masq_cl_session_run(masq_cl_session *session, const masq_pack *pack, double similarity,
                                masq_hits *hits, masq_match_stats *stats, char *why,
                                size_t why_size);

void masq_cl_session_close(masq_cl_session *session);

#endif
