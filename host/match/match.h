/* Match: every frequent x infrequent pair of a pack under the notebook's rule,
 * on the CPU or an OpenCL device. Results never depend on the backend, the
 * device, or the tile and work-group sizes. */
#ifndef MASQ_MATCH_H
#define MASQ_MATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/status.h"
#include "hits.h"
#include "match_options.h"
#include "pack.h"

/* The matcher of a scan, opened once: on OpenCL, the device, the program and
 * its self-test are made ready on the first pack and kept for every later
 * pack that fits. */
typedef struct masq_matcher masq_matcher;

masq_status masq_matcher_open(const masq_match_options *options, masq_matcher **matcher);

/* Run one pack's matrix at a similarity threshold (options' other fields as
 * opened). Like masq_match otherwise. */
masq_status masq_matcher_run(masq_matcher *matcher, const masq_pack *pack, double threshold,
                             masq_hits *hits, masq_match_stats *stats);

void masq_matcher_close(masq_matcher *matcher);

/* Run the matrix on the chosen backend. With MASQ_MATCH_AUTO and no usable
 * OpenCL device, says why in one info line and uses the CPU. With
 * MASQ_MATCH_OPENCL and none, MASQ_ERR_DEVICE (the reason is logged). Hits
 * come sorted by (frequent, infrequent). A matcher opened and closed for one
 * pack. */
masq_status masq_match(const masq_pack *pack, const masq_match_options *options, masq_hits *hits,
                       masq_match_stats *stats);

#endif
