/* The JSON other tools write, whose fields are nested objects, read from the
 * cJSON tree of a row:
 *   Elastic ECS   process starts (Elastic Defend, Winlogbeat), nested or with
 *                 flattened keys ("process.executable")
 *   evtx_dump     an EVTX record as JSON ({"Event": {"System": ..., "EventData": ...}},
 *                 attributes in "#attributes" or in "X_attributes" beside)
 *   Chainsaw      hunt hits (--json/--jsonl): the record under document.data
 *   Hayabusa      json-timeline lines (Timestamp, Computer, Channel, EventID,
 *                 RecordID, Details.Proc or Details.Path, Details.User, and
 *                 AllFieldInfo when the profile writes it)
 * A record as JSON counts as the record does in the file (its EventRecordID),
 * so one event read from a .evtx and from a tool's output counts once, and so
 * does one event that several of a tool's rules matched. */
#ifndef MASQ_SCHEMA_NESTED_H
#define MASQ_SCHEMA_NESTED_H

#include <stdbool.h>

#include "event.h"
#include "row.h"

/* A row of one of these shapes (a cJSON one): true and the event (pointing
 * into the row, and into a buffer the reader keeps per thread for the
 * origin it builds) when it is a process creation; false for any other row. */
bool masq_schema_read_nested(const masq_row *row, masq_event *event);

#endif
