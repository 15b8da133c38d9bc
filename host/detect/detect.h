/* Detection: from tiers to anomalies. The notebook profile keeps the
 * notebook's rule exactly (frequent x infrequent look-alikes); the default
 * profile adds known system names as anchors of any length, compares stems
 * whatever the extensions, and looks for homoglyphs, bidi and invisible
 * characters, trailing spaces and dots, double extensions, known names in the
 * wrong folder and renamed binaries, each anomaly with its reasons. */
#ifndef MASQ_DETECT_H
#define MASQ_DETECT_H

#include "../baseline/baseline.h"
#include "../result.h"
#include "../match/match.h"
#include "../tier/percent_rank.h"
#include "suppressions.h"

/* What detection reads besides the counted names: their tiers (tiers[i]
 * for name i), which names this run reports on (in_shard[i]: its slice of
 * --shard K/N, or every name), the scan's matcher, and the --suppress rules
 * applied last. */
typedef struct masq_detect_input {
    const masq_tier *tiers;
    const bool *in_shard;
    masq_matcher *matcher;
    const masq_suppressions *suppressions;
    /* --baseline (the pipeline passes these in the default profile only): the
     * store, whose history says what is new, and the names frequent in its
     * window that the run lacks (sorted), anchored. */
    masq_baseline *baseline;
    const char *const *history_anchors;
    const double *history_anchor_weights; /* each one's weighted count in the window */
    const double *weights;                /* each seen name's weighted count */
    size_t history_anchor_count;
} masq_detect_input;

/* Append the anomalies of config->profile to result. Fills the summary's
 * tier counts, pairs and match statistics. */
masq_status masq_detect(const masq_config *config, const masq_detect_input *input,
                        masq_result *result);

#endif
