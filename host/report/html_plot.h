/* The name-count distribution as inline SVG: every name's count (log scale)
 * against its percent_rank, the staircase the tiers cut, the frequent and
 * infrequent thresholds as lines, and each finding's suspicious name marked
 * (a link to its row, #fN). */
#ifndef MASQ_HTML_PLOT_H
#define MASQ_HTML_PLOT_H

#include <stdio.h>

#include "../result.h"

/* Write the <svg> element; MASQ_ERR_NOMEM, or MASQ_OK (writing errors are
 * the caller's to check on the stream). */
masq_status masq_html_plot(const masq_result *result, FILE *out);

#endif
