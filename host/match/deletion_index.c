#include "deletion_index.h"

#include <stdlib.h>
#include <string.h>

#include "../util/memory.h"

/* Polynomial hashing (mod 2^64) composes: the hash of a string with symbols
 * removed is built from prefix hashes in O(1) per variant. */
#define HASH_BASE 0x100000001b3ull

static uint64_t finish(uint64_t hash, uint32_t length, uint64_t group)
{
    uint64_t x = hash ^ ((uint64_t)length << 48) ^ (group * 0x9E3779B97F4A7C15ull);
    x ^= x >> 31;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 29;
    x *= 0x94d049bb133111ebull;
    return x ^ (x >> 32);
}

long masq_deletion_variants(const uint32_t *symbols, uint32_t length, uint32_t max_deletions,
                            uint64_t group, uint64_t **variants, size_t *capacity)
{
    if (max_deletions > length)
        max_deletions = length;
    size_t needed = 1 + (size_t)length + (size_t)length * length / 2;
    /* prefix[p]: hash of symbols[0..p); power[e] = BASE^e. */
    size_t scratch = 2 * ((size_t)length + 1);
    if (masq_grow((void **)variants, capacity, needed + scratch, sizeof **variants) != 0)
        return -1;
    uint64_t *out = *variants;
    uint64_t *prefix = out + needed, *power = prefix + length + 1;
    prefix[0] = 0;
    power[0] = 1;
    for (uint32_t i = 0; i < length; i++) {
        prefix[i + 1] = prefix[i] * HASH_BASE + symbols[i] + 1;
        power[i + 1] = power[i] * HASH_BASE;
    }
    /* hash of symbols[a..b) */
#define RANGE(a, b) (prefix[b] - prefix[a] * power[(b) - (a)])
    size_t count = 0;
    out[count++] = finish(prefix[length], length, group);
    if (max_deletions >= 1) {
        for (uint32_t p = 0; p < length; p++) {
            uint64_t h = RANGE(0, p) * power[length - p - 1] + RANGE(p + 1, length);
            out[count++] = finish(h, length - 1, group);
        }
    }
    if (max_deletions >= 2) {
        for (uint32_t p = 0; p < length; p++) {
            for (uint32_t q = p + 1; q < length; q++) {
                uint64_t h = (RANGE(0, p) * power[q - p - 1] + RANGE(p + 1, q)) *
                                 power[length - q - 1] +
                             RANGE(q + 1, length);
                out[count++] = finish(h, length - 2, group);
            }
        }
    }
#undef RANGE
    /* Repeats (deleting either of two equal neighbours) are left in: the
     * caller's candidate stamps make them harmless, cheaper than sorting. */
    return (long)count;
}

void masq_deletion_index_init(masq_deletion_index *index)
{
    memset(index, 0, sizeof *index);
}

void masq_deletion_index_free(masq_deletion_index *index)
{
    free(index->entries);
    free(index->slot_start);
    free(index->presence);
    masq_deletion_index_init(index);
}

masq_status masq_deletion_index_add_tagged(masq_deletion_index *index, uint32_t item, uint32_t tag,
                                           const uint64_t *variants, size_t variant_count)
{
    if (masq_grow((void **)&index->entries, &index->entry_capacity,
                  index->entry_count + variant_count, sizeof *index->entries) != 0)
        return MASQ_ERR_NOMEM;
    for (size_t i = 0; i < variant_count; i++)
        index->entries[index->entry_count++] = (masq_index_entry){variants[i], item, tag};
    return MASQ_OK;
}

masq_status masq_deletion_index_add(masq_deletion_index *index, uint32_t item,
                                    const uint64_t *variants, size_t variant_count)
{
    return masq_deletion_index_add_tagged(index, item, 0, variants, variant_count);
}

masq_status masq_deletion_index_seal(masq_deletion_index *index)
{
    size_t n = index->entry_count;
    if (n >= UINT32_MAX)
        return MASQ_ERR_NOMEM;
    size_t slots = 16, bits = 1024;
    while (slots < n)
        slots *= 2;
    while (bits < n * 8)
        bits *= 2;
    index->slot_mask = slots - 1;
    index->presence_mask = bits - 1;
    index->slot_start = calloc(slots + 1, sizeof *index->slot_start);
    index->presence = calloc(bits / 64, sizeof *index->presence);
    masq_index_entry *grouped = malloc((n ? n : 1) * sizeof *grouped);
    if (index->slot_start == NULL || index->presence == NULL || grouped == NULL) {
        free(grouped);
        return MASQ_ERR_NOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        uint64_t hash = index->entries[i].hash;
        index->slot_start[(hash & index->slot_mask) + 1]++;
        size_t bit = (hash >> 32) & index->presence_mask;
        index->presence[bit / 64] |= (uint64_t)1 << (bit % 64);
    }
    for (size_t s = 0; s < slots; s++)
        index->slot_start[s + 1] += index->slot_start[s];
    /* Scatter in input order; slot_start[s] walks to the end of slot s and is
     * then moved back one slot. */
    for (size_t i = 0; i < n; i++)
        grouped[index->slot_start[index->entries[i].hash & index->slot_mask]++] = index->entries[i];
    for (size_t s = slots; s > 0; s--)
        index->slot_start[s] = index->slot_start[s - 1];
    index->slot_start[0] = 0;
    free(index->entries);
    index->entries = grouped;
    index->entry_capacity = n;
    return MASQ_OK;
}
