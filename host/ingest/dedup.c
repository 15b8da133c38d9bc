#include "dedup.h"

#include <stdlib.h>
#include <string.h>

#include "../util/memory.h"

void masq_dedup_init(masq_dedup *dedup)
{
    memset(dedup, 0, sizeof *dedup);
}

void masq_dedup_free(masq_dedup *dedup)
{
    for (size_t h = 0; h < dedup->count; h++)
        free(dedup->hours[h].slots);
    free(dedup->hours);
    free(dedup->index);
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

int64_t masq_dedup_hour_of(int64_t time_ms)
{
    const int64_t hour_ms = 3600000;
    return time_ms >= 0 ? time_ms / hour_ms : -((-(time_ms + 1)) / hour_ms) - 1;
}

static size_t slot_of(const masq_dedup_hour *h, uint64_t key)
{
    size_t s = (size_t)(key ^ (key >> 32)) & (h->slot_count - 1);
    while (h->slots[s] != 0 && h->slots[s] != key)
        s = (s + 1) & (h->slot_count - 1);
    return s;
}

static int grow_hour(masq_dedup_hour *h)
{
    size_t count = h->slot_count ? h->slot_count * 2 : 16; /* an hour of few rows stays small */
    uint64_t *slots = calloc(count, sizeof *slots);
    if (slots == NULL)
        return -1;
    uint64_t *old = h->slots;
    size_t old_count = h->slot_count;
    h->slots = slots;
    h->slot_count = count;
    for (size_t i = 0; i < old_count; i++)
        if (old[i])
            h->slots[slot_of(h, old[i])] = old[i];
    free(old);
    return 0;
}

static size_t index_slot(const masq_dedup *d, int64_t hour)
{
    size_t s = (size_t)mix(0, (uint64_t)hour) & (d->index_count - 1);
    while (d->index[s] != 0 && d->hours[d->index[s] - 1].hour != hour)
        s = (s + 1) & (d->index_count - 1);
    return s;
}

static int grow_index(masq_dedup *d)
{
    size_t count = d->index_count ? d->index_count * 2 : 64;
    uint32_t *index = calloc(count, sizeof *index);
    if (index == NULL)
        return -1;
    free(d->index);
    d->index = index;
    d->index_count = count;
    for (size_t h = 0; h < d->count; h++)
        d->index[index_slot(d, d->hours[h].hour)] = (uint32_t)(h + 1);
    return 0;
}

/* The table of the hour, made with the hour's first row. */
static masq_dedup_hour *hour_table(masq_dedup *d, int64_t hour)
{
    if (d->count > 0 && d->hours[d->last].hour == hour)
        return &d->hours[d->last];
    if ((d->count + 1) * 2 > d->index_count && grow_index(d) != 0)
        return NULL;
    size_t s = index_slot(d, hour);
    if (d->index[s] == 0) {
        if (d->count >= UINT32_MAX - 1 ||
            masq_grow((void **)&d->hours, &d->capacity, d->count + 1, sizeof *d->hours) != 0)
            return NULL;
        d->hours[d->count] = (masq_dedup_hour){.hour = hour};
        d->index[s] = (uint32_t)++d->count;
    }
    d->last = d->index[s] - 1;
    return &d->hours[d->last];
}

masq_status masq_dedup_check(masq_dedup *d, uint64_t key, int64_t time_ms, bool *seen)
{
    masq_dedup_hour *h = hour_table(d, masq_dedup_hour_of(time_ms));
    if (h == NULL)
        return MASQ_ERR_NOMEM;
    /* Load at most 3/4: linear probing stays short, memory near 11-21 bytes a key. */
    if ((h->used + 1) * 4 > h->slot_count * 3 && grow_hour(h) != 0)
        return MASQ_ERR_NOMEM;
    size_t s = slot_of(h, key);
    *seen = h->slots[s] == key;
    if (!*seen) {
        h->slots[s] = key;
        h->used++;
    }
    return MASQ_OK;
}
