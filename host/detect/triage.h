/* Triage: --min-severity, --reason, --host and --top take findings out of a
 * result after --suppress, so that every format and publishing see the same
 * findings; the summary counts what they left out (never silently). */
#ifndef MASQ_TRIAGE_H
#define MASQ_TRIAGE_H

#include "../result.h"

/* Does the configuration ask for any triage? */
bool masq_triage_active(const masq_triage *triage);

/* Keep the pairs that pass the filters, then the first `top` findings of
 * them in report order (detect/findings.h); the others are freed and counted
 * in summary.triaged_findings and triaged_pairs. The order is kept. */
masq_status masq_triage_apply(const masq_triage *triage, masq_result *result);

#endif
