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

static int compare_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
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
    qsort(out, count, sizeof *out, compare_u64);
    size_t unique = 0;
    for (size_t i = 0; i < count; i++)
        if (unique == 0 || out[unique - 1] != out[i])
            out[unique++] = out[i];
    return (long)unique;
}

void masq_deletion_index_init(masq_deletion_index *index)
{
    memset(index, 0, sizeof *index);
}

void masq_deletion_index_free(masq_deletion_index *index)
{
    free(index->entries);
    free(index->buckets);
    masq_deletion_index_init(index);
}

masq_status masq_deletion_index_add(masq_deletion_index *index, uint32_t item,
                                    const uint64_t *variants, size_t variant_count)
{
    if (masq_grow((void **)&index->entries, &index->entry_capacity,
                  index->entry_count + variant_count, sizeof *index->entries) != 0)
        return MASQ_ERR_NOMEM;
    for (size_t i = 0; i < variant_count; i++)
        index->entries[index->entry_count++] = (masq_index_entry){variants[i], item};
    return MASQ_OK;
}

static int compare_entry(const void *a, const void *b)
{
    const masq_index_entry *x = a, *y = b;
    if (x->hash != y->hash)
        return (x->hash > y->hash) - (x->hash < y->hash);
    return (x->item > y->item) - (x->item < y->item);
}

masq_status masq_deletion_index_seal(masq_deletion_index *index)
{
    if (index->entry_count > UINT32_MAX)
        return MASQ_ERR_NOMEM;
    qsort(index->entries, index->entry_count, sizeof *index->entries, compare_entry);
    size_t buckets = 16;
    while (buckets < index->entry_count * 2)
        buckets *= 2;
    index->buckets = calloc(buckets, sizeof *index->buckets);
    if (index->buckets == NULL)
        return MASQ_ERR_NOMEM;
    index->bucket_mask = buckets - 1;
    for (size_t i = 0; i < index->entry_count;) {
        size_t end = i;
        while (end < index->entry_count && index->entries[end].hash == index->entries[i].hash)
            end++;
        size_t slot = index->entries[i].hash & index->bucket_mask;
        while (index->buckets[slot].count != 0)
            slot = (slot + 1) & index->bucket_mask;
        index->buckets[slot] =
            (masq_index_bucket){index->entries[i].hash, (uint32_t)i, (uint32_t)(end - i)};
        i = end;
    }
    return MASQ_OK;
}

const masq_index_entry *masq_deletion_index_find(const masq_deletion_index *index, uint64_t hash,
                                                 uint32_t *count)
{
    *count = 0;
    if (index->buckets == NULL)
        return NULL;
    size_t slot = hash & index->bucket_mask;
    while (index->buckets[slot].count != 0) {
        if (index->buckets[slot].hash == hash) {
            *count = index->buckets[slot].count;
            return &index->entries[index->buckets[slot].start];
        }
        slot = (slot + 1) & index->bucket_mask;
    }
    return NULL;
}
