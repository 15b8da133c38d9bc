/* Both matchers against the oracle: for seeded random name sets (near copies,
 * small alphabets, lengths 0..300, Cyrillic and CJK, mixed extensions), for
 * every name of the real data and for the demo's names, the hits must be
 * exactly the pairs that the notebook's rule, evaluated with the DP oracle on
 * every pair of the matrix, keeps, with the same distance and float32 score:
 * on the CPU with several thresholds and thread counts, and on the OpenCL
 * device (PoCL in CI) with several forced work-group and tile sizes and with
 * the candidate overflow path forced, in both device symbol layouts (offsets
 * and fixed-width rows). No OpenCL device is a failure. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ingest/ingest.h"
#include "match/match.h"
#include "oracle/dl_oracle.h"
#include "match/join.h"
#include "match/opencl/cl_layout.h"
#include "match/opencl/cl_selftest.h"
#include "match/pack.h"
#include "names/unicode.h"
#include "random_names.h"

typedef struct name_list {
    char **items;
    size_t count;
} name_list;

/* The notebook's calcDist + filter, written plainly from its Python. */
static int oracle_keeps(const char *one, const char *two, double threshold, long *distance,
                        float *score)
{
    const char *dot_one = strrchr(one, '.'), *dot_two = strrchr(two, '.');
    if (dot_one == NULL || dot_two == NULL)
        return 0; /* calcDist returns 0.0 */
    size_t length_one = strlen(one), length_two = strlen(two);
    if (strcmp(dot_one, dot_two) == 0) {
        length_one = (size_t)(dot_one - one);
        length_two = (size_t)(dot_two - two);
    }
    uint32_t a[2048], b[2048];
    long la = masq_unicode_decode(one, length_one, a), lb = masq_unicode_decode(two, length_two, b);
    if (la == lb && memcmp(a, b, (size_t)la * sizeof *a) == 0) {
        *distance = 0;
        *score = 1.0f; /* fastDamerauLevenshtein: equal objects are 1.0 */
    } else if (la == 0 || lb == 0) {
        return 0; /* ... and an empty one 0.0 */
    } else {
        long longer = la > lb ? la : lb;
        *distance = masq_oracle_damerau_levenshtein(a, (size_t)la, b, (size_t)lb);
        *score = (float)((double)(longer - *distance) / (double)longer);
    }
    return (double)*score > threshold;
}

typedef struct backend_case {
    const char *name;
    masq_match_backend backend;
    int threads;
    masq_opencl_tuning tuning;
    const char *layout; /* MASQ_DEVICE_LAYOUT for OpenCL; NULL: the device's default */
} backend_case;

static const backend_case cpu_cases[] = {
    {"cpu", MASQ_MATCH_CPU, 2, {0}, NULL},
    {"cpu", MASQ_MATCH_CPU, 1, {0}, NULL},
    {"cpu", MASQ_MATCH_CPU, 3, {0}, NULL},
};

/* Device tables, forced shapes (one work-item, odd sizes, huge tiles) and a
 * candidate buffer of one entry, so that every launch overflows and re-runs. */
static const backend_case opencl_cases[] = {
    {"opencl (device table)", MASQ_MATCH_OPENCL, 1, {0}, NULL},
    {"opencl (1 x 1 x 1, capacity 1)", MASQ_MATCH_OPENCL, 1, {1, 1, 1, 1}, NULL},
    {"opencl (7 x 3 x 5, capacity 16)", MASQ_MATCH_OPENCL, 1, {7, 3, 5, 16}, NULL},
    {"opencl (256 x 64 x 100000)", MASQ_MATCH_OPENCL, 1, {256, 64, 100000, 1u << 20}, NULL},
};

static const char *const layouts[] = {"offsets", "rows"};

static void run_case(const char *label, const name_list *frequent, const name_list *infrequent,
                     double threshold, const backend_case *backend)
{
    int threads = backend->threads;
    if (backend->layout != NULL)
        setenv("MASQ_DEVICE_LAYOUT", backend->layout, 1);
    else
        unsetenv("MASQ_DEVICE_LAYOUT");
    masq_pack pack;
    masq_pack_init(&pack);
    for (size_t i = 0; i < frequent->count; i++)
        masq_pack_add(&pack, &pack.frequent, frequent->items[i], strlen(frequent->items[i]), (uint32_t)i);
    for (size_t i = 0; i < infrequent->count; i++)
        masq_pack_add(&pack, &pack.infrequent, infrequent->items[i], strlen(infrequent->items[i]),
                      (uint32_t)i);
    masq_hits hits = {0};
    masq_match_stats stats;
    masq_match_options options = {threshold, threads, backend->backend, NULL, backend->tuning};
    if (backend->backend == MASQ_MATCH_OPENCL)
        options.device = getenv("MASQ_DEVICE") ? NULL : "0";
    masq_status status = masq_match(&pack, &options, &hits, &stats);
    CHECK(status == MASQ_OK, "%s on %s: match failed: %s", label, backend->name,
          masq_status_message(status));
    CHECK(strcmp(stats.backend, backend->backend == MASQ_MATCH_OPENCL ? "opencl" : "cpu") == 0,
          "%s: ran on %s, not %s", label, stats.backend, backend->name);

    /* hits are sorted by (frequent, infrequent): walk the matrix in that order. */
    size_t next = 0, expected_hits = 0;
    for (size_t f = 0; f < frequent->count; f++) {
        for (size_t i = 0; i < infrequent->count; i++) {
            long distance;
            float score;
            int keep = oracle_keeps(frequent->items[f], infrequent->items[i], threshold, &distance, &score);
            int found = next < hits.count && hits.items[next].frequent == f && hits.items[next].infrequent == i;
            expected_hits += keep;
            CHECK(keep == found, "%s (threshold %.3f, %s): %s / %s: oracle %s, matcher %s",
                  label, threshold, backend->name, frequent->items[f], infrequent->items[i],
                  keep ? "keeps" : "drops", found ? "keeps" : "drops");
            if (keep && found) {
                CHECK(hits.items[next].distance == (uint32_t)distance,
                      "%s: %s / %s: distance %u, oracle %ld", label, frequent->items[f],
                      infrequent->items[i], hits.items[next].distance, distance);
                CHECK(hits.items[next].score == score, "%s: %s / %s: score %.9g, oracle %.9g", label,
                      frequent->items[f], infrequent->items[i], hits.items[next].score, score);
            }
            if (found)
                next++;
        }
    }
    CHECK(next == hits.count, "%s: %zu hits left over", label, hits.count - next);
    CHECK(stats.pairs == (uint64_t)frequent->count * infrequent->count, "%s: pairs", label);
    printf("%s: threshold %.3f, %s%s%s, %d threads: %zu x %zu, %zu hits (oracle %zu), %llu scored, "
           "%llu verified, %llu launches, %llu overflows\n",
           label, threshold, backend->name, backend->layout ? ", layout " : "",
           backend->layout ? backend->layout : "", threads, frequent->count, infrequent->count,
           hits.count, expected_hits, (unsigned long long)stats.candidates,
           (unsigned long long)stats.verified, (unsigned long long)stats.launches,
           (unsigned long long)stats.overflows);
    if (backend->tuning.candidate_capacity == 1 && expected_hits > 1)
        CHECK(stats.overflows > 0, "%s: capacity 1 but no overflow re-run", label);
    masq_hits_free(&hits);
    masq_pack_free(&pack);
    unsetenv("MASQ_DEVICE_LAYOUT");
}

static char *encode(const uint32_t *symbols, uint32_t length, const char *extension)
{
    char *text = malloc((size_t)length * 4 + 16), *p = text;
    for (uint32_t i = 0; i < length; i++)
        p += masq_unicode_encode(symbols[i], p);
    strcpy(p, extension);
    return text;
}

static const char *const extensions[] = {".exe", ".exe", ".exe", ".com", ".dll", "", "."};

static void random_sets(name_list *frequent, name_list *infrequent, uint64_t seed, size_t nf, size_t ni)
{
    masq_random r = {seed};
    uint32_t base[400], copy[400];
    frequent->items = malloc(nf * sizeof(char *));
    infrequent->items = malloc(ni * sizeof(char *));
    frequent->count = infrequent->count = 0;
    for (size_t i = 0; i < nf; i++) {
        const test_alphabet *a = &test_alphabets[masq_random_below(&r, 4)];
        uint32_t length = random_length(&r);
        random_string(&r, a, length, base);
        frequent->items[frequent->count++] = encode(base, length, extensions[masq_random_below(&r, 7)]);
    }
    for (size_t i = 0; i < ni; i++) {
        /* most are near copies of a frequent name, the rest random */
        const test_alphabet *a = &test_alphabets[3];
        uint32_t length;
        if (masq_random_below(&r, 4) != 0) {
            const char *source = frequent->items[masq_random_below(&r, (uint32_t)nf)];
            long decoded = masq_unicode_decode(source, strlen(source), base);
            length = (uint32_t)decoded;
            memcpy(copy, base, length * sizeof *copy);
            length = random_edits(&r, a, copy, length, masq_random_below(&r, 5));
            if (length > 390)
                length = 390;
            infrequent->items[infrequent->count++] = encode(copy, length, "");
        } else {
            length = random_length(&r);
            random_string(&r, a, length, copy);
            infrequent->items[infrequent->count++] = encode(copy, length, extensions[masq_random_below(&r, 7)]);
        }
    }
}

static void free_list(name_list *list)
{
    for (size_t i = 0; i < list->count; i++)
        free(list->items[i]);
    free(list->items);
}

/* Every distinct process name of the real data (SecurityEvent Process /
 * NewProcessName and Sysmon Image), lower-cased. */
static void real_names(const char *folder, name_list *names)
{
    const char *files[] = {"securityevent_4688.jsonl", "sysmon_1.jsonl"};
    const char *keys[] = {"\"NewProcessName\": \"", "\"Image\": \""};
    names->items = malloc(4096 * sizeof(char *));
    names->count = 0;
    for (int f = 0; f < 2; f++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", folder, files[f]);
        FILE *file = fopen(path, "r");
        CHECK(file != NULL, "cannot open %s", path);
        if (file == NULL)
            continue;
        static char line[1 << 20];
        while (fgets(line, sizeof line, file)) {
            char *start = strstr(line, keys[f]);
            if (start == NULL)
                continue;
            start += strlen(keys[f]);
            char *end = strchr(start, '"');
            if (end == NULL)
                continue;
            *end = '\0';
            const char *name = masq_path_file_name(start);
            char *lowered;
            size_t length;
            if (masq_unicode_lower(name, strlen(name), &lowered, &length) != MASQ_UNICODE_OK)
                continue;
            size_t i = 0;
            while (i < names->count && strcmp(names->items[i], lowered) != 0)
                i++;
            if (i < names->count || names->count == 4096) {
                free(lowered);
                continue;
            }
            names->items[names->count++] = lowered;
        }
        fclose(file);
    }
}

static void run_all(const char *label, const name_list *frequent, const name_list *infrequent,
                    const double *thresholds, size_t threshold_count, bool opencl)
{
    for (size_t t = 0; t < threshold_count; t++)
        run_case(label, frequent, infrequent, thresholds[t], &cpu_cases[t % 3]);
    /* Every shape in each layout, at the same thresholds. */
    for (size_t l = 0; opencl && l < sizeof layouts / sizeof *layouts; l++) {
        for (size_t c = 0; c < sizeof opencl_cases / sizeof *opencl_cases; c++) {
            backend_case one = opencl_cases[c];
            one.layout = layouts[l];
            run_case(label, frequent, infrequent, thresholds[c % threshold_count], &one);
        }
    }
}

/* The device self-test's stored answers are the CPU path's on its pack (the
 * CPU path is held to the oracle below): a stored answer that rotted would
 * fail every device. */
static void selftest_answers(void)
{
    masq_pack pack;
    masq_pack_init(&pack);
    CHECK(masq_cl_selftest_pack(&pack) == MASQ_OK, "self-test pack");
    masq_match_options cpu = {MASQ_CL_SELFTEST_THRESHOLD, 1, MASQ_MATCH_CPU, NULL, {0}};
    masq_hits hits = {0};
    masq_match_stats stats;
    CHECK(masq_match(&pack, &cpu, &hits, &stats) == MASQ_OK, "self-test pack on the CPU");
    CHECK(masq_cl_selftest_passes(&hits), "the CPU path gives %zu hits, not the stored answers",
          hits.count);
    masq_hits_free(&hits);
    masq_pack_free(&pack);
}

/* The rows layout itself: every symbol of every view in its own cell of the
 * buffer, neighbouring names of a width class in neighbouring columns (what
 * makes the reads coalesce), strides aligned, rows as wide as the class; and
 * an unknown MASQ_DEVICE_LAYOUT refused, not ignored. */
static uint32_t row_width(uint32_t length)
{
    uint32_t width = MASQ_ROW_WIDTH_FIRST;
    while (width < length)
        width *= 2;
    return width;
}

static void layout_shape(const name_list *frequent, const name_list *infrequent, bool opencl)
{
    masq_pack pack;
    masq_pack_init(&pack);
    for (size_t i = 0; i < frequent->count; i++)
        masq_pack_add(&pack, &pack.frequent, frequent->items[i], strlen(frequent->items[i]), (uint32_t)i);
    for (size_t i = 0; i < infrequent->count; i++)
        masq_pack_add(&pack, &pack.infrequent, infrequent->items[i], strlen(infrequent->items[i]),
                      (uint32_t)i);
    uint16_t *ids = malloc((pack.alphabet_size + 1) * sizeof *ids);
    for (uint32_t a = 0; a < pack.alphabet_size; a++)
        ids[a] = (uint16_t)(a + 1); /* never 0: an unset cell reads 0 */
    masq_join join;
    CHECK(masq_join_build(&join, &pack, false) == MASQ_OK, "layout: join");
    const masq_view_list *sides[2] = {&join.frequent, &join.infrequent};
    for (uint32_t layout = MASQ_LAYOUT_OFFSETS; layout <= MASQ_LAYOUT_ROWS; layout++) {
        masq_device_view *views[2] = {malloc((join.frequent.count + 1) * sizeof(masq_device_view)),
                                      malloc((join.infrequent.count + 1) * sizeof(masq_device_view))};
        uint16_t *symbols;
        size_t count;
        char why[128];
        CHECK(masq_cl_layout_pack(layout, &join.frequent, &join.infrequent, ids, views, &symbols,
                                  &count, why, sizeof why) == MASQ_OK,
              "layout %s: %s", masq_cl_layout_name(layout), why);
        unsigned char *owner = calloc(count + 1, 1);
        size_t cells = 0, bad = 0;
        for (int side = 0; side < 2; side++) {
            for (size_t v = 0; v < sides[side]->count; v++) {
                const masq_view *view = &sides[side]->items[v];
                const masq_device_view *dv = &views[side][v];
                bad += dv->length != view->length || dv->group != view->group;
                uint32_t width = row_width(view->length);
                if (layout == MASQ_LAYOUT_OFFSETS) {
                    bad += dv->stride != 1;
                } else {
                    bad += dv->stride == 0 || dv->stride % MASQ_ROW_ALIGN != 0;
                    /* the whole column, as wide as its class, in the buffer */
                    bad += dv->offset + (uint64_t)(width - 1) * dv->stride >= count;
                    if (v > 0 && row_width(sides[side]->items[v - 1].length) == width)
                        bad += dv->offset != views[side][v - 1].offset + 1;
                }
                for (uint32_t p = 0; p < view->length; p++) {
                    size_t at = masq_symbol_index(dv->offset, dv->stride, p);
                    bad += at >= count || owner[at] || symbols[at] != ids[view->symbols[p]];
                    if (at < count)
                        owner[at] = 1;
                    cells++;
                }
            }
        }
        CHECK(bad == 0, "layout %s: %zu misplaced views or symbols", masq_cl_layout_name(layout), bad);
        printf("layout %s: %zu + %zu views, %zu symbols in %zu cells\n", masq_cl_layout_name(layout),
               join.frequent.count, join.infrequent.count, cells, count);
        free(owner);
        free(symbols);
        free(views[0]);
        free(views[1]);
    }
    masq_join_free(&join);
    if (opencl) {
        masq_hits hits = {0};
        masq_match_stats stats;
        masq_match_options options = {0.85, 1, MASQ_MATCH_OPENCL, getenv("MASQ_DEVICE") ? NULL : "0", {0}};
        setenv("MASQ_DEVICE_LAYOUT", "columns", 1);
        CHECK(masq_match(&pack, &options, &hits, &stats) != MASQ_OK,
              "MASQ_DEVICE_LAYOUT=columns was accepted");
        unsetenv("MASQ_DEVICE_LAYOUT");
        masq_hits_free(&hits);
    }
    free(ids);
    masq_pack_free(&pack);
}

int main(int argc, char **argv)
{
    selftest_answers();
    const char *real_folder = argc > 1 ? argv[1] : "tests/data/real";
    bool opencl = !(argc > 2 && strcmp(argv[2], "--cpu-only") == 0);
    static const double thresholds[] = {0.85, 0.7, 0.5, 0.95};
    name_list frequent, infrequent;
    random_sets(&frequent, &infrequent, 7, 200, 600);
    layout_shape(&frequent, &infrequent, opencl);
    run_all("random", &frequent, &infrequent, thresholds, 4, opencl);
    free_list(&frequent);
    free_list(&infrequent);

    if (strcmp(real_folder, "none") != 0) { /* bench/gpu_check.sh on a machine without them */
        name_list names;
        real_names(real_folder, &names);
        CHECK(names.count > 100, "only %zu real names", names.count);
        /* All names on both sides: the whole real matrix, equal names included. */
        run_all("real", &names, &names, thresholds, 2, opencl);
        free_list(&names);
    }
    return check_finish("test_matcher");
}
