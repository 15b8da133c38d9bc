/* The binary XML of one EVTX chunk, read for the few fields masq needs: each
 * record is a template instance (a template defined once in the chunk, and
 * the record's substitution values); a template is compiled once into a
 * field map (which substitution, or which literal, holds each field), then
 * every record of it is read by copying its values out. Every offset is
 * checked against the chunk: damaged data gives an error, never a read
 * outside it. */
#ifndef MASQ_EVTX_BINXML_H
#define MASQ_EVTX_BINXML_H

#include <stdbool.h>
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

/* The Data names of the EventData fields, in masq_evtx_field order from
 * MASQ_EVTX_NEW_PROCESS_NAME ("NewProcessName", ...). */
const char *masq_evtx_data_name(masq_evtx_field field);

/* One record's fields as UTF-8 text (NULL: absent), and its time. */
typedef struct masq_evtx_record {
    uint64_t record_id;
    int64_t time_ms;    /* TimeCreated (MASQ_TIME_NONE: none) */
    const char *fields[MASQ_EVTX_FIELDS];
    char text[131072];  /* holds the fields' text: a record of a whole chunk fits */
    size_t used;
} masq_evtx_record;

/* The templates of one chunk, compiled as records first use them. */
typedef struct masq_evtx_templates masq_evtx_templates;

masq_evtx_templates *masq_evtx_templates_new(void);
void masq_evtx_templates_free(masq_evtx_templates *templates);
/* A new chunk: its templates are other ones. */
void masq_evtx_templates_reset(masq_evtx_templates *templates);

/* Read the binary XML of a record, bytes [at, at + length) of chunk. Returns
 * NULL on success, else why it cannot be read. */
const char *masq_evtx_read_record(masq_evtx_templates *templates, const unsigned char *chunk,
                                  uint32_t at, uint32_t length, masq_evtx_record *record);

#endif
