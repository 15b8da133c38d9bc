/* Batches under an API's size limit, gzip, and where a batch splits
 * (publish_batch.c). */
#ifndef MASQ_PUBLISH_BATCH_H
#define MASQ_PUBLISH_BATCH_H

#include <stddef.h>

#include "publish_records.h"

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

/* Where a JSON array body can be cut in two between records: the left
 * half is body[0, left_end) + "]", the right "[" + body[right_start, size).
 * -1 when it holds fewer than two records. */
int masq_batch_split_point(const char *body, size_t size, size_t *left_end, size_t *right_start,
                           size_t *left_records, size_t *right_records);

#endif
