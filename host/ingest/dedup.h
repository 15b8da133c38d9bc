/* De-duplication of rows that the Log Analytics export wrote twice (its
 * retries do), by EventOriginId (with TimeGenerated). The export writes the
 * copy into a later blob, minutes after the first, so the ids of the latest
 * MASQ_DEDUP_WINDOW rows read are kept: memory is fixed, whatever the number
 * of events, and a copy within that many rows of its original is dropped
 * whatever order parallel readers read them in. */
#ifndef MASQ_DEDUP_H
#define MASQ_DEDUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/status.h"

/* Rows remembered (per de-duplication; parallel readers share stripes of it). */
#define MASQ_DEDUP_WINDOW ((size_t)1 << 21)

typedef struct masq_dedup {
    size_t window;    /* rows remembered */
    uint64_t *ring;   /* the keys in reading order, oldest at `oldest` once full */
    size_t ring_count;
    size_t oldest;
    uint64_t *slots;  /* open addressing over the keys in the ring; 0 = empty */
    size_t slot_count;
    size_t used;
} masq_dedup;

/* A de-duplication remembering `window` rows. */
void masq_dedup_init(masq_dedup *dedup, size_t window);
void masq_dedup_free(masq_dedup *dedup);

/* Record a row; *seen tells whether an identical one is remembered. */
masq_status masq_dedup_check(masq_dedup *dedup, const char *origin_id, int64_t time_ms, bool *seen);

#endif
