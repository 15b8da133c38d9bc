#include "blob_list.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../azure/azure_token.h"
#include "../names/name_table.h"
#include "../util/clock.h"
#include "../util/log.h"
#include "../util/memory.h"
#include "../util/secrets.h"

/* The service version asked for: bearer tokens need 2017-11-09 or later;
 * 2021-08-06 is what the Python SDK of the tests speaks too. */
#define STORAGE_VERSION "2021-08-06"
#define STORAGE_AUDIENCE "https://storage.azure.com"
/* A page of 5,000 blobs is a few MB of XML; a page past this is refused. */
#define MAX_PAGE_BYTES ((size_t)256 << 20)
/* Past this many date prefixes (about 14 years of days), one flat listing. */
#define MAX_DATE_PREFIXES 5000
#define HOUR_MS ((int64_t)3600 * 1000)
#define DAY_MS (24 * HOUR_MS)

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

struct curl_slist *masq_blob_headers(const masq_blob_source *source)
{
    struct curl_slist *headers = curl_slist_append(NULL, "x-ms-version: " STORAGE_VERSION);
    if (headers != NULL && source->authorization != NULL) {
        struct curl_slist *more = curl_slist_append(headers, source->authorization);
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
    snprintf(line, sizeof line, "%s %s%s%s%s%s", method, url, source->sas ? "&" : "",
             source->sas ? "[SAS redacted]" : "", range ? "  Range: " : "", range ? range : "");
    if (source->sas != NULL && strchr(url, '?') == NULL)
        line[strlen(method) + 1 + strlen(url)] = '?';
    masq_redact(line, shown, sizeof shown);
    FILE *out = source->options->dry_run_out ? source->options->dry_run_out : stderr;
    fprintf(out, "masq: request: %s%s\n", shown,
            source->authorization ? "  Authorization: Bearer [redacted]" : "");
    fflush(out);
}

/* The text of <tag>...</tag> (or <tag attr...>) in [from, end): its start
 * and length, or NULL. *encoded: the element says Encoded="true". */
static const char *xml_element(const char *from, const char *end, const char *tag, size_t *length,
                               bool *encoded)
{
    size_t tag_length = strlen(tag);
    for (const char *p = from; p + tag_length + 2 <= end; p++) {
        p = memchr(p, '<', (size_t)(end - p));
        if (p == NULL || p + tag_length + 2 > end)
            return NULL;
        if (memcmp(p + 1, tag, tag_length) != 0 || (p[1 + tag_length] != '>' &&
                                                    p[1 + tag_length] != ' ' &&
                                                    p[1 + tag_length] != '/'))
            continue;
        const char *close = memchr(p, '>', (size_t)(end - p));
        if (close == NULL)
            return NULL;
        if (encoded != NULL) {
            const char *attr = p + 1 + tag_length;
            *encoded = false;
            for (const char *a = attr; a + 14 <= close; a++)
                if (memcmp(a, "Encoded=\"true\"", 14) == 0)
                    *encoded = true;
        }
        if (close[-1] == '/') { /* <tag/> */
            *length = 0;
            return close + 1;
        }
        const char *text = close + 1;
        char closing[64];
        snprintf(closing, sizeof closing, "</%s>", tag);
        size_t closing_length = strlen(closing);
        for (const char *q = text; q + closing_length <= end; q++) {
            q = memchr(q, '<', (size_t)(end - q));
            if (q == NULL || q + closing_length > end)
                return NULL;
            if (memcmp(q, closing, closing_length) == 0) {
                *length = (size_t)(q - text);
                return text;
            }
        }
        return NULL;
    }
    return NULL;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static size_t put_utf8(char *out, unsigned long code)
{
    if (code < 0x80) {
        out[0] = (char)code;
        return 1;
    }
    if (code < 0x800) {
        out[0] = (char)(0xC0 | (code >> 6));
        out[1] = (char)(0x80 | (code & 0x3F));
        return 2;
    }
    if (code < 0x10000) {
        out[0] = (char)(0xE0 | (code >> 12));
        out[1] = (char)(0x80 | ((code >> 6) & 0x3F));
        out[2] = (char)(0x80 | (code & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (code >> 18));
    out[1] = (char)(0x80 | ((code >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((code >> 6) & 0x3F));
    out[3] = (char)(0x80 | (code & 0x3F));
    return 4;
}

/* XML text to bytes: the five entities and character references; with
 * Encoded="true" (names XML cannot hold), percent-decoded after. NULL when
 * out of memory or when the text decodes to a NUL. */
static char *xml_text(const char *text, size_t length, bool encoded)
{
    char *out = malloc(length + 1);
    if (out == NULL)
        return NULL;
    size_t n = 0;
    for (size_t i = 0; i < length;) {
        if (text[i] != '&') {
            out[n++] = text[i++];
            continue;
        }
        const char *semi = memchr(text + i, ';', length - i);
        size_t entity = semi ? (size_t)(semi - (text + i)) + 1 : 0;
        static const struct {
            const char *name;
            char value;
        } named[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
        bool done = false;
        for (size_t k = 0; k < 5 && !done; k++)
            if (entity == strlen(named[k].name) && memcmp(text + i, named[k].name, entity) == 0) {
                out[n++] = named[k].value;
                done = true;
            }
        if (!done && entity > 3 && text[i + 1] == '#') {
            unsigned long code = text[i + 2] == 'x' ? strtoul(text + i + 3, NULL, 16)
                                                    : strtoul(text + i + 2, NULL, 10);
            if (code == 0 || code > 0x10FFFF) {
                free(out);
                return NULL;
            }
            n += put_utf8(out + n, code); /* a reference is never shorter than its bytes */
            done = true;
        }
        if (done) {
            i += entity;
        } else {
            out[n++] = text[i++];
        }
    }
    out[n] = '\0';
    if (encoded) {
        size_t m = 0;
        for (size_t i = 0; i < n; i++) {
            if (out[i] == '%' && i + 2 < n + 1 && hex_value(out[i + 1]) >= 0 &&
                hex_value(out[i + 2]) >= 0) {
                out[m++] = (char)(hex_value(out[i + 1]) * 16 + hex_value(out[i + 2]));
                i += 2;
            } else {
                out[m++] = out[i];
            }
        }
        out[m] = '\0';
        if (m != strlen(out)) {
            free(out);
            return NULL;
        }
    }
    return out;
}

void masq_blob_describe_failure(const masq_http_response *response, char *out, size_t size)
{
    char raw[900];
    if (response->curl_code != CURLE_OK || response->body == NULL) {
        masq_http_describe(response, raw, sizeof raw);
    } else {
        const char *body = response->body, *end = body + response->body_size;
        size_t code_length = 0, message_length = 0;
        const char *code = xml_element(body, end, "Code", &code_length, NULL);
        const char *message = xml_element(body, end, "Message", &message_length, NULL);
        char *code_text = code ? xml_text(code, code_length, false) : NULL;
        char *message_text = message ? xml_text(message, message_length, false) : NULL;
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

static void source_free(masq_blob_source *source)
{
    if (source == NULL)
        return;
    for (size_t i = 0; i < source->idle_count; i++) {
        masq_http_client_free(source->idle[i]);
        free(source->idle[i]);
    }
    pthread_mutex_destroy(&source->idle_lock);
    free(source->container_url);
    free(source->prefix);
    free(source->sas);
    free(source->authorization);
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
    masq_http_policy policy = masq_blob_policy(options);
    masq_http_client client;
    MASQ_TRY(masq_http_client_init(&client, &policy));
    masq_token token = {0};
    masq_status status =
        masq_token_get(&client, &token, STORAGE_AUDIENCE, options->managed_identity, false);
    if (status == MASQ_OK) {
        masq_secret_add(token.access_token);
        size_t size = strlen(token.access_token) + 32;
        source->authorization = malloc(size);
        if (source->authorization == NULL)
            status = MASQ_ERR_NOMEM;
        else
            snprintf(source->authorization, size, "Authorization: Bearer %s", token.access_token);
    } else {
        masq_error("%s: no token for Azure Storage, nothing read", source->container_url);
        status = MASQ_ERR_INPUT;
    }
    masq_token_free(&token);
    masq_http_client_free(&client);
    return status;
}

/* https://ACCOUNT.blob.core.windows.net/CONTAINER[/PREFIX], or path-style
 * for an address (Azurite, a stand-in): http://127.0.0.1:10000/ACCOUNT/CONTAINER[/PREFIX]. */
static masq_status source_open(masq_blob_source **out, const char *url,
                               const masq_blob_options *options)
{
    *out = NULL;
    MASQ_TRY(masq_blob_url_check(url));
    masq_blob_source *source = calloc(1, sizeof *source);
    if (source != NULL)
        pthread_mutex_init(&source->idle_lock, NULL);
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
    source->options = options;
    if (status == MASQ_OK)
        status = source_sas(source, options);
    if (status == MASQ_OK && source->sas == NULL)
        status = source_token(source, options);
    if (status != MASQ_OK) {
        source_free(source);
        return status;
    }
    *out = source;
    return MASQ_OK;
}

/* ---- the listing ---- */

typedef struct page {
    char *data;
    size_t length, capacity;
    bool too_big;
} page;

static int page_sink(void *context, long status, const char *data, size_t size)
{
    (void)status;
    page *p = context;
    if (p->length + size > MAX_PAGE_BYTES) {
        p->too_big = true;
        return -1;
    }
    if (masq_grow((void **)&p->data, &p->capacity, p->length + size + 1, 1) != 0)
        return -1;
    memcpy(p->data + p->length, data, size);
    p->length += size;
    p->data[p->length] = '\0';
    return 0;
}

typedef struct list_request {
    const masq_blob_source *source;
    const char *url; /* without the SAS */
    char *signed_url;
    page *body;
} list_request;

static masq_status prepare_list(void *context, masq_http_request *request,
                                const masq_http_response *previous)
{
    (void)previous;
    list_request *l = context;
    l->body->length = 0; /* a retried page is read again whole */
    request->method = "GET";
    request->url = l->signed_url;
    request->headers = masq_blob_headers(l->source);
    if (request->headers == NULL)
        return MASQ_ERR_NOMEM;
    masq_blob_show_request(l->source, "GET", l->url, NULL);
    return MASQ_OK;
}

typedef struct name_list {
    char **items;
    size_t count;
    size_t capacity;
} name_list;

static void name_list_free(name_list *list)
{
    for (size_t i = 0; i < list->count; i++)
        free(list->items[i]);
    free(list->items);
}

static bool is_event_name(const char *name)
{
    static const char *const suffixes[] = {".json",    ".jsonl",    ".ndjson",    ".csv",
                                           ".json.gz", ".jsonl.gz", ".ndjson.gz", ".csv.gz"};
    size_t n = strlen(name);
    for (size_t i = 0; i < sizeof suffixes / sizeof *suffixes; i++) {
        size_t m = strlen(suffixes[i]);
        if (n >= m && strcasecmp(name + n - m, suffixes[i]) == 0)
            return true;
    }
    return false;
}

static char *blob_url(CURL *curl, const masq_blob_source *source, const char *name)
{
    char *escaped = curl_easy_escape(curl, name, 0);
    if (escaped == NULL)
        return NULL;
    for (char *s = escaped; (s = strstr(s, "%2F")) != NULL;)
        memmove(s + 1, s + 3, strlen(s + 3) + 1), *s = '/';
    size_t size = strlen(source->container_url) + strlen(escaped) + 2;
    char *url = malloc(size);
    if (url != NULL)
        snprintf(url, size, "%s/%s", source->container_url, escaped);
    curl_free(escaped);
    return url;
}

/* One page's blobs into listing, its prefixes (with a delimiter) into
 * prefixes; the next marker (malloc'd, NULL at the end). */
static masq_status read_page(CURL *curl, masq_blob_source *source, const page *body,
                             masq_blob_listing *listing, name_list *prefixes, uint64_t *skipped,
                             char **next_marker)
{
    *next_marker = NULL;
    const char *text = body->data ? body->data : "", *end = text + body->length;
    size_t length;
    bool encoded;
    if (xml_element(text, end, "EnumerationResults", &length, NULL) == NULL) {
        masq_error("%s: the listing is not List Blobs' XML", source->container_url);
        return MASQ_ERR_INPUT;
    }
    const char *blobs = xml_element(text, end, "Blobs", &length, NULL);
    const char *blobs_end = blobs ? blobs + length : NULL;
    for (const char *p = blobs; p != NULL && p < blobs_end;) {
        size_t blob_length, prefix_length;
        const char *blob = xml_element(p, blobs_end, "Blob", &blob_length, NULL);
        const char *prefix = xml_element(p, blobs_end, "BlobPrefix", &prefix_length, NULL);
        const char *next = blob && (!prefix || blob < prefix) ? blob : prefix;
        if (next == NULL)
            break;
        bool is_blob = next == blob;
        size_t element_length = is_blob ? blob_length : prefix_length;
        const char *name = xml_element(next, next + element_length, "Name", &length, &encoded);
        char *decoded = name ? xml_text(name, length, encoded) : NULL;
        p = next + element_length;
        if (decoded == NULL) {
            masq_warn("%s: a listed name that cannot be read (a NUL, or bad XML): skipped",
                      source->container_url);
            continue;
        }
        if (!is_blob) {
            if (MASQ_PUSH(*prefixes, decoded) != 0) {
                free(decoded);
                return MASQ_ERR_NOMEM;
            }
            continue;
        }
        const char *size_text =
            xml_element(next, next + element_length, "Content-Length", &length, NULL);
        if (!is_event_name(decoded) || size_text == NULL) {
            masq_debug("skipping the blob %s (not a .json, .jsonl, .ndjson or .csv file)",
                       decoded);
            (*skipped)++;
            free(decoded);
            continue;
        }
        masq_blob item = {.source = source, .name = decoded,
                          .size = strtoull(size_text, NULL, 10)};
        item.url = blob_url(curl, source, decoded);
        if (item.url == NULL || MASQ_PUSH(*listing, item) != 0) {
            free(item.url);
            free(decoded);
            return MASQ_ERR_NOMEM;
        }
    }
    const char *marker = xml_element(text, end, "NextMarker", &length, NULL);
    if (marker != NULL && length > 0) {
        *next_marker = xml_text(marker, length, false);
        if (*next_marker == NULL)
            return MASQ_ERR_NOMEM;
    }
    return MASQ_OK;
}

/* Every page of one listing: prefix, an optional delimiter, marker pages. */
static masq_status list_prefix(masq_blob_source *source, const char *prefix,
                               const char *delimiter, masq_blob_listing *listing,
                               name_list *prefixes, uint64_t *skipped)
{
    masq_http_client *client = masq_blob_client_take(source);
    if (client == NULL)
        return MASQ_ERR_NOMEM;
    page body = {0};
    char *marker = NULL;
    masq_status status = MASQ_OK;
    uint64_t pages = 0;
    do {
        char *prefix_escaped = curl_easy_escape(client->curl, prefix, 0);
        char *delimiter_escaped = delimiter ? curl_easy_escape(client->curl, delimiter, 0) : NULL;
        char *marker_escaped = marker ? curl_easy_escape(client->curl, marker, 0) : NULL;
        size_t size = strlen(source->container_url) + 96 +
                      (prefix_escaped ? strlen(prefix_escaped) : 0) +
                      (delimiter_escaped ? strlen(delimiter_escaped) : 0) +
                      (marker_escaped ? strlen(marker_escaped) : 0);
        char *url = malloc(size);
        if (url == NULL || prefix_escaped == NULL || (delimiter && !delimiter_escaped) ||
            (marker && !marker_escaped)) {
            status = MASQ_ERR_NOMEM;
        } else {
            snprintf(url, size, "%s?restype=container&comp=list%s%s%s%s%s%s",
                     source->container_url, prefix[0] ? "&prefix=" : "",
                     prefix[0] ? prefix_escaped : "", delimiter ? "&delimiter=" : "",
                     delimiter ? delimiter_escaped : "", marker ? "&marker=" : "",
                     marker ? marker_escaped : "");
        }
        curl_free(prefix_escaped);
        curl_free(delimiter_escaped);
        curl_free(marker_escaped);
        list_request request = {source, url, url ? masq_blob_signed_url(source, url) : NULL,
                                &body};
        if (status == MASQ_OK && request.signed_url == NULL)
            status = MASQ_ERR_NOMEM;
        if (status == MASQ_OK) {
            masq_debug("listing %s (prefix %s, page %llu)", source->container_url, prefix,
                       (unsigned long long)pages + 1);
            masq_http_response response;
            masq_http_outcome outcome =
                masq_http_stream(client, prepare_list, &request, page_sink, &body, &response);
            if (outcome != MASQ_HTTP_ACKNOWLEDGED) {
                char why[1400];
                if (body.too_big)
                    snprintf(why, sizeof why, "a page of the listing is over %zu MiB",
                             MAX_PAGE_BYTES >> 20);
                else
                    masq_blob_describe_failure(&response, why, sizeof why);
                masq_error("cannot list the blobs of %s: %s", source->container_url, why);
                status = outcome == MASQ_HTTP_LOCAL_ERROR && !body.too_big ? MASQ_ERR_NOMEM
                                                                            : MASQ_ERR_INPUT;
            }
            masq_http_response_free(&response);
        }
        free(request.signed_url);
        free(url);
        free(marker);
        marker = NULL;
        if (status == MASQ_OK)
            status = read_page(client->curl, source, &body, listing, prefixes, skipped, &marker);
        pages++;
    } while (status == MASQ_OK && marker != NULL);
    free(marker);
    free(body.data);
    masq_blob_client_release(source, client);
    return status;
}

/* The export's date prefixes of [since, until): a day's "YYYY/m=MM/d=DD/"
 * when the whole day is inside, else each hour's ".../h=HH/". */
static masq_status date_prefixes(int64_t since_ms, int64_t until_ms, name_list *out)
{
    int64_t first = since_ms - ((since_ms % HOUR_MS) + HOUR_MS) % HOUR_MS;
    for (int64_t t = first; t < until_ms;) {
        time_t seconds = (time_t)(t / 1000);
        struct tm day;
        gmtime_r(&seconds, &day);
        bool whole_day = day.tm_hour == 0 && t + DAY_MS <= until_ms;
        char text[64];
        if (whole_day)
            snprintf(text, sizeof text, "%04d/m=%02d/d=%02d/", day.tm_year + 1900, day.tm_mon + 1,
                     day.tm_mday);
        else
            snprintf(text, sizeof text, "%04d/m=%02d/d=%02d/h=%02d/", day.tm_year + 1900,
                     day.tm_mon + 1, day.tm_mday, day.tm_hour);
        char *copy = strdup(text);
        if (copy == NULL || MASQ_PUSH(*out, copy) != 0) {
            free(copy);
            return MASQ_ERR_NOMEM;
        }
        t += whole_day ? DAY_MS : HOUR_MS;
        if (out->count > MAX_DATE_PREFIXES)
            return MASQ_ERR_USAGE; /* the caller lists flat */
    }
    return MASQ_OK;
}

static masq_status list_narrowed(masq_blob_source *source, int64_t since_ms,
                                 int64_t until_ms, masq_blob_listing *listing, uint64_t *skipped)
{
    name_list dates = {0}, stems = {0};
    masq_status status = date_prefixes(since_ms, until_ms, &dates);
    if (status == MASQ_ERR_USAGE) {
        name_list_free(&dates);
        return list_prefix(source, source->prefix, NULL, listing, &stems, skipped);
    }
    /* One listing with the delimiter "y=" gives the export's folders (one
     * per workspace: WorkspaceResourceId=/.../workspaces/NAME/y=), and the
     * blobs outside them, flat. */
    if (status == MASQ_OK)
        status = list_prefix(source, source->prefix, "y=", listing, &stems, skipped);
    for (size_t s = 0; s < stems.count && status == MASQ_OK; s++) {
        for (size_t d = 0; d < dates.count && status == MASQ_OK; d++) {
            size_t size = strlen(stems.items[s]) + strlen(dates.items[d]) + 1;
            char *prefix = malloc(size);
            if (prefix == NULL) {
                status = MASQ_ERR_NOMEM;
                break;
            }
            snprintf(prefix, size, "%s%s", stems.items[s], dates.items[d]);
            name_list none = {0};
            status = list_prefix(source, prefix, NULL, listing, &none, skipped);
            name_list_free(&none);
            free(prefix);
        }
    }
    masq_info("%s: %zu export folder%s, %zu date prefix%s listed", source->container_url,
              stems.count, stems.count == 1 ? "" : "s", stems.count * dates.count,
              stems.count * dates.count == 1 ? "" : "es");
    name_list_free(&dates);
    name_list_free(&stems);
    return status;
}

masq_status masq_blob_list(masq_blob_listing *listing, const char *url,
                           const masq_blob_options *options, int64_t since_ms, int64_t until_ms)
{
    masq_blob_source *source;
    MASQ_TRY(source_open(&source, url, options));
    if (MASQ_PUSH(listing->sources, source) != 0) {
        source_free(source);
        return MASQ_ERR_NOMEM;
    }
    size_t before = listing->count;
    uint64_t skipped = 0;
    masq_status status;
    /* Narrowed only when the prefix stops above the date folders. */
    if (since_ms != MASQ_TIME_NONE && strstr(source->prefix, "y=") == NULL) {
        /* --since alone (--last): up to an hour past now. */
        int64_t until = until_ms != MASQ_TIME_NONE ? until_ms : masq_clock_wall_ms() + HOUR_MS;
        status = list_narrowed(source, since_ms, until, listing, &skipped);
    } else {
        name_list none = {0};
        status = list_prefix(source, source->prefix, NULL, listing, &none, &skipped);
        name_list_free(&none);
    }
    if (status == MASQ_OK) {
        uint64_t bytes = 0;
        for (size_t i = before; i < listing->count; i++)
            bytes += listing->items[i].size;
        masq_info("%s: %zu blob%s to read (%.1f MB)%s", source->container_url,
                  listing->count - before, listing->count - before == 1 ? "" : "s",
                  (double)bytes / 1e6, skipped ? ", other blobs skipped" : "");
        if (listing->count == before)
            masq_warn("%s: no .json, .jsonl, .ndjson or .csv blobs under this prefix%s",
                      url, since_ms != MASQ_TIME_NONE ? " in the time window" : "");
    }
    return status;
}

void masq_blob_listing_free(masq_blob_listing *listing)
{
    for (size_t i = 0; i < listing->count; i++) {
        free(listing->items[i].name);
        free(listing->items[i].url);
    }
    free(listing->items);
    for (size_t i = 0; i < listing->sources.count; i++)
        source_free(listing->sources.items[i]);
    free(listing->sources.items);
    memset(listing, 0, sizeof *listing);
}
