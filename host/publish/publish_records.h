/* The records masq publishes, one per anomaly (publish_records.c). */
#ifndef MASQ_PUBLISH_RECORDS_H
#define MASQ_PUBLISH_RECORDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/status.h"

struct masq_result;

typedef struct masq_record_list {
    char **items; /* one record each, serialized, no new line */
    size_t count;
    size_t skipped_demo;
} masq_record_list;

/* The result's anomalies as records (TimeStamp = time_ms, UTC), demo ones
 * left out unless include_demo. */
masq_status masq_publish_records(const struct masq_result *result, int64_t time_ms,
                                 bool include_demo, masq_record_list *records);
void masq_record_list_free(masq_record_list *records);

#endif
