/* The export container's listing (blob_list.c): List Blobs with a flat
 * prefix and marker pages, narrowed by --since/--until to the y=/m=/d=/h=
 * prefixes that can hold those hours; the blobs to read. */
#ifndef MASQ_BLOB_LIST_H
#define MASQ_BLOB_LIST_H

#include <stddef.h>
#include <stdint.h>

#include "../util/status.h"
#include "blob_options.h"
#include "blob_source.h"

/* One blob to read, as listed. */
typedef struct masq_blob {
    masq_blob_source *source;
    char *name;
    char *url;     /* container_url + "/" + the name percent-encoded; no SAS: safe to show */
    uint64_t size; /* Content-Length when listed: the bytes read (an append blob may grow) */
} masq_blob;

typedef struct masq_blob_sources {
    masq_blob_source **items;
    size_t count;
    size_t capacity;
} masq_blob_sources;

typedef struct masq_blob_listing {
    masq_blob_sources sources;
    masq_blob *items; /* in name order within each URL given */
    size_t count;
    size_t capacity;
} masq_blob_listing;

/* List the blobs under url (a container, and a prefix) into listing: the
 * event files (.json, .jsonl, .ndjson, .csv and their .gz). since_ms and
 * until_ms (MASQ_TIME_NONE: no bound) narrow the listing to the export's
 * date prefixes that can hold those hours. MASQ_ERR_INPUT with the reason
 * reported (the SAS never in it). */
masq_status masq_blob_list(masq_blob_listing *listing, const char *url,
                           const masq_blob_options *options, int64_t since_ms, int64_t until_ms);
void masq_blob_listing_free(masq_blob_listing *listing);

#endif
