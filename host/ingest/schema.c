#include "schema.h"

#include <string.h>

#include "../names/name_table.h"
#include "schema_nested.h"

static bool read_securityevent(const masq_row *row, masq_event *e)
{
    if (!masq_row_event_id_is(row, "4688"))
        return false;
    *e = (masq_event){.process = masq_row_string(row, MASQ_FIELD_PROCESS),
                      .new_process_name = masq_row_string(row, MASQ_FIELD_NEW_PROCESS_NAME),
                      .computer = masq_row_string(row, MASQ_FIELD_COMPUTER),
                      .time_generated = masq_row_string(row, MASQ_FIELD_TIME_GENERATED),
                      .origin_id = masq_row_string(row, MASQ_FIELD_EVENT_ORIGIN_ID),
                      .user = masq_row_string(row, MASQ_FIELD_ACCOUNT),
                      .parent = masq_row_string(row, MASQ_FIELD_PARENT_PROCESS_NAME),
                      .process_id = masq_row_string(row, MASQ_FIELD_NEW_PROCESS_ID),
                      .sensor = MASQ_SENSOR_SECURITY_EVENT};
    if (e->user == NULL) {
        e->user = masq_row_string(row, MASQ_FIELD_SUBJECT_USER_NAME);
        e->user_domain = masq_row_string(row, MASQ_FIELD_SUBJECT_DOMAIN_NAME);
    }
    return true;
}

static bool read_sysmon(const masq_row *row, masq_event *e)
{
    const char *image = masq_row_string(row, MASQ_FIELD_IMAGE);
    if (image == NULL || !masq_row_event_id_is(row, "1"))
        return false;
    const char *when = masq_row_string(row, MASQ_FIELD_TIME_GENERATED);
    *e = (masq_event){.new_process_name = image,
                      .original_file_name = masq_row_string(row, MASQ_FIELD_ORIGINAL_FILE_NAME),
                      .computer = masq_row_string(row, MASQ_FIELD_COMPUTER),
                      .time_generated = when ? when : masq_row_string(row, MASQ_FIELD_UTC_TIME),
                      .user = masq_row_string(row, MASQ_FIELD_USER),
                      .parent = masq_row_string(row, MASQ_FIELD_PARENT_IMAGE),
                      .process_id = masq_row_string(row, MASQ_FIELD_PROCESS_ID),
                      .hashes = masq_row_string(row, MASQ_FIELD_HASHES),
                      .sensor = MASQ_SENSOR_SYSMON};
    return true;
}

static bool read_mde(const masq_row *row, masq_event *e)
{
    const char *file = masq_row_string(row, MASQ_FIELD_FILE_NAME), *folder = masq_row_string(row, MASQ_FIELD_FOLDER_PATH);
    const char *action = masq_row_string(row, MASQ_FIELD_ACTION_TYPE);
    if ((file == NULL && folder == NULL) || (action != NULL && strcmp(action, "ProcessCreated") != 0))
        return false;
    const char *when = masq_row_string(row, MASQ_FIELD_TIMESTAMP);
    /* FolderPath holds the full path, file name included, in practice. */
    *e = (masq_event){.process = file,
                      .new_process_name = folder,
                      .original_file_name = masq_row_string(row, MASQ_FIELD_VERSION_ORIGINAL_FILE_NAME),
                      .computer = masq_row_string(row, MASQ_FIELD_DEVICE_NAME),
                      .time_generated = when ? when : masq_row_string(row, MASQ_FIELD_TIME_GENERATED),
                      .user = masq_row_string(row, MASQ_FIELD_ACCOUNT_NAME),
                      .user_domain = masq_row_string(row, MASQ_FIELD_ACCOUNT_DOMAIN),
                      .parent = masq_row_string(row, MASQ_FIELD_INITIATING_PROCESS_FOLDER_PATH),
                      .process_id = masq_row_string(row, MASQ_FIELD_PROCESS_ID),
                      .hashes = masq_row_string(row, MASQ_FIELD_SHA256),
                      .sensor = MASQ_SENSOR_DEFENDER};
    return true;
}

/* A value, or NULL when it is absent or empty (ASIM parsers leave columns
 * they cannot fill empty: TargetProcessFilename of SecurityEvent). */
static const char *nonempty(const masq_row *row, masq_field field)
{
    const char *value = masq_row_string(row, field);
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
    const char *path = nonempty(row, MASQ_FIELD_TARGET_PROCESS_NAME);
    const char *file = nonempty(row, MASQ_FIELD_TARGET_PROCESS_FILENAME);
    const char *type = masq_row_string(row, MASQ_FIELD_EVENT_TYPE);
    if ((path == NULL && file == NULL) || (type != NULL && strcmp(type, "ProcessCreated") != 0))
        return false;
    const char *computer = nonempty(row, MASQ_FIELD_DVC_HOSTNAME);
    const char *when = nonempty(row, MASQ_FIELD_EVENT_START_TIME);
    const char *user = nonempty(row, MASQ_FIELD_TARGET_USERNAME);
    *e = (masq_event){.process = file,
                      .new_process_name = path,
                      .original_file_name = nonempty(row, MASQ_FIELD_TARGET_PROCESS_FILE_ORIGINAL_NAME),
                      .computer = computer ? computer : nonempty(row, MASQ_FIELD_DVC),
                      .time_generated = when ? when : masq_row_string(row, MASQ_FIELD_TIME_GENERATED),
                      .user = user ? user : nonempty(row, MASQ_FIELD_ACTOR_USERNAME),
                      .parent = nonempty(row, MASQ_FIELD_ACTING_PROCESS_NAME),
                      .process_id = nonempty(row, MASQ_FIELD_TARGET_PROCESS_ID),
                      .hashes = nonempty(row, MASQ_FIELD_TARGET_PROCESS_SHA256),
                      .sensor = asim_sensor(masq_row_string(row, MASQ_FIELD_EVENT_PRODUCT))};
    if (e->parent == NULL)
        e->parent = nonempty(row, MASQ_FIELD_PARENT_PROCESS_NAME);
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
        if ((nonempty(row, MASQ_FIELD_TARGET_PROCESS_NAME) != NULL || nonempty(row, MASQ_FIELD_TARGET_PROCESS_FILENAME) != NULL) &&
            read_asim(row, event))
            return true;
        return read_securityevent(row, event) ||
               read_sysmon(row, event) || read_mde(row, event);
    }
}
