/* Verification: from a candidate's OSA distance to its exact true
 * Damerau-Levenshtein distance and the keep-or-drop decision. Both backends
 * hand their candidates here, so they decide alike. */
#ifndef MASQ_VERIFY_H
#define MASQ_VERIFY_H

#include <stdbool.h>
#include <stdint.h>

#include "../util/status.h"
#include "dl_exact.h"
#include "join.h"
#include "hits.h"
#include "osa_bitparallel.h"

/* OSA >= DL >= ceil(2 OSA / 3), and DL == OSA when OSA <= 2: so a pair is
 * dropped when ceil(2 OSA / 3) > k (masq_osa_may_pass, kernels/match_shared.h),
 * kept with DL = OSA when OSA <= min(k, 2), and otherwise decided by the exact
 * distance. */

/* Decide a candidate (a, b) with its OSA distance and the allowed distance k.
 * *keep tells the decision and *distance the exact distance when kept;
 * *verified is incremented when the exact distance had to be computed.
 * MASQ_ERR_NOMEM when the scratch cannot grow. */
masq_status masq_verify_candidate(masq_dl_scratch *scratch, const uint32_t *a, uint32_t a_length,
                                  const uint32_t *b, uint32_t b_length, uint32_t osa, int32_t k,
                                  bool *keep, uint32_t *distance, uint64_t *verified);

/* The whole host-side test of one pair of a join, f's pattern loaded: the
 * extension rule, the bag filter, the OSA distance, verification, and the hit.
 * Counts the pair in *scored when its OSA distance is computed. */
masq_status masq_compare_pair(masq_osa_pattern *pattern, masq_dl_scratch *scratch,
                              const masq_join *join, const masq_view *f, const masq_view *i,
                              const masq_threshold *threshold, masq_hits *hits, uint64_t *scored,
                              uint64_t *verified);

#endif
