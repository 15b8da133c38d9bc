/* The anomaly list: findings added by every check, then one anomaly per
 * (imitated, suspicious) pair, its reasons, severity, details and evidence
 * joined in a fixed order, scored, and put in report order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/memory.h"
#include "anomaly_list.h"
#include "similarity.h"

masq_status masq_anomaly_add(masq_result *result, const masq_anomaly *anomaly)
{
    if (masq_grow((void **)&result->anomalies, &result->anomaly_capacity,
                  result->anomaly_count + 1, sizeof *result->anomalies) != 0)
        return MASQ_ERR_NOMEM;
    masq_anomaly *added = &result->anomalies[result->anomaly_count++];
    *added = *anomaly;
    added->first_seen_in_fleet_ms = MASQ_TIME_NONE; /* history_facts.c, with --baseline */
    added->new_in_fleet = added->new_on_host = -1;
    if (added->evidence == NULL) { /* the suspicious name itself: all its sightings */
        added->evidence = &added->suspicious->all;
        added->evidence_count = masq_name_total(added->suspicious);
    }
    return MASQ_OK;
}

/* One anomaly per (imitated, suspicious) pair: reasons joined, the highest
 * severity and the look-alike's score kept. */
static int compare_pair(const void *x, const void *y)
{
    const masq_anomaly *a = x, *b = y;
    int order = strcmp(a->suspicious->text, b->suspicious->text);
    return order ? order : strcmp(a->normal_text, b->normal_text);
}

/* The pair, then its findings in a fixed order, so that merged details read
 * the same whatever order the checks appended them in. */
static int compare_finding(const void *x, const void *y)
{
    const masq_anomaly *a = x, *b = y;
    int order = compare_pair(a, b);
    if (order)
        return order;
    if (a->reasons != b->reasons)
        return a->reasons < b->reasons ? -1 : 1;
    return strcmp(a->detail ? a->detail : "", b->detail ? b->detail : "");
}

static int compare_report_order(const void *x, const void *y)
{
    const masq_anomaly *a = x, *b = y;
    if (a->severity != b->severity)
        return a->severity < b->severity ? 1 : -1;
    if (a->score != b->score)
        return a->score < b->score ? 1 : -1;
    int order = strcmp(a->normal_text, b->normal_text);
    return order ? order : strcmp(a->suspicious->text, b->suspicious->text);
}

static char *join_details(char *a, char *b)
{
    if (a == NULL)
        return b;
    if (b == NULL)
        return a;
    char *joined = malloc(strlen(a) + strlen(b) + 3);
    if (joined)
        sprintf(joined, "%s; %s", a, b);
    free(a);
    free(b);
    return joined;
}

static void evidence_release(masq_anomaly *a)
{
    if (a->evidence_owned != NULL) {
        masq_evidence_free(a->evidence_owned);
        free(a->evidence_owned);
        a->evidence_owned = NULL;
    }
}

/* The evidence of two findings of one pair: all the name's sightings when
 * either rests on them; otherwise both together (a wrong folder and a
 * claimed original: sightings may be in both, so the count is at most the
 * sum, and never more than the name's). */
static masq_status join_evidence(masq_name_table *names, masq_anomaly *into, masq_anomaly *a)
{
    const masq_evidence *whole = &into->suspicious->all;
    if (into->evidence == whole || a->evidence == whole) {
        if (into->evidence != whole) {
            evidence_release(into);
            into->evidence = whole;
            into->evidence_count = masq_name_total(into->suspicious);
        }
        evidence_release(a);
        return MASQ_OK;
    }
    if (into->evidence_owned == NULL) {
        into->evidence_owned = malloc(sizeof *into->evidence_owned);
        if (into->evidence_owned == NULL)
            return MASQ_ERR_NOMEM;
        masq_evidence_init(into->evidence_owned);
        MASQ_TRY(masq_evidence_merge(names, into->evidence_owned, into->evidence));
        into->evidence = into->evidence_owned;
    }
    MASQ_TRY(masq_evidence_merge(names, into->evidence_owned, a->evidence));
    uint64_t total = masq_name_total(into->suspicious);
    into->evidence_count += a->evidence_count;
    if (into->evidence_count > total)
        into->evidence_count = total;
    for (uint32_t f = 0; f < a->folder_count && into->folder_count < MASQ_CONTEXT_LIMIT; f++)
        into->folders[into->folder_count++] = a->folders[f];
    if (into->claimed_original == NULL)
        into->claimed_original = a->claimed_original;
    evidence_release(a);
    return MASQ_OK;
}

masq_status masq_anomalies_finish(masq_result *result)
{
    if (result->anomaly_count > 1)
        qsort(result->anomalies, result->anomaly_count, sizeof *result->anomalies, compare_finding);
    size_t kept = 0;
    for (size_t i = 0; i < result->anomaly_count; i++) {
        masq_anomaly *a = &result->anomalies[i];
        if (kept > 0 && compare_pair(&result->anomalies[kept - 1], a) == 0) {
            masq_anomaly *into = &result->anomalies[kept - 1];
            if ((a->reasons & (MASQ_REASON_LOOKALIKE | MASQ_REASON_EXTENSION)) &&
                !(into->reasons & (MASQ_REASON_LOOKALIKE | MASQ_REASON_EXTENSION))) {
                into->score = a->score;
                into->distance = a->distance;
            }
            into->reasons |= a->reasons;
            if (a->severity > into->severity)
                into->severity = a->severity;
            into->detail = join_details(into->detail, a->detail);
            MASQ_TRY(join_evidence(&result->names, into, a));
            continue;
        }
        result->anomalies[kept++] = *a;
    }
    result->anomaly_count = kept;
    for (size_t i = 0; i < kept; i++) {
        masq_anomaly *a = &result->anomalies[i];
        bool scored = a->reasons & (MASQ_REASON_LOOKALIKE | MASQ_REASON_EXTENSION | MASQ_REASON_WRONG_FOLDER);
        if (!scored && a->normal_text[0] != '\0') /* the plain similarity of the whole names */
            a->score = masq_whole_score(a->normal_text, a->suspicious->text, &a->distance);
    }
    if (kept > 1)
        qsort(result->anomalies, kept, sizeof *result->anomalies, compare_report_order);
    return MASQ_OK;
}
