/* The anomaly list of a result. */
#ifndef MASQ_ANOMALY_LIST_H
#define MASQ_ANOMALY_LIST_H

#include "../result.h"

/* Add one finding; masq_anomalies_finish merges those of one pair. */
masq_status masq_anomaly_add(masq_result *result, const masq_anomaly *anomaly);

/* One anomaly per (imitated, suspicious) pair: reasons joined, the highest
 * severity, the look-alike's score, details and evidence joined in a fixed
 * order; the others scored by their whole names; then in report order. */
masq_status masq_anomalies_finish(masq_result *result);

#endif
