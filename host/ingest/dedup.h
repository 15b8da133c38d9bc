/* De-duplication of rows that the Log Analytics export wrote twice (its
 * retries do), by EventOriginId. A row and its copy carry the same
 * TimeGenerated, so the ids are kept per hour of event time, and only the
 * latest MASQ_DEDUP_HOURS hours are kept: memory follows the event rate, not
 * the number of events. An export read in folder order (y=/m=/d=/h=) is
 * de-duplicated exactly; a copy of an hour already dropped is counted, not
 * removed. */
#ifndef MASQ_DEDUP_H
#define MASQ_DEDUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/status.h"

#define MASQ_DEDUP_HOURS 3

typedef struct masq_dedup_hour {
    int64_t hour; /* hours since the epoch; INT64_MIN: unused */
    uint64_t *keys;
    size_t count;
    size_t slots;
} masq_dedup_hour;

typedef struct masq_dedup {
    masq_dedup_hour hours[MASQ_DEDUP_HOURS];
    uint64_t unchecked; /* rows of an hour no longer kept */
} masq_dedup;

void masq_dedup_init(masq_dedup *dedup);
void masq_dedup_free(masq_dedup *dedup);

/* Record a row; *seen tells whether an identical one came before. */
masq_status masq_dedup_check(masq_dedup *dedup, const char *origin_id, int64_t time_ms, bool *seen);

#endif
