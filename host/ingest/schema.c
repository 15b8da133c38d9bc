#include "schema.h"

#include <string.h>

#include "../names/name_table.h"
#include "schema_nested.h"

static bool read_securityevent(const masq_row *row, masq_event *e)
{
    if (!masq_row_event_id_is(row, "4688"))
        return false;
    *e = (masq_event){.process = masq_row_string(row, "Process"),
                      .new_process_name = masq_row_string(row, "NewProcessName"),
                      .computer = masq_row_string(row, "Computer"),
                      .time_generated = masq_row_string(row, "TimeGenerated"),
                      .origin_id = masq_row_string(row, "EventOriginId"),
                      .user = masq_row_string(row, "Account"),
                      .parent = masq_row_string(row, "ParentProcessName"),
                      .process_id = masq_row_string(row, "NewProcessId"),
                      .sensor = MASQ_SENSOR_SECURITY_EVENT};
    if (e->user == NULL) {
        e->user = masq_row_string(row, "SubjectUserName");
        e->user_domain = masq_row_string(row, "SubjectDomainName");
    }
    return true;
}

static bool read_sysmon(const masq_row *row, masq_event *e)
{
    const char *image = masq_row_string(row, "Image");
    if (image == NULL || !masq_row_event_id_is(row, "1"))
        return false;
    const char *when = masq_row_string(row, "TimeGenerated");
    *e = (masq_event){.new_process_name = image,
                      .original_file_name = masq_row_string(row, "OriginalFileName"),
                      .computer = masq_row_string(row, "Computer"),
                      .time_generated = when ? when : masq_row_string(row, "UtcTime"),
                      .user = masq_row_string(row, "User"),
                      .parent = masq_row_string(row, "ParentImage"),
                      .process_id = masq_row_string(row, "ProcessId"),
                      .hashes = masq_row_string(row, "Hashes"),
                      .sensor = MASQ_SENSOR_SYSMON};
    return true;
}

static bool read_mde(const masq_row *row, masq_event *e)
{
    const char *file = masq_row_string(row, "FileName"), *folder = masq_row_string(row, "FolderPath");
    const char *action = masq_row_string(row, "ActionType");
    if ((file == NULL && folder == NULL) || (action != NULL && strcmp(action, "ProcessCreated") != 0))
        return false;
    const char *when = masq_row_string(row, "Timestamp");
    /* FolderPath holds the full path, file name included, in practice. */
    *e = (masq_event){.process = file,
                      .new_process_name = folder,
                      .original_file_name = masq_row_string(row, "ProcessVersionInfoOriginalFileName"),
                      .computer = masq_row_string(row, "DeviceName"),
                      .time_generated = when ? when : masq_row_string(row, "TimeGenerated"),
                      .user = masq_row_string(row, "AccountName"),
                      .user_domain = masq_row_string(row, "AccountDomain"),
                      .parent = masq_row_string(row, "InitiatingProcessFolderPath"),
                      .process_id = masq_row_string(row, "ProcessId"),
                      .hashes = masq_row_string(row, "SHA256"),
                      .sensor = MASQ_SENSOR_DEFENDER};
    return true;
}

/* A value, or NULL when it is absent or empty (ASIM parsers leave columns
 * they cannot fill empty: TargetProcessFilename of SecurityEvent). */
static const char *nonempty(const masq_row *row, const char *key)
{
    const char *value = masq_row_string(row, key);
    return value != NULL && value[0] != '\0' ? value : NULL;
}

/* Which log an ASIM row was normalized from, for the pivot back and for
 * telling twins apart. */
static unsigned asim_sensor(const char *product)
{
    if (product == NULL)
        return 0;
    if (strcmp(product, "Security Events") == 0)
        return MASQ_SENSOR_SECURITY_EVENT;
    if (strcmp(product, "Sysmon") == 0)
        return MASQ_SENSOR_SYSMON;
    if (strstr(product, "Defender") != NULL)
        return MASQ_SENSOR_DEFENDER;
    return 0;
}

static bool read_asim(const masq_row *row, masq_event *e)
{
    const char *path = nonempty(row, "TargetProcessName");
    const char *file = nonempty(row, "TargetProcessFilename");
    const char *type = masq_row_string(row, "EventType");
    if ((path == NULL && file == NULL) || (type != NULL && strcmp(type, "ProcessCreated") != 0))
        return false;
    const char *computer = nonempty(row, "DvcHostname");
    const char *when = nonempty(row, "EventStartTime");
    const char *user = nonempty(row, "TargetUsername");
    *e = (masq_event){.process = file,
                      .new_process_name = path,
                      .original_file_name = nonempty(row, "TargetProcessFileOriginalName"),
                      .computer = computer ? computer : nonempty(row, "Dvc"),
                      .time_generated = when ? when : masq_row_string(row, "TimeGenerated"),
                      .user = user ? user : nonempty(row, "ActorUsername"),
                      .parent = nonempty(row, "ActingProcessName"),
                      .process_id = nonempty(row, "TargetProcessId"),
                      .hashes = nonempty(row, "TargetProcessSHA256"),
                      .sensor = asim_sensor(masq_row_string(row, "EventProduct"))};
    if (e->parent == NULL)
        e->parent = nonempty(row, "ParentProcessName");
    return true;
}

bool masq_schema_read(const masq_row *row, masq_schema schema, bool securityevent_only,
                      masq_event *event)
{
    if (securityevent_only) {
        if (!(schema == MASQ_SCHEMA_AUTO || schema == MASQ_SCHEMA_CSV || schema == MASQ_SCHEMA_SECURITYEVENT))
            return false;
        /* A 4688 record as a DFIR tool writes it, as the native EVTX reader takes it. */
        if (row->json != NULL && masq_schema_read_nested(row, event) &&
            event->sensor == MASQ_SENSOR_SECURITY_EVENT)
            return true;
        return read_securityevent(row, event);
    }
    switch (schema) {
    case MASQ_SCHEMA_SECURITYEVENT:
        return read_securityevent(row, event);
    case MASQ_SCHEMA_SYSMON:
        return read_sysmon(row, event);
    case MASQ_SCHEMA_MDE:
        return read_mde(row, event);
    case MASQ_SCHEMA_ASIM:
        return read_asim(row, event);
    default:
        /* The shapes that nest their fields, then ASIM (its rows may keep a
         * source's columns beside its own), then the flat ones: a row one of
         * them does not take goes on to the next. */
        if (row->json != NULL && masq_schema_read_nested(row, event))
            return true;
        if ((nonempty(row, "TargetProcessName") != NULL || nonempty(row, "TargetProcessFilename") != NULL) &&
            read_asim(row, event))
            return true;
        return read_securityevent(row, event) ||
               read_sysmon(row, event) || read_mde(row, event);
    }
}
