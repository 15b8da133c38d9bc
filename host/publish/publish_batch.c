/* Batches: records joined into JSON array bodies under an API's size limit
 * (Logs Ingestion 1 MB, Data Collector 30 MB), and gzip for the bodies. */
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "../util/log.h"
#include "publish_batch.h"

void masq_batch_list_free(masq_batch_list *batches)
{
    for (size_t i = 0; i < batches->count; i++)
        free(batches->items[i].body);
    free(batches->items);
    memset(batches, 0, sizeof *batches);
}

static masq_status close_batch(const masq_record_list *records, size_t first, size_t count,
                               size_t size, masq_batch_list *batches)
{
    masq_batch *grown = realloc(batches->items, (batches->count + 1) * sizeof *grown);
    if (grown == NULL)
        return MASQ_ERR_NOMEM;
    batches->items = grown;
    char *body = malloc(size + 1);
    if (body == NULL)
        return MASQ_ERR_NOMEM;
    size_t used = 0;
    body[used++] = '[';
    for (size_t i = first; i < first + count; i++) {
        if (i > first)
            body[used++] = ',';
        size_t length = strlen(records->items[i]);
        memcpy(body + used, records->items[i], length);
        used += length;
    }
    body[used++] = ']';
    body[used] = '\0';
    grown[batches->count++] = (masq_batch){body, used, first, count};
    return MASQ_OK;
}

masq_status masq_publish_batches(const masq_record_list *records, size_t max_bytes,
                                 masq_batch_list *batches)
{
    memset(batches, 0, sizeof *batches);
    size_t first = 0, size = 2; /* "[" and "]" */
    for (size_t i = 0; i < records->count; i++) {
        size_t length = strlen(records->items[i]);
        if (length + 2 > max_bytes) {
            masq_error("a record of %zu bytes is larger than a batch may be (%zu bytes)", length,
                       max_bytes);
            masq_batch_list_free(batches);
            return MASQ_ERR_PUBLISH;
        }
        size_t added = length + (i > first ? 1 : 0);
        if (i > first && size + added > max_bytes) {
            masq_status status = close_batch(records, first, i - first, size, batches);
            if (status != MASQ_OK) {
                masq_batch_list_free(batches);
                return status;
            }
            first = i;
            size = 2;
            added = length;
        }
        size += added;
    }
    if (records->count > first) {
        masq_status status = close_batch(records, first, records->count - first, size, batches);
        if (status != MASQ_OK) {
            masq_batch_list_free(batches);
            return status;
        }
    }
    return MASQ_OK;
}

masq_status masq_publish_gzip(const void *data, size_t size, unsigned char **out, size_t *out_size)
{
    *out = NULL;
    *out_size = 0;
    z_stream stream;
    memset(&stream, 0, sizeof stream);
    /* 15 + 16: a gzip wrapper, not zlib's. */
    if (deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
        Z_OK)
        return MASQ_ERR_NOMEM;
    uLong bound = deflateBound(&stream, (uLong)size);
    unsigned char *buffer = malloc(bound);
    if (buffer == NULL) {
        deflateEnd(&stream);
        return MASQ_ERR_NOMEM;
    }
    stream.next_in = (Bytef *)data;
    stream.avail_in = (uInt)size;
    stream.next_out = buffer;
    stream.avail_out = (uInt)bound;
    int result = deflate(&stream, Z_FINISH);
    size_t produced = stream.total_out;
    deflateEnd(&stream);
    if (result != Z_STREAM_END) {
        free(buffer);
        return MASQ_ERR_INTERNAL;
    }
    *out = buffer;
    *out_size = produced;
    return MASQ_OK;
}

/* The records of a body are the top-level elements of its array; commas
 * inside strings and nested values are skipped, so the halves are the
 * original bytes, never re-serialized. */
int masq_batch_split_point(const char *body, size_t size, size_t *left_end, size_t *right_start,
                           size_t *left_records, size_t *right_records)
{
    size_t commas_capacity = 64, commas_count = 0;
    size_t *commas = malloc(commas_capacity * sizeof *commas);
    if (commas == NULL || size < 2 || body[0] != '[')
        goto fail;
    int depth = 0, in_string = 0;
    for (size_t i = 0; i < size; i++) {
        char c = body[i];
        if (in_string) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_string = 0;
        } else if (c == '"') {
            in_string = 1;
        } else if (c == '[' || c == '{') {
            depth++;
        } else if (c == ']' || c == '}') {
            depth--;
        } else if (c == ',' && depth == 1) {
            if (commas_count == commas_capacity) {
                commas_capacity *= 2;
                size_t *grown = realloc(commas, commas_capacity * sizeof *grown);
                if (grown == NULL)
                    goto fail;
                commas = grown;
            }
            commas[commas_count++] = i;
        }
    }
    if (commas_count == 0 || depth != 0 || in_string)
        goto fail;
    size_t records = commas_count + 1, middle = commas_count / 2;
    *left_end = commas[middle];
    *right_start = commas[middle] + 1;
    *left_records = middle + 1;
    *right_records = records - *left_records;
    free(commas);
    return 0;
fail:
    free(commas);
    return -1;
}
