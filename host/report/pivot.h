/* The pivot of a finding: a KQL query that finds its events in Microsoft
 * Sentinel (SecurityEvent, Sysmon in the Event table, or DeviceProcessEvents,
 * by the sensors its sightings came from), narrowed to the finding's name,
 * folders or claimed original name, hosts and time span. */
#ifndef MASQ_PIVOT_H
#define MASQ_PIVOT_H

#include "../result.h"

/* The query, as a new string (the caller frees it); NULL when out of memory.
 * Values are the input's and are written as KQL string literals, escaped. */
char *masq_pivot_kql(const masq_anomaly *anomaly);

#endif
