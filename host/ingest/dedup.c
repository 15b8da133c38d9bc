#include "dedup.h"

#include <stdlib.h>
#include <string.h>

void masq_dedup_init(masq_dedup *dedup)
{
    memset(dedup, 0, sizeof *dedup);
}

void masq_dedup_free(masq_dedup *dedup)
{
    free(dedup->slots);
    masq_dedup_init(dedup);
}

/* One 64-bit multiply-and-fold step. */
static uint64_t mix(uint64_t hash, uint64_t word)
{
    hash = (hash ^ word) * 0x9E3779B97F4A7C15ull;
    return hash ^ (hash >> 32);
}

/* A string eight bytes at a time, then its length: the lengths keep
 * ("ab", "c") and ("a", "bc") apart. */
static uint64_t mix_text(uint64_t hash, const char *text)
{
    size_t length = strlen(text), i = 0;
    for (; i + 8 <= length; i += 8) {
        uint64_t word;
        memcpy(&word, text + i, 8);
        hash = mix(hash, word);
    }
    if (i < length) {
        uint64_t word = 0;
        memcpy(&word, text + i, length - i);
        hash = mix(hash, word);
    }
    return mix(hash, (uint64_t)length);
}

uint64_t masq_dedup_key(const char *id, int64_t time_ms, const char *const *values, size_t count)
{
    uint64_t hash = mix_text(0xcbf29ce484222325ull ^ (uint64_t)time_ms, id);
    for (size_t v = 0; v < count; v++) /* NULL is a length no string has */
        hash = values[v] ? mix_text(hash, values[v]) : mix(hash, UINT64_MAX);
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

masq_status masq_dedup_check(masq_dedup *d, uint64_t key, bool *seen)
{
    /* Load at most 3/4: linear probing stays short, memory near 11-21 bytes a key. */
    if ((d->used + 1) * 4 > d->slot_count * 3 && grow(d) != 0)
        return MASQ_ERR_NOMEM;
    size_t s = slot_of(d, key);
    *seen = d->slots[s] == key;
    if (!*seen) {
        d->slots[s] = key;
        d->used++;
    }
    return MASQ_OK;
}
