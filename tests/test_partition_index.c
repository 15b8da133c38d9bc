/* The partition index against the DP oracle, in two parts.
 * The filter: families of near copies of a random string (alphabets of 2, 3
 * and 14 symbols, lengths whose allowed distance is 3..9 at threshold 0.85,
 * and shorter ones), edited adversarially at the segment borders (a swap
 * across a border, a transposition with a symbol inserted or deleted between,
 * an edit on either side of a border) or at random; every pair of a family
 * that the join compares, whose true Damerau-Levenshtein distance is within
 * the pair's allowed distance and whose lengths the index serves must be a
 * candidate (in both plans: stems, and whole names of other extensions; with
 * either side indexed). The pairs
 * that reach the bound (distance = k) and those where OSA and true DL differ
 * are counted, so that the test cannot pass on easy pairs only.
 * The matcher: the CPU path's hits on long names (random, adversarial, and the
 * real data's whole lower-cased paths, 30..90 code points) are exactly the
 * oracle's over the whole matrix, at several thresholds and thread counts,
 * with either side the larger (the indexed one), and the same bytes as with
 * the partition index off (the band scan). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "match/join.h"
#include "match/match.h"
#include "match/pack.h"
#include "match/partition_index.h"
#include "names/unicode.h"
#include "oracle/dl_oracle.h"
#include "random_names.h"

#define MAX_SYMBOLS 512

typedef struct name_list {
    char **items;
    size_t count;
    size_t capacity;
} name_list;

static void add_name(name_list *list, char *text)
{
    if (list->count == list->capacity) {
        list->capacity = list->capacity ? 2 * list->capacity : 256;
        list->items = realloc(list->items, list->capacity * sizeof *list->items);
    }
    list->items[list->count++] = text;
}

static void free_list(name_list *list)
{
    for (size_t i = 0; i < list->count; i++)
        free(list->items[i]);
    free(list->items);
    memset(list, 0, sizeof *list);
}

static char *encode(const uint32_t *symbols, uint32_t length, const char *extension)
{
    char *text = malloc((size_t)length * 4 + 16), *p = text;
    for (uint32_t i = 0; i < length; i++)
        p += masq_unicode_encode(symbols[i], p);
    strcpy(p, extension);
    return text;
}

/* One adversarial edit of s (length *length, room for 2 more) at a border of
 * an m-segment partition of its original length a, or anywhere. */
static void border_edit(masq_random *r, const test_alphabet *alphabet, uint32_t *s,
                        uint32_t *length, uint32_t a, uint32_t m)
{
    uint32_t n = *length;
    if (n < 4)
        return;
    uint32_t p = masq_partition_segment_start(a, m, 1 + masq_random_below(r, m - 1));
    p += masq_random_below(r, 3); /* the border, or a symbol or two past it */
    p = p < 2 ? 2 : p > n - 2 ? n - 2 : p;
    uint32_t x = alphabet->symbols[masq_random_below(r, alphabet->size)];
    uint32_t t;
    switch (masq_random_below(r, 7)) {
    case 0: /* a swap across the border */
        t = s[p - 1], s[p - 1] = s[p], s[p] = t;
        break;
    case 1: /* ab -> b x a: a transposition with an insertion between (true DL 2) */
        memmove(s + p + 2, s + p + 1, (n - p - 1) * sizeof *s);
        t = s[p - 1], s[p - 1] = s[p], s[p + 1] = t, s[p] = x;
        *length = n + 1;
        break;
    case 2: /* a x b -> b a: a deletion between, then the swap (true DL 2) */
        t = s[p - 2], s[p - 2] = s[p], s[p - 1] = t;
        memmove(s + p, s + p + 1, (n - p - 1) * sizeof *s);
        *length = n - 1;
        break;
    case 3: /* a substitution on one side of the border */
        s[p - masq_random_below(r, 2)] = x;
        break;
    case 4: /* an insertion at the border */
        memmove(s + p + 1, s + p, (n - p) * sizeof *s);
        s[p] = x;
        *length = n + 1;
        break;
    case 5: /* a deletion on one side of it */
        p -= masq_random_below(r, 2);
        memmove(s + p, s + p + 1, (n - p - 1) * sizeof *s);
        *length = n - 1;
        break;
    default: /* anywhere */
        *length = random_edits(r, alphabet, s, n, 1);
        break;
    }
}

/* The filter part for names of lengths [low, high] over one alphabet. */
typedef struct filter_counts {
    unsigned long served; /* pairs within k whose lengths the index serves */
    unsigned long tight;  /* ... with distance exactly k */
    unsigned long osa_differs;
} filter_counts;

static void filter_case(uint64_t seed, const test_alphabet *alphabet, uint32_t low, uint32_t high,
                        int32_t target_k, bool same_group, filter_counts *counts)
{
    /* The whole-names plan compares names of different extensions, whole:
     * its index leaves the extensions out of the segments. */
    static const char *const others[] = {".exe", ".js", ".scr", ".c"};
    enum { FAMILIES = 120, FREQUENT = 3, INFREQUENT = 8 };
    masq_random r = {seed};
    masq_pack pack;
    masq_pack_init(&pack);
    uint32_t base[MAX_SYMBOLS], copy[MAX_SYMBOLS];
    uint32_t *family_of[2] = {malloc(FAMILIES * FREQUENT * sizeof(uint32_t)),
                              malloc(FAMILIES * INFREQUENT * sizeof(uint32_t))};
    for (uint32_t family = 0; family < FAMILIES; family++) {
        uint32_t a = low + masq_random_below(&r, high - low + 1);
        random_string(&r, alphabet, a, base);
        /* Borders of the partitions the index may cut: m = 2k + 1 for the
         * target k and the next ones (a partner's longer length raises k). */
        for (int side = 0; side < 2; side++) {
            int copies = side == 0 ? FREQUENT : INFREQUENT;
            for (int c = 0; c < copies; c++) {
                memcpy(copy, base, a * sizeof *copy);
                uint32_t length = a;
                uint32_t edits = side == 0 ? (uint32_t)c : masq_random_below(&r, (uint32_t)target_k + 2);
                for (uint32_t e = 0; e < edits; e++) {
                    uint32_t m = 2 * ((uint32_t)target_k + masq_random_below(&r, 2)) + 1;
                    border_edit(&r, alphabet, copy, &length, a, m < a ? m : a);
                }
                char *text = encode(copy, length, same_group ? ".exe" : others[(c + side) % 4]);
                masq_packed_set *set = side == 0 ? &pack.frequent : &pack.infrequent;
                family_of[side][set->count] = family;
                masq_pack_add(&pack, set, text, strlen(text), (uint32_t)set->count);
                free(text);
            }
        }
    }
    masq_threshold threshold;
    masq_join join;
    CHECK(masq_threshold_init(&threshold, 0.85, pack.max_length) == MASQ_OK, "threshold");
    CHECK(masq_join_build(&join, &pack, same_group) == MASQ_OK, "join");
    /* Either side indexed (the matcher indexes the larger), the other probing. */
    for (int indexed_side = 0; indexed_side < 2; indexed_side++) {
        const masq_view_list *indexed = indexed_side ? &join.infrequent : &join.frequent;
        const masq_view_list *probing = indexed_side ? &join.frequent : &join.infrequent;
        const uint32_t *indexed_family = family_of[indexed_side];
        const uint32_t *probing_family = family_of[1 - indexed_side];
        masq_partition_index index;
        masq_partition_probe probe;
        CHECK(masq_partition_index_build(&index, &join, indexed, &threshold, 0) == MASQ_OK, "index");
        CHECK(masq_partition_probe_init(&probe, join.max_length, indexed->count) == MASQ_OK, "probe");
        bool *listed = calloc(indexed->count + 1, sizeof *listed);
        for (size_t i = 0; i < probing->count; i++) {
            const masq_view *v = &probing->items[i];
            CHECK(masq_partition_candidates(&index, &probe, v) == MASQ_OK, "candidates");
            for (size_t c = 0; c < probe.candidate_count; c++) {
                CHECK(!listed[probe.candidates[c]], "a candidate listed twice");
                listed[probe.candidates[c]] = true;
            }
            for (size_t f = 0; f < indexed->count; f++) {
                const masq_view *w = &indexed->items[f];
                if (indexed_family[w->item] != probing_family[v->item] ||
                    !masq_partition_serves(&index, f, v->length) || !masq_join_compares(&join, w, v))
                    continue;
                uint32_t longer = w->length > v->length ? w->length : v->length;
                int32_t k = masq_threshold_k(&threshold, longer);
                long d = masq_oracle_damerau_levenshtein(w->symbols, w->length, v->symbols, v->length);
                if (d > k)
                    continue;
                counts->served++;
                counts->tight += d == k;
                counts->osa_differs += masq_oracle_osa(w->symbols, w->length, v->symbols, v->length) != d;
                CHECK(listed[f], "k=%d, lengths %u/%u, distance %ld, %s indexed: the index misses "
                      "the pair", k, w->length, v->length, d, indexed_side ? "infrequent" : "frequent");
            }
            for (size_t c = 0; c < probe.candidate_count; c++)
                listed[probe.candidates[c]] = false;
        }
        free(listed);
        masq_partition_probe_free(&probe);
        masq_partition_index_free(&index);
    }
    masq_join_free(&join);
    masq_threshold_free(&threshold);
    masq_pack_free(&pack);
    free(family_of[0]);
    free(family_of[1]);
}

static void filter_tests(void)
{
    /* Lengths of the stems (".exe" dropped) whose k at 0.85 is 3..9. */
    static const uint32_t ranges[][2] = {{21, 26}, {27, 33}, {34, 40}, {41, 46},
                                         {47, 53}, {54, 60}, {61, 66}};
    for (int32_t k = 3; k <= 9; k++) {
        filter_counts counts = {0}, whole = {0};
        for (int a = 0; a < 4; a++) {
            filter_case(1000 + (uint64_t)k * 10 + (uint64_t)a, &test_alphabets[a == 3 ? 3 : a],
                        ranges[k - 3][0], ranges[k - 3][1], k, true, &counts);
            filter_case(2000 + (uint64_t)k * 10 + (uint64_t)a, &test_alphabets[a == 3 ? 3 : a],
                        ranges[k - 3][0], ranges[k - 3][1], k, false, &whole);
        }
        printf("filter k=%d: %lu pairs within k served, %lu at distance k, %lu where OSA differs; "
               "whole names: %lu, %lu, %lu\n", k, counts.served, counts.tight, counts.osa_differs,
               whole.served, whole.tight, whole.osa_differs);
        CHECK(counts.served > 500 && counts.tight > 50 && counts.osa_differs > 5,
              "k=%d: too few hard pairs (%lu, %lu at k, %lu OSA != DL)", k, counts.served,
              counts.tight, counts.osa_differs);
        CHECK(whole.served > 100 && whole.tight > 10,
              "k=%d, whole names: too few hard pairs (%lu, %lu at k)", k, whole.served, whole.tight);
    }
    /* Short names too (k <= 2 at 0.85; the matcher leaves them to the
     * deletion index, the filter must hold there as well). */
    filter_counts counts = {0};
    filter_case(77, &test_alphabets[1], 7, 20, 2, true, &counts);
    filter_case(78, &test_alphabets[3], 7, 20, 2, false, &counts);
    printf("filter k<=2: %lu pairs within k served\n", counts.served);
    CHECK(counts.served > 100, "short names: only %lu pairs served", counts.served);
}

/* The notebook's calcDist + filter, written plainly from its Python. */
static int oracle_keeps(const char *one, const char *two, double threshold, long *distance,
                        float *score)
{
    const char *dot_one = strrchr(one, '.'), *dot_two = strrchr(two, '.');
    if (dot_one == NULL || dot_two == NULL)
        return 0;
    size_t length_one = strlen(one), length_two = strlen(two);
    if (strcmp(dot_one, dot_two) == 0) {
        length_one = (size_t)(dot_one - one);
        length_two = (size_t)(dot_two - two);
    }
    static uint32_t a[4096], b[4096];
    long la = masq_unicode_decode(one, length_one, a), lb = masq_unicode_decode(two, length_two, b);
    if (la == lb && memcmp(a, b, (size_t)la * sizeof *a) == 0) {
        *distance = 0;
        *score = 1.0f;
    } else if (la == 0 || lb == 0) {
        return 0;
    } else {
        long longer = la > lb ? la : lb;
        *distance = masq_oracle_damerau_levenshtein(a, (size_t)la, b, (size_t)lb);
        *score = (float)((double)(longer - *distance) / (double)longer);
    }
    return (double)*score > threshold;
}

static void match(const name_list *frequent, const name_list *infrequent, double threshold,
                  int threads, bool partition, masq_hits *hits)
{
    if (partition)
        unsetenv("MASQ_PARTITION_INDEX");
    else
        setenv("MASQ_PARTITION_INDEX", "off", 1);
    masq_pack pack;
    masq_pack_init(&pack);
    for (size_t i = 0; i < frequent->count; i++)
        masq_pack_add(&pack, &pack.frequent, frequent->items[i], strlen(frequent->items[i]), (uint32_t)i);
    for (size_t i = 0; i < infrequent->count; i++)
        masq_pack_add(&pack, &pack.infrequent, infrequent->items[i], strlen(infrequent->items[i]),
                      (uint32_t)i);
    masq_match_stats stats;
    masq_match_options options = {threshold, threads, MASQ_MATCH_CPU, NULL, {0}};
    CHECK(masq_match(&pack, &options, hits, &stats) == MASQ_OK, "match");
    masq_pack_free(&pack);
    unsetenv("MASQ_PARTITION_INDEX");
}

static void matcher_case(const char *label, const name_list *frequent, const name_list *infrequent,
                         double threshold, int threads)
{
    masq_hits hits = {0}, band = {0};
    match(frequent, infrequent, threshold, threads, true, &hits);
    match(frequent, infrequent, threshold, threads, false, &band);
    CHECK(hits.count == band.count &&
              memcmp(hits.items, band.items, hits.count * sizeof *hits.items) == 0,
          "%s (%.2f): %zu hits with the partition index, %zu without, or not the same bytes",
          label, threshold, hits.count, band.count);
    size_t next = 0, expected = 0, long_hits = 0;
    for (size_t f = 0; f < frequent->count; f++) {
        for (size_t i = 0; i < infrequent->count; i++) {
            long distance;
            float score;
            int keep = oracle_keeps(frequent->items[f], infrequent->items[i], threshold, &distance, &score);
            int found = next < hits.count && hits.items[next].frequent == f && hits.items[next].infrequent == i;
            expected += keep;
            long_hits += keep && distance >= 3;
            CHECK(keep == found, "%s (%.2f): %s / %s: oracle %s, matcher %s", label, threshold,
                  frequent->items[f], infrequent->items[i], keep ? "keeps" : "drops",
                  found ? "keeps" : "drops");
            if (keep && found)
                CHECK(hits.items[next].distance == (uint32_t)distance && hits.items[next].score == score,
                      "%s: %s / %s: distance %u, oracle %ld", label, frequent->items[f],
                      infrequent->items[i], hits.items[next].distance, distance);
            next += found;
        }
    }
    CHECK(next == hits.count, "%s: %zu hits left over", label, hits.count - next);
    printf("%s: threshold %.2f, %d threads: %zu x %zu, %zu hits (oracle %zu, %zu at distance >= 3)\n",
           label, threshold, threads, frequent->count, infrequent->count, hits.count, expected,
           long_hits);
    CHECK(long_hits > 0, "%s (%.2f): no hit at distance >= 3: the index is not exercised", label,
          threshold);
    masq_hits_free(&hits);
    masq_hits_free(&band);
}

/* Long random names and their near copies, adversarial and random edits. */
static void long_sets(uint64_t seed, name_list *frequent, name_list *infrequent)
{
    static const char *const extensions[] = {".exe", ".exe", ".dll", ".com"};
    masq_random r = {seed};
    uint32_t base[MAX_SYMBOLS], copy[MAX_SYMBOLS];
    for (int family = 0; family < 60; family++) {
        const test_alphabet *alphabet = &test_alphabets[masq_random_below(&r, 4)];
        uint32_t a = 21 + masq_random_below(&r, 60);
        random_string(&r, alphabet, a, base);
        const char *extension = extensions[masq_random_below(&r, 4)];
        add_name(frequent, encode(base, a, extension));
        for (int c = 0; c < 5; c++) {
            memcpy(copy, base, a * sizeof *copy);
            uint32_t length = a, edits = masq_random_below(&r, 12);
            for (uint32_t e = 0; e < edits; e++)
                border_edit(&r, alphabet, copy, &length, a, 2 * (3 + masq_random_below(&r, 7)) + 1);
            add_name(c == 0 ? frequent : infrequent,
                     encode(copy, length, c == 4 ? extensions[masq_random_below(&r, 4)] : extension));
        }
    }
}

/* Names of one whole length (40) whose last '.' moves from 15 to 36: long
 * extensions (stems too short for the segments) and more stem lengths per
 * length than the index keeps (MASQ_PARTITION_MAX_REGIONS), both left to the
 * band scan view by view; and their near copies. */
static void moving_dots(uint64_t seed, name_list *frequent, name_list *infrequent)
{
    masq_random r = {seed};
    const test_alphabet *alphabet = &test_alphabets[2];
    uint32_t base[64], copy[64];
    for (uint32_t dot = 15; dot <= 36; dot++) {
        for (int c = 0; c < 3; c++) {
            random_string(&r, alphabet, 40, base);
            base[dot] = '.';
            add_name(frequent, encode(base, 40, ""));
            for (int e = 0; e < 2; e++) {
                memcpy(copy, base, sizeof base);
                uint32_t length = 40;
                for (uint32_t n = masq_random_below(&r, 6); n > 0; n--) {
                    uint32_t at = masq_random_below(&r, length);
                    if (copy[at] != '.') /* keep the one '.' */
                        copy[at] = alphabet->symbols[masq_random_below(&r, alphabet->size)];
                    else if (at + 1 < length && copy[at + 1] != '.')
                        copy[at + 1] = copy[at + 1] == 'a' ? 'b' : 'a';
                }
                add_name(infrequent, encode(copy, length, ""));
            }
        }
    }
}

/* The real data's distinct whole paths (NewProcessName, Image), lower-cased,
 * and copies with a few random edits. */
static void real_paths(const char *folder, name_list *frequent, name_list *infrequent)
{
    const char *files[] = {"securityevent_4688.jsonl", "sysmon_1.jsonl"};
    const char *keys[] = {"\"NewProcessName\": \"", "\"Image\": \""};
    masq_random r = {5};
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
            char *end = start ? strchr(start += strlen(keys[f]), '"') : NULL;
            if (end == NULL)
                continue;
            *end = '\0';
            char *lowered;
            size_t length;
            if (masq_unicode_lower(start, strlen(start), &lowered, &length) != MASQ_UNICODE_OK)
                continue;
            bool seen = false;
            for (size_t i = 0; i < frequent->count && !seen; i++)
                seen = strcmp(frequent->items[i], lowered) == 0;
            uint32_t symbols[MAX_SYMBOLS + 16];
            long n = length < MAX_SYMBOLS ? masq_unicode_decode(lowered, length, symbols) : -1;
            if (seen || n < 30 || frequent->count >= 150) {
                free(lowered);
                continue;
            }
            add_name(frequent, lowered);
            const char *dot = strrchr(lowered, '.');
            uint32_t stem = (uint32_t)n - (dot ? (uint32_t)strlen(dot) : 0);
            for (int c = 0; c < 2; c++) {
                uint32_t copy[MAX_SYMBOLS + 16];
                memcpy(copy, symbols, stem * sizeof *copy);
                uint32_t edited = random_edits(&r, &test_alphabets[3], copy, stem,
                                               3 + masq_random_below(&r, 8));
                add_name(infrequent, encode(copy, edited, dot ? dot : ""));
            }
        }
        fclose(file);
    }
    CHECK(frequent->count > 40, "only %zu real paths of 30 code points or more", frequent->count);
}

int main(int argc, char **argv)
{
    const char *real_folder = argc > 1 ? argv[1] : "tests/data/real";
    filter_tests();
    name_list frequent = {0}, infrequent = {0};
    long_sets(11, &frequent, &infrequent);
    matcher_case("long random", &frequent, &infrequent, 0.85, 2);
    matcher_case("long random", &frequent, &infrequent, 0.75, 1);
    matcher_case("long random", &frequent, &infrequent, 0.6, 3);
    /* more frequent names than infrequent: the frequent side is indexed */
    matcher_case("long random, swapped", &infrequent, &frequent, 0.85, 2);
    free_list(&frequent);
    free_list(&infrequent);
    moving_dots(12, &frequent, &infrequent);
    matcher_case("moving dots", &frequent, &infrequent, 0.85, 2);
    matcher_case("moving dots, swapped", &infrequent, &frequent, 0.85, 2);
    free_list(&frequent);
    free_list(&infrequent);
    real_paths(real_folder, &frequent, &infrequent);
    /* real paths against themselves and their edited copies */
    for (size_t i = 0; i < frequent.count; i++)
        add_name(&infrequent, strdup(frequent.items[i]));
    matcher_case("real paths", &frequent, &infrequent, 0.85, 2);
    matcher_case("real paths", &frequent, &infrequent, 0.8, 3);
    matcher_case("real paths, swapped", &infrequent, &frequent, 0.85, 1);
    free_list(&frequent);
    free_list(&infrequent);
    return check_finish("test_partition_index");
}
