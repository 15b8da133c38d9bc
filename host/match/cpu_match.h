/* The CPU path: pairs whose allowed distance is small are found through a
 * symmetric-deletion index, larger ones through a partition index (its
 * pigeonhole bound in partition_index.h); the rest are scanned within length
 * bands (MASQ_PARTITION_INDEX=off in the environment: every pair past the
 * deletion index, as before the partition index; for benchmarks). Every
 * candidate passes a bag filter, the bit-parallel OSA distance and, where OSA
 * cannot decide, the exact true Damerau-Levenshtein distance. */
#ifndef MASQ_CPU_MATCH_H
#define MASQ_CPU_MATCH_H

#include "hits.h"
#include "match_options.h"
#include "pack.h"

masq_status masq_match_cpu(const masq_pack *pack, const masq_match_options *options,
                           masq_hits *hits, masq_match_stats *stats);

#endif
