/* The name tables of a read split by the UTC day of each sighting, for the
 * baseline (--baseline): each data day is kept as the name table of its own
 * sightings. Sightings without a time go to a table of their own, scanned
 * but kept in no day. */
#ifndef MASQ_DAY_TABLES_H
#define MASQ_DAY_TABLES_H

#include <stddef.h>
#include <stdint.h>

#include "name_table.h"

#define MASQ_DAY_MS 86400000LL
#define MASQ_DAY_NONE INT32_MIN /* the day of the sightings without a time */

typedef struct masq_day_table {
    int32_t day; /* days since 1970-01-01 (UTC), or MASQ_DAY_NONE */
    masq_name_table table;
    int fate;    /* what the baseline did with the day (masq_day_fate, baseline.h); 0 first */
} masq_day_table;

typedef struct masq_day_tables {
    masq_day_table **days; /* each allocated alone: a table never moves */
    size_t count;
    size_t capacity;
} masq_day_tables;

/* The UTC day of a time in milliseconds (MASQ_DAY_NONE for MASQ_TIME_NONE). */
int32_t masq_day_of(int64_t time_ms);

/* "2024-06-03" for a day. */
void masq_day_format(int32_t day, char out[16]);

/* The day of "2024-06-03", or -1 when the text is not such a date. */
int masq_day_parse(const char *text, int32_t *day);

void masq_day_tables_init(masq_day_tables *days);
void masq_day_tables_free(masq_day_tables *days);

/* The table of a sighting's day, made on first use; *slot (when not NULL)
 * gets its index in days->days (stable while the read lasts). */
masq_status masq_day_tables_for(masq_day_tables *days, int64_t time_ms, masq_name_table **table,
                                uint32_t *slot);

/* How many sightings a day's table counts. */
uint64_t masq_day_sightings(const masq_day_table *day);

/* Put the days in order (MASQ_DAY_NONE first), each table sorted by name. */
masq_status masq_day_tables_sort(masq_day_tables *days);

/* Every day's names summed into one table (exactly as masq merge sums tables). */
masq_status masq_day_tables_merge(const masq_day_tables *days, masq_name_table *into);

#endif
