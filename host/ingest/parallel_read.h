/* A parallel read: reader threads take the next input in turn, each with its
 * own reader state, and count into one shared table (ingest_shared.h); their
 * counts are added up after. The result is that of one reader. */
#ifndef MASQ_PARALLEL_READ_H
#define MASQ_PARALLEL_READ_H

#include <stddef.h>

#include "../util/status.h"
#include "ingest_state.h"
#include "read_input.h"

/* Read inputs[0..count) with threads readers (> 1) into ingest. */
masq_status masq_read_parallel(masq_ingest *ingest, const masq_input *inputs, size_t count,
                               int threads);

#endif
