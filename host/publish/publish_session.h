/* A sending session, as the senders see it: one HTTP client, a cached token
 * or the loaded key (opened by publish.c). */
#ifndef MASQ_PUBLISH_SESSION_H
#define MASQ_PUBLISH_SESSION_H

#include "publish_config.h"
#include "../azure/azure_http.h"
#include "../azure/azure_token.h"

/* A sending session: one HTTP client, a cached token or the loaded key. */
typedef struct masq_publish_session {
    const masq_publish_config *config;
    masq_http_client http;
    masq_token token;
    char *workspace_key; /* Base64, as Azure shows it */
} masq_publish_session;

#endif
