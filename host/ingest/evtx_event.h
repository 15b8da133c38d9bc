/* A Windows event record as a process creation, whoever read it: the native
 * EVTX reader (evtx_read.c) or the JSON other tools write of records
 * (schema_nested.c: evtx_dump, Chainsaw, Hayabusa's AllFieldInfo). One
 * mapping of EventData names to masq's event, so every route reads a record
 * alike. */
#ifndef MASQ_EVTX_EVENT_H
#define MASQ_EVTX_EVENT_H

#include <stddef.h>

#include "event.h"

typedef enum masq_evtx_kind {
    MASQ_EVTX_OTHER = 0,    /* not a process creation */
    MASQ_EVTX_SECURITY_4688, /* Microsoft-Windows-Security-Auditing 4688 */
    MASQ_EVTX_SYSMON_1,     /* Microsoft-Windows-Sysmon 1 */
} masq_evtx_kind;

/* Which process creation a provider's event id is (either NULL: none). */
masq_evtx_kind masq_evtx_kind_of(const char *provider, const char *event_id);

/* The value of an EventData field by its name ("NewProcessName"), or NULL. */
typedef const char *(*masq_evtx_data)(const void *record, const char *name);

/* The event's process, original name, user, parent, process id, hash and
 * sensor from the EventData of a record of that kind; the caller sets the
 * computer, the time and the origin. */
void masq_evtx_event_of(masq_evtx_kind kind, masq_evtx_data data, const void *record, masq_event *e);

/* "evtx:<EventRecordID>": a record read twice (two copies of a log, a tool's
 * output beside the log, several rules' hits) is one event. */
const char *masq_evtx_origin(const char *record_id, char *out, size_t size);

#endif
