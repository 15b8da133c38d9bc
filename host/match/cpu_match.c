#include "cpu_match.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../util/memory.h"
#include "deletion_index.h"
#include "dl_exact.h"
#include "osa_bitparallel.h"
#include "score.h"

/* What one side of a comparison looks at: a whole name or its stem. */
typedef struct view {
    const uint32_t *symbols;
    uint32_t length;
    int32_t group; /* extension id */
    uint32_t item; /* index into the pack's set */
    uint64_t symbol_bits; /* bit (symbol % 64) for each symbol: a cheap bag filter */
} view;

typedef struct view_list {
    view *items;
    size_t count;
    size_t capacity;
} view_list;

/* One comparison plan: stems with equal extensions, or whole names with
 * different extensions. */
typedef struct join {
    view_list frequent;
    view_list infrequent;    /* sorted by length */
    size_t *infrequent_by_length; /* offsets: views of length L are [L], [L+1]) */
    bool same_group;
    uint32_t max_length;
    uint32_t index_max_length;     /* pairs with longer length <= this go through the index */
    int32_t *index_deletions;      /* per length: deletions to index, -1: not indexed */
    masq_deletion_index index;
} join;

typedef struct worker {
    const struct matcher *matcher;
    masq_osa_pattern pattern;
    masq_dl_scratch dl;
    uint32_t *stamp; /* per frequent view: last infrequent view + 1 that saw it */
    uint64_t *variants;
    size_t variant_capacity;
    masq_hits hits;
    uint64_t candidates;
    uint64_t verified;
    masq_status status;
} worker;

typedef struct matcher {
    const masq_pack *pack;
    masq_threshold threshold;
    const join *current;
    atomic_size_t next;
    size_t chunk;
    int phase; /* 0: index lookups per infrequent view, 1: band scan per frequent view */
} matcher;

static masq_status push_view(view_list *list, view v)
{
    return MASQ_PUSH(*list, v) == 0 ? MASQ_OK : MASQ_ERR_NOMEM;
}

static void join_free(join *j)
{
    free(j->frequent.items);
    free(j->infrequent.items);
    free(j->infrequent_by_length);
    free(j->index_deletions);
    masq_deletion_index_free(&j->index);
}

static masq_status build_views(const masq_pack *pack, const masq_packed_set *set, bool stems,
                               view_list *out)
{
    for (size_t i = 0; i < set->count; i++) {
        const masq_packed_name *name = &set->items[i];
        if (name->extension == MASQ_NO_EXTENSION)
            continue; /* the notebook scores these 0.0: never a hit */
        view v = {masq_pack_symbols(pack, name), stems ? name->stem_length : name->length,
                  name->extension, (uint32_t)i, 0};
        for (uint32_t s = 0; s < v.length; s++)
            v.symbol_bits |= (uint64_t)1 << (v.symbols[s] % 64);
        MASQ_TRY(push_view(out, v));
    }
    return MASQ_OK;
}

/* Can a pair of lengths a, b pass at all (the length difference is a lower
 * bound on the distance)? */
static bool lengths_can_pass(const masq_threshold *t, uint32_t a, uint32_t b)
{
    uint32_t longer = a > b ? a : b, diff = a > b ? a - b : b - a;
    int32_t k = masq_threshold_k(t, longer);
    return k >= 0 && diff <= (uint32_t)k;
}

static masq_status join_prepare(join *j, const matcher *m)
{
    const masq_threshold *t = &m->threshold;
    uint32_t max_length = 0;
    for (size_t i = 0; i < j->frequent.count; i++)
        if (j->frequent.items[i].length > max_length)
            max_length = j->frequent.items[i].length;
    for (size_t i = 0; i < j->infrequent.count; i++)
        if (j->infrequent.items[i].length > max_length)
            max_length = j->infrequent.items[i].length;
    j->max_length = max_length;

    /* A stable counting sort of the infrequent views by length. */
    j->infrequent_by_length = calloc((size_t)max_length + 2, sizeof *j->infrequent_by_length);
    j->index_deletions = malloc(((size_t)max_length + 1) * sizeof *j->index_deletions);
    view *sorted = malloc((j->infrequent.count ? j->infrequent.count : 1) * sizeof *sorted);
    if (j->infrequent_by_length == NULL || j->index_deletions == NULL || sorted == NULL) {
        free(sorted);
        return MASQ_ERR_NOMEM;
    }
    for (size_t i = 0; i < j->infrequent.count; i++)
        j->infrequent_by_length[j->infrequent.items[i].length + 1]++;
    for (uint32_t l = 0; l <= max_length; l++)
        j->infrequent_by_length[l + 1] += j->infrequent_by_length[l];
    for (size_t i = 0; i < j->infrequent.count; i++)
        sorted[j->infrequent_by_length[j->infrequent.items[i].length]++] = j->infrequent.items[i];
    for (uint32_t l = max_length + 1; l > 0; l--)
        j->infrequent_by_length[l] = j->infrequent_by_length[l - 1];
    j->infrequent_by_length[0] = 0;
    free(j->infrequent.items);
    j->infrequent.items = sorted;
    j->infrequent.capacity = j->infrequent.count;

    /* The allowed distance grows with the longer length; pairs up to the
     * longest length whose allowed distance the index covers go through it. */
    uint32_t cut = 0;
    while (cut < max_length && masq_threshold_k(t, cut + 1) <= MASQ_INDEX_MAX_DELETIONS)
        cut++;
    j->index_max_length = cut;
    for (uint32_t l = 0; l <= max_length; l++) {
        int32_t deletions = -1;
        for (uint32_t other = 0; l <= cut && other <= cut; other++)
            if (lengths_can_pass(t, l, other)) {
                int32_t k = masq_threshold_k(t, l > other ? l : other);
                if (k > deletions)
                    deletions = k;
            }
        j->index_deletions[l] = deletions;
    }
    return MASQ_OK;
}

static masq_status join_build_index(join *j, worker *w)
{
    masq_deletion_index_init(&j->index);
    for (size_t i = 0; i < j->frequent.count; i++) {
        const view *f = &j->frequent.items[i];
        if (f->length > j->index_max_length || j->index_deletions[f->length] < 0)
            continue;
        long n = masq_deletion_variants(f->symbols, f->length,
                                        (uint32_t)j->index_deletions[f->length],
                                        j->same_group ? (uint64_t)f->group + 1 : 0, &w->variants,
                                        &w->variant_capacity);
        if (n < 0)
            return MASQ_ERR_NOMEM;
        MASQ_TRY(masq_deletion_index_add(&j->index, (uint32_t)i, w->variants, (size_t)n));
    }
    return masq_deletion_index_seal(&j->index);
}

/* Decide one pair with the pattern of f loaded. OSA >= DL >= ceil(2 OSA / 3),
 * and DL == OSA when OSA <= 2: the exact distance is needed only in between. */
static masq_status compare_pair(worker *w, const join *j, const view *f, const view *i)
{
    if (j->same_group ? f->group != i->group : f->group == i->group)
        return MASQ_OK;
    uint32_t longer = f->length > i->length ? f->length : i->length;
    int32_t k = masq_threshold_k(&w->matcher->threshold, longer);
    /* Symbols of one side that the other lacks must each be edited: a lower
     * bound on the distance from two popcounts. */
    if (__builtin_popcountll(f->symbol_bits & ~i->symbol_bits) > k ||
        __builtin_popcountll(i->symbol_bits & ~f->symbol_bits) > k)
        return MASQ_OK;
    w->candidates++;
    uint32_t osa = masq_osa_distance(&w->pattern, i->symbols, i->length);
    uint32_t distance = osa;
    if (osa > 2 && (2 * (int64_t)osa + 2) / 3 <= k) {
        long exact = masq_dl_exact(&w->dl, f->symbols, f->length, i->symbols, i->length);
        if (exact < 0)
            return MASQ_ERR_NOMEM;
        w->verified++;
        distance = (uint32_t)exact;
    }
    if ((int64_t)distance > k)
        return MASQ_OK;
    float score = masq_score(distance, longer);
    if (!masq_score_passes(score, w->matcher->threshold.similarity))
        return MASQ_ERR_INTERNAL; /* the distance table and the rule disagree */
    masq_hit hit = {f->item, i->item, distance, score};
    return MASQ_PUSH(w->hits, hit) == 0 ? MASQ_OK : MASQ_ERR_NOMEM;
}

/* Index phase: one infrequent view against the frequent views sharing a
 * deletion variant with it. */
static masq_status lookup_one(worker *w, const join *j, size_t infrequent_index)
{
    const view *i = &j->infrequent.items[infrequent_index];
    if (i->length > j->index_max_length || j->index_deletions[i->length] < 0)
        return MASQ_OK;
    long n = masq_deletion_variants(i->symbols, i->length, (uint32_t)j->index_deletions[i->length],
                                    j->same_group ? (uint64_t)i->group + 1 : 0, &w->variants,
                                    &w->variant_capacity);
    if (n < 0)
        return MASQ_ERR_NOMEM;
    uint32_t stamp = (uint32_t)infrequent_index + 1;
    for (long v = 0; v < n; v++) {
        uint32_t count;
        const masq_index_entry *entries = masq_deletion_index_slot(&j->index, w->variants[v], &count);
        for (uint32_t e = 0; e < count; e++) {
            if (entries[e].hash != w->variants[v])
                continue;
            uint32_t fi = entries[e].item;
            if (w->stamp[fi] == stamp)
                continue;
            w->stamp[fi] = stamp;
            const view *f = &j->frequent.items[fi];
            uint32_t longer = f->length > i->length ? f->length : i->length;
            if (longer > j->index_max_length ||
                !lengths_can_pass(&w->matcher->threshold, f->length, i->length))
                continue;
            masq_osa_pattern_load(&w->pattern, f->symbols, f->length);
            masq_status status = compare_pair(w, j, f, i);
            masq_osa_pattern_unload(&w->pattern);
            MASQ_TRY(status);
        }
    }
    return MASQ_OK;
}

/* Band phase: one frequent view against every infrequent view whose length
 * can pass and whose pair is too long for the index. */
static masq_status scan_one(worker *w, const join *j, size_t frequent_index)
{
    const view *f = &j->frequent.items[frequent_index];
    const masq_threshold *t = &w->matcher->threshold;
    bool loaded = false;
    masq_status status = MASQ_OK;
    for (uint32_t l = 0; l <= j->max_length && status == MASQ_OK; l++) {
        uint32_t longer = f->length > l ? f->length : l;
        if (longer <= j->index_max_length || !lengths_can_pass(t, f->length, l))
            continue;
        for (size_t x = j->infrequent_by_length[l]; x < j->infrequent_by_length[l + 1]; x++) {
            if (!loaded) {
                masq_osa_pattern_load(&w->pattern, f->symbols, f->length);
                loaded = true;
            }
            status = compare_pair(w, j, f, &j->infrequent.items[x]);
            if (status != MASQ_OK)
                break;
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
    const join *j = m->current;
    size_t total = m->phase == 0 ? j->infrequent.count : j->frequent.count;
    for (;;) {
        size_t start = atomic_fetch_add(&m->next, m->chunk);
        if (start >= total)
            break;
        size_t end = start + m->chunk < total ? start + m->chunk : total;
        for (size_t x = start; x < end && w->status == MASQ_OK; x++)
            w->status = m->phase == 0 ? lookup_one(w, j, x) : scan_one(w, j, x);
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

static int compare_hit(const void *a, const void *b)
{
    const masq_hit *x = a, *y = b;
    if (x->frequent != y->frequent)
        return (x->frequent > y->frequent) - (x->frequent < y->frequent);
    return (x->infrequent > y->infrequent) - (x->infrequent < y->infrequent);
}

static int default_threads(void)
{
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    return online < 1 ? 1 : online > 256 ? 256 : (int)online;
}

masq_status masq_match_cpu(const masq_pack *pack, const masq_match_options *options,
                           masq_hits *hits, masq_match_stats *stats)
{
    memset(stats, 0, sizeof *stats);
    stats->pairs = (uint64_t)pack->frequent.count * pack->infrequent.count;
    int threads = options->threads > 0 ? options->threads : default_threads();
    if (threads > 256)
        threads = 256;
    stats->threads = threads;

    matcher m = {.pack = pack, .chunk = 64};
    masq_status status = masq_threshold_init(&m.threshold, options->similarity_threshold,
                                             pack->max_length);
    if (status != MASQ_OK)
        return status;
    join joins[2];
    memset(joins, 0, sizeof joins);
    worker *workers = calloc((size_t)threads, sizeof *workers);
    if (workers == NULL) {
        masq_threshold_free(&m.threshold);
        return MASQ_ERR_NOMEM;
    }
    size_t frequent_count = pack->frequent.count;
    for (int t = 0; t < threads && status == MASQ_OK; t++) {
        workers[t].matcher = &m;
        status = masq_osa_pattern_init(&workers[t].pattern, pack->alphabet_size, pack->max_length);
        if (status == MASQ_OK)
            status = masq_dl_scratch_init(&workers[t].dl, pack->alphabet_size);
        workers[t].stamp = calloc(frequent_count ? frequent_count : 1, sizeof *workers[t].stamp);
        if (workers[t].stamp == NULL)
            status = MASQ_ERR_NOMEM;
    }

    /* joins[0]: stems of names sharing an extension; joins[1]: whole names
     * whose extensions differ. Together they are the whole matrix. */
    for (int k = 0; k < 2 && status == MASQ_OK; k++) {
        join *j = &joins[k];
        j->same_group = k == 0;
        status = build_views(pack, &pack->frequent, j->same_group, &j->frequent);
        if (status == MASQ_OK)
            status = build_views(pack, &pack->infrequent, j->same_group, &j->infrequent);
        if (status == MASQ_OK)
            status = join_prepare(j, &m);
        if (status == MASQ_OK)
            status = join_build_index(j, &workers[0]);
        m.current = j;
        for (int t = 0; t < threads && status == MASQ_OK; t++)
            memset(workers[t].stamp, 0, (frequent_count ? frequent_count : 1) * sizeof(uint32_t));
        if (status == MASQ_OK)
            status = run_phase(&m, workers, threads, 0);
        if (status == MASQ_OK)
            status = run_phase(&m, workers, threads, 1);
    }

    for (int t = 0; t < threads; t++) {
        worker *w = &workers[t];
        if (status == MASQ_OK) {
            for (size_t h = 0; h < w->hits.count && status == MASQ_OK; h++)
                if (MASQ_PUSH(*hits, w->hits.items[h]) != 0)
                    status = MASQ_ERR_NOMEM;
        }
        stats->candidates += w->candidates;
        stats->verified += w->verified;
        masq_osa_pattern_free(&w->pattern);
        masq_dl_scratch_free(&w->dl);
        free(w->stamp);
        free(w->variants);
        masq_hits_free(&w->hits);
    }
    free(workers);
    join_free(&joins[0]);
    join_free(&joins[1]);
    masq_threshold_free(&m.threshold);
    if (status == MASQ_OK && hits->count > 1)
        qsort(hits->items, hits->count, sizeof *hits->items, compare_hit);
    return status;
}

void masq_hits_free(masq_hits *hits)
{
    free(hits->items);
    memset(hits, 0, sizeof *hits);
}
