#include "history_facts.h"

/* New on its hosts: none of the finding's hosts ran the name before (1),
 * one did (0), or the history cannot say: a host of the finding was left
 * out of its evidence, or a day kept too few of the name's hosts (-1). */
static masq_status new_on_host(masq_baseline *baseline, const masq_anomaly *a,
                               const masq_name_history *history, signed char *answer)
{
    *answer = -1;
    const masq_text_set *hosts = &a->evidence->computers;
    if (hosts->count == 0)
        return MASQ_OK;
    if (!history->seen) {
        *answer = 1;
        return MASQ_OK;
    }
    for (uint32_t k = 0; k < hosts->count; k++) {
        bool ran;
        MASQ_TRY(masq_baseline_ran_on(baseline, a->suspicious->text, hosts->entries[k].text, &ran));
        if (ran) {
            *answer = 0;
            return MASQ_OK;
        }
    }
    if (history->hosts_complete && hosts->more == 0)
        *answer = 1;
    return MASQ_OK;
}

masq_status masq_history_facts(masq_baseline *baseline, masq_result *result)
{
    for (size_t i = 0; i < result->anomaly_count; i++) {
        masq_anomaly *a = &result->anomalies[i];
        masq_name_history history;
        MASQ_TRY(masq_baseline_name(baseline, a->suspicious->text, &history));
        int64_t first = a->suspicious->all.first_seen_ms;
        if (history.first_seen_ms != MASQ_TIME_NONE &&
            (first == MASQ_TIME_NONE || history.first_seen_ms < first))
            first = history.first_seen_ms;
        a->first_seen_in_fleet_ms = first;
        a->new_in_fleet = history.seen ? 0 : 1;
        MASQ_TRY(new_on_host(baseline, a, &history, &a->new_on_host));
    }
    return MASQ_OK;
}
