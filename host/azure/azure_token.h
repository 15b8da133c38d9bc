/* Bearer tokens from Entra ID or the managed identity (azure_token.c), for
 * any audience: Logs Ingestion, storage, Log Analytics queries. */
#ifndef MASQ_AZURE_TOKEN_H
#define MASQ_AZURE_TOKEN_H

#include <stdbool.h>

#include "azure_http.h"

typedef struct masq_token {
    char *access_token;
    double expires_at; /* monotonic seconds */
} masq_token;

/* A bearer token for the audience: cached until 5 minutes before it expires,
 * or fetched by client credentials (AZURE_TENANT_ID, AZURE_CLIENT_ID,
 * AZURE_CLIENT_SECRET, AZURE_AUTHORITY_HOST) or from IMDS. force: fetch a
 * new one. MASQ_ERR_PUBLISH with the reason logged (a reader says what it
 * means for it). */
masq_status masq_token_get(masq_http_client *client, masq_token *token, const char *audience,
                           bool managed_identity, bool force);
void masq_token_free(masq_token *token);

/* Is the token within 5 minutes of its expiry (or none): what
 * masq_token_get would fetch anew? */
bool masq_token_due(const masq_token *token);

/* "Authorization: Bearer <token>" (malloc'd; NULL when out of memory), and
 * its release, which wipes it first: the header holds the token. */
char *masq_token_authorization(const masq_token *token);
void masq_token_authorization_free(char *authorization);

/* AZURE_AUTHORITY_HOST (or, with a managed identity,
 * AZURE_POD_IDENTITY_AUTHORITY_HOST): https, or http to loopback (IMDS's
 * link-local address too). MASQ_ERR_USAGE with the reason logged. */
masq_status masq_token_check_endpoints(bool managed_identity);

/* MASQ_OK when the environment holds what the token source needs. */
masq_status masq_token_check_environment(bool managed_identity);

#endif
