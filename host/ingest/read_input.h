/* Reading one input: its lines (plain, gzip, or through a feed), each a JSON
 * object or a CSV record, to rows, to events; bad lines counted and the
 * first few reported with file:line. */
#ifndef MASQ_READ_INPUT_H
#define MASQ_READ_INPUT_H

#include <stdbool.h>
#include <stdint.h>

#include "../util/status.h"
#include "ingest_state.h"
#include "input_sniff.h"

/* What one reader reads at a time: a whole file, or a part of a large plain
 * file (the lines that start in bytes [start, end)). */
typedef struct masq_input {
    const char *path;
    uint64_t start;
    uint64_t end; /* UINT64_MAX: to the end */
    bool csv;     /* named .csv (any case), or a CSV header by its bytes */
    bool feed;    /* read through a feed (input_feed.h): UTF-16, a JSON document, a stream */
    bool stream;  /* not a regular file: stdin, a FIFO, a device */
    const struct masq_blob *blob; /* a blob of the export container (blob_list.h), or NULL */
    masq_sniff sniff;
} masq_input;

/* Read one input into ingest. A file that cannot be opened is skipped
 * (MASQ_ERR_INPUT under strict). */
masq_status masq_ingest_input(masq_ingest *ingest, const masq_input *item);

#endif
