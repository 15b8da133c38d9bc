/* The report as one self-contained HTML page: the summary, the distribution
 * of name counts (inline SVG), the findings table with each finding's evidence
 * (the JSON report's fields), sortable and filterable by its script and
 * complete without it. No request leaves the page: its Content-Security-Policy
 * allows only its own style and script (by hash) and data: images. */
#ifndef MASQ_HTML_REPORT_H
#define MASQ_HTML_REPORT_H

#include <cjson/cJSON.h>
#include <stdio.h>

#include "../detect/findings.h"
#include "../result.h"

/* One finding as the JSON report writes it (masq_report_anomaly_json): the
 * page shows the same fields. The report hands it in, so that the page,
 * which the report dispatches to, does not call back into it. */
typedef cJSON *(*masq_finding_json)(const masq_anomaly *anomaly);

/* Write the page; MASQ_ERR_NOMEM, MASQ_ERR_OUTPUT when writing fails, or MASQ_OK. */
masq_status masq_html_report_write(const masq_result *result, const masq_findings *findings,
                                   masq_finding_json finding_json, FILE *out);

#endif
