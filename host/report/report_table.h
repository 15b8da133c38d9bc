/* The table report, for a terminal (result->config.table: width, --full, colour). */
#ifndef MASQ_REPORT_TABLE_H
#define MASQ_REPORT_TABLE_H

#include <stdio.h>

#include "../detect/findings.h"
#include "../result.h"

/* One row a finding, then the summary; -1 when out of memory. */
int masq_report_table(const masq_result *result, const masq_findings *findings, FILE *out);

#endif
