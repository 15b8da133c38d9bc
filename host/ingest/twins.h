/* One process start logged by several sensors counts once (the default
 * profile). A Security 4688 row, a Sysmon event 1 and a Defender
 * DeviceProcessEvents row of the same start are twins: the same host and the
 * same image path (both compared case-insensitively), from different sensors,
 * within MASQ_TWIN_WINDOW_MS of the first of them. Each start is kept as a
 * small record while reading (40 bytes); after reading, records are put in
 * one total order (host and path, time, sensor, name) and grouped, so the
 * result does not depend on the order rows were read in. For each twin found,
 * its name's count and the counts of its path, computer and folder drop by
 * one: counts are of process starts, the context keeps what every sensor said
 * (both users, the original file name only Sysmon reports). */
#ifndef MASQ_TWINS_H
#define MASQ_TWINS_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "../names/name_table.h"
#include "../util/status.h"

#define MASQ_TWIN_WINDOW_MS 2000

typedef struct masq_twin_record {
    uint64_t key;      /* host and path, lower-cased, hashed */
    int64_t time_ms;
    uint32_t table;    /* which table the start was counted in (a day's with --baseline) */
    uint32_t name;     /* index in that table while reading */
    uint32_t sensor;   /* one MASQ_SENSOR_* bit */
    uint32_t path_hash, computer_hash, folder_hash; /* as the table's sets hash them */
} masq_twin_record;

typedef struct masq_twins {
    pthread_mutex_t lock;
    masq_twin_record *items;
    size_t count;
    size_t capacity;
} masq_twins;

masq_status masq_twins_init(masq_twins *twins);
void masq_twins_free(masq_twins *twins);

/* Record one start of name `index` of table `table` (thread-safe). Starts without a host, a
 * path or a time, or from no known sensor, are not recorded. */
masq_status masq_twins_add(masq_twins *twins, const masq_sighting *sighting, uint32_t table,
                           size_t index);

/* Find the twins and take each out of the counts of its table
 * (tables[record.table]); *found gets how many. A twin logged just after
 * midnight is taken out of its own day's table. */
masq_status masq_twins_apply(masq_twins *twins, masq_name_table *const *tables, uint64_t *found);

#endif
