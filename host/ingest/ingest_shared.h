/* What the readers of a parallel read share: the one name table they count
 * into (each reader gathering its events in a batch first), the
 * de-duplication in stripes, the next input, a stop flag, the number of bad
 * lines reported, and their progress. */
#ifndef MASQ_INGEST_SHARED_H
#define MASQ_INGEST_SHARED_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "../names/name_table.h"
#include "../util/status.h"
#include "dedup.h"
#include "ingest_state.h"

/* The de-duplication of a parallel read, in stripes by key so that readers
 * seldom wait for each other (each stripe keeps its keys by hour: those of
 * the hour being read stay in the cache). */
#define MASQ_DEDUP_STRIPES 32

typedef struct masq_dedup_stripe {
    pthread_mutex_t lock;
    masq_dedup dedup;
} masq_dedup_stripe;

typedef struct masq_ingest_shared {
    pthread_mutex_t lock;       /* the progress sink */
    pthread_mutex_t table_lock; /* the one name table all readers count into */
    masq_dedup_stripe stripes[MASQ_DEDUP_STRIPES];
    atomic_size_t next;
    atomic_bool stop;
    atomic_uint reported;
    int readers;
    uint64_t *reader_bytes; /* per reader: input bytes read (under the lock) */
    uint64_t *reader_events;
} masq_ingest_shared;

/* NULL when out of memory. */
masq_ingest_shared *masq_ingest_shared_open(int readers);
void masq_ingest_shared_close(masq_ingest_shared *shared);

/* masq_dedup_check on the stripe of the key, under its lock. */
masq_status masq_ingest_shared_dedup(masq_ingest_shared *shared, uint64_t key, int64_t time_ms,
                                     bool *seen);

/* Add a sighting to the reader's batch (a huge one straight into the table);
 * a full batch goes into the shared table under its lock. */
masq_status masq_ingest_batch_add(masq_ingest *ingest, const masq_sighting *sighting);
/* Count one sighting into its table (its day's with --baseline) and record
 * it for the twins; in a parallel read the caller holds the table's lock. */
masq_status masq_ingest_count(masq_ingest *ingest, const masq_sighting *sighting);

/* The reader's batch into the shared table now. */
masq_status masq_ingest_batch_flush(masq_ingest *ingest);

/* Progress of one reader: every 64k lines and at the end of each file. The
 * sink is called under the shared lock, with the readers' totals. */
void masq_ingest_report_progress(masq_ingest *ingest, uint64_t file_bytes, bool finished);

#endif
