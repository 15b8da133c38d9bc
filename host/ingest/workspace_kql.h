/* The one KQL query of `masq scan --workspace` (workspace_kql.c): the process
 * starts of a time window summarized in Log Analytics into rows of raw
 * values (the Process column as logged, case kept) with how many starts had
 * them and the first and last of their times. masq derives and lower-cases
 * the names itself (ingest_event.c), so that the table it builds from the
 * answer is the one it builds from the same events on disk. */
#ifndef MASQ_WORKSPACE_KQL_H
#define MASQ_WORKSPACE_KQL_H

#include <stdbool.h>
#include <stdint.h>

/* The answer's columns, in order (workspace_query.c reads them by name). */
#define MASQ_KQL_COLUMNS                                                                      \
    "Sensor, Process, NewProcessName, Computer, User, UserDomain, ParentProcessName, "       \
    "OriginalFileName, Hashes"

/* The query for [since_ms, until_ms): SecurityEvent 4688 only (the notebook
 * profile) or with Sysmon 1 from Event and DeviceProcessEvents; at most
 * `take` rows come back (masq asks one more than it accepts, to see when a
 * window holds too many). malloc'd; NULL when out of memory. */
char *masq_workspace_kql(bool securityevent_only, int64_t since_ms, int64_t until_ms, uint64_t take);

#endif
