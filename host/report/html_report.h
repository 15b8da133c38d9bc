/* The report as one self-contained HTML page: the summary, the distribution
 * of name counts (inline SVG), the findings table with each finding's evidence
 * (the JSON report's fields), sortable and filterable by its script and
 * complete without it. No request leaves the page: its Content-Security-Policy
 * allows only its own style and script (by hash) and data: images. */
#ifndef MASQ_HTML_REPORT_H
#define MASQ_HTML_REPORT_H

#include <stdio.h>

#include "../result.h"

/* Write the page; MASQ_ERR_NOMEM, MASQ_ERR_OUTPUT when writing fails, or MASQ_OK. */
masq_status masq_html_report_write(const masq_result *result, FILE *out);

#endif
