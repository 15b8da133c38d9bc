#include "triage.h"

#include <stdlib.h>
#include <string.h>

#include "../names/unicode.h"
#include "../util/glob.h"
#include "findings.h"

bool masq_triage_active(const masq_triage *triage)
{
    return triage->min_severity > 0 || triage->reasons != 0 || triage->host_glob != NULL ||
           triage->top > 0;
}

/* Host names compare lower-cased (Windows names are case-insensitive). */
static char *lowered(const char *text)
{
    char *out = NULL;
    size_t length;
    if (masq_unicode_lower(text, strlen(text), &out, &length) != MASQ_UNICODE_OK)
        return strdup(text); /* not UTF-8: its bytes as they are */
    return out;
}

/* Does a host of the pair's own sightings match? (the kept ones: at most
 * MASQ_CONTEXT_LIMIT hosts a finding, the most seen first) */
static int host_matches(const char *pattern, const masq_anomaly *a)
{
    const masq_text_set *hosts = &a->evidence->computers;
    for (uint32_t i = 0; i < hosts->count; i++) {
        char *host = lowered(hosts->entries[i].text);
        if (host == NULL)
            return -1;
        bool match = masq_glob_match(pattern, host);
        free(host);
        if (match)
            return 1;
    }
    return 0;
}

masq_status masq_triage_apply(const masq_triage *triage, masq_result *result)
{
    if (!masq_triage_active(triage))
        return MASQ_OK;
    size_t n = result->anomaly_count;
    masq_findings before;
    MASQ_TRY(masq_findings_build(result, &before));
    size_t total_findings = before.count;
    masq_findings_free(&before);
    bool *keep = malloc((n ? n : 1) * sizeof *keep);
    char *pattern = triage->host_glob ? lowered(triage->host_glob) : NULL;
    if (keep == NULL || (triage->host_glob && pattern == NULL)) {
        free(keep);
        free(pattern);
        return MASQ_ERR_NOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        const masq_anomaly *a = &result->anomalies[i];
        keep[i] = (int)a->severity >= triage->min_severity &&
                  (triage->reasons == 0 || (a->reasons & triage->reasons) != 0);
        if (keep[i] && pattern != NULL) {
            int match = host_matches(pattern, a);
            if (match < 0) {
                free(keep);
                free(pattern);
                return MASQ_ERR_NOMEM;
            }
            keep[i] = match == 1;
        }
    }
    free(pattern);
    /* --top: the first N findings of what the filters kept. */
    size_t kept = 0;
    for (size_t i = 0; i < n; i++)
        if (keep[i])
            result->anomalies[kept++] = result->anomalies[i];
        else
            masq_anomaly_free(&result->anomalies[i]);
    result->anomaly_count = kept;
    masq_findings after;
    masq_status status = masq_findings_build(result, &after);
    if (status != MASQ_OK) {
        free(keep);
        return status;
    }
    size_t reported = after.count;
    if (triage->top > 0 && after.count > triage->top) {
        memset(keep, 0, kept * sizeof *keep);
        for (size_t f = 0; f < triage->top; f++)
            for (size_t k = 0; k < after.items[f].count; k++)
                keep[after.pairs[after.items[f].first + k]] = true;
        size_t top_kept = 0;
        for (size_t i = 0; i < kept; i++)
            if (keep[i])
                result->anomalies[top_kept++] = result->anomalies[i];
            else
                masq_anomaly_free(&result->anomalies[i]);
        result->anomaly_count = top_kept;
        reported = (size_t)triage->top;
    }
    masq_findings_free(&after);
    free(keep);
    result->summary.triaged_pairs = n - result->anomaly_count;
    result->summary.triaged_findings = total_findings - reported;
    return MASQ_OK;
}
