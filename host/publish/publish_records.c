/* The records masq publishes: one per anomaly (one name pair, never one per
 * event pair), with the notebook's four columns first and the report's
 * context columns after them. */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "../result.h"
#include "../report/report.h"
#include "../util/time_iso.h"
#include "publish_records.h"

void masq_record_list_free(masq_record_list *records)
{
    for (size_t i = 0; i < records->count; i++)
        free(records->items[i]);
    free(records->items);
    memset(records, 0, sizeof *records);
}

masq_status masq_publish_records(const masq_result *result, int64_t time_ms, bool include_demo,
                                 masq_record_list *records)
{
    memset(records, 0, sizeof *records);
    char stamp[40];
    masq_time_format(time_ms, stamp, sizeof stamp); /* UTC, 24-hour, with Z */
    records->items = calloc(result->anomaly_count ? result->anomaly_count : 1, sizeof(char *));
    if (records->items == NULL)
        return MASQ_ERR_NOMEM;
    for (size_t i = 0; i < result->anomaly_count; i++) {
        const masq_anomaly *anomaly = &result->anomalies[i];
        if (anomaly->source == MASQ_SOURCE_DEMO && !include_demo) {
            records->skipped_demo++;
            continue;
        }
        cJSON *record = masq_report_anomaly_json(anomaly);
        cJSON *stamp_item = record ? cJSON_AddStringToObject(record, "TimeStamp", stamp) : NULL;
        if (stamp_item == NULL) {
            cJSON_Delete(record);
            masq_record_list_free(records);
            return MASQ_ERR_NOMEM;
        }
        /* TimeStamp first, as the notebook wrote it, then the report's fields. */
        cJSON_InsertItemInArray(record, 0, cJSON_DetachItemViaPointer(record, stamp_item));
        char *text = cJSON_PrintUnformatted(record);
        cJSON_Delete(record);
        if (text == NULL) {
            masq_record_list_free(records);
            return MASQ_ERR_NOMEM;
        }
        records->items[records->count++] = text;
    }
    return MASQ_OK;
}
