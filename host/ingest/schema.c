#include "schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *string_field(const cJSON *object, const char *key)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(object, key);
    return cJSON_IsString(item) ? item->valuestring : NULL;
}

/* The text of the number after "EventID": in the raw line (cJSON keeps only
 * its value). */
static bool event_id_token_is(const char *line, size_t length, const char *expected)
{
    static const char key[] = "\"EventID\"";
    const char *end = line + length;
    for (const char *p = line; p + sizeof key - 1 <= end; p++) {
        p = memchr(p, '"', (size_t)(end - p));
        if (p == NULL || p + sizeof key - 1 > end)
            return false;
        if (memcmp(p, key, sizeof key - 1) != 0)
            continue;
        const char *q = p + sizeof key - 1;
        while (q < end && (*q == ' ' || *q == '\t'))
            q++;
        if (q == end || *q != ':')
            continue;
        q++;
        while (q < end && (*q == ' ' || *q == '\t'))
            q++;
        size_t n = strlen(expected);
        return (size_t)(end - q) >= n && memcmp(q, expected, n) == 0 &&
               (q + n == end || strchr("-+.eE0123456789", q[n]) == NULL);
    }
    return false;
}

/* EventID arrives as a number in exports and as a string elsewhere. The
 * notebook reads it as a string: a number counts as its JSON text, so 4688
 * matches and 4688.0 does not, as in Spark. CSV rows carry it as text. */
static bool event_id_is(const cJSON *row, const char *line, size_t length, const char *id)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(row, "EventID");
    if (cJSON_IsString(item))
        return strcmp(item->valuestring, id) == 0;
    if (!cJSON_IsNumber(item))
        return false;
    char text[32];
    snprintf(text, sizeof text, "%s", id);
    return item->valuedouble == (double)atoi(id) &&
           (line == NULL || event_id_token_is(line, length, text));
}

static bool read_securityevent(const cJSON *row, const char *line, size_t length, masq_event *e)
{
    if (!event_id_is(row, line, length, "4688"))
        return false;
    *e = (masq_event){.process = string_field(row, "Process"),
                      .new_process_name = string_field(row, "NewProcessName"),
                      .computer = string_field(row, "Computer"),
                      .time_generated = string_field(row, "TimeGenerated"),
                      .origin_id = string_field(row, "EventOriginId")};
    return true;
}

static bool read_sysmon(const cJSON *row, const char *line, size_t length, masq_event *e)
{
    const char *image = string_field(row, "Image");
    if (image == NULL || !event_id_is(row, line, length, "1"))
        return false;
    const char *when = string_field(row, "TimeGenerated");
    *e = (masq_event){.new_process_name = image,
                      .original_file_name = string_field(row, "OriginalFileName"),
                      .computer = string_field(row, "Computer"),
                      .time_generated = when ? when : string_field(row, "UtcTime")};
    return true;
}

static bool read_mde(const cJSON *row, masq_event *e)
{
    const char *file = string_field(row, "FileName"), *folder = string_field(row, "FolderPath");
    const char *action = string_field(row, "ActionType");
    if ((file == NULL && folder == NULL) || (action != NULL && strcmp(action, "ProcessCreated") != 0))
        return false;
    const char *when = string_field(row, "Timestamp");
    /* FolderPath holds the full path, file name included, in practice. */
    *e = (masq_event){.process = file,
                      .new_process_name = folder,
                      .original_file_name = string_field(row, "ProcessVersionInfoOriginalFileName"),
                      .computer = string_field(row, "DeviceName"),
                      .time_generated = when ? when : string_field(row, "TimeGenerated")};
    return true;
}

bool masq_schema_read(const cJSON *row, const char *line, size_t length, masq_schema schema,
                      bool securityevent_only, masq_event *event)
{
    if (securityevent_only)
        return (schema == MASQ_SCHEMA_AUTO || schema == MASQ_SCHEMA_CSV ||
                schema == MASQ_SCHEMA_SECURITYEVENT) &&
               read_securityevent(row, line, length, event);
    switch (schema) {
    case MASQ_SCHEMA_SECURITYEVENT:
        return read_securityevent(row, line, length, event);
    case MASQ_SCHEMA_SYSMON:
        return read_sysmon(row, line, length, event);
    case MASQ_SCHEMA_MDE:
        return read_mde(row, event);
    default:
        return read_securityevent(row, line, length, event) ||
               read_sysmon(row, line, length, event) || read_mde(row, event);
    }
}
