#include "blob_list.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "../names/name_table.h"
#include "../util/clock.h"
#include "../util/log.h"
#include "../util/memory.h"
#include "blob_xml.h"

/* A page of 5,000 blobs is a few MB of XML; a page past this is refused. */
#define MAX_PAGE_BYTES ((size_t)256 << 20)
/* Past this many date prefixes (about 14 years of days), one flat listing. */
#define MAX_DATE_PREFIXES 5000
/* Azure's largest block blob: 50,000 blocks of 4,000 MiB. A listed size past
 * it is not a blob the service can hold: the listing is refused. */
#define MAX_BLOB_BYTES ((uint64_t)50000 * 4000 << 20)
/* Pages of one listing (5,000 blobs each: 10^9 blobs); a listing that goes
 * on past them, or hands back the marker it was given, is not the service's. */
#define MAX_PAGES 200000
#define HOUR_MS ((int64_t)3600 * 1000)
#define DAY_MS (24 * HOUR_MS)

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
    masq_blob_source *source; /* its headers renew the token */
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
    if (masq_blob_xml_element(text, end, "EnumerationResults", &length, NULL) == NULL) {
        masq_error("%s: the listing is not List Blobs' XML", source->container_url);
        return MASQ_ERR_INPUT;
    }
    const char *blobs = masq_blob_xml_element(text, end, "Blobs", &length, NULL);
    const char *blobs_end = blobs ? blobs + length : NULL;
    /* The next BlobPrefix is looked for again only once passed: a listing
     * without any (no delimiter) would otherwise be read to its end per blob. */
    const char *prefix = NULL;
    size_t prefix_length = 0;
    bool prefix_searched = false;
    for (const char *p = blobs; p != NULL && p < blobs_end;) {
        size_t blob_length;
        const char *blob = masq_blob_xml_element(p, blobs_end, "Blob", &blob_length, NULL);
        if (!prefix_searched || (prefix != NULL && prefix < p)) {
            prefix = masq_blob_xml_element(p, blobs_end, "BlobPrefix", &prefix_length, NULL);
            prefix_searched = true;
        }
        const char *next = blob && (!prefix || blob < prefix) ? blob : prefix;
        if (next == NULL)
            break;
        bool is_blob = next == blob;
        size_t element_length = is_blob ? blob_length : prefix_length;
        const char *name =
            masq_blob_xml_element(next, next + element_length, "Name", &length, &encoded);
        char *decoded = name ? masq_blob_xml_text(name, length, encoded) : NULL;
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
            masq_blob_xml_element(next, next + element_length, "Content-Length", &length, NULL);
        if (!is_event_name(decoded) || size_text == NULL) {
            masq_debug("skipping the blob %s (not a .json, .jsonl, .ndjson or .csv file)",
                       decoded);
            (*skipped)++;
            free(decoded);
            continue;
        }
        char *size_end = NULL;
        errno = 0;
        unsigned long long size = strtoull(size_text, &size_end, 10);
        if (errno != 0 || size_end == size_text || size > MAX_BLOB_BYTES) {
            masq_error("%s: the listing gives the blob %s a size no blob can have",
                       source->container_url, decoded);
            free(decoded);
            return MASQ_ERR_INPUT;
        }
        masq_blob item = {.source = source, .name = decoded, .size = size};
        item.url = blob_url(curl, source, decoded);
        if (item.url == NULL || MASQ_PUSH(*listing, item) != 0) {
            free(item.url);
            free(decoded);
            return MASQ_ERR_NOMEM;
        }
    }
    const char *marker = masq_blob_xml_element(text, end, "NextMarker", &length, NULL);
    if (marker != NULL && length > 0) {
        *next_marker = masq_blob_xml_text(marker, length, false);
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
        char *given = marker;
        marker = NULL;
        if (status == MASQ_OK)
            status = read_page(client->curl, source, &body, listing, prefixes, skipped, &marker);
        pages++;
        if (status == MASQ_OK && marker != NULL &&
            ((given != NULL && strcmp(marker, given) == 0) || pages >= MAX_PAGES)) {
            masq_error("%s: the listing %s: refused", source->container_url,
                       pages >= MAX_PAGES ? "goes on past 200,000 pages"
                                          : "hands back the marker it was given");
            status = MASQ_ERR_INPUT;
        }
        free(given);
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
    MASQ_TRY(masq_blob_source_open(&source, url, options));
    if (MASQ_PUSH(listing->sources, source) != 0) {
        masq_blob_source_free(source);
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
        masq_blob_source_free(listing->sources.items[i]);
    free(listing->sources.items);
    memset(listing, 0, sizeof *listing);
}
