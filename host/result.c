#include "result.h"

#include <stdlib.h>

const char *masq_profile_name(masq_profile profile)
{
    return profile == MASQ_PROFILE_NOTEBOOK ? "notebook" : "default";
}

void masq_anomaly_free(masq_anomaly *anomaly)
{
    free(anomaly->detail);
    if (anomaly->evidence_owned != NULL) {
        masq_evidence_free(anomaly->evidence_owned);
        free(anomaly->evidence_owned);
    }
}

void masq_result_free(masq_result *result)
{
    for (size_t i = 0; i < result->anomaly_count; i++)
        masq_anomaly_free(&result->anomalies[i]);
    masq_name_table_free(&result->names);
    masq_name_table_free(&result->unseen);
    free(result->anomalies);
    free(result->suppressions);
    result->suppressions = NULL;
    result->suppression_count = 0;
    result->anomalies = NULL;
    result->anomaly_count = 0;
    result->anomaly_capacity = 0;
}
