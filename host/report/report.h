/* Pieces of the report that other stages reuse (publishing builds its
 * records from the same fields as the JSON report). */
#ifndef MASQ_REPORT_H
#define MASQ_REPORT_H

#include <cjson/cJSON.h>

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "../result.h"

/* One anomaly as the JSON report writes it: NormalProcess,
 * PotentiallyMaliciousProcess, AnomalyScore (the shortest decimal that reads
 * back as the float32 score), Distance, counts, paths, computers, first and
 * last seen, Source. The caller owns the object; NULL when out of memory. */
cJSON *masq_report_anomaly_json(const masq_anomaly *anomaly);

/* Write the result in a format, one finding a row (detect/findings.h);
 * MASQ_ERR_OUTPUT when writing fails. */
masq_status masq_report_write(const masq_result *result, masq_format format, FILE *out);

/* "3 findings suppressed by rules.csv (line 2: 1, line 5: 2)", escaped, and a
 * line end; then "4 findings (5 name pairs) left out by --top 10" when triage
 * left some out; each line after prefix; nothing when neither. The table's
 * last lines, and stderr's. */
void masq_report_suppressed(const masq_result *result, const char *prefix, FILE *out);

/* Write the demo events as JSON lines (SecurityEvent rows). */
masq_status masq_report_demo(uint64_t seed, bool background, FILE *out);

#endif
