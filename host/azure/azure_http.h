/* HTTPS to Azure with retries, backoff and bounded waits (azure_http.c):
 * what publishing and the readers of Azure storage and Log Analytics share. */
#ifndef MASQ_AZURE_HTTP_H
#define MASQ_AZURE_HTTP_H

#include <curl/curl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/clock.h"
#include "../util/status.h"

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
    char *body; /* NUL-terminated, at most 64 KiB kept (the client's body_limit) */
    size_t body_size;
    bool body_truncated; /* the answer was longer than what was kept */
    size_t body_keep;    /* set by each attempt from the client */
    size_t body_capacity;
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
    size_t body_limit;  /* bytes of an answer kept; 0: 64 KiB (enough for every error
                           body and token); a query answer sets more, grown as it comes */
    bool compressed;    /* ask for gzip or deflate (a query answer), decoded by curl */
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

/* The body of a 2xx answer of a streamed exchange, as it comes (status: 200,
 * 206...). Return 0 to go on, 1 when the sink has all it needs (the transfer
 * stops and the exchange is acknowledged), -1 on a local failure (the
 * exchange ends MASQ_HTTP_LOCAL_ERROR). */
typedef int (*masq_http_sink)(void *context, long status, const char *data, size_t size);

/* masq_http_exchange for a body of any size: a 2xx answer's body goes to
 * sink and is not kept (other answers' are, for their messages). A body cut
 * short (a reset, fewer bytes than Content-Length) is retried like a
 * transport failure: prepare is called again with that answer as previous,
 * so it can ask for the rest with Range. Every 2xx acknowledges. */
masq_http_outcome masq_http_stream(masq_http_client *client, masq_http_prepare prepare,
                                   void *context, masq_http_sink sink, void *sink_context,
                                   masq_http_response *response);

/* A one-line description of a failed answer: "HTTP 403 OperationFailed: ...",
 * the server's own message from Azure's error bodies, redacted. */
void masq_http_describe(const masq_http_response *response, char *out, size_t size);

/* Append a header line to a request's list; on failure the list is kept as
 * it was and *failed is set (one check after all the appends). */
struct curl_slist *masq_http_header_add(struct curl_slist *list, const char *line, int *failed);

/* Every header line of a request is checked: no CR, LF, NUL or other
 * control character can reach the wire. 0 when it is clean. */
int masq_http_header_clean(const char *line);

#endif
