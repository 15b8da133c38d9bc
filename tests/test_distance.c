/* The distance oracles and the fast paths against them:
 *  - the DP oracles on hand-checked cases (tests/data/distance_cases.tsv);
 *  - bit-parallel OSA == DP OSA, exact DL == DP true DL, on seeded random
 *    pairs (small alphabets, lengths 0..300, Cyrillic and CJK) and on every
 *    pair of an exhaustive small alphabet;
 *  - the bounds the CPU path relies on: DL <= OSA <= floor(1.5 DL), and
 *    DL == OSA when OSA <= 2. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "match/dl_exact.h"
#include "match/dl_oracle.h"
#include "match/osa_bitparallel.h"
#include "names/unicode.h"
#include "random_names.h"

#define MAX_SYMBOLS 0x10000 /* code points used here are all in the BMP */

static masq_osa_pattern pattern;
static masq_dl_scratch scratch;

static masq_random bound_random = {77};

/* The banded distance: the DP distance when it is <= bound, bound + 1 when
 * larger, for bounds around the distance, the verifier's min(k, OSA), and
 * the code-point entry point. */
static void check_bounds(const uint32_t *a, uint32_t la, const uint32_t *b, uint32_t lb, long dl,
                         long osa, const char *what)
{
    uint32_t bounds[8] = {0, 1, 2, (uint32_t)(dl > 0 ? dl - 1 : 0), (uint32_t)dl, (uint32_t)dl + 1,
                          (uint32_t)osa, masq_random_below(&bound_random, 40)};
    for (int x = 0; x < 8; x++) {
        uint32_t bound = bounds[x];
        long expected = dl <= (long)bound ? dl : (long)bound + 1;
        long banded = masq_dl_exact_bounded(&scratch, a, la, b, lb, bound);
        CHECK(banded == expected, "%s: banded DL %ld with bound %u, DP DL %ld (lengths %u, %u)",
              what, banded, bound, dl, la, lb);
    }
    uint32_t bound = bounds[7];
    long expected = dl <= (long)bound ? dl : (long)bound + 1;
    long points = masq_dl_codepoints(a, la, b, lb, bound);
    CHECK(points == expected, "%s: code-point DL %ld with bound %u, DP DL %ld", what, points, bound,
          dl);
}

static void check_pair(const uint32_t *a, uint32_t la, const uint32_t *b, uint32_t lb,
                       const char *what)
{
    long osa = masq_oracle_osa(a, la, b, lb);
    long dl = masq_oracle_damerau_levenshtein(a, la, b, lb);
    masq_osa_pattern_load(&pattern, a, la);
    long fast_osa = masq_osa_distance(&pattern, b, lb);
    masq_osa_pattern_unload(&pattern);
    long exact = masq_dl_exact(&scratch, a, la, b, lb);
    CHECK(fast_osa == osa, "%s: bit-parallel OSA %ld, DP OSA %ld (lengths %u, %u)", what, fast_osa,
          osa, la, lb);
    CHECK(exact == dl, "%s: exact DL %ld, DP DL %ld (lengths %u, %u)", what, exact, dl, la, lb);
    check_bounds(a, la, b, lb, dl, osa, what);
    CHECK(dl <= osa && 2 * osa <= 3 * dl, "%s: bound DL %ld <= OSA %ld <= 1.5 DL", what, dl, osa);
    if (osa <= 2)
        CHECK(dl == osa, "%s: OSA %ld <= 2 but DL %ld", what, osa, dl);
}

static void random_pairs(unsigned long pairs)
{
    masq_random r = {20261127};
    uint32_t *a = malloc(400 * sizeof *a), *b = malloc(400 * sizeof *b);
    for (unsigned long n = 0; n < pairs; n++) {
        const test_alphabet *alphabet = &test_alphabets[n % 4];
        uint32_t la = random_length(&r);
        random_string(&r, alphabet, la, a);
        uint32_t lb;
        if (masq_random_below(&r, 2) == 0) {
            /* a near copy: where the filters and the verifier must be exact */
            memcpy(b, a, la * sizeof *a);
            lb = random_edits(&r, alphabet, b, la, 1 + masq_random_below(&r, 6));
        } else {
            lb = random_length(&r);
            random_string(&r, alphabet, lb, b);
        }
        check_pair(a, la, b, lb, "random");
    }
    free(a);
    free(b);
}

/* Every pair of strings over {a,b,c} up to length 5 (364 strings). */
static void exhaustive_pairs(void)
{
    uint32_t strings[364][5], lengths[364];
    size_t count = 0;
    for (uint32_t length = 0; length <= 5; length++) {
        uint32_t total = 1;
        for (uint32_t i = 0; i < length; i++)
            total *= 3;
        for (uint32_t code = 0; code < total; code++) {
            uint32_t c = code;
            for (uint32_t i = 0; i < length; i++, c /= 3)
                strings[count][i] = 'a' + c % 3;
            lengths[count++] = length;
        }
    }
    for (size_t x = 0; x < count; x++)
        for (size_t y = 0; y < count; y++)
            check_pair(strings[x], lengths[x], strings[y], lengths[y], "exhaustive");
}

/* tests/data/distance_cases.tsv: a <TAB> b <TAB> OSA <TAB> true DL, worked by hand. */
static void table_cases(const char *path)
{
    FILE *file = fopen(path, "r");
    CHECK(file != NULL, "cannot open %s", path);
    if (file == NULL)
        return;
    char line[1024];
    int cases = 0;
    while (fgets(line, sizeof line, file)) {
        if (line[0] == '#' || line[0] == '\n')
            continue;
        char *a = strtok(line, "\t"), *b = strtok(NULL, "\t"), *osa = strtok(NULL, "\t"),
             *dl = strtok(NULL, "\t\n");
        if (a && strcmp(a, "-") == 0)
            a = "";
        if (b && strcmp(b, "-") == 0)
            b = "";
        CHECK(a && b && osa && dl, "malformed case line");
        if (!(a && b && osa && dl))
            continue;
        uint32_t ca[256], cb[256];
        long la = masq_unicode_decode(a, strlen(a), ca), lb = masq_unicode_decode(b, strlen(b), cb);
        long expected_osa = atol(osa), expected_dl = atol(dl);
        CHECK(masq_oracle_osa(ca, la, cb, lb) == expected_osa, "OSA(%s, %s) != %ld", a, b, expected_osa);
        CHECK(masq_oracle_damerau_levenshtein(ca, la, cb, lb) == expected_dl, "DL(%s, %s) != %ld", a, b,
              expected_dl);
        check_pair(ca, (uint32_t)la, cb, (uint32_t)lb, a);
        cases++;
    }
    fclose(file);
    CHECK(cases >= 10, "only %d cases read from %s", cases, path);
}

/* Long near copies (the pairs a crafted input makes): the banded distance
 * against the DP oracle at 3,000 code points, code points beyond the BMP for
 * the code-point entry point, and the bound the verifier uses. */
static void long_pairs(void)
{
    masq_random r = {4242};
    enum { LENGTH = 3000 };
    uint32_t *a = malloc((LENGTH + 16) * sizeof *a), *b = malloc((LENGTH + 16) * sizeof *b);
    for (int n = 0; n < 6; n++) {
        const test_alphabet *alphabet = &test_alphabets[n % 4];
        random_string(&r, alphabet, LENGTH, a);
        memcpy(b, a, LENGTH * sizeof *a);
        uint32_t lb = random_edits(&r, alphabet, b, LENGTH, 1 + (uint32_t)n * 3);
        long dl = masq_oracle_damerau_levenshtein(a, LENGTH, b, lb);
        long osa = masq_oracle_osa(a, LENGTH, b, lb);
        check_bounds(a, LENGTH, b, lb, dl, osa, "long");
        for (uint32_t x = 0; x < LENGTH; x++)
            a[x] += 0x10000;
        for (uint32_t x = 0; x < lb; x++)
            b[x] += 0x10000;
        CHECK(masq_dl_codepoints(a, LENGTH, b, lb, 450) == (dl <= 450 ? dl : 451),
              "long pair beyond the BMP: code-point DL differs from %ld", dl);
    }
    free(a);
    free(b);
}

int main(int argc, char **argv)
{
    unsigned long pairs = argc > 2 ? strtoul(argv[2], NULL, 10) : 100000;
    if (masq_osa_pattern_init(&pattern, MAX_SYMBOLS, 400) != MASQ_OK ||
        masq_dl_scratch_init(&scratch, MAX_SYMBOLS) != MASQ_OK) {
        fprintf(stderr, "out of memory\n");
        return 1;
    }
    table_cases(argc > 1 ? argv[1] : "tests/data/distance_cases.tsv");
    exhaustive_pairs();
    random_pairs(pairs);
    long_pairs();
    masq_osa_pattern_free(&pattern);
    masq_dl_scratch_free(&scratch);
    return check_finish("test_distance");
}
