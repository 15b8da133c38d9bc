#include "cl_match.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "../../util/log.h"
#include "../../util/memory.h"
#include "../join.h"
#include "../osa_bitparallel.h"
#include "../score.h"
#include "../verify.h"
#include "cl_check.h"
#include "cl_device.h"
#include "cl_layout.h"
#include "cl_program.h"
#include "cl_selftest.h"
#include "cl_tuning.h"

#define TILES_PER_LAUNCH 4096

/* The records of kernels/match_shared.h as the device lays them out: 32-bit
 * fields, no padding (OpenCL's uint and int are 32 bits). */
#define LAYOUT(type, field, at) \
    _Static_assert(offsetof(type, field) == (at), #type "." #field " at " #at)
LAYOUT(masq_tile, frequent_first, 0);
LAYOUT(masq_tile, frequent_count, 4);
LAYOUT(masq_tile, infrequent_first, 8);
LAYOUT(masq_tile, infrequent_count, 12);
LAYOUT(masq_device_view, offset, 0);
LAYOUT(masq_device_view, length, 4);
LAYOUT(masq_device_view, group, 8);
LAYOUT(masq_device_view, stride, 12);
LAYOUT(masq_candidate, frequent, 0);
LAYOUT(masq_candidate, infrequent, 4);
LAYOUT(masq_candidate, osa, 8);
_Static_assert(sizeof(masq_tile) == 16 && sizeof(masq_device_view) == 16 &&
                   sizeof(masq_candidate) == 16,
               "the shared records are four 32-bit fields");
#undef LAYOUT

typedef struct kernel_class {
    cl_program program;
    cl_kernel kernel;
    uint32_t group; /* frequent names per work-group */
} kernel_class;

typedef struct masq_cl_session {
    masq_cl_device device;
    cl_context context;
    cl_command_queue queue;
    kernel_class classes[2]; /* 0: patterns up to 32 symbols, 1: up to MASQ_DEVICE_MAX_PATTERN */
    masq_opencl_tuning tuning;
    uint32_t layout;   /* MASQ_LAYOUT_OFFSETS or MASQ_LAYOUT_ROWS (cl_layout.c) */
    uint32_t alphabet; /* table entries per pattern word; symbol 0 = in no frequent name */
    uint16_t *symbol_ids; /* pack symbol -> kernel symbol */
    cl_mem candidates;
    uint32_t capacity;
    masq_dl_scratch dl;
    masq_osa_pattern pattern; /* for the host-side long patterns */
    char *why; /* why_text: what went wrong, for the caller */
    size_t why_size;
    char why_text[256];
} session;

/* One join on the device: buffers of its views. */
typedef struct device_join {
    const masq_join *join;
    cl_mem symbols, frequent, frequent_bits, infrequent, infrequent_bits, max_distance, tiles,
        count;
} device_join;

static void release_mem(cl_mem *mem)
{
    if (*mem != NULL)
        clReleaseMemObject(*mem);
    *mem = NULL;
}

static void device_join_release(device_join *d)
{
    release_mem(&d->symbols);
    release_mem(&d->frequent);
    release_mem(&d->frequent_bits);
    release_mem(&d->infrequent);
    release_mem(&d->infrequent_bits);
    release_mem(&d->max_distance);
    release_mem(&d->tiles);
    release_mem(&d->count);
}

static masq_status buffer(session *s, cl_mem *mem, size_t size, void *host)
{
    masq_status status = MASQ_OK;
    cl_int error;
    *mem = clCreateBuffer(s->context, CL_MEM_READ_WRITE | (host ? CL_MEM_COPY_HOST_PTR : 0),
                          size ? size : 16, host, &error);
    CL_CHECK_CREATED_AT(s->why, s->why_size, status, cleanup, "clCreateBuffer", error);
cleanup:
    return status;
}

static masq_status upload_bits(session *s, const masq_view_list *list, cl_mem *bits_mem)
{
    cl_ulong *bits = malloc((list->count > 2 ? list->count : 2) * sizeof *bits); /* >= 16 bytes */
    if (bits == NULL)
        return MASQ_ERR_NOMEM;
    for (size_t v = 0; v < list->count; v++)
        bits[v] = list->items[v].symbol_bits;
    masq_status status = buffer(s, bits_mem, list->count * sizeof *bits, bits);
    free(bits);
    return status;
}

static masq_status device_join_upload(session *s, device_join *d, const masq_threshold *t)
{
    const masq_join *j = d->join;
    masq_device_view *views[2] = {
        malloc((j->frequent.count ? j->frequent.count : 1) * sizeof(masq_device_view)),
        malloc((j->infrequent.count ? j->infrequent.count : 1) * sizeof(masq_device_view))};
    uint16_t *symbols = NULL;
    size_t used = 0;
    masq_status status = views[0] && views[1] ? MASQ_OK : MASQ_ERR_NOMEM;
    if (status == MASQ_OK)
        status = masq_cl_layout_pack(s->layout, &j->frequent, &j->infrequent, s->symbol_ids,
                                     views, &symbols, &used, s->why, s->why_size);
    if (status == MASQ_OK)
        status = buffer(s, &d->symbols, used * sizeof *symbols, symbols);
    if (status == MASQ_OK)
        status = buffer(s, &d->frequent, j->frequent.count * sizeof **views, views[0]);
    if (status == MASQ_OK)
        status = buffer(s, &d->infrequent, j->infrequent.count * sizeof **views, views[1]);
    if (status == MASQ_OK)
        status = upload_bits(s, &j->frequent, &d->frequent_bits);
    if (status == MASQ_OK)
        status = upload_bits(s, &j->infrequent, &d->infrequent_bits);
    free(symbols);
    free(views[0]);
    free(views[1]);
    if (status != MASQ_OK)
        return status;
    cl_int *k = malloc(((size_t)t->max_length + 1) * sizeof *k);
    if (k == NULL)
        return MASQ_ERR_NOMEM;
    for (uint32_t l = 0; l <= t->max_length; l++)
        k[l] = masq_threshold_k(t, l);
    if (status == MASQ_OK)
        status = buffer(s, &d->max_distance, ((size_t)t->max_length + 1) * sizeof *k, k);
    free(k);
    if (status == MASQ_OK)
        status = buffer(s, &d->tiles, TILES_PER_LAUNCH * sizeof(masq_tile), NULL);
    if (status == MASQ_OK)
        status = buffer(s, &d->count, sizeof(cl_uint), NULL);
    return status;
}

static masq_status grow_candidates(session *s, uint32_t capacity)
{
    release_mem(&s->candidates);
    s->capacity = capacity;
    return buffer(s, &s->candidates, (size_t)capacity * sizeof(masq_candidate), NULL);
}

/* Verify what a launch returned. */
static masq_status verify_candidates(session *s, const masq_join *j, const masq_threshold *t,
                                     const masq_candidate *candidates, uint32_t count, masq_hits *hits,
                                     masq_match_stats *stats)
{
    for (uint32_t c = 0; c < count; c++) {
        const masq_view *f = &j->frequent.items[candidates[c].frequent];
        const masq_view *i = &j->infrequent.items[candidates[c].infrequent];
        uint32_t longer = f->length > i->length ? f->length : i->length;
        bool keep;
        uint32_t distance;
        MASQ_TRY(masq_verify_candidate(&s->dl, f->symbols, f->length, i->symbols, i->length,
                                       candidates[c].osa, masq_threshold_k(t, longer), &keep,
                                       &distance, &stats->verified));
        if (keep)
            MASQ_TRY(masq_hits_add(hits, f->item, i->item, distance, longer, t->similarity));
    }
    stats->candidates += count;
    return MASQ_OK;
}

/* Run tiles [0, n) in one launch; on overflow split the batch (or, for a
 * single tile, grow the candidate buffer) and run again: nothing is dropped. */
static masq_status launch(session *s, device_join *d, const kernel_class *kc,
                          const masq_tile *tiles, size_t n, const masq_threshold *t,
                          masq_hits *hits, masq_match_stats *stats)
{
    masq_status status = MASQ_OK;
    cl_uint zero = 0, count = 0;
    cl_uint same_group = d->join->same_group;
    masq_candidate *candidates = NULL;
    cl_kernel kernel = kc->kernel;
    CL_CHECK_AT(s->why, s->why_size, status, cleanup,
                clEnqueueWriteBuffer(s->queue, d->tiles, CL_FALSE, 0, n * sizeof *tiles, tiles, 0,
                                     NULL, NULL));
    CL_CHECK_AT(s->why, s->why_size, status, cleanup,
                clEnqueueWriteBuffer(s->queue, d->count, CL_FALSE, 0, sizeof zero, &zero, 0, NULL,
                                     NULL));
    cl_mem args[] = {d->tiles, d->symbols, d->frequent, d->frequent_bits,
                     d->infrequent, d->infrequent_bits, d->max_distance};
    for (cl_uint a = 0; a < 7; a++)
        CL_CHECK_AT(s->why, s->why_size, status, cleanup,
                    clSetKernelArg(kernel, a, sizeof(cl_mem), &args[a]));
    CL_CHECK_AT(s->why, s->why_size, status, cleanup,
                clSetKernelArg(kernel, 7, sizeof same_group, &same_group));
    CL_CHECK_AT(s->why, s->why_size, status, cleanup,
                clSetKernelArg(kernel, 8, sizeof(cl_mem), &d->count));
    CL_CHECK_AT(s->why, s->why_size, status, cleanup,
                clSetKernelArg(kernel, 9, sizeof(cl_mem), &s->candidates));
    CL_CHECK_AT(s->why, s->why_size, status, cleanup,
                clSetKernelArg(kernel, 10, sizeof s->capacity, &s->capacity));
    size_t local = s->tuning.work_group_size, global = n * local;
    CL_CHECK_AT(s->why, s->why_size, status, cleanup,
                clEnqueueNDRangeKernel(s->queue, kernel, 1, NULL, &global, &local, 0, NULL, NULL));
    CL_CHECK_AT(s->why, s->why_size, status, cleanup,
                clEnqueueReadBuffer(s->queue, d->count, CL_TRUE, 0, sizeof count, &count, 0, NULL,
                                    NULL));
    stats->launches++;
    if (count > s->capacity) {
        stats->overflows++;
        if (n > 1) {
            status = launch(s, d, kc, tiles, n / 2, t, hits, stats);
            if (status == MASQ_OK)
                status = launch(s, d, kc, tiles + n / 2, n - n / 2, t, hits, stats);
        } else {
            status = grow_candidates(s, count);
            if (status == MASQ_OK)
                status = launch(s, d, kc, tiles, n, t, hits, stats);
        }
        goto cleanup;
    }
    candidates = malloc((count ? count : 1) * sizeof *candidates);
    if (candidates == NULL) {
        status = MASQ_ERR_NOMEM;
        goto cleanup;
    }
    if (count > 0)
        CL_CHECK_AT(s->why, s->why_size, status, cleanup,
                    clEnqueueReadBuffer(s->queue, s->candidates, CL_TRUE, 0,
                                        (size_t)count * sizeof *candidates, candidates, 0,
                                        NULL, NULL));
    status = verify_candidates(s, d->join, t, candidates, count, hits, stats);
cleanup:
    free(candidates);
    return status;
}

/* Frequent views [first, end) in groups; for each group, the infrequent views
 * whose lengths can pass with one of its names, in tiles. Tiles that cannot
 * hold a hit are never made. */
static masq_status run_class(session *s, device_join *d, const kernel_class *kc, size_t first,
                             size_t end, const masq_threshold *t, masq_hits *hits,
                             masq_match_stats *stats)
{
    const masq_join *j = d->join;
    size_t batched = 0;
    masq_tile *tiles = malloc(TILES_PER_LAUNCH * sizeof *tiles);
    if (tiles == NULL)
        return MASQ_ERR_NOMEM;
    masq_status status = MASQ_OK;
    for (size_t g = first; g < end && status == MASQ_OK; g += kc->group) {
        size_t group_end = g + kc->group < end ? g + kc->group : end;
        uint32_t shortest = j->frequent.items[g].length, longest = j->frequent.items[group_end - 1].length;
        uint32_t low = UINT32_MAX, high = 0;
        for (uint32_t l = 0; l <= j->max_length; l++)
            for (uint32_t fl = shortest; fl <= longest; fl++)
                if (masq_lengths_can_pass(t, fl, l)) {
                    low = l < low ? l : low;
                    high = l > high ? l : high;
                    break;
                }
        if (low > high)
            continue;
        size_t from = j->infrequent.by_length[low], to = j->infrequent.by_length[high + 1];
        for (size_t i = from; i < to && status == MASQ_OK; i += s->tuning.tile_infrequent) {
            size_t count = to - i < s->tuning.tile_infrequent ? to - i : s->tuning.tile_infrequent;
            tiles[batched++] = (masq_tile){(cl_uint)g, (cl_uint)(group_end - g), (cl_uint)i,
                                             (cl_uint)count};
            if (batched == TILES_PER_LAUNCH) {
                status = launch(s, d, kc, tiles, batched, t, hits, stats);
                batched = 0;
            }
        }
    }
    if (status == MASQ_OK && batched > 0)
        status = launch(s, d, kc, tiles, batched, t, hits, stats);
    free(tiles);
    return status;
}

/* Frequent names too long for the device: on the host, same filters. */
static masq_status run_host(session *s, const masq_join *j, size_t first, const masq_threshold *t,
                            masq_hits *hits, masq_match_stats *stats)
{
    for (size_t g = first; g < j->frequent.count; g++) {
        const masq_view *f = &j->frequent.items[g];
        masq_osa_pattern_load(&s->pattern, f->symbols, f->length);
        masq_status status = MASQ_OK;
        for (size_t v = 0; v < j->infrequent.count && status == MASQ_OK; v++) {
            const masq_view *i = &j->infrequent.items[v];
            if (masq_lengths_can_pass(t, f->length, i->length))
                status = masq_compare_pair(&s->pattern, &s->dl, j, f, i, t, hits,
                                           &stats->candidates, &stats->verified);
        }
        masq_osa_pattern_unload(&s->pattern);
        MASQ_TRY(status);
    }
    return MASQ_OK;
}

static masq_status run_join(session *s, const masq_join *j, const masq_threshold *t,
                            masq_hits *hits, masq_match_stats *stats)
{
    device_join d = {.join = j};
    masq_status status = device_join_upload(s, &d, t);
    size_t short_end = j->frequent.by_length[MASQ_SHORT_PATTERN < j->max_length ? MASQ_SHORT_PATTERN + 1 : j->max_length + 1];
    size_t long_end = j->frequent.by_length[MASQ_DEVICE_MAX_PATTERN < j->max_length ? MASQ_DEVICE_MAX_PATTERN + 1 : j->max_length + 1];
    if (status == MASQ_OK)
        status = run_class(s, &d, &s->classes[0], 0, short_end, t, hits, stats);
    if (status == MASQ_OK)
        status = run_class(s, &d, &s->classes[1], short_end, long_end, t, hits, stats);
    if (status == MASQ_OK)
        status = run_host(s, j, long_end, t, hits, stats);
    device_join_release(&d);
    return status;
}

/* Kernel symbols: ids[symbol] = 1..n for the symbols of frequent names, 0 for
 * the rest (a symbol no pattern holds has an empty mask, so the result is
 * exact). *count is n; false when n would pass limit. */
static bool number_symbols(const masq_pack *pack, uint16_t *ids, uint32_t limit, uint32_t *count)
{
    uint32_t next = 1;
    for (size_t n = 0; n < pack->frequent.count; n++) {
        const masq_packed_name *name = &pack->frequent.items[n];
        const uint32_t *symbols = masq_pack_symbols(pack, name);
        for (uint32_t p = 0; p < name->length; p++) {
            if (ids[symbols[p]] != 0)
                continue;
            if (next > limit)
                return false;
            ids[symbols[p]] = (uint16_t)next++;
        }
    }
    *count = next - 1;
    return true;
}

static masq_status run_pack(session *s, const masq_pack *pack, double similarity, masq_hits *hits,
                            masq_match_stats *stats)
{
    free(s->symbol_ids);
    s->symbol_ids = calloc(pack->alphabet_size ? pack->alphabet_size : 1, sizeof *s->symbol_ids);
    if (s->symbol_ids == NULL)
        return MASQ_ERR_NOMEM;
    uint32_t distinct;
    if (!number_symbols(pack, s->symbol_ids, s->alphabet - 1, &distinct)) {
        snprintf(s->why, s->why_size, "frequent names use more than %u distinct characters",
                 s->alphabet - 1);
        return MASQ_ERR_DEVICE;
    }
    masq_threshold t;
    MASQ_TRY(masq_threshold_init(&t, similarity, pack->max_length));
    masq_status status = masq_dl_scratch_init(&s->dl, pack->alphabet_size);
    if (status == MASQ_OK)
        status = masq_osa_pattern_init(&s->pattern, pack->alphabet_size, pack->max_length);
    for (int plan = 0; plan < 2 && status == MASQ_OK; plan++) {
        masq_join j;
        status = masq_join_build(&j, pack, plan == 0);
        if (status == MASQ_OK)
            status = run_join(s, &j, &t, hits, stats);
        masq_join_free(&j);
    }
    masq_dl_scratch_free(&s->dl);
    masq_osa_pattern_free(&s->pattern);
    masq_threshold_free(&t);
    return status;
}

static masq_status build_class(session *s, kernel_class *kc, uint32_t words, uint32_t group)
{
    masq_status status = MASQ_OK;
    char options[256];
    kc->group = group;
    snprintf(options, sizeof options,
             "-DMASQ_WORD=uint -DMASQ_WORD_BITS=%u -DMASQ_PM_SPACE=__local -DMASQ_ALPHABET=%u "
             "-DMASQ_GROUP=%u -DMASQ_WORDS=%u -DMASQ_LAYOUT=%u",
             (unsigned)MASQ_DEVICE_WORD_BITS, s->alphabet, group, words, (unsigned)s->layout);
    MASQ_TRY(masq_cl_program_build(s->context, s->device.device, options, &kc->program, s->why,
                                   s->why_size));
    cl_int error;
    kc->kernel = clCreateKernel(kc->program, "masq_match_tiles", &error);
    CL_CHECK_CREATED_AT(s->why, s->why_size, status, cleanup, "clCreateKernel", error);
cleanup:
    return status;
}

/* The known-answer self-test (cl_selftest.c): a fixed pack at a fixed
 * threshold, whatever the scan's, against stored answers. */
static masq_status self_test(session *s)
{
    masq_pack pack;
    masq_pack_init(&pack);
    masq_hits got = {0};
    masq_match_stats device_stats = {0};
    masq_status status = masq_cl_selftest_pack(&pack);
    if (status == MASQ_OK)
        status = run_pack(s, &pack, MASQ_CL_SELFTEST_THRESHOLD, &got, &device_stats);
    if (status == MASQ_OK) {
        masq_hits_sort(&got);
        if (!masq_cl_selftest_passes(&got)) {
            snprintf(s->why, s->why_size,
                     "the device failed its self-test (%zu hits, not the stored answers): not used",
                     got.count);
            status = MASQ_ERR_DEVICE;
        }
    }
    masq_hits_free(&got);
    masq_pack_free(&pack);
    return status;
}

static void session_release(session *s)
{
    for (int c = 0; c < 2; c++) {
        if (s->classes[c].kernel)
            clReleaseKernel(s->classes[c].kernel);
        if (s->classes[c].program)
            clReleaseProgram(s->classes[c].program);
    }
    release_mem(&s->candidates);
    if (s->queue)
        clReleaseCommandQueue(s->queue);
    if (s->context)
        clReleaseContext(s->context);
    free(s->symbol_ids);
}

static uint32_t round_up_power_of_two(uint32_t x)
{
    uint32_t p = 32;
    while (p < x)
        p *= 2;
    return p;
}

/* The table size a pack needs: every distinct symbol of its frequent names,
 * room for the self-test's, and symbol 0 (rare names' other symbols); 0 when
 * the names hold too many distinct characters for a device. */
static uint32_t alphabet_for(const masq_pack *pack)
{
    uint16_t *ids = calloc(pack->alphabet_size ? pack->alphabet_size : 1, sizeof *ids);
    if (ids == NULL)
        return 0;
    uint32_t distinct = UINT16_MAX;
    bool fits = number_symbols(pack, ids, UINT16_MAX - 64, &distinct);
    free(ids);
    return fits ? round_up_power_of_two(distinct + 64 + 1) : 0;
}

masq_status masq_cl_session_open(const masq_pack *pack, const masq_match_options *options,
                                 masq_cl_session **opened, char *why, size_t why_size)
{
    *opened = NULL;
    session *s = calloc(1, sizeof *s);
    if (s == NULL)
        return MASQ_ERR_NOMEM;
    s->why = s->why_text;
    s->why_size = sizeof s->why_text;
    bool allow_cpu = options->backend == MASQ_MATCH_OPENCL || options->device != NULL;
    masq_status status = masq_cl_device_choose(options->device, allow_cpu, &s->device, why, why_size);
    if (status != MASQ_OK) {
        free(s);
        return status;
    }
    s->tuning = options->tuning;
    masq_cl_tuning_resolve(&s->device, &s->tuning);
    status = masq_cl_layout_resolve(&s->device, &s->layout, why, why_size);
    if (status != MASQ_OK) {
        free(s);
        return status;
    }
    s->alphabet = alphabet_for(pack);
    if (s->alphabet == 0) {
        snprintf(why, why_size, "frequent names use too many distinct characters for a device");
        free(s);
        return MASQ_ERR_DEVICE;
    }
    uint32_t distinct = s->alphabet - 1;
    cl_ulong local = s->device.local_memory ? s->device.local_memory : 32768;
    cl_ulong per_short = (cl_ulong)s->alphabet * sizeof(cl_uint);
    uint32_t group_short = s->tuning.frequent_per_group;
    while (group_short > 1 && group_short * per_short > local - 1024)
        group_short /= 2;
    uint32_t group_long = 4;
    while (group_long > 1 && group_long * per_short * MASQ_LONG_WORDS > local - 1024)
        group_long /= 2;
    if (group_short * per_short > local || group_long * per_short * MASQ_LONG_WORDS > local) {
        snprintf(why, why_size, "%u distinct characters do not fit the device's %llu KiB of local memory",
                 distinct, (unsigned long long)(local >> 10));
        free(s);
        return MASQ_ERR_DEVICE;
    }

    cl_int error;
    s->context = clCreateContext(NULL, 1, &s->device.device, NULL, NULL, &error);
    CL_CHECK_CREATED_AT(why, why_size, status, cleanup, "clCreateContext", error);
    s->queue = clCreateCommandQueue(s->context, s->device.device, 0, &error);
    CL_CHECK_CREATED_AT(why, why_size, status, cleanup, "clCreateCommandQueue", error);
    status = build_class(s, &s->classes[0], 1, group_short);
    if (status == MASQ_OK)
        status = build_class(s, &s->classes[1], MASQ_LONG_WORDS, group_long);
    if (status == MASQ_OK)
        status = grow_candidates(s, s->tuning.candidate_capacity);
    if (status == MASQ_OK)
        status = self_test(s);
    if (status == MASQ_OK)
        masq_info("opencl: %s (%s): program built and self-test passed; work-groups of %u, "
                  "%u + %u frequent names a group, tiles of %u, %s layout",
                  s->device.name, s->device.platform_name, s->tuning.work_group_size, group_short,
                  group_long, s->tuning.tile_infrequent, masq_cl_layout_name(s->layout));
cleanup:
    if (status != MASQ_OK) {
        if (s->why_text[0] != '\0')
            snprintf(why, why_size, "%s", s->why_text);
        session_release(s);
        free(s);
        return status;
    }
    *opened = s;
    return MASQ_OK;
}

bool masq_cl_session_fits(const masq_cl_session *s, const masq_pack *pack)
{
    uint32_t alphabet = alphabet_for(pack);
    return alphabet != 0 && alphabet <= s->alphabet;
}

masq_status masq_cl_session_run(masq_cl_session *s, const masq_pack *pack, double similarity,
                                masq_hits *hits, masq_match_stats *stats, char *why,
                                size_t why_size)
{
    uint64_t pairs = stats->pairs;
    memset(stats, 0, sizeof *stats);
    stats->pairs = pairs;
    s->why_text[0] = '\0';
    masq_status status = run_pack(s, pack, similarity, hits, stats);
    if (status != MASQ_OK && s->why_text[0] != '\0')
        snprintf(why, why_size, "%s", s->why_text);
    snprintf(stats->backend, sizeof stats->backend, "opencl");
    snprintf(stats->device, sizeof stats->device, "%s (%s)", s->device.name,
             s->device.platform_name);
    stats->threads = 1;
    return status;
}

void masq_cl_session_close(masq_cl_session *s)
{
    if (s == NULL)
        return;
    session_release(s);
    free(s);
}
