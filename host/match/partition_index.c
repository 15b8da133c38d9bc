#include "partition_index.h"

#include <stdlib.h>
#include <string.h>

#include "../util/memory.h"

/* Polynomial hash of symbol runs, mod 2^64: equal runs hash equal, which is
 * all the filter needs (a collision only adds a candidate). */
#define HASH_BASE 0x100000001b3ull

static uint64_t mix(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

/* The table key of segment number `segment` of an indexed length, with this
 * text hash, in this group (0 when the join compares across groups). */
static uint64_t segment_key(uint64_t text, uint32_t length, uint32_t region, uint32_t segment,
                            uint64_t group)
{
    return mix(text ^ mix(((uint64_t)length << 32 | segment) ^ group * 0x9e3779b97f4a7c15ull ^
                          (uint64_t)region * 0xd6e8feb86659fd93ull));
}

static uint64_t run_hash(const uint32_t *symbols, uint32_t length)
{
    uint64_t h = 0;
    for (uint32_t p = 0; p < length; p++)
        h = h * HASH_BASE + symbols[p] + 1;
    return h;
}

static uint64_t view_group(const masq_join *join, const masq_view *v)
{
    return join->same_group ? (uint64_t)v->group + 1 : 0;
}

/* A pending longer length b while the sweep below walks a down: its allowed
 * distance k(b), and the shortest a it still pairs with, b - k(b). */
typedef struct pending {
    int32_t k;
    int64_t first;
} pending;

static void heap_push(pending *heap, size_t *count, pending item)
{
    size_t at = (*count)++;
    while (at > 0 && heap[(at - 1) / 2].k < item.k) {
        heap[at] = heap[(at - 1) / 2];
        at = (at - 1) / 2;
    }
    heap[at] = item;
}

static void heap_pop(pending *heap, size_t *count)
{
    pending last = heap[--*count];
    size_t at = 0;
    for (;;) {
        size_t child = 2 * at + 1;
        if (child >= *count)
            break;
        if (child + 1 < *count && heap[child + 1].k > heap[child].k)
            child++;
        if (heap[child].k <= last.k)
            break;
        heap[at] = heap[child];
        at = child;
    }
    if (*count > 0)
        heap[at] = last;
}

/* For every length a, the largest allowed distance of a served pair with one
 * side of length a (-1: none), into largest[a]; the segments are cut for it,
 * which serves every smaller one. A partner b <= a gives k(a) (b = a always
 * passes when k(a) >= 0); a partner b > a gives k(b) when b - a <= k(b).
 * The second is a sweep down over a with a max-heap of the longer lengths
 * still in reach: O(n log n), whatever the names' lengths. */
static masq_status largest_k(const masq_threshold *t, uint32_t max_length, uint32_t min_longer,
                             int32_t *largest)
{
    pending *heap = malloc(((size_t)max_length + 1) * sizeof *heap);
    if (heap == NULL)
        return MASQ_ERR_NOMEM;
    size_t count = 0;
    for (int64_t a = max_length; a >= 0; a--) {
        uint32_t b = (uint32_t)a + 1;
        if (b <= max_length && b >= min_longer && masq_threshold_k(t, b) >= 1)
            heap_push(heap, &count, (pending){masq_threshold_k(t, b), (int64_t)b - masq_threshold_k(t, b)});
        while (count > 0 && heap[0].first > a)
            heap_pop(heap, &count);
        int32_t own = (uint32_t)a >= min_longer ? masq_threshold_k(t, (uint32_t)a) : -1;
        largest[a] = count > 0 && heap[0].k > own ? heap[0].k : own;
    }
    free(heap);
    return MASQ_OK;
}

/* Segment counts per indexed length: 2K + 1 for the largest K of its served
 * pairs, 0 where the segments would be too short or K too large. */
static masq_status choose_segments(masq_partition_index *index)
{
    uint32_t max_length = index->join->max_length;
    int32_t *largest = malloc(((size_t)max_length + 1) * sizeof *largest);
    if (largest == NULL ||
        largest_k(index->threshold, max_length, index->min_longer, largest) != MASQ_OK) {
        free(largest);
        return MASQ_ERR_NOMEM;
    }
    for (uint32_t a = 0; a <= max_length; a++) {
        int32_t k = masq_threshold_k(index->threshold, a);
        if (k > index->max_k)
            index->max_k = k;
        uint32_t m = largest[a] < 0 ? 0 : 2 * (uint32_t)largest[a] + 1;
        if (m > 0 && a / m >= MASQ_PARTITION_MIN_SEGMENT && largest[a] <= MASQ_PARTITION_MAX_K)
            index->segments[a] = m;
    }
    free(largest);
    return MASQ_OK;
}

/* Index view f of length a (m segments) when its stem allows: its stem
 * length joins a's list (up to MASQ_PARTITION_MAX_REGIONS of them), its
 * segments' keys the table. */
static masq_status add_view(masq_partition_index *index, size_t f, uint32_t a, uint32_t m,
                            size_t *region_count, size_t *region_capacity, uint64_t *keys)
{
    const masq_view *v = &index->views->items[f];
    uint32_t r = v->stem_length;
    size_t known = index->region_start[a];
    while (known < *region_count && index->regions[known] != r)
        known++;
    if (r / m < MASQ_PARTITION_MIN_SEGMENT ||
        (known == *region_count &&
         *region_count - index->region_start[a] == MASQ_PARTITION_MAX_REGIONS))
        return MASQ_OK; /* left to the band scan */
    if (known == *region_count) {
        if (masq_grow((void **)&index->regions, region_capacity, *region_count + 1,
                      sizeof *index->regions) != 0)
            return MASQ_ERR_NOMEM;
        index->regions[(*region_count)++] = r;
    }
    for (uint32_t i = 0; i < m; i++) {
        uint32_t start = masq_partition_segment_start(r, m, i);
        uint32_t end = masq_partition_segment_start(r, m, i + 1);
        keys[i] = segment_key(run_hash(v->symbols + start, end - start), a, r, i,
                              view_group(index->join, v));
    }
    index->indexed[f] = 1;
    /* The whole-names plan compares only other extensions: the tag lets a
     * probe pass over its own without reading the view. */
    return masq_deletion_index_add_tagged(&index->table, (uint32_t)f, (uint32_t)v->group, keys, m);
}

static masq_status add_views(masq_partition_index *index)
{
    const masq_view_list *views = index->views;
    uint32_t max_length = index->join->max_length;
    uint64_t *keys = malloc((2 * (size_t)MASQ_PARTITION_MAX_K + 1) * sizeof *keys);
    size_t region_capacity = 0, region_count = 0;
    masq_status status = keys ? MASQ_OK : MASQ_ERR_NOMEM;
    for (uint32_t a = 0; a <= max_length && status == MASQ_OK; a++) {
        index->region_start[a] = region_count;
        for (size_t f = views->by_length[a];
             index->segments[a] > 0 && f < views->by_length[a + 1] && status == MASQ_OK; f++)
            status = add_view(index, f, a, index->segments[a], &region_count, &region_capacity,
                              keys);
    }
    index->region_start[max_length + 1] = region_count;
    free(keys);
    /* The views left out, by length, for the band scan. */
    size_t left_out = 0;
    for (uint32_t a = 0; a <= max_length; a++) {
        index->unindexed_start[a] = left_out;
        for (size_t f = views->by_length[a]; f < views->by_length[a + 1]; f++)
            if (!index->indexed[f])
                index->unindexed[left_out++] = f;
    }
    index->unindexed_start[max_length + 1] = left_out;
    return status;
}

masq_status masq_partition_index_build(masq_partition_index *index, const masq_join *join,
                                       const masq_view_list *views,
                                       const masq_threshold *threshold, uint32_t min_longer)
{
    memset(index, 0, sizeof *index);
    masq_deletion_index_init(&index->table);
    index->join = join;
    index->views = views;
    index->threshold = threshold;
    index->min_longer = min_longer;
    index->segments = calloc((size_t)join->max_length + 1, sizeof *index->segments);
    index->region_start = calloc((size_t)join->max_length + 2, sizeof *index->region_start);
    index->indexed = calloc(views->count + 1, 1);
    index->unindexed = malloc((views->count + 1) * sizeof *index->unindexed);
    index->unindexed_start = calloc((size_t)join->max_length + 2, sizeof *index->unindexed_start);
    if (index->segments == NULL || index->region_start == NULL || index->indexed == NULL ||
        index->unindexed == NULL || index->unindexed_start == NULL)
        return MASQ_ERR_NOMEM;
    MASQ_TRY(choose_segments(index));
    MASQ_TRY(add_views(index));
    MASQ_TRY(masq_deletion_index_seal(&index->table));
    index->entry_bits = malloc((index->table.entry_count + 1) * sizeof *index->entry_bits);
    if (index->entry_bits == NULL)
        return MASQ_ERR_NOMEM;
    for (size_t e = 0; e < index->table.entry_count; e++)
        index->entry_bits[e] = views->items[index->table.entries[e].item].symbol_bits;
    return MASQ_OK;
}

void masq_partition_index_free(masq_partition_index *index)
{
    free(index->segments);
    free(index->regions);
    free(index->region_start);
    free(index->indexed);
    free(index->unindexed);
    free(index->unindexed_start);
    free(index->entry_bits);
    masq_deletion_index_free(&index->table);
    memset(index, 0, sizeof *index);
}

masq_status masq_partition_probe_init(masq_partition_probe *probe, uint32_t max_length,
                                      size_t indexed_count)
{
    memset(probe, 0, sizeof *probe);
    probe->prefix = malloc(((size_t)max_length + 1) * sizeof *probe->prefix);
    probe->power = malloc(((size_t)max_length + 1) * sizeof *probe->power);
    probe->stamp = calloc(indexed_count ? indexed_count : 1, sizeof *probe->stamp);
    if (probe->prefix == NULL || probe->power == NULL || probe->stamp == NULL)
        return MASQ_ERR_NOMEM;
    probe->power[0] = 1;
    for (uint32_t n = 1; n <= max_length; n++)
        probe->power[n] = probe->power[n - 1] * HASH_BASE;
    return MASQ_OK;
}

void masq_partition_probe_free(masq_partition_probe *probe)
{
    free(probe->prefix);
    free(probe->power);
    free(probe->stamp);
    free(probe->candidates);
    free(probe->keys);
    memset(probe, 0, sizeof *probe);
}

/* The keys v probes for indexed length a and stem length r (m segments),
 * each with the pair's allowed distance k (see the header for the shifts). */
static masq_status keys_for_length(masq_partition_probe *probe, const masq_join *join,
                                   const masq_view *v, uint32_t a, uint32_t r, uint32_t m,
                                   int32_t k)
{
    int32_t b = (int32_t)v->length, difference = b - (int32_t)a;
    uint64_t group = view_group(join, v);
    for (uint32_t i = 0; i < m; i++) {
        int32_t start = (int32_t)masq_partition_segment_start(r, m, i);
        int32_t length = (int32_t)masq_partition_segment_start(r, m, i + 1) - start;
        int32_t before = (int32_t)(i + 1) / 2; /* cost before the first intact segment i */
        for (int32_t delta = -k; delta <= k; delta++) {
            int32_t prefix_cost = delta < 0 ? -delta : delta;
            if (prefix_cost < before)
                prefix_cost = before;
            int32_t suffix_cost = difference > delta ? difference - delta : delta - difference;
            int32_t q = start + delta;
            if (prefix_cost + suffix_cost > k || q < 0 || q + length > b)
                continue;
            if (masq_grow((void **)&probe->keys, &probe->key_capacity, probe->key_count + 1,
                          sizeof *probe->keys) != 0)
                return MASQ_ERR_NOMEM;
            uint64_t text = probe->prefix[q + length] - probe->prefix[q] * probe->power[length];
            probe->keys[probe->key_count++] =
                (masq_partition_key){segment_key(text, a, r, i, group), 0, 0, k};
        }
    }
    return MASQ_OK;
}

/* Look every key up, in passes, so that the cache misses of one pass (the
 * presence bits, the slot starts, the entries) overlap instead of queueing:
 * each pass prefetches what the next one reads. */
static masq_status look_up_keys(const masq_partition_index *index, masq_partition_probe *probe,
                                const masq_view *v)
{
    const masq_deletion_index *table = &index->table;
    masq_partition_key *keys = probe->keys;
    size_t n = probe->key_count, kept = 0;
    for (size_t q = 0; q < n; q++)
        masq_deletion_index_prefetch_presence(table, keys[q].key);
    for (size_t q = 0; q < n; q++)
        if (masq_deletion_index_may_hold(table, keys[q].key)) {
            masq_deletion_index_prefetch_slot(table, keys[q].key);
            keys[kept++] = keys[q];
        }
    n = kept;
    kept = 0;
    for (size_t q = 0; q < n; q++) {
        size_t slot = keys[q].key & table->slot_mask;
        uint32_t first = table->slot_start[slot], end = table->slot_start[slot + 1];
        if (first == end)
            continue;
        __builtin_prefetch(&table->entries[first]);
        __builtin_prefetch(&index->entry_bits[first]);
        keys[kept++] = (masq_partition_key){keys[q].key, first, end - first, keys[q].k};
    }
    /* Entries of a key that another key's hash shares may pass: the caller
     * keeps only the pairs masq_partition_serves. */
    uint32_t own_tag = index->join->same_group ? UINT32_MAX : (uint32_t)v->group; /* MAX: none */
    for (size_t q = 0; q < kept; q++) {
        const masq_index_entry *entries = table->entries + keys[q].first;
        const uint64_t *bits = index->entry_bits + keys[q].first;
        for (uint32_t e = 0; e < keys[q].count; e++) {
            uint32_t f = entries[e].item;
            if (entries[e].hash != keys[q].key || entries[e].tag == own_tag ||
                masq_bags_exceed(bits[e], v->symbol_bits, keys[q].k) ||
                probe->stamp[f] == probe->probe_number)
                continue;
            probe->stamp[f] = probe->probe_number;
            if (masq_grow((void **)&probe->candidates, &probe->candidate_capacity,
                          probe->candidate_count + 1, sizeof *probe->candidates) != 0)
                return MASQ_ERR_NOMEM;
            probe->candidates[probe->candidate_count++] = f;
        }
    }
    return MASQ_OK;
}

masq_status masq_partition_candidates(const masq_partition_index *index,
                                      masq_partition_probe *probe, const masq_view *v)
{
    const masq_join *join = index->join;
    probe->candidate_count = 0;
    probe->key_count = 0;
    if (++probe->probe_number == 0) { /* wrapped: old stamps could match again */
        memset(probe->stamp, 0, (index->views->count ? index->views->count : 1) *
                                    sizeof *probe->stamp);
        probe->probe_number = 1;
    }
    uint32_t b = v->length;
    probe->prefix[0] = 0;
    for (uint32_t p = 0; p < b; p++)
        probe->prefix[p + 1] = probe->prefix[p] * HASH_BASE + v->symbols[p] + 1;
    /* A served pair's allowed distance is at most its indexed length's K <=
     * MASQ_PARTITION_MAX_K, and so is its length difference. */
    uint32_t reach = index->max_k < MASQ_PARTITION_MAX_K ? (uint32_t)index->max_k
                                                         : MASQ_PARTITION_MAX_K;
    uint32_t low = b > reach ? b - reach : 0;
    uint32_t high = b + reach;
    if (high > join->max_length)
        high = join->max_length;
    for (uint32_t a = low; a <= high; a++) {
        if (!masq_partition_serves_lengths(index, a, b))
            continue;
        uint32_t longer = a > b ? a : b;
        int32_t k = masq_threshold_k(index->threshold, longer);
        for (size_t region = index->region_start[a]; region < index->region_start[a + 1]; region++)
            MASQ_TRY(keys_for_length(probe, join, v, a, index->regions[region], index->segments[a], k));
    }
    return look_up_keys(index, probe, v);
}
