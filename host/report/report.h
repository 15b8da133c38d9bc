/* Pieces of the report that other stages reuse (publishing builds its
 * records from the same fields as the JSON report). */
#ifndef MASQ_REPORT_H
#define MASQ_REPORT_H

#include <cjson/cJSON.h>

#include "../masq.h"

/* One anomaly as the JSON report writes it: NormalProcess,
 * PotentiallyMaliciousProcess, AnomalyScore (the shortest decimal that reads
 * back as the float32 score), Distance, counts, paths, computers, first and
 * last seen, Source. The caller owns the object; NULL when out of memory. */
cJSON *masq_report_anomaly_json(const masq_anomaly *anomaly);

#endif
