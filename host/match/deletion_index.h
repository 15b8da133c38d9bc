/* Symmetric-deletion index: every string is stored under the hashes of the
 * strings obtained by deleting up to K of its symbols. If the true
 * Damerau-Levenshtein distance of a and b is d, their longest common
 * subsequence is at most d shorter than either (DL >= max(|a|,|b|) - LCS), so
 * deleting at most d symbols from each side reaches the same string: a lookup
 * with up to d deletions finds every pair within distance d. Hash collisions
 * only add candidates; every candidate is verified exactly. */
#ifndef MASQ_DELETION_INDEX_H
#define MASQ_DELETION_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/status.h"

/* The index handles pairs whose allowed distance is at most this. */
#define MASQ_INDEX_MAX_DELETIONS 2

/* Hashes of all deletion variants of symbols (0..max_deletions deletions,
 * max_deletions <= MASQ_INDEX_MAX_DELETIONS), mixed with group, written to
 * *variants (grown as needed; a variant may repeat). Returns the count or -1
 * when out of memory. */
long masq_deletion_variants(const uint32_t *symbols, uint32_t length, uint32_t max_deletions,
                            uint64_t group, uint64_t **variants, size_t *capacity);

typedef struct masq_index_entry {
    uint64_t hash;
    uint32_t item;
    uint32_t tag; /* the caller's (in the padding): the partition index's group filter */
} masq_index_entry;

/* Entries grouped by hash slot (no sorting: a counting pass and a scatter),
 * and a presence bit per hash that stays in cache, so that the many lookups
 * that find nothing never touch the entries. */
typedef struct masq_deletion_index {
    masq_index_entry *entries;
    size_t entry_count;
    size_t entry_capacity;
    uint32_t *slot_start; /* slot s holds entries [slot_start[s], slot_start[s+1]) */
    size_t slot_mask;
    uint64_t *presence;   /* bit (hash >> 32) & presence_mask */
    size_t presence_mask;
} masq_deletion_index;

void masq_deletion_index_init(masq_deletion_index *index);
void masq_deletion_index_free(masq_deletion_index *index);

/* Add an item under the given variant hashes (before masq_deletion_index_seal). */
masq_status masq_deletion_index_add(masq_deletion_index *index, uint32_t item,
                                    const uint64_t *variants, size_t variant_count);

/* The same with a tag stored in each of the item's entries. */
masq_status masq_deletion_index_add_tagged(masq_deletion_index *index, uint32_t item, uint32_t tag,
                                           const uint64_t *variants, size_t variant_count);

/* Group the entries by slot; no adds after this. */
masq_status masq_deletion_index_seal(masq_deletion_index *index);

/* Before many lookups: start loading what the presence test of hash reads,
 * then (where it passes) what the slot lookup reads, so that the cache misses
 * of a batch overlap. */
static inline void masq_deletion_index_prefetch_presence(const masq_deletion_index *index,
                                                         uint64_t hash)
{
    __builtin_prefetch(&index->presence[((hash >> 32) & index->presence_mask) / 64]);
}

static inline bool masq_deletion_index_may_hold(const masq_deletion_index *index, uint64_t hash)
{
    size_t bit = (hash >> 32) & index->presence_mask;
    return index->presence[bit / 64] >> (bit % 64) & 1;
}

static inline void masq_deletion_index_prefetch_slot(const masq_deletion_index *index, uint64_t hash)
{
    __builtin_prefetch(&index->slot_start[hash & index->slot_mask]);
}

/* The entries of hash's slot, *count of them (other hashes may share the
 * slot: compare entry.hash). NULL when the hash is surely absent. */
static inline const masq_index_entry *masq_deletion_index_slot(const masq_deletion_index *index,
                                                               uint64_t hash, uint32_t *count)
{
    size_t bit = (hash >> 32) & index->presence_mask;
    if (!(index->presence[bit / 64] >> (bit % 64) & 1)) {
        *count = 0;
        return NULL;
    }
    size_t slot = hash & index->slot_mask;
    *count = index->slot_start[slot + 1] - index->slot_start[slot];
    return &index->entries[index->slot_start[slot]];
}

#endif
