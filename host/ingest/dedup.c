#include "dedup.h"

#include <stdlib.h>
#include <string.h>

void masq_dedup_init(masq_dedup *dedup)
{
    memset(dedup, 0, sizeof *dedup);
    for (int h = 0; h < MASQ_DEDUP_HOURS; h++)
        dedup->hours[h].hour = INT64_MIN;
}

void masq_dedup_free(masq_dedup *dedup)
{
    for (int h = 0; h < MASQ_DEDUP_HOURS; h++)
        free(dedup->hours[h].keys);
    masq_dedup_init(dedup);
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

/* The set for an hour: an existing one, a free one, or the oldest one
 * reused; NULL when the hour is older than every kept hour. */
static masq_dedup_hour *hour_set(masq_dedup *dedup, int64_t hour)
{
    masq_dedup_hour *oldest = &dedup->hours[0];
    for (int h = 0; h < MASQ_DEDUP_HOURS; h++) {
        if (dedup->hours[h].hour == hour)
            return &dedup->hours[h];
        if (dedup->hours[h].hour < oldest->hour)
            oldest = &dedup->hours[h];
    }
    if (oldest->hour != INT64_MIN && hour < oldest->hour)
        return NULL;
    oldest->hour = hour;
    oldest->count = 0;
    if (oldest->keys)
        memset(oldest->keys, 0, oldest->slots * sizeof *oldest->keys);
    return oldest;
}

static int grow(masq_dedup_hour *set)
{
    size_t slots = set->slots ? set->slots * 2 : 4096;
    uint64_t *keys = calloc(slots, sizeof *keys);
    if (keys == NULL)
        return -1;
    for (size_t i = 0; i < set->slots; i++) {
        if (set->keys[i] == 0)
            continue;
        size_t s = set->keys[i] & (slots - 1);
        while (keys[s])
            s = (s + 1) & (slots - 1);
        keys[s] = set->keys[i];
    }
    free(set->keys);
    set->keys = keys;
    set->slots = slots;
    return 0;
}

masq_status masq_dedup_check(masq_dedup *dedup, const char *origin_id, int64_t time_ms, bool *seen)
{
    *seen = false;
    int64_t hour = time_ms >= 0 ? time_ms / 3600000 : (time_ms - 3599999) / 3600000;
    masq_dedup_hour *set = hour_set(dedup, hour);
    if (set == NULL) {
        dedup->unchecked++;
        return MASQ_OK;
    }
    if ((set->count + 1) * 2 > set->slots && grow(set) != 0)
        return MASQ_ERR_NOMEM;
    uint64_t key = key_of(origin_id, time_ms);
    size_t s = key & (set->slots - 1);
    while (set->keys[s]) {
        if (set->keys[s] == key) {
            *seen = true;
            return MASQ_OK;
        }
        s = (s + 1) & (set->slots - 1);
    }
    set->keys[s] = key;
    set->count++;
    return MASQ_OK;
}
