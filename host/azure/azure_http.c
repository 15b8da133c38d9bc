/* HTTP through libcurl: one exchange = attempts with exponential backoff and
 * jitter on 429, 5xx, timeouts and broken connections, honouring Retry-After
 * (at most max_wait_seconds each, and max_total_wait for all the waits of a
 * client). Any other transport failure is tried once more on a new
 * connection: a reused one may be broken in ways no error code names.
 * TLS verification stays on (libcurl's default, never changed here); plain
 * http is refused except to loopback addresses (and the IMDS address). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "../util/log.h"
#include "../util/secrets.h"
#include "../util/version.h"
#include "azure_http.h"

#define BODY_KEEP (64 * 1024)
#define BACKOFF_CAP_SECONDS 60.0

static void sleep_seconds(double seconds)
{
    if (!(seconds > 0))
        return;
    time_t whole = (time_t)seconds;
    struct timespec wait = {whole, (long)((seconds - (double)whole) * 1e9)};
    while (nanosleep(&wait, &wait) != 0 && errno == EINTR) {
    }
}

masq_status masq_http_client_init(masq_http_client *client, const masq_http_policy *policy)
{
    memset(client, 0, sizeof *client);
    client->curl = curl_easy_init();
    if (client->curl == NULL)
        return MASQ_ERR_NOMEM;
    client->policy = *policy;
    client->jitter_state = (uint64_t)masq_clock_wall_ms() ^ ((uint64_t)getpid() << 32);
    return MASQ_OK;
}

void masq_http_client_free(masq_http_client *client)
{
    if (client->curl != NULL)
        curl_easy_cleanup(client->curl);
    client->curl = NULL;
}

void masq_http_response_free(masq_http_response *response)
{
    free(response->body);
    response->body = NULL;
    response->body_size = 0;
    response->body_capacity = 0;
}

static int is_loopback_host(const char *host)
{
    if (strcasecmp(host, "localhost") == 0 || strcmp(host, "[::1]") == 0 ||
        strcmp(host, "::1") == 0)
        return 1;
    unsigned a, b, c, d;
    char extra;
    return sscanf(host, "%u.%u.%u.%u%c", &a, &b, &c, &d, &extra) == 4 && a == 127 && b < 256 &&
           c < 256 && d < 256;
}

int masq_http_url_allowed(const char *url, bool link_local, char *why, size_t size)
{
    CURLU *parsed = curl_url();
    char *scheme = NULL, *host = NULL;
    int allowed = -1;
    if (parsed == NULL) {
        snprintf(why, size, "out of memory");
        return -1;
    }
    if (curl_url_set(parsed, CURLUPART_URL, url, 0) != CURLUE_OK ||
        curl_url_get(parsed, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
        curl_url_get(parsed, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
        snprintf(why, size, "not a URL");
    } else if (strcasecmp(scheme, "https") == 0) {
        allowed = 0;
    } else if (strcasecmp(scheme, "http") == 0 &&
               (is_loopback_host(host) || (link_local && strcmp(host, "169.254.169.254") == 0))) {
        allowed = 0;
    } else if (strcasecmp(scheme, "http") == 0) {
        snprintf(why, size, "plain http is accepted only for loopback addresses; use https");
    } else {
        snprintf(why, size, "only https URLs are accepted");
    }
    curl_free(scheme);
    curl_free(host);
    curl_url_cleanup(parsed);
    return allowed;
}

/* Where one attempt's body goes: kept (up to the client's limit, 64 KiB for the error
 * messages), or, for a 2xx answer of a streamed exchange, to the sink. */
typedef struct body_target {
    masq_http_response *response;
    CURL *curl;
    masq_http_sink sink; /* NULL: keep the body */
    void *sink_context;
    bool sink_stopped; /* the sink has what it needs */
    bool sink_failed;
    bool keep_failed; /* out of memory keeping the body: not a transport failure */
} body_target;

static size_t keep_body(body_target *target, long status, const char *data, size_t bytes)
{
    masq_http_response *response = target->response;
    /* An error's body is kept for its message only, whatever a success's may be. */
    size_t limit = status >= 200 && status < 300 ? response->body_keep
                   : response->body_keep < BODY_KEEP ? response->body_keep
                                                     : BODY_KEEP;
    size_t keep = response->body_size < limit ? limit - response->body_size : 0;
    if (keep > bytes)
        keep = bytes;
    if (keep < bytes)
        response->body_truncated = true;
    if (keep > 0) {
        /* Grown by doubling: a query answer of many megabytes costs a few copies. */
        size_t need = response->body_size + keep + 1, capacity = response->body_capacity;
        if (need > capacity) {
            capacity = capacity ? capacity : 4096;
            while (capacity < need)
                capacity *= 2;
            char *grown = realloc(response->body, capacity);
            if (grown == NULL) {
                target->keep_failed = true;
                return 0;
            }
            response->body = grown;
            response->body_capacity = capacity;
        }
        memcpy(response->body + response->body_size, data, keep);
        response->body_size += keep;
        response->body[response->body_size] = '\0';
    }
    return bytes;
}

static size_t on_body(char *data, size_t size, size_t count, void *context)
{
    body_target *target = context;
    size_t bytes = size * count;
    long status = 0;
    curl_easy_getinfo(target->curl, CURLINFO_RESPONSE_CODE, &status);
    if (target->sink == NULL || status < 200 || status >= 300)
        return keep_body(target, status, data, bytes);
    int verdict = target->sink(target->sink_context, status, data, bytes);
    if (verdict == 0)
        return bytes;
    if (verdict > 0)
        target->sink_stopped = true;
    else
        target->sink_failed = true;
    return 0; /* curl stops the transfer (CURLE_WRITE_ERROR) */
}

/* Retry-After: delta-seconds or an HTTP date; Azure also sends retry-after-ms
 * and x-ms-retry-after-ms, which the Azure SDKs prefer. */
static size_t on_header(char *data, size_t size, size_t count, void *context)
{
    masq_http_response *response = context;
    size_t bytes = size * count;
    char line[256];
    size_t length = bytes < sizeof line - 1 ? bytes : sizeof line - 1;
    memcpy(line, data, length);
    line[length] = '\0';
    char *colon = strchr(line, ':');
    if (colon == NULL)
        return bytes;
    *colon = '\0';
    char *value = colon + 1;
    while (*value == ' ' || *value == '\t')
        value++;
    for (char *end = value + strlen(value); end > value && isspace((unsigned char)end[-1]);)
        *--end = '\0';
    char *end;
    if (strcasecmp(line, "retry-after-ms") == 0 || strcasecmp(line, "x-ms-retry-after-ms") == 0) {
        double ms = strtod(value, &end);
        if (end != value && ms >= 0)
            response->retry_after = ms / 1000.0;
    } else if (strcasecmp(line, "retry-after") == 0 && response->retry_after < 0) {
        double seconds = strtod(value, &end);
        if (end != value && *end == '\0' && seconds >= 0) {
            response->retry_after = seconds;
        } else {
            time_t when = curl_getdate(value, NULL);
            if (when != (time_t)-1) {
                double delta = difftime(when, time(NULL));
                response->retry_after = delta > 0 ? delta : 0;
            }
        }
    }
    return bytes;
}

struct curl_slist *masq_http_header_add(struct curl_slist *list, const char *line, int *failed)
{
    struct curl_slist *more = curl_slist_append(list, line);
    if (more == NULL)
        *failed = 1;
    return more ? more : list;
}

int masq_http_header_clean(const char *line)
{
    for (const unsigned char *p = (const unsigned char *)line; *p; p++)
        if ((*p < 0x20 && *p != '\t') || *p == 0x7f)
            return -1;
    return 0;
}

/* One attempt. The response is reset first. */
static masq_status attempt(masq_http_client *client, const masq_http_request *request,
                           masq_http_response *response, body_target *target)
{
    CURL *curl = client->curl;
    masq_http_response_free(response);
    response->status = 0;
    response->curl_code = CURLE_OK;
    response->error[0] = '\0';
    response->retry_after = -1;
    response->body_truncated = false;
    response->body_keep = client->body_limit ? client->body_limit : BODY_KEEP;

    char why[160];
    if (masq_http_url_allowed(request->url, request->link_local, why, sizeof why) != 0) {
        char shown[512];
        masq_redact(request->url, shown, sizeof shown); /* a signed URL holds its SAS */
        masq_error("refusing %s: %s", shown, why);
        return MASQ_ERR_USAGE;
    }
    /* The last line of defence against header injection: whatever a value
     * came from, a line with CR or LF in it is never sent. */
    for (const struct curl_slist *line = request->headers; line != NULL; line = line->next) {
        if (masq_http_header_clean(line->data) != 0) {
            masq_error("refusing to send a request: a header holds a control character");
            return MASQ_ERR_USAGE;
        }
    }
    curl_easy_reset(curl);
    curl_easy_setopt(curl, CURLOPT_URL, request->url);
    if (client->fresh_connect)
        curl_easy_setopt(curl, CURLOPT_FRESH_CONNECT, 1L);
    client->fresh_connect = false;
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L); /* never carry credentials elsewhere */
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_USERAGENT, "masq/" MASQ_VERSION);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, response->error);
    if (target->sink == NULL) {
        curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS,
                         (long)(client->policy.timeout_seconds * 1000.0));
    } else {
        /* A stream lasts as long as its reader takes: what ends it is a
         * transfer that stalls for the timeout, not its length. */
        curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
        curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, (long)(client->policy.timeout_seconds + 0.5));
    }
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                     (long)(client->policy.timeout_seconds * 1000.0));
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, request->headers);
    if (client->compressed)
        curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, ""); /* every encoding curl decodes */
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
    target->response = response;
    target->curl = curl;
    target->sink_stopped = target->sink_failed = target->keep_failed = false;
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, target);
    if (target->sink != NULL) /* large bodies: fewer, larger writes to the sink */
        curl_easy_setopt(curl, CURLOPT_BUFFERSIZE, 512L << 10);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, response);
    if (request->link_local || masq_http_url_allowed(request->url, false, why, sizeof why) == 0) {
        /* Loopback and IMDS are never reached through a proxy. */
        if (strncasecmp(request->url, "http:", 5) == 0)
            curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
    }
    if (strcmp(request->method, "POST") == 0) {
        curl_easy_setopt(curl, CURLOPT_POST, 1L);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request->body ? request->body : "");
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)request->body_size);
    } else {
        curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
    }
    response->curl_code = curl_easy_perform(curl);
    if (response->curl_code == CURLE_OK)
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response->status);
    else if (response->error[0] == '\0')
        snprintf(response->error, sizeof response->error, "%s",
                 curl_easy_strerror(response->curl_code));
    return MASQ_OK;
}

static int transport_retriable(CURLcode code)
{
    switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_WRITE_ERROR:
        return 1;
    default:
        return 0;
    }
}

/* Failures that a new connection cannot change: TLS verification, a bad URL,
 * no memory. */
static int transport_final(CURLcode code)
{
    switch (code) {
    case CURLE_URL_MALFORMAT:
    case CURLE_OUT_OF_MEMORY:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_FUNCTION_NOT_FOUND:
    case CURLE_NOT_BUILT_IN:
        return 1;
    default:
        return 0;
    }
}

static int status_retriable(long status)
{
    return status == 408 || status == 429 || status >= 500;
}

static double jitter_fraction(masq_http_client *client)
{
    uint64_t x = client->jitter_state += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    x ^= x >> 31;
    return (double)(x >> 11) / 9007199254740992.0;
}

static masq_http_outcome exchange(masq_http_client *client, masq_http_prepare prepare,
                                  void *context, long success_status, body_target *target,
                                  masq_http_response *response)
{
    memset(response, 0, sizeof *response);
    response->retry_after = -1;
    bool unlisted_retried = false;
    for (int try = 0;; try++) {
        masq_http_request request = {.method = "POST"};
        if (prepare(context, &request, try == 0 ? NULL : response) != MASQ_OK) {
            curl_slist_free_all(request.headers);
            return MASQ_HTTP_LOCAL_ERROR;
        }
        masq_status status = attempt(client, &request, response, target);
        curl_slist_free_all(request.headers);
        if (status != MASQ_OK || target->sink_failed || target->keep_failed)
            return MASQ_HTTP_LOCAL_ERROR;
        if (target->sink_stopped) {
            /* The sink stopped the transfer: what it needed came. */
            client->fresh_connect = true;
            return MASQ_HTTP_ACKNOWLEDGED;
        }
        if (response->curl_code == CURLE_OK && response->status >= 200 && response->status < 300) {
            /* The service took it: counting an unexpected 2xx as a refusal
             * would send the batch again. */
            if (success_status != 0 && response->status != success_status)
                masq_warn("HTTP %ld where %ld was expected; counted as accepted",
                          response->status, success_status);
            return MASQ_HTTP_ACKNOWLEDGED;
        }
        int retriable;
        if (response->curl_code == CURLE_OK) {
            retriable = status_retriable(response->status);
        } else {
            /* Whatever broke, the next try never reuses this connection. */
            client->fresh_connect = true;
            retriable = transport_retriable(response->curl_code);
            if (!retriable && !unlisted_retried && !transport_final(response->curl_code)) {
                retriable = 1; /* once, on a new connection */
                unlisted_retried = true;
            }
        }
        char what[600];
        masq_http_describe(response, what, sizeof what);
        if (!retriable)
            return response->curl_code == CURLE_OK ? MASQ_HTTP_REJECTED : MASQ_HTTP_UNDELIVERED;
        if (try >= client->policy.retries) {
            masq_warn("%s; giving up after %d tries", what, try + 1);
            return MASQ_HTTP_UNDELIVERED;
        }
        double wait = client->policy.backoff_seconds;
        for (int i = 0; i < try && wait < BACKOFF_CAP_SECONDS; i++)
            wait *= 2.0;
        if (wait > BACKOFF_CAP_SECONDS)
            wait = BACKOFF_CAP_SECONDS;
        wait *= 0.5 + 0.5 * jitter_fraction(client); /* spread clients that failed together */
        if (response->retry_after >= 0) {
            if (response->retry_after > client->policy.max_wait_seconds) {
                masq_warn("%s; the server asks to wait %.0f s, longer than %.0f s: giving up", what,
                          response->retry_after, client->policy.max_wait_seconds);
                return MASQ_HTTP_UNDELIVERED;
            }
            wait = response->retry_after;
        }
        if (client->waited + wait > client->policy.max_total_wait) {
            masq_warn("%s; waiting %.2f s more would pass --publish-max-wait (%.0f s, %.2f s "
                      "waited): giving up",
                      what, wait, client->policy.max_total_wait, client->waited);
            return MASQ_HTTP_UNDELIVERED;
        }
        masq_info("%s; retry %d of %d in %.2f s", what, try + 1, client->policy.retries, wait);
        sleep_seconds(wait);
        client->waited += wait;
    }
}

masq_http_outcome masq_http_exchange(masq_http_client *client, masq_http_prepare prepare,
                                     void *context, long success_status,
                                     masq_http_response *response)
{
    body_target target = {0};
    return exchange(client, prepare, context, success_status, &target, response);
}

masq_http_outcome masq_http_stream(masq_http_client *client, masq_http_prepare prepare,
                                   void *context, masq_http_sink sink, void *sink_context,
                                   masq_http_response *response)
{
    body_target target = {.sink = sink, .sink_context = sink_context};
    return exchange(client, prepare, context, 0, &target, response);
}

/* Azure's error bodies: {"error":{"code":..,"message":..}} (Logs Ingestion,
 * ARM), {"Error":..,"Message":..} (Data Collector), {"error":..,
 * "error_description":..} (Entra). */
static void server_message(const char *body, char *out, size_t size)
{
    out[0] = '\0';
    cJSON *root = body ? cJSON_Parse(body) : NULL;
    if (root == NULL) {
        if (body != NULL)
            snprintf(out, size, "%.300s", body);
        return;
    }
    const cJSON *error = cJSON_GetObjectItemCaseSensitive(root, "error");
    const cJSON *code = NULL, *message = NULL;
    if (cJSON_IsObject(error)) {
        code = cJSON_GetObjectItemCaseSensitive(error, "code");
        message = cJSON_GetObjectItemCaseSensitive(error, "message");
    } else if (cJSON_IsString(error)) {
        code = error;
        message = cJSON_GetObjectItemCaseSensitive(root, "error_description");
    } else {
        code = cJSON_GetObjectItemCaseSensitive(root, "Error");
        message = cJSON_GetObjectItemCaseSensitive(root, "Message");
    }
    const char *c = cJSON_IsString(code) ? code->valuestring : NULL;
    const char *m = cJSON_IsString(message) ? message->valuestring : NULL;
    if (c && m)
        snprintf(out, size, "%s: %.400s", c, m);
    else if (c || m)
        snprintf(out, size, "%.400s", c ? c : m);
    else
        snprintf(out, size, "%.300s", body);
    cJSON_Delete(root);
}

void masq_http_describe(const masq_http_response *response, char *out, size_t size)
{
    char raw[700];
    if (response->curl_code != CURLE_OK) {
        snprintf(raw, sizeof raw, "%s", response->error);
    } else {
        char message[560];
        server_message(response->body, message, sizeof message);
        snprintf(raw, sizeof raw, "HTTP %ld%s%s", response->status, message[0] ? " " : "", message);
    }
    masq_redact(raw, out, size);
}
