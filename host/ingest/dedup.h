/* De-duplication of rows that the Log Analytics export wrote twice (its
 * retries do), by EventOriginId with TimeGenerated and the values masq reads
 * from the row (a copy is the same in all). Every key is remembered
 * (8 bytes, about 16 with the table's slack, per row that has an id), so a
 * row is dropped exactly when an identical key came before it: the counts do
 * not depend on the order in which parallel readers read the rows, nor on how
 * far apart the copies lie. */
#ifndef MASQ_DEDUP_H
#define MASQ_DEDUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/status.h"

typedef struct masq_dedup {
    uint64_t *slots;  /* open addressing over the keys; 0 = empty */
    size_t slot_count;
    size_t used;
} masq_dedup;

void masq_dedup_init(masq_dedup *dedup);
void masq_dedup_free(masq_dedup *dedup);

/* The 64-bit key of a row: its id, its time, and the values read from it
 * (NULL and "" told apart). */
uint64_t masq_dedup_key(const char *origin_id, int64_t time_ms, const char *const *values,
                        size_t count);

/* Record a row by its key; *seen tells whether the same key came before. */
masq_status masq_dedup_check(masq_dedup *dedup, uint64_t key, bool *seen);

#endif
