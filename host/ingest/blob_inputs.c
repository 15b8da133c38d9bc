#include "blob_inputs.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "../util/log.h"
#include "../util/memory.h"
#include "blob_stream.h"

/* As for local files (input_list.c): parts of 32 MiB, for blobs over twice that. */
#define PART_BYTES ((uint64_t)32 << 20)
#define MAX_PARTS 4096

static bool ends_with_nocase(const char *text, const char *suffix)
{
    size_t n = strlen(text), m = strlen(suffix);
    return n >= m && strcasecmp(text + n - m, suffix) == 0;
}

/* Is a large blob plain (to be cut in parts)? Its first two bytes say. */
static bool plain_blob(const masq_blob *blob)
{
    if (ends_with_nocase(blob->name, ".gz"))
        return false;
    unsigned char magic[2];
    char error[1024];
    long got = masq_blob_read_head(blob, magic, sizeof magic, error, sizeof error);
    if (got < 0)
        masq_debug("%s: %s (read whole)", blob->url, error);
    return got == 2 && !(magic[0] == 0x1f && magic[1] == 0x8b);
}

masq_status masq_blob_inputs_add(masq_input_list *items, const masq_blob *blob,
                                 masq_ingest *ingest, uint64_t *total)
{
    masq_input whole = {.path = blob->url, .start = 0, .end = UINT64_MAX, .blob = blob};
    whole.csv = ends_with_nocase(blob->name, ".csv") || ends_with_nocase(blob->name, ".csv.gz");
    whole.sniff.kind = whole.csv ? MASQ_INPUT_CSV : MASQ_INPUT_LINES;
    *total += blob->size;
    bool split = ingest->threads > 1 && blob->size > 2 * PART_BYTES &&
                 ingest->schema != MASQ_SCHEMA_CSV && !whole.csv && plain_blob(blob);
    if (!split)
        return MASQ_PUSH(*items, whole) != 0 ? MASQ_ERR_NOMEM : MASQ_OK;
    /* Each part's stream finds its own line starts (blob_stream.h). At most
     * MAX_PARTS parts a blob: a huge one gets larger parts, not more. */
    uint64_t part = blob->size / MAX_PARTS > PART_BYTES ? blob->size / MAX_PARTS + 1 : PART_BYTES;
    for (uint64_t start = 0; start < blob->size; start += part) {
        masq_input item = whole;
        item.start = start;
        item.end = blob->size - start > part + part / 2 ? start + part : blob->size;
        if (MASQ_PUSH(*items, item) != 0)
            return MASQ_ERR_NOMEM;
        if (item.end == blob->size)
            break;
    }
    return MASQ_OK;
}
