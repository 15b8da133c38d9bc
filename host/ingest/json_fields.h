/* The fast path of ingest: one pass over a JSON line that checks it is
 * well-formed JSON (strictly, RFC 8259) and copies out only the fields masq
 * reads, without building a tree. Anything it does not handle (surrogate
 * escapes, deep nesting, a line cJSON might read differently) is handed to
 * cJSON, so results never depend on which path read a line. */
#ifndef MASQ_JSON_FIELDS_H
#define MASQ_JSON_FIELDS_H

#include <stdbool.h>
#include <stddef.h>

/* The keys the schemas read. */
typedef enum masq_field {
    MASQ_FIELD_EVENT_ID,
    MASQ_FIELD_PROCESS,
    MASQ_FIELD_NEW_PROCESS_NAME,
    MASQ_FIELD_COMPUTER,
    MASQ_FIELD_TIME_GENERATED,
    MASQ_FIELD_EVENT_ORIGIN_ID,
    MASQ_FIELD_IMAGE,
    MASQ_FIELD_ORIGINAL_FILE_NAME,
    MASQ_FIELD_UTC_TIME,
    MASQ_FIELD_FILE_NAME,
    MASQ_FIELD_FOLDER_PATH,
    MASQ_FIELD_VERSION_ORIGINAL_FILE_NAME,
    MASQ_FIELD_DEVICE_NAME,
    MASQ_FIELD_TIMESTAMP,
    MASQ_FIELD_ACTION_TYPE,
    MASQ_FIELD_ACCOUNT,
    MASQ_FIELD_SUBJECT_USER_NAME,
    MASQ_FIELD_SUBJECT_DOMAIN_NAME,
    MASQ_FIELD_PARENT_PROCESS_NAME,
    MASQ_FIELD_NEW_PROCESS_ID,
    MASQ_FIELD_USER,
    MASQ_FIELD_PARENT_IMAGE,
    MASQ_FIELD_PROCESS_ID,
    MASQ_FIELD_PROCESS_GUID,
    MASQ_FIELD_ACCOUNT_NAME,
    MASQ_FIELD_ACCOUNT_DOMAIN,
    MASQ_FIELD_INITIATING_PROCESS_FOLDER_PATH,
    MASQ_FIELD_HASHES,
    MASQ_FIELD_SHA256,
    MASQ_FIELD_TARGET_PROCESS_NAME,
    MASQ_FIELD_TARGET_PROCESS_FILENAME,
    MASQ_FIELD_TARGET_PROCESS_FILE_ORIGINAL_NAME,
    MASQ_FIELD_TARGET_PROCESS_ID,
    MASQ_FIELD_TARGET_PROCESS_SHA256,
    MASQ_FIELD_TARGET_USERNAME,
    MASQ_FIELD_ACTOR_USERNAME,
    MASQ_FIELD_ACTING_PROCESS_NAME,
    MASQ_FIELD_DVC_HOSTNAME,
    MASQ_FIELD_DVC,
    MASQ_FIELD_EVENT_START_TIME,
    MASQ_FIELD_EVENT_TYPE,
    MASQ_FIELD_EVENT_PRODUCT,
    MASQ_FIELD_ECS_TIMESTAMP, /* "@timestamp": an Elastic ECS event, read through cJSON */
    MASQ_FIELD_ECS_PROCESS,   /* "process": ECS's nested object */
    MASQ_FIELD_EVTX_EVENT,    /* "Event": an EVTX record as evtx_dump writes it */
    MASQ_FIELD_DOCUMENT,      /* "document": a Chainsaw hunt hit (the record inside) */
    MASQ_FIELD_DETAILS,       /* "Details": a Hayabusa timeline line */
    MASQ_FIELD_COUNT
} masq_field;

typedef enum masq_field_kind {
    MASQ_FIELD_ABSENT = 0,
    MASQ_FIELD_STRING, /* value: the string, NUL-terminated (in scratch) */
    MASQ_FIELD_NUMBER, /* value: the number's JSON text, NUL-terminated */
    MASQ_FIELD_OTHER,  /* true, false, null, an object or an array */
} masq_field_kind;

typedef struct masq_json_fields {
    masq_field_kind kinds[MASQ_FIELD_COUNT];
    const char *values[MASQ_FIELD_COUNT];
    char *scratch; /* holds the values: at least the line's length + MASQ_FIELD_COUNT + 1 bytes */
} masq_json_fields;

/* The key's field, or -1 for a key masq does not read. */
int masq_field_of(const char *key);

/* The field's key. */
const char *masq_field_name(masq_field field);

/* Does a string of the line hold the escape \u0000? Both paths read strings
 * as C strings, where it would cut the text: such a line is malformed. */
bool masq_json_has_escaped_nul(const char *line, size_t length);

/* Scan one line. Returns true when the line is a well-formed JSON object and
 * the fields are filled; false when cJSON must decide (malformed, or beyond
 * what this scanner handles). */
bool masq_json_fields_scan(const char *line, size_t length, masq_json_fields *fields);

#endif
