/* Detection: from tiers to anomalies. The notebook profile keeps the
 * notebook's rule exactly (frequent x infrequent look-alikes); the default
 * profile adds known system names as anchors of any length, compares stems
 * whatever the extensions, and looks for homoglyphs, bidi and invisible
 * characters, trailing spaces and dots, double extensions, known names in the
 * wrong folder and renamed binaries, each anomaly with its reasons. */
#ifndef MASQ_DETECT_H
#define MASQ_DETECT_H

#include "../masq.h"
#include "../tier/percent_rank.h"

/* Append the anomalies of config->profile to result (whose names are
 * counted and tiered: tiers[i] for name i). Fills the summary's tier counts,
 * pairs and match statistics. */
masq_status masq_detect(const masq_config *config, const masq_tier *tiers, masq_result *result);

/* Add one anomaly (merging it into an earlier one for the same pair). */
masq_status masq_anomaly_add(masq_result *result, const masq_anomaly *anomaly);

#endif
