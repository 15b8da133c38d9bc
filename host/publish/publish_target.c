#include "publish_target.h"

#include <stdlib.h>
#include <string.h>

void masq_publish_target_free(masq_publish_target *target)
{
    free(target->endpoint);
    free(target->dcr_id);
    free(target->stream);
    free(target->workspace_id);
    free(target->log_type);
    memset(target, 0, sizeof *target);
}

static char *copy_or_null(const char *text)
{
    return text ? strdup(text) : NULL;
}

masq_status masq_publish_target_from_config(const masq_publish_config *config,
                                            masq_publish_target *target)
{
    memset(target, 0, sizeof *target);
    target->api = config->api;
    if (config->api == MASQ_PUBLISH_LOGS_INGESTION) {
        target->endpoint = copy_or_null(config->ingestion_endpoint);
        target->dcr_id = copy_or_null(config->dcr_id);
        target->stream = strdup(config->stream ? config->stream : MASQ_PUBLISH_DEFAULT_STREAM);
        if (target->endpoint && target->dcr_id && target->stream)
            return MASQ_OK;
    } else {
        target->workspace_id = copy_or_null(config->workspace_id);
        target->endpoint = copy_or_null(config->endpoint);
        target->log_type = strdup(MASQ_PUBLISH_LOG_TYPE);
        if (target->workspace_id && target->log_type && (target->endpoint || !config->endpoint))
            return MASQ_OK;
    }
    masq_publish_target_free(target);
    return MASQ_ERR_NOMEM;
}
