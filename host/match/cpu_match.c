#include "cpu_match.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../util/memory.h"
#include "deletion_index.h"
#include "dl_exact.h"
#include "join.h"
#include "osa_bitparallel.h"
#include "partition_index.h"
#include "score.h"
#include "verify.h"

/* The indexes of a join: pairs whose longer length is at most
 * index_max_length are found through the deletion index, longer ones through
 * the partition index where it serves their lengths (partitioned), and the
 * band scan takes the rest. */
typedef struct indexed_join {
    const masq_join *join;
    uint32_t index_max_length;
    int32_t *index_deletions; /* per length: deletions to index, -1: not indexed */
    masq_deletion_index index;
    bool partitioned;
    bool partition_infrequent; /* the partition index holds the infrequent views (the larger side) */
    masq_partition_index partition;
} indexed_join;

typedef struct worker {
    const struct matcher *matcher;
    masq_osa_pattern pattern;
    masq_dl_scratch dl;
    uint32_t *stamp; /* per frequent view: last infrequent view + 1 that saw it */
    uint64_t *variants;
    size_t variant_capacity;
    masq_partition_probe probe;
    masq_hits hits;
    uint64_t candidates;
    uint64_t verified;
    masq_status status;
} worker;

typedef struct matcher {
    masq_threshold threshold;
    const indexed_join *current;
    atomic_size_t next;
    size_t chunk;
    int phase; /* 0: index lookups per infrequent view, 1: band scan per frequent view;
                * each with the partition index's probes of that side when it probes */
} matcher;

static masq_status index_prepare(indexed_join *x, const masq_threshold *t)
{
    const masq_join *j = x->join;
    x->index_deletions = malloc(((size_t)j->max_length + 1) * sizeof *x->index_deletions);
    if (x->index_deletions == NULL)
        return MASQ_ERR_NOMEM;
    /* The allowed distance grows with the longer length; pairs up to the
     * longest length whose allowed distance the index covers go through it. */
    uint32_t cut = 0;
    while (cut < j->max_length && masq_threshold_k(t, cut + 1) <= MASQ_INDEX_MAX_DELETIONS)
        cut++;
    x->index_max_length = cut;
    for (uint32_t l = 0; l <= j->max_length; l++) {
        int32_t deletions = -1;
        for (uint32_t other = 0; l <= cut && other <= cut; other++)
            if (masq_lengths_can_pass(t, l, other)) {
                int32_t k = masq_threshold_k(t, l > other ? l : other);
                if (k > deletions)
                    deletions = k;
            }
        x->index_deletions[l] = deletions;
    }
    return MASQ_OK;
}

static long view_variants(worker *w, const indexed_join *x, const masq_view *v)
{
    return masq_deletion_variants(v->symbols, v->length, (uint32_t)x->index_deletions[v->length],
                                  x->join->same_group ? (uint64_t)v->group + 1 : 0, &w->variants,
                                  &w->variant_capacity);
}

static bool view_indexed(const indexed_join *x, const masq_view *v)
{
    return v->length <= x->index_max_length && x->index_deletions[v->length] >= 0;
}

static masq_status index_build(indexed_join *x, worker *w)
{
    masq_deletion_index_init(&x->index);
    const masq_view_list *frequent = &x->join->frequent;
    for (size_t i = 0; i < frequent->count; i++) {
        if (!view_indexed(x, &frequent->items[i]))
            continue;
        long n = view_variants(w, x, &frequent->items[i]);
        if (n < 0)
            return MASQ_ERR_NOMEM;
        MASQ_TRY(masq_deletion_index_add(&x->index, (uint32_t)i, w->variants, (size_t)n));
    }
    return masq_deletion_index_seal(&x->index);
}

static masq_status compare_pair(worker *w, const masq_join *j, const masq_view *f,
                                const masq_view *i)
{
    return masq_compare_pair(&w->pattern, &w->dl, j, f, i, &w->matcher->threshold, &w->hits,
                             &w->candidates, &w->verified);
}

/* Index phase: one infrequent view against the frequent views sharing a
 * deletion variant with it. */
static masq_status lookup_one(worker *w, const indexed_join *x, size_t infrequent_index)
{
    const masq_join *j = x->join;
    const masq_view *i = &j->infrequent.items[infrequent_index];
    if (!view_indexed(x, i))
        return MASQ_OK;
    long n = view_variants(w, x, i);
    if (n < 0)
        return MASQ_ERR_NOMEM;
    /* Keep the variants the index may hold, in order, in two prefetching
     * passes (the same lookups as one by one, their misses overlapped). */
    for (long v = 0; v < n; v++)
        masq_deletion_index_prefetch_presence(&x->index, w->variants[v]);
    long present = 0;
    for (long v = 0; v < n; v++)
        if (masq_deletion_index_may_hold(&x->index, w->variants[v])) {
            masq_deletion_index_prefetch_slot(&x->index, w->variants[v]);
            w->variants[present++] = w->variants[v];
        }
    n = present;
    uint32_t stamp = (uint32_t)infrequent_index + 1;
    for (long v = 0; v < n; v++) {
        uint32_t count;
        const masq_index_entry *entries = masq_deletion_index_slot(&x->index, w->variants[v], &count);
        for (uint32_t e = 0; e < count; e++) {
            if (entries[e].hash != w->variants[v] || w->stamp[entries[e].item] == stamp)
                continue;
            w->stamp[entries[e].item] = stamp;
            const masq_view *f = &j->frequent.items[entries[e].item];
            uint32_t longer = f->length > i->length ? f->length : i->length;
            if (longer > x->index_max_length ||
                !masq_lengths_can_pass(&w->matcher->threshold, f->length, i->length))
                continue;
            masq_osa_pattern_load(&w->pattern, f->symbols, f->length);
            masq_status status = compare_pair(w, j, f, i);
            masq_osa_pattern_unload(&w->pattern);
            MASQ_TRY(status);
        }
    }
    return MASQ_OK;
}

/* The partition index's pairs of one probing view (disjoint from the
 * deletion index's: their longer length is past index_max_length), when the
 * frequent views are indexed: each candidate's pattern is loaded. */
static masq_status partition_infrequent_one(worker *w, const indexed_join *x, size_t infrequent_index)
{
    const masq_join *j = x->join;
    const masq_view *i = &j->infrequent.items[infrequent_index];
    MASQ_TRY(masq_partition_candidates(&x->partition, &w->probe, i));
    for (size_t c = 0; c < w->probe.candidate_count; c++) {
        const masq_view *f = &j->frequent.items[w->probe.candidates[c]];
        if (!masq_partition_serves(&x->partition, w->probe.candidates[c], i->length))
            continue; /* listed through a hash collision: another path's pair */
        masq_osa_pattern_load(&w->pattern, f->symbols, f->length);
        masq_status status = compare_pair(w, j, f, i);
        masq_osa_pattern_unload(&w->pattern);
        MASQ_TRY(status);
    }
    return MASQ_OK;
}

/* The same when the infrequent views are indexed: the frequent view probes,
 * its pattern loaded once. */
static masq_status partition_frequent_one(worker *w, const indexed_join *x, size_t frequent_index)
{
    const masq_join *j = x->join;
    const masq_view *f = &j->frequent.items[frequent_index];
    MASQ_TRY(masq_partition_candidates(&x->partition, &w->probe, f));
    bool loaded = false;
    masq_status status = MASQ_OK;
    for (size_t c = 0; c < w->probe.candidate_count && status == MASQ_OK; c++) {
        if (!masq_partition_serves(&x->partition, w->probe.candidates[c], f->length))
            continue; /* listed through a hash collision: another path's pair */
        if (!loaded) {
            masq_osa_pattern_load(&w->pattern, f->symbols, f->length);
            loaded = true;
        }
        status = compare_pair(w, j, f, &j->infrequent.items[w->probe.candidates[c]]);
    }
    if (loaded)
        masq_osa_pattern_unload(&w->pattern);
    return status;
}

/* When the frequent views are indexed: does the partition index serve the
 * pairs of this frequent view with infrequent views of length l? */
static bool partition_serves(const indexed_join *x, size_t frequent_index, uint32_t l)
{
    return x->partitioned && !x->partition_infrequent &&
           masq_partition_serves(&x->partition, frequent_index, l);
}

/* Band phase: one frequent view against every infrequent view whose length
 * can pass and whose pair is too long for the index. */
static masq_status scan_one(worker *w, const indexed_join *x, size_t frequent_index)
{
    const masq_join *j = x->join;
    const masq_view *f = &j->frequent.items[frequent_index];
    const masq_threshold *t = &w->matcher->threshold;
    bool loaded = false;
    masq_status status = MASQ_OK;
    for (uint32_t l = 0; l <= j->max_length && status == MASQ_OK; l++) {
        uint32_t longer = f->length > l ? f->length : l;
        if (longer <= x->index_max_length || !masq_lengths_can_pass(t, f->length, l))
            continue;
        if (partition_serves(x, frequent_index, l))
            continue;
        /* Infrequent views of length l: all of them, or, where the partition
         * index serves the length, those it left out. */
        const size_t *by_length = j->infrequent.by_length;
        const size_t *listed = NULL;
        size_t first = by_length[l], end = by_length[l + 1];
        if (x->partitioned && x->partition_infrequent &&
            masq_partition_serves_lengths(&x->partition, l, f->length)) {
            listed = x->partition.unindexed;
            first = x->partition.unindexed_start[l];
            end = x->partition.unindexed_start[l + 1];
        }
        for (size_t n = first; n < end && status == MASQ_OK; n++) {
            if (!loaded) {
                masq_osa_pattern_load(&w->pattern, f->symbols, f->length);
                loaded = true;
            }
            status = compare_pair(w, j, f, &j->infrequent.items[listed ? listed[n] : n]);
        }
    }
    if (loaded)
        masq_osa_pattern_unload(&w->pattern);
    return status;
}

static void *worker_run(void *argument)
{
    worker *w = argument;
    matcher *m = (matcher *)w->matcher;
    const indexed_join *x = m->current;
    size_t total = m->phase == 0 ? x->join->infrequent.count : x->join->frequent.count;
    bool partition_here = x->partitioned && x->partition_infrequent == (m->phase == 1);
    for (;;) {
        size_t start = atomic_fetch_add(&m->next, m->chunk);
        if (start >= total)
            break;
        size_t end = start + m->chunk < total ? start + m->chunk : total;
        for (size_t v = start; v < end && w->status == MASQ_OK; v++)
            w->status = m->phase == 1 ? scan_one(w, x, v) : lookup_one(w, x, v);
        for (size_t v = start; partition_here && v < end && w->status == MASQ_OK; v++)
            w->status = m->phase == 0 ? partition_infrequent_one(w, x, v)
                                      : partition_frequent_one(w, x, v);
        if (w->status != MASQ_OK)
            break;
    }
    return NULL;
}

static masq_status run_phase(matcher *m, worker *workers, int threads, int phase)
{
    m->phase = phase;
    atomic_store(&m->next, 0);
    pthread_t ids[256];
    int started = 0;
    for (int t = 1; t < threads; t++) {
        if (pthread_create(&ids[started], NULL, worker_run, &workers[t]) != 0)
            break;
        started++;
    }
    worker_run(&workers[0]);
    for (int t = 0; t < started; t++)
        pthread_join(ids[t], NULL);
    for (int t = 0; t < threads; t++)
        if (workers[t].status != MASQ_OK)
            return workers[t].status;
    return MASQ_OK;
}

static int default_threads(void)
{
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    return online < 1 ? 1 : online > 256 ? 256 : (int)online;
}

static masq_status match_join(matcher *m, worker *workers, int threads, const masq_join *join)
{
    indexed_join x = {.join = join};
    masq_status status = index_prepare(&x, &m->threshold);
    if (status == MASQ_OK)
        status = index_build(&x, &workers[0]);
    /* MASQ_PARTITION_INDEX=off: the band scan for every long pair, as before
     * the partition index (the benchmark's baseline). */
    const char *partition = getenv("MASQ_PARTITION_INDEX");
    x.partitioned = status == MASQ_OK && !(partition && strcmp(partition, "off") == 0);
    /* The larger side is indexed: the smaller probes, fewer probes in all. */
    x.partition_infrequent = join->infrequent.count > join->frequent.count;
    const masq_view_list *indexed = x.partition_infrequent ? &join->infrequent : &join->frequent;
    if (x.partitioned)
        status = masq_partition_index_build(&x.partition, join, indexed, &m->threshold,
                                            x.index_max_length + 1);
    m->current = &x;
    size_t stamps = join->frequent.count ? join->frequent.count : 1;
    for (int t = 0; t < threads && status == MASQ_OK; t++) {
        free(workers[t].stamp);
        workers[t].stamp = calloc(stamps, sizeof *workers[t].stamp);
        if (workers[t].stamp == NULL)
            status = MASQ_ERR_NOMEM;
        masq_partition_probe_free(&workers[t].probe);
        if (status == MASQ_OK && x.partitioned)
            status = masq_partition_probe_init(&workers[t].probe, join->max_length,
                                               indexed->count);
    }
    if (status == MASQ_OK)
        status = run_phase(m, workers, threads, 0);
    if (status == MASQ_OK)
        status = run_phase(m, workers, threads, 1);
    free(x.index_deletions);
    masq_deletion_index_free(&x.index);
    if (x.partitioned)
        masq_partition_index_free(&x.partition);
    return status;
}

masq_status masq_match_cpu(const masq_pack *pack, const masq_match_options *options,
                           masq_hits *hits, masq_match_stats *stats)
{
    int threads = options->threads > 0 ? options->threads : default_threads();
    if (threads > 256)
        threads = 256;
    stats->threads = threads;
    snprintf(stats->backend, sizeof stats->backend, "cpu");
    snprintf(stats->device, sizeof stats->device, "cpu, %d threads", threads);

    matcher m = {.chunk = 64};
    MASQ_TRY(masq_threshold_init(&m.threshold, options->similarity_threshold, pack->max_length));
    worker *workers = calloc((size_t)threads, sizeof *workers);
    masq_status status = workers ? MASQ_OK : MASQ_ERR_NOMEM;
    for (int t = 0; t < threads && status == MASQ_OK; t++) {
        workers[t].matcher = &m;
        status = masq_osa_pattern_init(&workers[t].pattern, pack->alphabet_size, pack->max_length);
        if (status == MASQ_OK)
            status = masq_dl_scratch_init(&workers[t].dl, pack->alphabet_size);
    }
    /* Stems of names sharing an extension, then whole names whose extensions
     * differ: together, the whole matrix. */
    for (int plan = 0; plan < 2 && status == MASQ_OK; plan++) {
        masq_join join;
        status = masq_join_build(&join, pack, plan == 0);
        if (status == MASQ_OK)
            status = match_join(&m, workers, threads, &join);
        masq_join_free(&join);
    }
    for (int t = 0; workers && t < threads; t++) {
        worker *w = &workers[t];
        for (size_t h = 0; h < w->hits.count && status == MASQ_OK; h++)
            if (MASQ_PUSH(*hits, w->hits.items[h]) != 0)
                status = MASQ_ERR_NOMEM;
        stats->candidates += w->candidates;
        stats->verified += w->verified;
        masq_osa_pattern_free(&w->pattern);
        masq_dl_scratch_free(&w->dl);
        free(w->stamp);
        free(w->variants);
        masq_partition_probe_free(&w->probe);
        masq_hits_free(&w->hits);
    }
    free(workers);
    masq_threshold_free(&m.threshold);
    return status;
}
