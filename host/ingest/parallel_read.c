#include "parallel_read.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "../util/log.h"
#include "ingest_shared.h"

typedef struct reader {
    masq_ingest ingest;
    const masq_input *inputs;
    size_t count;
    masq_status status;
} reader;

static void *reader_run(void *argument)
{
    reader *r = argument;
    masq_ingest_shared *shared = r->ingest.shared;
    while (!atomic_load(&shared->stop)) {
        size_t i = atomic_fetch_add(&shared->next, 1);
        if (i >= r->count)
            break;
        r->status = masq_ingest_input(&r->ingest, &r->inputs[i]);
        if (r->status != MASQ_OK)
            atomic_store(&shared->stop, true);
    }
    masq_status flushed = masq_ingest_batch_flush(&r->ingest);
    if (r->status == MASQ_OK)
        r->status = flushed;
    return NULL;
}

static void add_stats(masq_ingest_stats *to, const masq_ingest_stats *from)
{
    to->files += from->files;
    to->bytes += from->bytes;
    to->lines += from->lines;
    to->events += from->events;
    to->demo_events += from->demo_events;
    to->other_events += from->other_events;
    to->unnamed_events += from->unnamed_events;
    to->outside_window += from->outside_window;
    to->duplicates += from->duplicates;
    to->malformed_lines += from->malformed_lines;
    to->damaged_files += from->damaged_files;
    to->skipped_files += from->skipped_files;
    to->unreadable_times += from->unreadable_times;
    to->evtx_records += from->evtx_records;
    to->evtx_malformed_records += from->evtx_malformed_records;
    to->evtx_damaged_chunks += from->evtx_damaged_chunks;
}

masq_status masq_read_parallel(masq_ingest *ingest, const masq_input *inputs, size_t count,
                               int threads)
{
    masq_ingest_shared *shared = masq_ingest_shared_open(threads);
    reader *readers = calloc((size_t)threads, sizeof *readers);
    pthread_t *ids = calloc((size_t)threads, sizeof *ids);
    masq_status status = shared && readers && ids ? MASQ_OK : MASQ_ERR_NOMEM;
    if (shared)
        atomic_store(&shared->reported, ingest->reported);
    /* A reader whose thread cannot be created leaves its share to the others;
     * when none can be, the calling thread reads everything. */
    bool *ran = calloc((size_t)threads, sizeof *ran);
    if (ran == NULL)
        status = MASQ_ERR_NOMEM;
    int initialized = 0, started = 0;
    for (int t = 0; t < threads && status == MASQ_OK; t++) {
        reader *r = &readers[t];
        initialized++;
        masq_ingest_init(&r->ingest, ingest->names, ingest->strict);
        r->ingest.schema = ingest->schema;
        r->ingest.securityevent_only = ingest->securityevent_only;
        r->ingest.since_ms = ingest->since_ms;
        r->ingest.until_ms = ingest->until_ms;
        r->ingest.twins = ingest->twins;
        r->ingest.days = ingest->days; /* --baseline: each sighting into its day's table */
        r->ingest.report_limit = ingest->report_limit;
        r->ingest.shared = shared;
        r->ingest.reader_index = t;
        r->ingest.progress = ingest->progress;
        r->ingest.progress_context = ingest->progress_context;
        r->ingest.progress_total = ingest->progress_total;
        r->inputs = inputs;
        r->count = count;
        if (pthread_create(&ids[t], NULL, reader_run, r) == 0) {
            ran[t] = true;
            started++;
        }
    }
    if (status == MASQ_OK && started == 0 && initialized > 0) {
        masq_warn("cannot start reader threads: reading in one thread");
        reader_run(&readers[0]);
    }
    for (int t = 0; t < initialized; t++)
        if (ran[t])
            pthread_join(ids[t], NULL);
    for (int t = 0; t < initialized; t++) {
        reader *r = &readers[t];
        if (ran[t] || (started == 0 && t == 0)) {
            if (status == MASQ_OK && r->status != MASQ_OK)
                status = r->status;
            add_stats(&ingest->stats, &r->ingest.stats);
            ingest->reported += r->ingest.reported;
        }
        masq_ingest_free(&r->ingest);
    }
    free(ran);
    free(readers);
    free(ids);
    if (shared)
        masq_ingest_shared_close(shared);
    return status;
}
