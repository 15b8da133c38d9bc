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
    double max_wait_seconds;  /* a Retry-After longer than this ends the retries */
    double max_total_wait;    /* all the waits of a client together (--publish-max-wait) */
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
    MASQ_HTTP_ACKNOWLEDGED, /* a 2xx came back (an unexpected one is logged) */
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
    double waited;      /* seconds slept in backoff so far */
    bool fresh_connect; /* the next attempt opens a new connection */
} masq_http_client;

masq_status masq_http_client_init(masq_http_client *client, const masq_http_policy *policy);
void masq_http_client_free(masq_http_client *client);
void masq_http_response_free(masq_http_response *response);

/* https, or http to 127.0.0.0/8, ::1 or localhost (and 169.254.169.254 when
 * link_local). 0 when allowed; -1 with the reason in why. */
int masq_http_url_allowed(const char *url, bool link_local, char *why, size_t size);

/* One exchange with retries and backoff: every 2xx acknowledges (one that is
 * not success_status is logged);
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

/* AZURE_AUTHORITY_HOST (or, with a managed identity,
 * AZURE_POD_IDENTITY_AUTHORITY_HOST): https, or http to loopback (IMDS's
 * link-local address too). MASQ_ERR_USAGE with the reason logged. */
masq_status masq_token_check_endpoints(bool managed_identity);

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
    MASQ_SEND_BAD_BATCH,   /* 400: this batch's data refused; others may pass */
    MASQ_SEND_TOO_LARGE,   /* 413: split it (records are independent) */
    MASQ_SEND_UNDELIVERED, /* not acknowledged after the retries */
    MASQ_SEND_NO_CREDENTIALS,
} masq_send_result;

/* What a failed exchange means for the batch: 413 too large, 400 bad data,
 * another refusal, or not delivered. */
masq_send_result masq_send_result_of(masq_http_outcome outcome, const masq_http_response *response);

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

/* ---- spool (spool.c): a write-ahead log of batches ------------------------ */

/* The spool folder, opened without following a symlink; every name in it is
 * opened relative to fd. */
typedef struct masq_spool {
    char path[4096];
    int fd; /* -1: the folder does not exist (nothing spooled) */
} masq_spool;

/* Open the folder (created 0700 with its parents when create). Refused
 * (MASQ_ERR_USAGE, reason logged) when it is a symlink, not the user's, or
 * writable by group or others. Temporary names left by a crashed masq
 * (unlocked, a minute old) are removed. */
masq_status masq_spool_open_dir(const char *dir, bool create, masq_spool *spool);
void masq_spool_close_dir(masq_spool *spool);

/* A run's batches are written as one unit: into a locked staging folder,
 * each file synced, then the folder renamed into view in one step. Before
 * the commit, `masq publish` sees none of them; after it, all. */
typedef struct masq_spool_run {
    char name[96]; /* STAMP-RANDOM: committed as run-NAME */
    int fd;
    size_t batches;
    bool committed;
} masq_spool_run;

masq_status masq_spool_run_begin(masq_spool *spool, masq_spool_run *run);
masq_status masq_spool_run_add(masq_spool *spool, masq_spool_run *run,
                               const masq_publish_target *target, const char *body,
                               size_t body_size, size_t records);
masq_status masq_spool_run_commit(masq_spool *spool, masq_spool_run *run);
/* Remove an uncommitted run (nothing of it was sent). */
void masq_spool_run_abort(masq_spool *spool, masq_spool_run *run);

typedef struct masq_spool_counts {
    size_t refused;   /* unsafe folders (symlinks, another owner, writable by others) */
    size_t set_aside; /* batches of one record too large for the service */
} masq_spool_counts;

/* The batch files (names relative to the folder), sorted: runs and files by
 * their creation time, the batches of a run in order. only_run: one run's
 * (its masq_spool_run name). */
masq_status masq_spool_list(masq_spool *spool, const char *only_run, char ***names,
                            size_t *count, masq_spool_counts *counts);

typedef struct masq_spool_entry {
    char *path;  /* for messages: the folder's path and name */
    char *name;  /* relative to the spool folder */
    char *base;  /* its name in dir_fd */
    int dir_fd;  /* the folder holding it */
    int fd;      /* locked (flock) while the entry is open */
    masq_publish_target target; /* what the file names: checked, never trusted */
    char *body;
    size_t body_size;
    size_t records;
} masq_spool_entry;

typedef enum masq_spool_open_result {
    MASQ_SPOOL_OPENED,
    MASQ_SPOOL_SKIPPED, /* gone, or being sent by another masq */
    MASQ_SPOOL_REFUSED, /* unsafe (symlink, owner, mode, links) or damaged: logged, not read */
} masq_spool_open_result;

/* Check, open, lock and read one batch file. */
masq_spool_open_result masq_spool_open(masq_spool *spool, const char *name,
                                       masq_spool_entry *entry);

/* Remove an acknowledged entry's file (while still locked), sync the
 * removal, and close it. */
masq_status masq_spool_remove(masq_spool_entry *entry);

/* Remove the run folder holding name once it is empty (its last batch was
 * delivered); nothing when name is not in a run folder or others remain. */
void masq_spool_remove_empty_run(masq_spool *spool, const char *name);

/* Replace a batch by its two halves (written and synced first, then the
 * whole removed); names receive the halves' names (free them). The entry
 * stays open: close it. */
masq_status masq_spool_split(masq_spool_entry *entry, const char *left, size_t left_size,
                             size_t left_records, const char *right, size_t right_size,
                             size_t right_records, char *names[2]);

/* Rename a batch the service will never take to NAME.too-large, which
 * `masq publish` does not send; path receives the new path. */
masq_status masq_spool_set_aside(masq_spool_entry *entry, char *path, size_t path_size);
void masq_spool_close(masq_spool_entry *entry);

/* Where a JSON array body can be cut in two between records: the left
 * half is body[0, left_end) + "]", the right "[" + body[right_start, size).
 * -1 when it holds fewer than two records. */
int masq_batch_split_point(const char *body, size_t size, size_t *left_end, size_t *right_start,
                           size_t *left_records, size_t *right_records);

/* Core dumps off (PR_SET_DUMPABLE 0, RLIMIT_CORE 0) for the rest of the
 * process, before any secret is read: a memory image would hold them. */
void masq_publish_protect_process(void);

/* Every header line of a request is checked: no CR, LF, NUL or other
 * control character can reach the wire. 0 when it is clean. */
int masq_http_header_clean(const char *line);

/* Monotonic seconds, and the wall clock in ms since the epoch. */
double masq_publish_now(void);
int64_t masq_publish_wall_ms(void);

#endif
