/* De-duplication of rows that the Log Analytics export wrote twice (its
 * retries do), by EventOriginId with TimeGenerated and the values masq reads
 * from the row (a copy is the same in all). Every key is remembered
 * (8 bytes, about 16 with the tables' slack, per row that has an id; an hour
 * of few rows costs its table's 16 slots, 128 bytes, in each stripe it
 * reaches), so a
 * row is dropped exactly when an identical key came before it: the counts do
 * not depend on the order in which parallel readers read the rows, nor on how
 * far apart the copies lie.
 *
 * The keys are kept in one table per hour of TimeGenerated: an export tree
 * holds an hour's rows in its h= folder, so the keys a reader checks one
 * after another lie in one small table that stays in the cache, not spread
 * over one table of all the rows. */
#ifndef MASQ_DEDUP_H
#define MASQ_DEDUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/status.h"

/* The keys of the rows of one hour. */
typedef struct masq_dedup_hour {
    int64_t hour;    /* TimeGenerated in ms, divided by 3,600,000 (floored) */
    uint64_t *slots; /* open addressing over the keys; 0 = empty */
    size_t slot_count;
    size_t used;
} masq_dedup_hour;

typedef struct masq_dedup {
    masq_dedup_hour *hours;
    size_t count;
    size_t capacity;
    uint32_t *index; /* open addressing over the hours: their position + 1; 0 = empty */
    size_t index_count;
    size_t last; /* the hour of the last check: most checks find it again */
} masq_dedup;

void masq_dedup_init(masq_dedup *dedup);
void masq_dedup_free(masq_dedup *dedup);

/* The 64-bit key of a row: its id, its time, and the values read from it
 * (NULL and "" told apart). */
uint64_t masq_dedup_key(const char *origin_id, int64_t time_ms, const char *const *values,
                        size_t count);

/* The hour a row of this time is kept under. */
int64_t masq_dedup_hour_of(int64_t time_ms);

/* Record a row by its key and the time it was keyed with; *seen tells
 * whether the same key came before in that hour (a key holds its row's time,
 * so it comes at no other). */
masq_status masq_dedup_check(masq_dedup *dedup, uint64_t key, int64_t time_ms, bool *seen);

#endif
