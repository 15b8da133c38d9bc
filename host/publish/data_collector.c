/* The legacy HTTP Data Collector API (retired by Microsoft on 14 September
 * 2026; kept for workspaces that still answer it): POST {endpoint}/api/logs?
 * api-version=2016-04-01 with "Authorization: SharedKey <workspace id>:
 * <signature>", Log-Type and x-ms-date; 200 acknowledges (any 2xx counts).
 * The signature is re-computed for every try, since it covers x-ms-date. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "../util/log.h"
#include "data_collector.h"
#include "../util/secrets.h"

#define API_VERSION "2016-04-01"
#define KEY_FILE_MAX 4096

int masq_publish_shared_key_signature(const char *key_base64, size_t content_length,
                                      const char *date, char *out, size_t size)
{
    size_t key_length = strlen(key_base64);
    if (key_length == 0 || key_length % 4 != 0 || key_length > 1024 || size < 45)
        return -1;
    for (size_t i = 0; i < key_length; i++) {
        char c = key_base64[i];
        int padding = c == '=' && i >= key_length - 2;
        if (!padding && !((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                          (c >= '0' && c <= '9') || c == '+' || c == '/'))
            return -1;
    }
    unsigned char key[1024];
    int decoded = EVP_DecodeBlock(key, (const unsigned char *)key_base64, (int)key_length);
    if (decoded < 0)
        return -1;
    /* EVP_DecodeBlock counts the padding as zero bytes. */
    decoded -= (key_base64[key_length - 1] == '=') + (key_base64[key_length - 2] == '=');

    char message[256];
    int message_length =
        snprintf(message, sizeof message, "POST\n%zu\napplication/json\nx-ms-date:%s\n/api/logs",
                 content_length, date);
    if (message_length < 0 || (size_t)message_length >= sizeof message)
        return -1;
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digest_length = 0;
    unsigned char *mac = HMAC(EVP_sha256(), key, decoded, (const unsigned char *)message,
                              (size_t)message_length, digest, &digest_length);
    memset(key, 0, sizeof key);
    if (mac == NULL || digest_length != 32)
        return -1;
    EVP_EncodeBlock((unsigned char *)out, digest, (int)digest_length); /* 44 chars + NUL */
    return 0;
}

/* RFC 1123, in English whatever the locale: "Mon, 04 Apr 2016 08:00:00 GMT". */
static void http_date(char *out, size_t size)
{
    static const char days[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    time_t now = time(NULL);
    struct tm utc;
    gmtime_r(&now, &utc);
    snprintf(out, size, "%s, %02d %s %04d %02d:%02d:%02d GMT", days[utc.tm_wday], utc.tm_mday,
             months[utc.tm_mon], utc.tm_year + 1900, utc.tm_hour, utc.tm_min, utc.tm_sec);
}

static char *trimmed_copy(const char *text, size_t length)
{
    while (length > 0 && (text[length - 1] == '\n' || text[length - 1] == '\r' ||
                          text[length - 1] == ' ' || text[length - 1] == '\t'))
        length--;
    char *copy = malloc(length + 1);
    if (copy != NULL) {
        memcpy(copy, text, length);
        copy[length] = '\0';
    }
    return copy;
}

masq_status masq_data_collector_load_key(const char *key_file, bool check_only, char **key)
{
    if (key != NULL)
        *key = NULL;
    if (key_file == NULL) {
        const char *value = getenv("MASQ_WORKSPACE_KEY");
        if (value == NULL || value[0] == '\0') {
            masq_error("--publish data-collector needs the workspace key: MASQ_WORKSPACE_KEY in "
                       "the environment, or --workspace-key-file FILE (mode 0600)");
            return MASQ_ERR_USAGE;
        }
        masq_secret_add(value);
        if (check_only)
            return MASQ_OK;
        *key = trimmed_copy(value, strlen(value));
        return *key ? MASQ_OK : MASQ_ERR_NOMEM;
    }
    int fd = open(key_file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        masq_error("cannot read the workspace key file %s: %s", key_file, strerror(errno));
        return MASQ_ERR_USAGE;
    }
    struct stat info;
    if (fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
        masq_error("the workspace key file %s is not a regular file", key_file);
        close(fd);
        return MASQ_ERR_USAGE;
    }
    if ((info.st_mode & 077) != 0 || info.st_uid != geteuid()) {
        masq_error("the workspace key file %s must be yours and of mode 0600 (it is %04o); "
                   "run: chmod 600 %s",
                   key_file, (unsigned)(info.st_mode & 07777), key_file);
        close(fd);
        return MASQ_ERR_USAGE;
    }
    char buffer[KEY_FILE_MAX];
    ssize_t got = read(fd, buffer, sizeof buffer - 1);
    close(fd);
    if (got <= 0) {
        masq_error("the workspace key file %s is empty or unreadable", key_file);
        return MASQ_ERR_USAGE;
    }
    buffer[got] = '\0';
    char *copy = trimmed_copy(buffer, (size_t)got);
    memset(buffer, 0, sizeof buffer);
    if (copy == NULL)
        return MASQ_ERR_NOMEM;
    masq_secret_add(copy);
    if (check_only || key == NULL) {
        memset(copy, 0, strlen(copy));
        free(copy);
        return MASQ_OK;
    }
    *key = copy;
    return MASQ_OK;
}

char *masq_data_collector_url(const masq_publish_target *target)
{
    size_t size =
        (target->endpoint ? strlen(target->endpoint) : 0) + strlen(target->workspace_id) + 96;
    char *url = malloc(size);
    if (url == NULL)
        return NULL;
    if (target->endpoint != NULL) {
        size_t base = strlen(target->endpoint);
        while (base > 0 && target->endpoint[base - 1] == '/')
            base--;
        snprintf(url, size, "%.*s/api/logs?api-version=" API_VERSION, (int)base, target->endpoint);
    } else {
        snprintf(url, size, "https://%s.ods.opinsights.azure.com/api/logs?api-version=" API_VERSION,
                 target->workspace_id);
    }
    return url;
}

typedef struct collector_send {
    masq_publish_session *session;
    const masq_publish_target *target;
    const char *url;
    const char *body;
    size_t body_size;
    bool bad_key;
} collector_send;

static masq_status prepare_collector(void *context, masq_http_request *request,
                                     const masq_http_response *previous)
{
    (void)previous;
    collector_send *send = context;
    char date[64], signature[64];
    http_date(date, sizeof date);
    if (masq_publish_shared_key_signature(send->session->workspace_key, send->body_size, date,
                                          signature, sizeof signature) != 0) {
        send->bad_key = true;
        return MASQ_ERR_USAGE;
    }
    char authorization[512], date_header[96], log_type[160];
    snprintf(authorization, sizeof authorization, "Authorization: SharedKey %s:%s",
             send->target->workspace_id, signature);
    snprintf(date_header, sizeof date_header, "x-ms-date: %s", date);
    snprintf(log_type, sizeof log_type, "Log-Type: %s", send->target->log_type);
    static const char *const fixed[] = {
        /* No charset: the service may answer 403 when one is given. */
        "Content-Type: application/json",
        "time-generated-field: TimeStamp",
        "Expect:",
    };
    const char *headers[] = {authorization, date_header, log_type, fixed[0], fixed[1], fixed[2]};
    struct curl_slist *list = NULL;
    for (size_t i = 0; i < sizeof headers / sizeof *headers; i++) {
        struct curl_slist *more = curl_slist_append(list, headers[i]);
        if (more == NULL) {
            curl_slist_free_all(list);
            return MASQ_ERR_NOMEM;
        }
        list = more;
    }
    memset(signature, 0, sizeof signature);
    memset(authorization, 0, sizeof authorization);
    request->method = "POST";
    request->url = send->url;
    request->headers = list;
    request->body = send->body;
    request->body_size = send->body_size;
    return MASQ_OK;
}

masq_send_result masq_data_collector_send(masq_publish_session *session,
                                          const masq_publish_target *target, const char *body,
                                          size_t body_size, char *message, size_t message_size)
{
    message[0] = '\0';
    if (session->workspace_key == NULL &&
        masq_data_collector_load_key(session->config->workspace_key_file, false,
                                     &session->workspace_key) != MASQ_OK) {
        snprintf(message, message_size, "no workspace key");
        return MASQ_SEND_NO_CREDENTIALS;
    }
    char *url = masq_data_collector_url(target);
    if (url == NULL) {
        snprintf(message, message_size, "out of memory");
        return MASQ_SEND_UNDELIVERED;
    }
    collector_send send = {session, target, url, body, body_size, false};
    masq_http_response response;
    masq_http_outcome outcome =
        masq_http_exchange(&session->http, prepare_collector, &send, 200, &response);
    masq_send_result result;
    if (outcome == MASQ_HTTP_ACKNOWLEDGED) {
        result = MASQ_SEND_ACKNOWLEDGED;
    } else if (outcome == MASQ_HTTP_LOCAL_ERROR) {
        snprintf(message, message_size, "%s",
                 send.bad_key ? "the workspace key is not Base64 (copy the primary or secondary "
                                "key from the workspace's Agents page)"
                              : "the request could not be built");
        result = send.bad_key ? MASQ_SEND_NO_CREDENTIALS : MASQ_SEND_UNDELIVERED;
    } else {
        masq_http_describe(&response, message, message_size);
        result = masq_send_result_of(outcome, &response);
    }
    masq_http_response_free(&response);
    free(url);
    return result;
}
