/* Findings: the pairs of a result as an analyst reads them. In the default
 * profile one suspicious name matched against several normal names is one
 * finding, its best pair first and the others as alternatives; in the
 * notebook profile every pair is its own finding (the notebook's rows). */
#ifndef MASQ_FINDINGS_H
#define MASQ_FINDINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../result.h"

typedef struct masq_finding {
    size_t first;            /* its pairs: pairs[first .. first + count), best first */
    size_t count;
    masq_severity severity;  /* the best pair's: the highest (report order puts it first) */
    uint32_t reasons;        /* every pair's reasons together */
} masq_finding;

typedef struct masq_findings {
    masq_finding *items;     /* in report order: by each finding's best pair */
    size_t count;
    size_t *pairs;           /* indices into result->anomalies */
} masq_findings;

/* Does this result group pairs into findings? (the default profile does) */
bool masq_findings_grouped(const masq_result *result);

/* Group the result's pairs (already in report order: masq_anomalies_finish).
 * The order is the pairs': a finding comes where its best pair is, and its
 * alternatives follow in report order. */
masq_status masq_findings_build(const masq_result *result, masq_findings *findings);

void masq_findings_free(masq_findings *findings);

/* How many findings have each severity (by_severity[MASQ_SEVERITY_HIGH]...)
 * and each reason (by_reason[b] for the reason 1 << b), over all their pairs. */
#define MASQ_REASON_BITS 32
typedef struct masq_finding_counts {
    uint64_t by_severity[4];
    uint64_t by_reason[MASQ_REASON_BITS];
} masq_finding_counts;

void masq_findings_count(const masq_findings *findings, masq_finding_counts *counts);

#endif
