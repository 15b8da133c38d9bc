/* The OpenCL backend of the matrix: tiles of frequent x infrequent names on a
 * device, candidates back to the host, exact verification as on the CPU. */
#ifndef MASQ_CL_MATCH_H
#define MASQ_CL_MATCH_H

#include "../match.h"

/* Match on an OpenCL device (options->device, $MASQ_DEVICE, or the first GPU;
 * a CPU device only when options->backend is MASQ_MATCH_OPENCL or a device is
 * named). Builds the kernel, runs the known-answer self-test, then the pack.
 * MASQ_ERR_DEVICE with the reason in why when no device can be used. */
masq_status masq_match_opencl(const masq_pack *pack, const masq_match_options *options,
                              masq_hits *hits, masq_match_stats *stats, char *why,
                              size_t why_size);

#endif
