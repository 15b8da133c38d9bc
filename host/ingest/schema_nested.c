#include "schema_nested.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "../names/name_table.h"
#include "evtx_event.h"

/* An ECS field by its dotted name: a flattened key ("process.executable"), or
 * the nested objects' (cJSON rows only). */
static const cJSON *ecs_item(const masq_row *row, const char *name)
{
    if (row->json == NULL)
        return NULL;
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(row->json, name);
    if (item != NULL)
        return item;
    char path[128];
    snprintf(path, sizeof path, "%s", name);
    item = row->json;
    char *rest = NULL;
    for (char *part = strtok_r(path, ".", &rest); part != NULL && item != NULL; part = strtok_r(NULL, ".", &rest))
        item = cJSON_IsObject(item) ? cJSON_GetObjectItemCaseSensitive(item, part) : NULL;
    return item;
}

static const char *ecs_string(const masq_row *row, const char *name)
{
    const cJSON *item = ecs_item(row, name);
    return cJSON_IsString(item) && item->valuestring[0] != '\0' ? item->valuestring : NULL;
}

/* Does a keyword field (a string or an array of them) hold the value? */
static bool ecs_has(const masq_row *row, const char *name, const char *value)
{
    const cJSON *item = ecs_item(row, name);
    if (cJSON_IsString(item))
        return strcmp(item->valuestring, value) == 0;
    const cJSON *list = cJSON_IsArray(item) ? item : NULL, *each;
    cJSON_ArrayForEach(each, list)
        if (cJSON_IsString(each) && strcmp(each->valuestring, value) == 0)
            return true;
    return false;
}

/* An Elastic ECS process start (Elastic Defend, Winlogbeat's Sysmon and
 * Security modules): event.type "start" (or event.action "start"), or the
 * event codes of 4688 and Sysmon 1. */
static bool read_ecs(const masq_row *row, masq_event *e)
{
    const char *path = ecs_string(row, "process.executable"), *name = ecs_string(row, "process.name");
    if (path == NULL && name == NULL)
        return false;
    const char *code = ecs_string(row, "event.code"), *provider = ecs_string(row, "winlog.provider_name");
    bool security = code != NULL && strcmp(code, "4688") == 0;
    bool sysmon = code != NULL && strcmp(code, "1") == 0 && provider != NULL && strstr(provider, "Sysmon") != NULL;
    if (!ecs_has(row, "event.type", "start") && !ecs_has(row, "event.action", "start") && !security && !sysmon)
        return false;
    const char *host = ecs_string(row, "host.name");
    *e = (masq_event){.process = name,
                      .new_process_name = path,
                      .original_file_name = ecs_string(row, "process.pe.original_file_name"),
                      .computer = host ? host : ecs_string(row, "host.hostname"),
                      .time_generated = ecs_string(row, "@timestamp"),
                      .user = ecs_string(row, "user.name"),
                      .user_domain = ecs_string(row, "user.domain"),
                      .parent = ecs_string(row, "process.parent.executable"),
                      .process_id = ecs_string(row, "process.entity_id"),
                      .hashes = ecs_string(row, "process.hash.sha256"),
                      .sensor = security ? MASQ_SENSOR_SECURITY_EVENT : sysmon ? MASQ_SENSOR_SYSMON : 0};
    return true;
}

static const cJSON *member(const cJSON *object, const char *key)
{
    return cJSON_IsObject(object) ? cJSON_GetObjectItemCaseSensitive(object, key) : NULL;
}

static const char *text_of(const cJSON *item)
{
    return cJSON_IsString(item) && item->valuestring[0] != '\0' ? item->valuestring : NULL;
}

/* An element's value as evtx_dump writes it: a string, a number, or
 * {"#attributes": ..., "#text": value}. Into buffer for numbers. */
static const char *value_of(const cJSON *item, char *buffer, size_t size)
{
    if (cJSON_IsObject(item))
        item = member(item, "#text");
    if (cJSON_IsNumber(item)) {
        snprintf(buffer, size, "%.0f", item->valuedouble);
        return buffer;
    }
    return text_of(item);
}

/* An attribute of an element: {"X": {"#attributes": {...}}} or, with
 * separated attributes (Chainsaw), {"X_attributes": {...}}. */
static const char *attribute_of(const cJSON *parent, const char *element, const char *name)
{
    const char *found = text_of(member(member(member(parent, element), "#attributes"), name));
    if (found != NULL)
        return found;
    char key[64];
    snprintf(key, sizeof key, "%s_attributes", element);
    return text_of(member(member(parent, key), name));
}

static _Thread_local char origin[80], number[32];

/* An EventData value: a member of an object of the row (EventData,
 * Hayabusa's AllFieldInfo). */
static const char *member_text(const void *object, const char *name)
{
    return text_of(member(object, name));
}

/* An EVTX record as JSON: Security 4688 and Sysmon 1, read as the native
 * reader reads them (evtx_event.h). */
static bool read_record(const cJSON *event_object, masq_event *e)
{
    const cJSON *system = member(event_object, "System");
    masq_evtx_kind kind = masq_evtx_kind_of(attribute_of(system, "Provider", "Name"),
                                            value_of(member(system, "EventID"), number, sizeof number));
    if (kind == MASQ_EVTX_OTHER)
        return false;
    masq_evtx_event_of(kind, member_text, member(event_object, "EventData"), e);
    char record[32];
    e->computer = value_of(member(system, "Computer"), NULL, 0);
    e->time_generated = attribute_of(system, "TimeCreated", "SystemTime");
    e->origin_id = masq_evtx_origin(value_of(member(system, "EventRecordID"), record, sizeof record),
                                    origin, sizeof origin);
    return true;
}

/* A Hayabusa json-timeline line: Channel "Sec" EventID 4688, or "Sysmon" 1;
 * the rest from AllFieldInfo (the record's EventData) when the profile wrote
 * it, else Details. */
static bool read_hayabusa(const cJSON *row, masq_event *e)
{
    const char *channel = text_of(member(row, "Channel"));
    const char *id = value_of(member(row, "EventID"), number, sizeof number);
    if (channel == NULL || id == NULL)
        return false;
    masq_evtx_kind kind = MASQ_EVTX_OTHER;
    if ((strcmp(channel, "Sec") == 0 || strcmp(channel, "Security") == 0) && strcmp(id, "4688") == 0)
        kind = MASQ_EVTX_SECURITY_4688;
    else if (strcmp(channel, "Sysmon") == 0 && strcmp(id, "1") == 0)
        kind = MASQ_EVTX_SYSMON_1;
    if (kind == MASQ_EVTX_OTHER)
        return false;
    const cJSON *details = member(row, "Details");
    masq_evtx_event_of(kind, member_text, member(row, "AllFieldInfo"), e);
    if (e->new_process_name == NULL)
        e->new_process_name = text_of(member(details, "Proc"));
    if (e->new_process_name == NULL)
        e->new_process_name = text_of(member(details, "Path"));
    if (e->user == NULL)
        e->user = text_of(member(details, "User"));
    char record[32];
    e->computer = text_of(member(row, "Computer"));
    e->time_generated = text_of(member(row, "Timestamp"));
    /* Each rule a record matched writes a line: they are one event. */
    e->origin_id = masq_evtx_origin(value_of(member(row, "RecordID"), record, sizeof record), origin,
                                    sizeof origin);
    return true;
}

bool masq_schema_read_nested(const masq_row *row, masq_event *event)
{
    const cJSON *json = row->json;
    if (cJSON_IsObject(member(json, "Event")))
        return read_record(member(json, "Event"), event);
    const cJSON *document = member(json, "document");
    if (cJSON_IsObject(document))
        return read_record(member(member(document, "data"), "Event"), event);
    if (cJSON_IsObject(member(json, "Details")))
        return read_hayabusa(json, event);
    if (cJSON_GetObjectItemCaseSensitive(json, "@timestamp") != NULL)
        return read_ecs(row, event);
    return false;
}
