/* What masq reads of an EVTX event record, shared by the files that read
 * records (evtx_value, evtx_template, evtx_binxml, evtx_read): a header
 * without code. */
#ifndef MASQ_EVTX_RECORD_H
#define MASQ_EVTX_RECORD_H

#include <stddef.h>
#include <stdint.h>

#define MASQ_EVTX_CHUNK_BYTES 65536

/* What masq reads of an event record: System and the EventData values of
 * Security 4688 and Sysmon 1. */
typedef enum masq_evtx_field {
    MASQ_EVTX_PROVIDER,     /* System/Provider@Name */
    MASQ_EVTX_EVENT_ID,     /* System/EventID */
    MASQ_EVTX_TIME,         /* System/TimeCreated@SystemTime */
    MASQ_EVTX_COMPUTER,     /* System/Computer */
    MASQ_EVTX_RECORD_ID,    /* System/EventRecordID: the event's number in its log, kept
                               when a log is saved again (the record header's is not) */
    MASQ_EVTX_NEW_PROCESS_NAME, /* EventData/Data[@Name=...] from here on */
    MASQ_EVTX_NEW_PROCESS_ID,
    MASQ_EVTX_SUBJECT_USER_NAME,
    MASQ_EVTX_SUBJECT_DOMAIN_NAME,
    MASQ_EVTX_PARENT_PROCESS_NAME,
    MASQ_EVTX_IMAGE,
    MASQ_EVTX_ORIGINAL_FILE_NAME,
    MASQ_EVTX_USER,
    MASQ_EVTX_PARENT_IMAGE,
    MASQ_EVTX_PROCESS_ID,
    MASQ_EVTX_PROCESS_GUID,
    MASQ_EVTX_HASHES,
    MASQ_EVTX_FIELDS
} masq_evtx_field;

/* One record's fields as UTF-8 text (NULL: absent), and its time. */
typedef struct masq_evtx_record {
    uint64_t record_id;
    int64_t time_ms;    /* TimeCreated (MASQ_TIME_NONE: none) */
    const char *fields[MASQ_EVTX_FIELDS];
    char text[131072];  /* holds the fields' text: a record of a whole chunk fits */
    size_t used;
} masq_evtx_record;

#endif
