/* The records masq publishes: one per anomaly (one name pair, never one per
 * event pair), with the notebook's four columns first, the report's context
 * columns after them and the ASIM process-event names last. */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "../result.h"
#include "../report/report.h"
#include "../util/memory.h"
#include "../util/time_iso.h"
#include "publish_records.h"

/* The first text of one of the record's lists, or NULL. */
static const char *first_text(const cJSON *record, const char *list)
{
    const cJSON *array = cJSON_GetObjectItemCaseSensitive(record, list);
    const cJSON *first = cJSON_IsArray(array) ? array->child : NULL;
    return cJSON_IsString(first) ? first->valuestring : NULL;
}

static bool is_ipv4(const char *text)
{
    return text[0] != '\0' && text[strspn(text, "0123456789.")] == '\0';
}

static bool add_text_or_null(cJSON *record, const char *name, const char *text, size_t length)
{
    if (text == NULL)
        return cJSON_AddNullToObject(record, name) != NULL;
    char *copy = masq_strndup(text, length);
    bool added = copy && cJSON_AddStringToObject(record, name, copy) != NULL;
    free(copy);
    return added;
}

/* The ASIM process-event columns (TargetProcessName, TargetProcessFilename,
 * TargetProcessFileOriginalName, DvcHostname), so that KQL joins a finding to
 * _Im_ProcessCreate without renaming. They are strings, as in ASIM, so they
 * hold one sighting: the most seen of the offending ones (the first of the
 * Evidence lists, or of the Suspicious lists when the evidence has none).
 * DvcHostname is ASIM's host name: the computer's name before its first dot
 * (an IPv4 address stays whole). Built from the record's own columns, so
 * they can never disagree with them. */
static bool add_asim_columns(cJSON *record)
{
    const char *path = first_text(record, "EvidencePaths");
    if (path == NULL)
        path = first_text(record, "SuspiciousPaths");
    const char *computer = first_text(record, "EvidenceComputers");
    if (computer == NULL)
        computer = first_text(record, "SuspiciousComputers");
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(record, "PotentiallyMaliciousProcess");
    const cJSON *original = cJSON_GetObjectItemCaseSensitive(record, "ClaimedOriginalFileName");
    const char *original_text = cJSON_IsString(original) ? original->valuestring : NULL;
    size_t host_length = computer ? strlen(computer) : 0;
    if (computer && !is_ipv4(computer) && strchr(computer, '.'))
        host_length = (size_t)(strchr(computer, '.') - computer);
    return cJSON_IsString(name) &&
           add_text_or_null(record, "TargetProcessName", path, path ? strlen(path) : 0) &&
           cJSON_AddStringToObject(record, "TargetProcessFilename", name->valuestring) != NULL &&
           add_text_or_null(record, "TargetProcessFileOriginalName", original_text,
                            original_text ? strlen(original_text) : 0) &&
           add_text_or_null(record, "DvcHostname", computer, host_length);
}

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
        if (stamp_item == NULL || !add_asim_columns(record)) {
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
