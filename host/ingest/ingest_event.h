/* One event to a sighting in the name table: de-duplicated, kept only inside
 * the time window, its process name derived and lower-cased, its user
 * written DOMAIN\user. Its TimeGenerated is parsed once. */
#ifndef MASQ_INGEST_EVENT_H
#define MASQ_INGEST_EVENT_H

#include <stdint.h>

#include "../util/status.h"
#include "event.h"
#include "ingest_state.h"

/* Count one event (the process name is derived and lower-cased here).
 * MASQ_ERR_INPUT for a name that is not valid UTF-8 (after reporting it). */
masq_status masq_ingest_event(masq_ingest *ingest, const masq_event *event);

/* Count n events alike but for their times (a row of a summarized query):
 * time_generated is the first one's, last_time (or NULL) the last one's. Into
 * ingest->names directly: not for a parallel read, its days or its twins. */
masq_status masq_ingest_events(masq_ingest *ingest, const masq_event *event, uint64_t n,
                               const char *last_time);

/* The file name part of a path: after the last '\' or '/'. */
const char *masq_path_file_name(const char *path);

#endif
