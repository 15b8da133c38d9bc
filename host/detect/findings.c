#include "findings.h"

#include <stdlib.h>
#include <string.h>

bool masq_findings_grouped(const masq_result *result)
{
    return result->config.profile != MASQ_PROFILE_NOTEBOOK;
}

/* A pair by its suspicious name, then its report position. */
typedef struct pair_key {
    const char *suspicious;
    size_t index;
} pair_key;

static int by_suspicious(const void *x, const void *y)
{
    const pair_key *a = x, *b = y;
    int order = strcmp(a->suspicious, b->suspicious);
    return order ? order : (a->index > b->index) - (a->index < b->index);
}

static int by_first_pair(const void *x, const void *y)
{
    const masq_finding *a = x, *b = y;
    return (a->first > b->first) - (a->first < b->first);
}

masq_status masq_findings_build(const masq_result *result, masq_findings *findings)
{
    memset(findings, 0, sizeof *findings);
    size_t n = result->anomaly_count;
    findings->items = malloc((n ? n : 1) * sizeof *findings->items);
    findings->pairs = malloc((n ? n : 1) * sizeof *findings->pairs);
    pair_key *grouped = malloc((n ? n : 1) * sizeof *grouped);
    if (findings->items == NULL || findings->pairs == NULL || grouped == NULL) {
        free(grouped);
        masq_findings_free(findings);
        return MASQ_ERR_NOMEM;
    }
    for (size_t i = 0; i < n; i++)
        grouped[i] = (pair_key){result->anomalies[i].suspicious->text, i};
    bool group = masq_findings_grouped(result);
    if (group && n > 1)
        qsort(grouped, n, sizeof *grouped, by_suspicious);
    /* Each run of one suspicious name: a finding whose `first` is, for now,
     * its best pair's report position (the run's first, as positions ascend). */
    for (size_t i = 0; i < n;) {
        size_t end = i + 1;
        while (group && end < n && strcmp(grouped[end].suspicious, grouped[i].suspicious) == 0)
            end++;
        masq_finding *f = &findings->items[findings->count++];
        f->first = grouped[i].index;
        f->count = end - i;
        f->severity = result->anomalies[grouped[i].index].severity;
        f->reasons = 0;
        for (size_t k = i; k < end; k++)
            f->reasons |= result->anomalies[grouped[k].index].reasons;
        i = end;
    }
    if (findings->count > 1)
        qsort(findings->items, findings->count, sizeof *findings->items, by_first_pair);
    /* Lay the pairs out finding by finding: the run of each is found again
     * from its best pair's place in `grouped`. */
    size_t *where = malloc((n ? n : 1) * sizeof *where); /* pair -> its index in grouped */
    if (where == NULL) {
        free(grouped);
        masq_findings_free(findings);
        return MASQ_ERR_NOMEM;
    }
    for (size_t k = 0; k < n; k++)
        where[grouped[k].index] = k;
    size_t used = 0;
    for (size_t f = 0; f < findings->count; f++) {
        masq_finding *item = &findings->items[f];
        size_t start = where[item->first];
        for (size_t k = 0; k < item->count; k++)
            findings->pairs[used + k] = grouped[start + k].index;
        item->first = used;
        used += item->count;
    }
    free(where);
    free(grouped);
    return MASQ_OK;
}

void masq_findings_free(masq_findings *findings)
{
    free(findings->items);
    free(findings->pairs);
    memset(findings, 0, sizeof *findings);
}

void masq_findings_count(const masq_findings *findings, masq_finding_counts *counts)
{
    memset(counts, 0, sizeof *counts);
    for (size_t f = 0; f < findings->count; f++) {
        const masq_finding *item = &findings->items[f];
        counts->by_severity[(unsigned)item->severity & 3]++;
        for (unsigned b = 0; b < MASQ_REASON_BITS; b++)
            counts->by_reason[b] += (item->reasons >> b) & 1u;
    }
}
