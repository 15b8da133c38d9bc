/* Where batches go: the target a configuration names, as the spool records
 * it and checks it (publish_target.c). */
#ifndef MASQ_PUBLISH_TARGET_H
#define MASQ_PUBLISH_TARGET_H

#include "../util/status.h"
#include "publish_config.h"

typedef struct masq_publish_target {
    masq_publish_api api;
    char *endpoint;     /* ingestion endpoint, or the Data Collector base URL */
    char *dcr_id;       /* Logs Ingestion */
    char *stream;       /* Logs Ingestion */
    char *workspace_id; /* Data Collector */
    char *log_type;     /* Data Collector */
} masq_publish_target;

void masq_publish_target_free(masq_publish_target *target);
/* The target a configuration names; MASQ_ERR_NOMEM. */
masq_status masq_publish_target_from_config(const masq_publish_config *config,
                                            masq_publish_target *target);

#endif
