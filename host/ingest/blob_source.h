/* A container URL given on the command line (blob_source.c): the URL taken
 * apart (https, or Azurite's path-style on loopback), its credentials (a SAS,
 * or an Entra token for storage), the clients that keep its connections, and
 * what every request needs: the signed URL, the headers, the dry run's line,
 * what a failed answer means. */
#ifndef MASQ_BLOB_SOURCE_H
#define MASQ_BLOB_SOURCE_H

#include <curl/curl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "../azure/azure_http.h"
#include "../azure/azure_token.h"
#include "../util/status.h"
#include "blob_options.h"

/* One container URL given on the command line. */
typedef struct masq_blob_source {
    char *container_url; /* scheme://host[:port][/account]/container: no query, no '/' after */
    char *prefix;        /* the path after the container, decoded ("" when none) */
    char *sas;           /* the query to add, without '?', or NULL */
    bool bearer;         /* requests carry a token (not a SAS, not anonymous) */
    /* The token, renewed before it expires (a scan may outlast its hour),
     * its header, and the client that fetches it: under token_lock. */
    pthread_mutex_t token_lock;
    masq_token token;
    char *authorization; /* "Authorization: Bearer ..." */
    masq_http_client *token_client;
    double renew_after; /* after a failed renewal: no new try before (monotonic seconds) */
    const masq_blob_options *options;
    /* Clients with their open connections, kept for the next blob: a
     * connection per blob would cost a handshake each (TLS on Azure). */
    pthread_mutex_t idle_lock;
    masq_http_client *idle[64];
    size_t idle_count;
} masq_blob_source;

/* Is this argument a URL (http:// or https://), not a path? */
bool masq_blob_is_url(const char *argument);

/* Check a URL before anything is read: https, or http to loopback; no query
 * (a SAS in argv is seen by every user of the machine). MASQ_ERR_USAGE,
 * reported. */
masq_status masq_blob_url_check(const char *url);

/* Take url apart and get its credentials: MASQ_ERR_USAGE (a bad URL, a bad
 * SAS file) or MASQ_ERR_INPUT (no token), reported. */
masq_status masq_blob_source_open(masq_blob_source **source, const char *url,
                                  const masq_blob_options *options);
void masq_blob_source_free(masq_blob_source *source);


/* A client for one request or stream of source: an idle one (its
 * connections kept) or a new one; NULL when out of memory. Give it back with
 * masq_blob_client_release. */
masq_http_client *masq_blob_client_take(masq_blob_source *source);
void masq_blob_client_release(masq_blob_source *source, masq_http_client *client);

/* The retry policy of storage requests. */
masq_http_policy masq_blob_policy(const masq_blob_options *options);

/* A request's URL: url, then "?" or "&" and the SAS when there is one
 * (malloc'd; NULL when out of memory). */
char *masq_blob_signed_url(const masq_blob_source *source, const char *url);

/* The headers of every request: x-ms-version, the bearer token (renewed
 * first when it is due: a renewal that fails keeps the old one and says so).
 * NULL when out of memory. */
struct curl_slist *masq_blob_headers(masq_blob_source *source);

/* Under --dry-run, the request on one line, secrets redacted. */
void masq_blob_show_request(const masq_blob_source *source, const char *method, const char *url,
                            const char *range);

/* What a failed storage answer says, and what to do: the service's error
 * code and message from its XML body, and for 401/403 the
 * credentials to check. Redacted. */
void masq_blob_describe_failure(const masq_http_response *response, char *out, size_t size);

#endif
