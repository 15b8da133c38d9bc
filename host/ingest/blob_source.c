#include "blob_source.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../azure/azure_token.h"
#include "../util/clock.h"
#include "../util/log.h"
#include "../util/secrets.h"
#include "blob_xml.h"

/* The service version asked for: bearer tokens need 2017-11-09 or later;
 * 2021-08-06 is what the Python SDK of the tests speaks too. */
#define STORAGE_VERSION "2021-08-06"
#define STORAGE_AUDIENCE "https://storage.azure.com"

bool masq_blob_is_url(const char *argument)
{
    return strncasecmp(argument, "https://", 8) == 0 || strncasecmp(argument, "http://", 7) == 0;
}

masq_status masq_blob_url_check(const char *url)
{
    char why[160];
    if (strchr(url, '?') != NULL) {
        /* Not echoed: the query may be the SAS itself. */
        masq_error("a container URL must not carry a query (a SAS on the command line is seen "
                   "by every user of this machine): put the SAS in MASQ_STORAGE_SAS or "
                   "--sas-file FILE");
        return MASQ_ERR_USAGE;
    }
    if (masq_http_url_allowed(url, false, why, sizeof why) != 0) {
        masq_error("cannot read %s: %s", url, why);
        return MASQ_ERR_USAGE;
    }
    return MASQ_OK;
}

masq_http_policy masq_blob_policy(const masq_blob_options *options)
{
    masq_http_policy policy = {
        .timeout_seconds = options->timeout_seconds > 0 ? options->timeout_seconds : 60,
        .retries = options->retries >= 0 ? options->retries : 8,
        .backoff_seconds = options->backoff_seconds > 0 ? options->backoff_seconds : 0.5,
        .max_wait_seconds = 120,
        .max_total_wait = 1e9, /* bounded by the retries */
    };
    return policy;
}

char *masq_blob_signed_url(const masq_blob_source *source, const char *url)
{
    size_t size = strlen(url) + (source->sas ? strlen(source->sas) : 0) + 2;
    char *signed_url = malloc(size);
    if (signed_url == NULL)
        return NULL;
    if (source->sas != NULL)
        snprintf(signed_url, size, "%s%c%s", url, strchr(url, '?') ? '&' : '?', source->sas);
    else
        snprintf(signed_url, size, "%s", url);
    return signed_url;
}

/* A failed renewal is tried again after this long; the old token, renewed 5
 * minutes early, is still good meanwhile. */
#define RENEW_RETRY_SECONDS 30.0

/* The token again when it is due (within 5 minutes of its expiry), under
 * the token's lock: a new one is fetched beside the old, which stays in use
 * when the fetch fails. */
static void renew_token(masq_blob_source *source)
{
    if (!masq_token_due(&source->token) || masq_clock_now() < source->renew_after)
        return;
    masq_token fresh = {0};
    char *authorization = NULL;
    if (masq_token_get(source->token_client, &fresh, STORAGE_AUDIENCE,
                       source->options->managed_identity, false) != MASQ_OK ||
        (authorization = masq_token_authorization(&fresh)) == NULL) {
        masq_token_free(&fresh);
        source->renew_after = masq_clock_now() + RENEW_RETRY_SECONDS;
        masq_warn("%s: the token for Azure Storage could not be renewed: the requests carry "
                  "the old one until it expires, and the renewal is tried again in %.0f s",
                  source->container_url, RENEW_RETRY_SECONDS);
        return;
    }
    masq_token_free(&source->token);
    source->token = fresh;
    masq_token_authorization_free(source->authorization);
    source->authorization = authorization;
}

struct curl_slist *masq_blob_headers(masq_blob_source *source)
{
    struct curl_slist *headers = curl_slist_append(NULL, "x-ms-version: " STORAGE_VERSION);
    if (headers != NULL && source->bearer) {
        pthread_mutex_lock(&source->token_lock);
        renew_token(source);
        struct curl_slist *more = curl_slist_append(headers, source->authorization);
        pthread_mutex_unlock(&source->token_lock);
        if (more == NULL) {
            curl_slist_free_all(headers);
            return NULL;
        }
        headers = more;
    }
    return headers;
}

void masq_blob_show_request(const masq_blob_source *source, const char *method, const char *url,
                            const char *range)
{
    if (!source->options->dry_run)
        return;
    char line[2400], shown[2400];
    const char *separator = source->sas == NULL ? "" : strchr(url, '?') ? "&" : "?";
    snprintf(line, sizeof line, "%s %s%s%s%s%s", method, url, separator,
             source->sas ? "[SAS redacted]" : "", range ? "  Range: " : "", range ? range : "");
    masq_redact(line, shown, sizeof shown);
    FILE *out = source->options->dry_run_out ? source->options->dry_run_out : stderr;
    fprintf(out, "masq: request: %s%s\n", shown,
            source->bearer ? "  Authorization: Bearer [redacted]" : "");
    fflush(out);
}

void masq_blob_describe_failure(const masq_http_response *response, char *out, size_t size)
{
    char raw[900];
    if (response->curl_code != CURLE_OK || response->body == NULL) {
        masq_http_describe(response, raw, sizeof raw);
    } else {
        const char *body = response->body, *end = body + response->body_size;
        size_t code_length = 0, message_length = 0;
        const char *code = masq_blob_xml_element(body, end, "Code", &code_length, NULL);
        const char *message = masq_blob_xml_element(body, end, "Message", &message_length, NULL);
        char *code_text = code ? masq_blob_xml_text(code, code_length, false) : NULL;
        char *message_text = message ? masq_blob_xml_text(message, message_length, false) : NULL;
        if (message_text != NULL) {
            char *newline = strchr(message_text, '\n');
            if (newline != NULL)
                *newline = '\0'; /* the rest is a RequestId and a time */
        }
        snprintf(raw, sizeof raw, "HTTP %ld%s%s%s%.300s", response->status,
                 code_text ? " " : "", code_text ? code_text : "", message_text ? ": " : "",
                 message_text ? message_text : "");
        free(code_text);
        free(message_text);
    }
    const char *hint = "";
    if (response->curl_code == CURLE_OK && (response->status == 401 || response->status == 403))
        hint = " (a SAS in MASQ_STORAGE_SAS or --sas-file needs read and list permissions, sp=rl, "
               "and must be current; a token needs the role Storage Blob Data Reader on the "
               "container or the account)";
    else if (response->curl_code == CURLE_OK && response->status == 404)
        hint = " (is the container name right? The export writes am-<table>, lower case)";
    char joined[1400];
    snprintf(joined, sizeof joined, "%s%s", raw, hint);
    masq_redact(joined, out, size);
}

/* ---- the source: URL and credentials ---- */

static bool host_is_address(const char *host)
{
    if (strcasecmp(host, "localhost") == 0 || host[0] == '[')
        return true;
    for (const char *p = host; *p; p++)
        if ((*p < '0' || *p > '9') && *p != '.')
            return false;
    return true;
}

masq_http_client *masq_blob_client_take(masq_blob_source *source)
{
    masq_http_client *client = NULL;
    pthread_mutex_lock(&source->idle_lock);
    if (source->idle_count > 0)
        client = source->idle[--source->idle_count];
    pthread_mutex_unlock(&source->idle_lock);
    if (client != NULL) {
        client->waited = 0;
        return client;
    }
    client = malloc(sizeof *client);
    masq_http_policy policy = masq_blob_policy(source->options);
    if (client != NULL && masq_http_client_init(client, &policy) != MASQ_OK) {
        free(client);
        client = NULL;
    }
    return client;
}

void masq_blob_client_release(masq_blob_source *source, masq_http_client *client)
{
    if (client == NULL)
        return;
    pthread_mutex_lock(&source->idle_lock);
    bool kept = source->idle_count < sizeof source->idle / sizeof *source->idle;
    if (kept)
        source->idle[source->idle_count++] = client;
    pthread_mutex_unlock(&source->idle_lock);
    if (!kept) {
        masq_http_client_free(client);
        free(client);
    }
}

void masq_blob_source_free(masq_blob_source *source)
{
    if (source == NULL)
        return;
    for (size_t i = 0; i < source->idle_count; i++) {
        masq_http_client_free(source->idle[i]);
        free(source->idle[i]);
    }
    pthread_mutex_destroy(&source->idle_lock);
    pthread_mutex_destroy(&source->token_lock);
    if (source->token_client != NULL) {
        masq_http_client_free(source->token_client);
        free(source->token_client);
    }
    masq_token_free(&source->token);
    free(source->container_url);
    free(source->prefix);
    free(source->sas);
    masq_token_authorization_free(source->authorization);
    free(source);
}

#define SAS_FILE_MAX 8192

/* --sas-file: yours, mode 0600, a regular file. A malloc'd copy, or NULL
 * (reported). */
static char *read_sas_file(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        masq_error("cannot read the SAS file %s: %s", path, strerror(errno));
        return NULL;
    }
    struct stat info;
    if (fstat(fd, &info) != 0 || !S_ISREG(info.st_mode) || (info.st_mode & 077) != 0 ||
        info.st_uid != geteuid()) {
        masq_error("the SAS file %s must be a regular file, yours, of mode 0600 (it is %04o); "
                   "run: chmod 600 %s",
                   path, (unsigned)(info.st_mode & 07777), path);
        close(fd);
        return NULL;
    }
    char *buffer = calloc(1, SAS_FILE_MAX + 1);
    ssize_t got = buffer ? read(fd, buffer, SAS_FILE_MAX) : -1;
    close(fd);
    if (got <= 0) {
        masq_error("the SAS file %s is empty or unreadable", path);
        free(buffer);
        return NULL;
    }
    return buffer;
}

/* The SAS, registered as a secret (whole and its signature) before use. */
static masq_status source_sas(masq_blob_source *source, const masq_blob_options *options)
{
    char *from_file = NULL;
    const char *sas = getenv("MASQ_STORAGE_SAS");
    if (options->sas_file != NULL) {
        from_file = read_sas_file(options->sas_file);
        if (from_file == NULL)
            return MASQ_ERR_USAGE;
        sas = from_file;
    }
    if (sas == NULL || sas[0] == '\0')
        return MASQ_OK;
    while (*sas == '?' || *sas == ' ' || *sas == '\n')
        sas++;
    source->sas = strdup(sas);
    if (from_file != NULL) {
        memset(from_file, 0, strlen(from_file));
        free(from_file);
    }
    if (source->sas == NULL)
        return MASQ_ERR_NOMEM;
    size_t length = strlen(source->sas);
    while (length > 0 && (source->sas[length - 1] == '\n' || source->sas[length - 1] == '\r' ||
                          source->sas[length - 1] == ' '))
        source->sas[--length] = '\0';
    masq_secret_add(source->sas);
    const char *sig = strstr(source->sas, "sig=");
    if (sig != NULL) {
        char value[512];
        size_t n = strcspn(sig + 4, "&");
        snprintf(value, sizeof value, "%.*s", (int)(n < sizeof value - 1 ? n : sizeof value - 1),
                 sig + 4);
        masq_secret_add(value);
    }
    for (const char *p = source->sas; *p; p++)
        if ((unsigned char)*p <= ' ' || *p == '#') {
            masq_error("the SAS holds a space, a control character or '#': it is not a query "
                       "string (copy the token that starts with sv=)");
            return MASQ_ERR_USAGE;
        }
    return MASQ_OK;
}

/* Without a SAS: a token for storage from the credentials publishing uses,
 * when there are any; else anonymous requests (a public container). */
static masq_status source_token(masq_blob_source *source, const masq_blob_options *options)
{
    const char *client_id = getenv("AZURE_CLIENT_ID");
    bool have_secret = client_id && *client_id && getenv("AZURE_CLIENT_SECRET") &&
                       getenv("AZURE_TENANT_ID");
    if (!options->managed_identity && !have_secret) {
        masq_info("%s: no SAS (MASQ_STORAGE_SAS, --sas-file) and no Entra credentials "
                  "(AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET, --managed-identity): "
                  "reading anonymously",
                  source->container_url);
        return MASQ_OK;
    }
    MASQ_TRY(masq_token_check_endpoints(options->managed_identity));
    /* Short: a renewal holds the readers' next requests while it runs. */
    masq_http_policy policy = masq_blob_policy(options);
    if (policy.retries > 3)
        policy.retries = 3;
    if (policy.timeout_seconds > 20)
        policy.timeout_seconds = 20;
    source->token_client = malloc(sizeof *source->token_client);
    if (source->token_client == NULL)
        return MASQ_ERR_NOMEM;
    if (masq_http_client_init(source->token_client, &policy) != MASQ_OK) {
        free(source->token_client);
        source->token_client = NULL;
        return MASQ_ERR_NOMEM;
    }
    masq_status status = masq_token_get(source->token_client, &source->token, STORAGE_AUDIENCE,
                                        options->managed_identity, false);
    if (status == MASQ_OK) {
        /* masq_token_get has the token redacted from every message. */
        source->authorization = masq_token_authorization(&source->token);
        source->bearer = source->authorization != NULL;
        if (source->authorization == NULL)
            status = MASQ_ERR_NOMEM;
    } else {
        masq_error("%s: no token for Azure Storage, nothing read", source->container_url);
        status = MASQ_ERR_INPUT;
    }
    return status;
}

/* https://ACCOUNT.blob.core.windows.net/CONTAINER[/PREFIX], or path-style
 * for an address (Azurite, a stand-in): http://127.0.0.1:10000/ACCOUNT/CONTAINER[/PREFIX]. */
masq_status masq_blob_source_open(masq_blob_source **out, const char *url,
                               const masq_blob_options *options)
{
    *out = NULL;
    MASQ_TRY(masq_blob_url_check(url));
    masq_blob_source *source = calloc(1, sizeof *source);
    if (source != NULL) {
        pthread_mutex_init(&source->idle_lock, NULL);
        pthread_mutex_init(&source->token_lock, NULL);
    }
    CURLU *parsed = curl_url();
    char *scheme = NULL, *host = NULL, *port = NULL, *path = NULL;
    masq_status status = source && parsed ? MASQ_OK : MASQ_ERR_NOMEM;
    if (status == MASQ_OK &&
        (curl_url_set(parsed, CURLUPART_URL, url, 0) != CURLUE_OK ||
         curl_url_get(parsed, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
         curl_url_get(parsed, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
         curl_url_get(parsed, CURLUPART_PATH, &path, CURLU_URLDECODE) != CURLUE_OK)) {
        masq_error("cannot read %s: not a URL", url);
        status = MASQ_ERR_USAGE;
    }
    if (status == MASQ_OK) {
        curl_url_get(parsed, CURLUPART_PORT, &port, 0);
        const char *p = path;
        while (*p == '/')
            p++;
        int parts = host_is_address(host) ? 2 : 1; /* account/container, or container */
        const char *cut = p;
        for (int i = 0; i < parts && cut != NULL; i++) {
            cut = strchr(cut, '/');
            if (i < parts - 1 && cut != NULL)
                cut++;
        }
        size_t head = cut ? (size_t)(cut - p) : strlen(p);
        const char *container = p;
        if (parts == 2) {
            const char *slash = memchr(p, '/', head);
            container = slash ? slash + 1 : p + head;
        }
        if (head == 0 || (size_t)(container - p) >= head) {
            masq_error("cannot read %s: no container in the URL (%s)", url,
                       parts == 2 ? "http://ADDRESS:PORT/ACCOUNT/CONTAINER[/PREFIX]"
                                  : "https://ACCOUNT.blob.core.windows.net/CONTAINER[/PREFIX]");
            status = MASQ_ERR_USAGE;
        } else {
            CURL *curl = curl_easy_init();
            char *escaped = curl ? curl_easy_escape(curl, p, (int)head) : NULL;
            /* The account/container separator stays a '/'. */
            if (escaped != NULL)
                for (char *s = escaped; (s = strstr(s, "%2F")) != NULL;)
                    memmove(s + 1, s + 3, strlen(s + 3) + 1), *s = '/';
            size_t size = strlen(scheme) + strlen(host) + (port ? strlen(port) : 0) +
                          (escaped ? strlen(escaped) : 0) + 8;
            source->container_url = malloc(size);
            source->prefix = strdup(cut ? cut + 1 : "");
            if (escaped == NULL || source->container_url == NULL || source->prefix == NULL)
                status = MASQ_ERR_NOMEM;
            else
                snprintf(source->container_url, size, "%s://%s%s%s/%s", scheme, host,
                         port ? ":" : "", port ? port : "", escaped);
            curl_free(escaped);
            if (curl)
                curl_easy_cleanup(curl);
        }
    }
    curl_free(scheme);
    curl_free(host);
    curl_free(port);
    curl_free(path);
    curl_url_cleanup(parsed);
    if (source != NULL)
        source->options = options;
    if (status == MASQ_OK)
        status = source_sas(source, options);
    if (status == MASQ_OK && source->sas == NULL)
        status = source_token(source, options);
    if (status != MASQ_OK) {
        masq_blob_source_free(source);
        return status;
    }
    *out = source;
    return MASQ_OK;
}
