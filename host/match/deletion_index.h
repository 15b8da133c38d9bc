/* Symmetric-deletion index: every string is stored under the hashes of the
 * strings obtained by deleting up to K of its symbols. If the true
 * Damerau-Levenshtein distance of a and b is d, their longest common
 * subsequence is at most d shorter than either (DL >= max(|a|,|b|) - LCS), so
 * deleting at most d symbols from each side reaches the same string: a lookup
 * with up to d deletions finds every pair within distance d. Hash collisions
 * only add candidates; every candidate is verified exactly. */
#ifndef MASQ_DELETION_INDEX_H
#define MASQ_DELETION_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "../util/status.h"

/* The index handles pairs whose allowed distance is at most this. */
#define MASQ_INDEX_MAX_DELETIONS 2

/* Hashes of all deletion variants of symbols (0..max_deletions deletions,
 * max_deletions <= MASQ_INDEX_MAX_DELETIONS), mixed with group, sorted and
 * without repeats, written to *variants (grown as needed). Returns the count
 * or -1 when out of memory. */
long masq_deletion_variants(const uint32_t *symbols, uint32_t length, uint32_t max_deletions,
                            uint64_t group, uint64_t **variants, size_t *capacity);

typedef struct masq_index_entry {
    uint64_t hash;
    uint32_t item;
} masq_index_entry;

typedef struct masq_index_bucket {
    uint64_t hash;
    uint32_t start; /* first entry with this hash */
    uint32_t count; /* 0: empty bucket */
} masq_index_bucket;

typedef struct masq_deletion_index {
    masq_index_entry *entries;
    size_t entry_count;
    size_t entry_capacity;
    masq_index_bucket *buckets;
    size_t bucket_mask;
} masq_deletion_index;

void masq_deletion_index_init(masq_deletion_index *index);
void masq_deletion_index_free(masq_deletion_index *index);

/* Add an item under the given variant hashes (before masq_deletion_index_seal). */
masq_status masq_deletion_index_add(masq_deletion_index *index, uint32_t item,
                                    const uint64_t *variants, size_t variant_count);

/* Sort and bucket the entries; no adds after this. */
masq_status masq_deletion_index_seal(masq_deletion_index *index);

/* The entries stored under hash (count 0 when none). */
const masq_index_entry *masq_deletion_index_find(const masq_deletion_index *index, uint64_t hash,
                                                 uint32_t *count);

#endif
