/* The listed blobs as inputs of a read (blob_inputs.c): each blob whole, or,
 * when large and plain, in parts that several readers stream with Range. */
#ifndef MASQ_BLOB_INPUTS_H
#define MASQ_BLOB_INPUTS_H

#include <stdint.h>

#include "../util/status.h"
#include "blob_list.h"
#include "ingest_state.h"
#include "input_list.h"

/* Add one blob (items point to it): read as JSON lines, or CSV when named
 * .csv (.csv.gz); gzip told by its bytes. Its size is added to *total. */
masq_status masq_blob_inputs_add(masq_input_list *items, const masq_blob *blob,
                                 masq_ingest *ingest, uint64_t *total);

#endif
