/* Schemas: which rows are process creations, and where their fields are.
 *   securityevent  SecurityEvent 4688: Process, NewProcessName, Computer
 *   sysmon         Sysmon event 1: Image, OriginalFileName, Computer
 *   mde            Defender DeviceProcessEvents: FileName, FolderPath,
 *                  ProcessVersionInfoOriginalFileName, DeviceName, Timestamp
 *   asim           ASIM process events (_Im_ProcessCreate, ASimProcessEventLogs):
 *                  TargetProcessName, TargetProcessFilename (computed from the
 *                  path when empty), TargetProcessFileOriginalName, DvcHostname,
 *                  EventStartTime; EventType ProcessCreated
 * and, in auto only, Elastic ECS process starts (rows with @timestamp: nested or
 * flattened process.executable, process.name, process.pe.original_file_name,
 * host.name; event.type "start", or the event codes of 4688 and Sysmon 1).
 * auto tells them apart row by row. The notebook profile reads SecurityEvent
 * 4688 rows only, as the notebook does. */
#ifndef MASQ_SCHEMA_H
#define MASQ_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>

#include "event.h"
#include "row.h"

typedef enum masq_schema {
    MASQ_SCHEMA_AUTO = 0,
    MASQ_SCHEMA_SECURITYEVENT,
    MASQ_SCHEMA_SYSMON,
    MASQ_SCHEMA_MDE,
    MASQ_SCHEMA_CSV,   /* CSV query exports; their rows are then read as auto */
    MASQ_SCHEMA_NAMES, /* name tables written by --emit-names or masq merge */
    MASQ_SCHEMA_ASIM,
} masq_schema;

/* Read one row. Returns true and fills event (pointing into the row) when
 * the row is a process creation of the schema. */
bool masq_schema_read(const masq_row *row, masq_schema schema, bool securityevent_only,
                      masq_event *event);

#endif
