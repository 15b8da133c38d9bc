#include "dedup.h"

#include <stdlib.h>
#include <string.h>

void masq_dedup_init(masq_dedup *dedup, size_t window)
{
    memset(dedup, 0, sizeof *dedup);
    dedup->window = window ? window : 1;
}

void masq_dedup_free(masq_dedup *dedup)
{
    free(dedup->ring);
    free(dedup->slots);
    masq_dedup_init(dedup, dedup->window);
}

static uint64_t key_of(const char *id, int64_t time_ms)
{
    uint64_t hash = 0xcbf29ce484222325ull ^ (uint64_t)time_ms;
    for (const unsigned char *p = (const unsigned char *)id; *p; p++) {
        hash ^= *p;
        hash *= 0x100000001b3ull;
    }
    hash ^= hash >> 31;
    hash *= 0x9E3779B97F4A7C15ull;
    return (hash ^ (hash >> 29)) | 1; /* 0 marks an empty slot */
}

static size_t slot_of(const masq_dedup *d, uint64_t key)
{
    size_t s = (size_t)(key ^ (key >> 32)) & (d->slot_count - 1);
    while (d->slots[s] != 0 && d->slots[s] != key)
        s = (s + 1) & (d->slot_count - 1);
    return s;
}

static int grow(masq_dedup *d)
{
    size_t count = d->slot_count ? d->slot_count * 2 : 4096;
    uint64_t *slots = calloc(count, sizeof *slots);
    if (slots == NULL)
        return -1;
    uint64_t *old = d->slots;
    size_t old_count = d->slot_count;
    d->slots = slots;
    d->slot_count = count;
    for (size_t i = 0; i < old_count; i++)
        if (old[i])
            d->slots[slot_of(d, old[i])] = old[i];
    free(old);
    return 0;
}

/* Remove a key, shifting back the run after it (linear probing stays exact). */
static void remove_key(masq_dedup *d, uint64_t key)
{
    size_t mask = d->slot_count - 1, hole = slot_of(d, key);
    if (d->slots[hole] != key)
        return;
    d->slots[hole] = 0;
    for (size_t s = (hole + 1) & mask; d->slots[s] != 0; s = (s + 1) & mask) {
        size_t home = (size_t)(d->slots[s] ^ (d->slots[s] >> 32)) & mask;
        /* Move it into the hole when the hole lies between its home and it. */
        if (((s - home) & mask) >= ((s - hole) & mask)) {
            d->slots[hole] = d->slots[s];
            d->slots[s] = 0;
            hole = s;
        }
    }
    d->used--;
}

masq_status masq_dedup_check(masq_dedup *d, const char *origin_id, int64_t time_ms, bool *seen)
{
    uint64_t key = key_of(origin_id, time_ms);
    if (d->ring == NULL) {
        d->ring = malloc(d->window * sizeof *d->ring);
        if (d->ring == NULL)
            return MASQ_ERR_NOMEM;
    }
    if ((d->used + 1) * 2 > d->slot_count && grow(d) != 0)
        return MASQ_ERR_NOMEM;
    size_t s = slot_of(d, key);
    *seen = d->slots[s] == key;
    if (*seen)
        return MASQ_OK;
    if (d->ring_count == d->window) { /* forget the oldest row */
        remove_key(d, d->ring[d->oldest]);
        d->ring[d->oldest] = key;
        d->oldest = (d->oldest + 1) % d->window;
        s = slot_of(d, key);
    } else {
        d->ring[d->ring_count++] = key;
    }
    d->slots[s] = key;
    d->used++;
    return MASQ_OK;
}
