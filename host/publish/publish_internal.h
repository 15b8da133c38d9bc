/* What the publish files share among themselves; not part of the library's
 * public face (see publish.h). */
#ifndef MASQ_PUBLISH_INTERNAL_H
#define MASQ_PUBLISH_INTERNAL_H

#include <curl/curl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "publish.h"

/* ---- secrets (publish_redact.c) ------------------------------------------ */

/* Remember a secret value (a client secret, a key, a token) so that every
 * message built from server answers or curl errors can be scrubbed of it.
 * Values shorter than 4 bytes are ignored. */
void masq_publish_secret_add(const char *value);
void masq_publish_secrets_clear(void);

/* Copy text into out (always NUL-terminated), each known secret replaced by
 * "[redacted]" and control characters by spaces. */
void masq_publish_redact(const char *text, char *out, size_t size);

/* ---- HTTP with retries (publish_http.c) ---------------------------------- */

typedef struct masq_http_policy {
    double timeout_seconds;
    int retries;
    double backoff_seconds;
    double max_wait_seconds; /* a Retry-After longer than this ends the retries */
} masq_http_policy;

typedef struct masq_http_request {
    const char *method; /* "GET" or "POST" */
    const char *url;
    struct curl_slist *headers;
    const void *body;
    size_t body_size;
    bool link_local; /* the IMDS address 169.254.169.254 may use plain http */
} masq_http_request;

typedef struct masq_http_response {
    long status; /* 0: no HTTP answer (see curl_code) */
    CURLcode curl_code;
    char error[CURL_ERROR_SIZE];
    char *body; /* NUL-terminated, at most 64 KiB kept */
    size_t body_size;
    double retry_after; /* seconds; < 0 when the answer had none */
} masq_http_response;

typedef enum masq_http_outcome {
    MASQ_HTTP_ACKNOWLEDGED, /* the success status came back */
    MASQ_HTTP_REJECTED,     /* a status that retrying cannot fix (4xx but 408/429) */
    MASQ_HTTP_UNDELIVERED,  /* still 429, 5xx, timeouts or resets after the retries */
    MASQ_HTTP_LOCAL_ERROR,  /* out of memory, a bad URL: nothing was sent */
} masq_http_outcome;

/* Called before every attempt, so headers that age (x-ms-date and its
 * signature, a bearer token) are fresh. Fill request; previous is NULL on
 * the first attempt. Returns MASQ_OK or an error that ends the exchange. */
typedef masq_status (*masq_http_prepare)(void *context, masq_http_request *request,
                                         const masq_http_response *previous);

typedef struct masq_http_client {
    CURL *curl;
    masq_http_policy policy;
    uint64_t jitter_state;
} masq_http_client;

masq_status masq_http_client_init(masq_http_client *client, const masq_http_policy *policy);
void masq_http_client_free(masq_http_client *client);
void masq_http_response_free(masq_http_response *response);

/* https, or http to 127.0.0.0/8, ::1 or localhost (and 169.254.169.254 when
 * link_local). 0 when allowed; -1 with the reason in why. */
int masq_http_url_allowed(const char *url, bool link_local, char *why, size_t size);

/* One exchange with retries and backoff: success_status acknowledges;
 * response holds the last answer (free it). */
masq_http_outcome masq_http_exchange(masq_http_client *client, masq_http_prepare prepare,
                                     void *context, long success_status,
                                     masq_http_response *response);

/* A one-line description of a failed answer: "HTTP 403 OperationFailed: ...",
 * the server's own message from Azure's error bodies, redacted. */
void masq_http_describe(const masq_http_response *response, char *out, size_t size);

/* ---- tokens (publish_token.c) -------------------------------------------- */

typedef struct masq_token {
    char *access_token;
    double expires_at; /* monotonic seconds */
} masq_token;

/* A bearer token for the audience: cached until 5 minutes before it expires,
 * or fetched by client credentials (AZURE_TENANT_ID, AZURE_CLIENT_ID,
 * AZURE_CLIENT_SECRET, AZURE_AUTHORITY_HOST) or from IMDS. force: fetch a
 * new one. MASQ_ERR_PUBLISH with the reason logged. */
masq_status masq_token_get(masq_http_client *client, masq_token *token, const char *audience,
                           bool managed_identity, bool force);
void masq_token_free(masq_token *token);

/* MASQ_OK when the environment holds what the token source needs. */
masq_status masq_token_check_environment(bool managed_identity);

/* ---- targets and sending (logs_ingestion.c, data_collector.c) ------------ */

typedef struct masq_publish_target {
    masq_publish_api api;
    char *endpoint;     /* ingestion endpoint, or the Data Collector base URL */
    char *dcr_id;       /* Logs Ingestion */
    char *stream;       /* Logs Ingestion */
    char *workspace_id; /* Data Collector */
    char *log_type;     /* Data Collector */
} masq_publish_target;

/* A sending session: one HTTP client, a cached token or the loaded key. */
typedef struct masq_publish_session {
    const masq_publish_config *config;
    masq_http_client http;
    masq_token token;
    char *workspace_key; /* Base64, as Azure shows it */
} masq_publish_session;

typedef enum masq_send_result {
    MASQ_SEND_ACKNOWLEDGED,
    MASQ_SEND_REJECTED,    /* the server refused it: retrying the same is pointless */
    MASQ_SEND_UNDELIVERED, /* not acknowledged after the retries */
    MASQ_SEND_NO_CREDENTIALS,
} masq_send_result;

masq_status masq_publish_session_open(masq_publish_session *session,
                                      const masq_publish_config *config);
void masq_publish_session_close(masq_publish_session *session);

/* Send one batch (a JSON array of records, body_size bytes) to target, or in a
 * dry run print the request. message receives the reason of a failure. */
masq_send_result masq_publish_send(masq_publish_session *session, const masq_publish_target *target,
                                   const char *body, size_t body_size, size_t records,
                                   char *message, size_t message_size);

masq_send_result masq_logs_ingestion_send(masq_publish_session *session,
                                          const masq_publish_target *target, const char *body,
                                          size_t body_size, char *message, size_t message_size);
masq_send_result masq_data_collector_send(masq_publish_session *session,
                                          const masq_publish_target *target, const char *body,
                                          size_t body_size, char *message, size_t message_size);

/* Load the workspace key from MASQ_WORKSPACE_KEY or a file of mode 0600
 * (trailing white space dropped). check_only: verify, keep nothing. */
masq_status masq_data_collector_load_key(const char *key_file, bool check_only, char **key);

/* The Logs Ingestion request URL and the Data Collector one, allocated. */
char *masq_logs_ingestion_url(const masq_publish_target *target);
char *masq_data_collector_url(const masq_publish_target *target);

void masq_publish_target_free(masq_publish_target *target);
/* The target a configuration names; MASQ_ERR_NOMEM. */
masq_status masq_publish_target_from_config(const masq_publish_config *config,
                                            masq_publish_target *target);

/* ---- records and batches (publish_records.c, publish_batch.c) ------------ */

typedef struct masq_record_list {
    char **items; /* one record each, serialized, no new line */
    size_t count;
    size_t skipped_demo;
} masq_record_list;

/* The result's anomalies as records (TimeStamp = time_ms, UTC), demo ones
 * left out unless include_demo. */
masq_status masq_publish_records(const struct masq_result *result, int64_t time_ms,
                                 bool include_demo, masq_record_list *records);
void masq_record_list_free(masq_record_list *records);

typedef struct masq_batch {
    char *body; /* "[record,record,...]" */
    size_t size;
    size_t first; /* index of its first record */
    size_t count;
} masq_batch;

typedef struct masq_batch_list {
    masq_batch *items;
    size_t count;
} masq_batch_list;

/* Split records into JSON array bodies of at most max_bytes each.
 * MASQ_ERR_PUBLISH when one record alone is larger. */
masq_status masq_publish_batches(const masq_record_list *records, size_t max_bytes,
                                 masq_batch_list *batches);
void masq_batch_list_free(masq_batch_list *batches);

/* gzip (RFC 1952) of data; MASQ_ERR_NOMEM. */
masq_status masq_publish_gzip(const void *data, size_t size, unsigned char **out, size_t *out_size);

/* ---- spool (spool.c) ----------------------------------------------------- */

/* Keep one batch in the spool folder (created 0700; file 0600, written to a
 * temporary name, synced, then renamed). path receives the file written. */
masq_status masq_spool_write(const char *dir, const masq_publish_target *target, const char *body,
                             size_t body_size, size_t records, char *path, size_t path_size);

typedef struct masq_spool_entry {
    char *path;
    int fd; /* locked (flock) while the entry is open */
    masq_publish_target target;
    char *body;
    size_t body_size;
    size_t records;
} masq_spool_entry;

/* The spool files in dir, sorted by name (they carry their creation time). */
masq_status masq_spool_list(const char *dir, char ***paths, size_t *count);

/* Open and lock one spool file. 1: opened; 0: gone or being sent by another
 * masq (skip it); MASQ status error codes as negatives are not used: -1 with
 * the reason logged when the file is damaged. */
int masq_spool_open(const char *path, masq_spool_entry *entry);

/* Remove an acknowledged entry's file (while still locked) and close it. */
masq_status masq_spool_remove(masq_spool_entry *entry);
void masq_spool_close(masq_spool_entry *entry);

/* Monotonic seconds, and the wall clock in ms since the epoch. */
double masq_publish_now(void);
int64_t masq_publish_wall_ms(void);

#endif
