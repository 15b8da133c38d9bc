#include "ingest_shared.h"

#include <stdlib.h>
#include <string.h>

#include "../names/day_tables.h"
#include "twins.h"

void masq_ingest_report_progress(masq_ingest *ingest, uint64_t file_bytes, bool finished)
{
    if (ingest->progress == NULL)
        return;
    masq_progress progress = {ingest->progress_done + file_bytes, ingest->progress_total,
                              ingest->stats.events, finished};
    if (ingest->shared) {
        masq_ingest_shared *shared = ingest->shared;
        uint64_t own = ingest->progress_done + file_bytes;
        pthread_mutex_lock(&shared->lock);
        shared->reader_bytes[ingest->reader_index] = own;
        shared->reader_events[ingest->reader_index] = ingest->stats.events;
        progress.bytes_done = 0;
        progress.events = 0;
        for (int t = 0; t < shared->readers; t++) {
            progress.bytes_done += shared->reader_bytes[t];
            progress.events += shared->reader_events[t];
        }
        ingest->progress(&progress, ingest->progress_context);
        pthread_mutex_unlock(&shared->lock);
        return;
    }
    ingest->progress(&progress, ingest->progress_context);
}

masq_status masq_ingest_count(masq_ingest *ingest, const masq_sighting *s)
{
    masq_name_table *table = ingest->names;
    uint32_t slot = 0;
    if (ingest->days != NULL)
        MASQ_TRY(masq_day_tables_for(ingest->days, s->time_ms, &table, &slot));
    size_t index;
    MASQ_TRY(masq_name_table_add(table, s, &index));
    return ingest->twins != NULL ? masq_twins_add(ingest->twins, s, slot, index) : MASQ_OK;
}

/* Readers of a parallel read count into one shared table: each gathers its
 * events in a batch (strings copied into an arena) and adds the batch under
 * the table's lock, so the slow part, reading and parsing, runs in parallel
 * and memory holds one table, not one per reader. */
#define BATCH_EVENTS 4096
#define BATCH_BYTES ((size_t)1 << 20)

typedef struct batch_item {
    size_t process, path, computer, original, user, parent, sha256,
        folder; /* arena offsets; SIZE_MAX: none */
    size_t process_length;
    masq_sighting hashes; /* the prepared hashes, strings ignored */
    int64_t time_ms;
    uint32_t sensor;
    bool demo;
} batch_item;

typedef struct masq_sighting_batch {
    batch_item items[BATCH_EVENTS];
    size_t count;
    char arena[BATCH_BYTES];
    size_t used;
} masq_sighting_batch;

static const char *at(const masq_sighting_batch *b, size_t offset)
{
    return offset == SIZE_MAX ? NULL : b->arena + offset;
}

masq_status masq_ingest_batch_flush(masq_ingest *ingest)
{
    masq_sighting_batch *b = ingest->batch;
    if (b == NULL || b->count == 0)
        return MASQ_OK;
    masq_status status = MASQ_OK;
    pthread_mutex_lock(&ingest->shared->table_lock);
    for (size_t i = 0; i < b->count && status == MASQ_OK; i++) {
        if (ingest->days == NULL) /* what the adds a few items on will read */
            for (int step = 0; step < 3; step++) {
                size_t ahead = i + (size_t)(3 - step) * 4;
                if (ahead < b->count)
                    masq_name_table_prefetch(ingest->names, b->items[ahead].hashes.process_hash,
                                             step);
            }
        const batch_item *item = &b->items[i];
        masq_sighting s = item->hashes;
        s.process = at(b, item->process);
        s.process_length = item->process_length;
        s.path = at(b, item->path);
        s.computer = at(b, item->computer);
        s.original = at(b, item->original);
        s.user = at(b, item->user);
        s.parent = at(b, item->parent);
        s.time_ms = item->time_ms;
        s.sensor = item->sensor;
        s.demo = item->demo;
        s.sha256 = at(b, item->sha256);
        s.folder = at(b, item->folder);
        status = masq_ingest_count(ingest, &s);
    }
    pthread_mutex_unlock(&ingest->shared->table_lock);
    b->count = 0;
    b->used = 0;
    return status;
}

static size_t copy_in(masq_sighting_batch *b, const char *text)
{
    if (text == NULL)
        return SIZE_MAX;
    size_t n = strlen(text) + 1, offset = b->used;
    memcpy(b->arena + offset, text, n);
    b->used += n;
    return offset;
}

masq_status masq_ingest_batch_add(masq_ingest *ingest, const masq_sighting *s)
{
    size_t need = s->process_length + 1 + (s->path ? strlen(s->path) + 1 : 0) +
                  (s->computer ? strlen(s->computer) + 1 : 0) +
                  (s->original ? strlen(s->original) + 1 : 0) +
                  (s->user ? strlen(s->user) + 1 : 0) + (s->parent ? strlen(s->parent) + 1 : 0) +
                  (s->sha256 ? strlen(s->sha256) + 1 : 0) +
                  (s->folder ? strlen(s->folder) + 1 : 0);
    if (need > BATCH_BYTES / 2) { /* a huge row: straight in, under the lock */
        MASQ_TRY(masq_ingest_batch_flush(ingest));
        pthread_mutex_lock(&ingest->shared->table_lock);
        masq_status status = masq_ingest_count(ingest, s);
        pthread_mutex_unlock(&ingest->shared->table_lock);
        return status;
    }
    if (ingest->batch == NULL) {
        ingest->batch = malloc(sizeof *ingest->batch);
        if (ingest->batch == NULL)
            return MASQ_ERR_NOMEM;
        ingest->batch->count = ingest->batch->used = 0;
    }
    masq_sighting_batch *b = ingest->batch;
    if (b->count == BATCH_EVENTS || b->used + need > BATCH_BYTES)
        MASQ_TRY(masq_ingest_batch_flush(ingest));
    b->items[b->count++] = (batch_item){copy_in(b, s->process), copy_in(b, s->path),
                                        copy_in(b, s->computer), copy_in(b, s->original),
                                        copy_in(b, s->user), copy_in(b, s->parent),
                                        copy_in(b, s->sha256), copy_in(b, s->folder),
                                        s->process_length, *s, s->time_ms, s->sensor, s->demo};
    return MASQ_OK;
}

masq_status masq_ingest_shared_dedup(masq_ingest_shared *shared, uint64_t key, int64_t time_ms,
                                     bool *seen)
{
    masq_dedup_stripe *d = &shared->stripes[(key >> 59) % MASQ_DEDUP_STRIPES];
    pthread_mutex_lock(&d->lock);
    masq_status status = masq_dedup_check(&d->dedup, key, time_ms, seen);
    pthread_mutex_unlock(&d->lock);
    return status;
}

masq_ingest_shared *masq_ingest_shared_open(int readers)
{
    masq_ingest_shared *shared = calloc(1, sizeof *shared);
    if (shared == NULL)
        return NULL;
    shared->readers = readers;
    shared->reader_bytes = calloc((size_t)readers, sizeof *shared->reader_bytes);
    shared->reader_events = calloc((size_t)readers, sizeof *shared->reader_events);
    if (shared->reader_bytes == NULL || shared->reader_events == NULL) {
        free(shared->reader_bytes);
        free(shared->reader_events);
        free(shared);
        return NULL;
    }
    pthread_mutex_init(&shared->lock, NULL);
    pthread_mutex_init(&shared->table_lock, NULL);
    for (int s = 0; s < MASQ_DEDUP_STRIPES; s++) {
        pthread_mutex_init(&shared->stripes[s].lock, NULL);
        masq_dedup_init(&shared->stripes[s].dedup);
    }
    atomic_init(&shared->next, 0);
    atomic_init(&shared->stop, false);
    atomic_init(&shared->reported, 0);
    return shared;
}

void masq_ingest_shared_close(masq_ingest_shared *shared)
{
    for (int s = 0; s < MASQ_DEDUP_STRIPES; s++) {
        pthread_mutex_destroy(&shared->stripes[s].lock);
        masq_dedup_free(&shared->stripes[s].dedup);
    }
    pthread_mutex_destroy(&shared->lock);
    pthread_mutex_destroy(&shared->table_lock);
    free(shared->reader_bytes);
    free(shared->reader_events);
    free(shared);
}
