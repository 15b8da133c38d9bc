/* Partition (pigeonhole) index, in the manner of Pass-Join, for the pairs
 * whose allowed distance is too large for the deletion index. One side of the
 * join is indexed (the matcher takes the larger: fewer probes), the other
 * probes; below, s is an indexed view and t a probing one (true DL is
 * symmetric, so either side may be s). The stem of each indexed view of
 * length a (its first r symbols, r = a for the stems
 * plan; in the whole-names plan the extension is left out, since the plan
 * compares only names whose extensions differ, and a segment there would
 * list the many names the plan then drops) is cut into m = 2K + 1 even
 * segments (K: the largest allowed distance of any pair its length takes part
 * in), stored under the hash of (a, r, segment number, segment text[, group]).
 * A probing view probes, for each indexed length a and stem length r it
 * can pair with, each segment's text at the few start positions where an
 * intact segment can lie. Any 2K + 1 disjoint segments at known positions
 * serve the argument below; they need not cover the view.
 *
 * Why it misses no pair within true Damerau-Levenshtein distance k <= K.
 * The Lowrance-Wagner recurrence, which computes true DL exactly, is a path
 * of steps from (0, 0) to (a, b), each consuming a contiguous block of s and
 * one of t, in order: a match (one
 * symbol each, equal, cost 0), a substitution (one each, cost 1), a deletion
 * (one of s, cost 1), an insertion (one of t, cost 1), and a transposition
 * s[u..v] -> t[x..y] with s[u] = t[y], s[v] = t[x] and everything between
 * deleted and inserted (cost (v-u-1) + (y-x-1) + 1). Call a segment of s
 * intact when every one of its symbols is consumed by a match and no step
 * lies between two of its symbols: it then appears in t unchanged and
 * contiguous. A step of cost c that consumes s symbols consumes a contiguous
 * block of at most c + 1 of them (a transposition: v-u+1 <= cost + 1), so it
 * breaks at most c + 1 <= 2c segments; an insertion breaks at most one. So
 * the whole path breaks at most 2k < m segments: one is intact. (A plain
 * k + 1 partition is not enough: one transposition across a border, cost 1,
 * breaks two segments.)
 * Where it lies: let the first intact segment, number i (from 0), start at p
 * in s and at q = p + delta in t, and let P be the cost of the steps before
 * it and S of those after it (P + S <= k). Every step changes the difference
 * of the two positions by at most its cost (a transposition: |(v-u) - (y-x)|
 * <= cost), so |delta| <= P and |(b - a) - delta| <= S. Segments 0..i-1 are
 * all broken, by steps before segment i only, so i <= 2P. Hence
 *     max(|delta|, ceil(i / 2)) + |(b - a) - delta| <= k,
 * and probing segment i at exactly the shifts delta that satisfy this finds
 * every pair. Hash collisions only add candidates: every candidate is
 * verified exactly. tests/test_partition_index.c holds the filter to the DP
 * oracle on random and adversarial pairs at k = 3..9. */
#ifndef MASQ_PARTITION_INDEX_H
#define MASQ_PARTITION_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/status.h"
#include "deletion_index.h"
#include "join.h"
#include "score.h"

/* Segments shorter than this filter too little to beat the band scan: such
 * lengths are left to it (low thresholds, where k nears half the length). */
#define MASQ_PARTITION_MIN_SEGMENT 2
/* Stem lengths indexed per view length (a few extensions' lengths in real
 * names): views with further ones are left to the band scan, so that hostile
 * names cannot multiply the probes. */
#define MASQ_PARTITION_MAX_REGIONS 8
/* A view probes some (2k)^3 / 2 keys (lengths x segments x shifts): past this
 * allowed distance (some 110 code points at 0.85, rare names) the band scan
 * of the few names of such lengths costs less. */
#define MASQ_PARTITION_MAX_K 16

typedef struct masq_partition_index {
    const masq_join *join;
    const masq_view_list *views; /* the indexed side: join->frequent or join->infrequent */
    const masq_threshold *threshold;
    uint32_t min_longer;  /* pairs whose longer length is below this are not served */
    uint32_t *segments;   /* per indexed length: its segment count m, 0: not indexed */
    uint32_t *regions;    /* per indexed length a, the stem lengths r of its indexed views: */
    size_t *region_start; /* regions[region_start[a] .. region_start[a + 1]) */
    uint8_t *indexed;     /* per view of the indexed side: 1 when in the index */
    size_t *unindexed;    /* views of the indexed side left out (short stems, rare regions), */
    size_t *unindexed_start; /* by length: unindexed[unindexed_start[a] .. [a + 1]) */
    int32_t max_k;        /* the largest allowed distance of any length */
    masq_deletion_index table; /* the hash multimap (shared with the deletion index) */
    uint64_t *entry_bits; /* per table entry: its view's symbol_bits, so that the bag
                           * filter runs on the entries, without a read of the view */
} masq_partition_index;

/* Index views, one side of the join, for pairs whose longer length is at
 * least min_longer. */
masq_status masq_partition_index_build(masq_partition_index *index, const masq_join *join,
                                       const masq_view_list *views,
                                       const masq_threshold *threshold, uint32_t min_longer);
void masq_partition_index_free(masq_partition_index *index);

/* Does the index serve pairs of indexed length a and probing length b (for
 * the views it holds)? It serves no pair whose lengths cannot pass. */
static inline bool masq_partition_serves_lengths(const masq_partition_index *index, uint32_t a,
                                                 uint32_t b)
{
    uint32_t longer = a > b ? a : b;
    return longer >= index->min_longer && index->segments[a] != 0 &&
           masq_lengths_can_pass(index->threshold, a, b);
}

/* Does it serve the pair of indexed view f (an index into index->views) and
 * a probing view of length b? Pairs it serves must be left out of the band
 * scan. */
static inline bool masq_partition_serves(const masq_partition_index *index, size_t f, uint32_t b)
{
    return index->indexed[f] &&
           masq_partition_serves_lengths(index, index->views->items[f].length, b);
}

/* Start of segment i of m over a length-a string: the first m - a % m
 * segments have a / m symbols, the rest one more. */
static inline uint32_t masq_partition_segment_start(uint32_t a, uint32_t m, uint32_t i)
{
    uint32_t longer_from = m - a % m;
    return i * (a / m) + (i > longer_from ? i - longer_from : 0);
}

/* A key to look up, the pair's allowed distance, and (once found) its
 * entries [first, first + count). */
typedef struct masq_partition_key {
    uint64_t key;
    uint32_t first;
    uint32_t count;
    int32_t k;
} masq_partition_key;

/* A worker's probe state: prefix hashes of the probing view, its keys, the
 * candidate list and the stamps that keep it free of repeats. */
typedef struct masq_partition_probe {
    masq_partition_key *keys;
    size_t key_count;
    size_t key_capacity;
    uint64_t *prefix;   /* prefix[p]: hash of symbols [0, p) */
    uint64_t *power;    /* power[n]: the hash base to the n */
    uint32_t *stamp;    /* per indexed view: last probe number that listed it */
    uint32_t probe_number;
    uint32_t *candidates;
    size_t candidate_count;
    size_t candidate_capacity;
} masq_partition_probe;

masq_status masq_partition_probe_init(masq_partition_probe *probe, uint32_t max_length,
                                      size_t indexed_count);
void masq_partition_probe_free(masq_partition_probe *probe);

/* The indexed views (indexes into index->views) that the index pairs with
 * the probing view v, each once, in probe->candidates: a superset of the
 * served pairs that the join compares, that pass the bag filter and that lie
 * within their allowed distance; a hash collision may add a pair it does not
 * serve (check masq_partition_serves). */
masq_status masq_partition_candidates(const masq_partition_index *index,
                                      masq_partition_probe *probe, const masq_view *v);

#endif
