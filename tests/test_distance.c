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
#include "oracle/dl_oracle.h"
#include "match/osa_bitparallel.h"
#include "names/unicode.h"
#include "random_names.h"
#include "report/edit_script.h"

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

/* The edit script's oracle: the whole OSA table and the same walk back (the
 * edit as it was before the band). The banded edit must be the same text. */
static void oracle_put_in(char **out, size_t *n, uint32_t c, int in_bracket)
{
    /* Characters an analyst cannot see are written as U+XXXX, and inside
     * brackets every one past ASCII. */
    if (c < 0x20 || (c >= 0x200B && c <= 0x200F) || (c >= 0x202A && c <= 0x202E) ||
        (c >= 0x2060 && c <= 0x2069) || c == 0xFEFF || c == 0x00AD || c == 0x061C ||
        c == 0x2800 || c == 0x3164 || c == ' ' || (in_bracket && c >= 0x7F)) {
        *n += (size_t)sprintf(*out + *n, "U+%04X", c);
        return;
    }
    *n += masq_unicode_encode(c, *out + *n);
}

static void oracle_put(char **out, size_t *n, uint32_t c)
{
    oracle_put_in(out, n, c, 1);
}

static void oracle_put_text(char **out, size_t *n, const char *text)
{
    size_t length = strlen(text);
    memcpy(*out + *n, text, length);
    *n += length;
}

static char *oracle_edit_script(const char *from, const char *to)
{
    long la = masq_unicode_decode(from, strlen(from), NULL);
    long lb = masq_unicode_decode(to, strlen(to), NULL);
    if (la < 0 || lb < 0)
        return NULL;
    uint32_t *a = malloc(((size_t)la + 1) * sizeof *a), *b = malloc(((size_t)lb + 1) * sizeof *b);
    size_t cols = (size_t)lb + 1;
    unsigned *d = malloc(((size_t)la + 1) * cols * sizeof *d);
    char *out = malloc(((size_t)la + (size_t)lb) * 24 + 1);
    if (a == NULL || b == NULL || d == NULL || out == NULL) {
        free(a);
        free(b);
        free(d);
        free(out);
        return NULL;
    }
    masq_unicode_decode(from, strlen(from), a);
    masq_unicode_decode(to, strlen(to), b);
#define D(i, j) d[(size_t)(i) * cols + (size_t)(j)]
    for (long i = 0; i <= la; i++)
        D(i, 0) = (unsigned)i;
    for (long j = 0; j <= lb; j++)
        D(0, j) = (unsigned)j;
    for (long i = 1; i <= la; i++)
        for (long j = 1; j <= lb; j++) {
            unsigned best = D(i - 1, j - 1) + (a[i - 1] != b[j - 1]);
            if (D(i - 1, j) + 1 < best)
                best = D(i - 1, j) + 1;
            if (D(i, j - 1) + 1 < best)
                best = D(i, j - 1) + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                D(i - 2, j - 2) + 1 < best)
                best = D(i - 2, j - 2) + 1;
            D(i, j) = best;
        }
    /* Walk back, recording operations in reverse: 'm'atch, 's'ubstitute,
     * 'd'elete, 'i'nsert, 't'ranspose. */
    char *ops = malloc((size_t)(la + lb) + 1);
    size_t op_count = 0;
    long i = la, j = lb;
    while (ops != NULL && (i > 0 || j > 0)) {
        if (i > 0 && j > 0 && a[i - 1] == b[j - 1] && D(i, j) == D(i - 1, j - 1)) {
            ops[op_count++] = 'm';
            i--, j--;
        } else if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                   D(i, j) == D(i - 2, j - 2) + 1) {
            ops[op_count++] = 't';
            i -= 2, j -= 2;
        } else if (i > 0 && j > 0 && D(i, j) == D(i - 1, j - 1) + 1) {
            ops[op_count++] = 's';
            i--, j--;
        } else if (i > 0 && D(i, j) == D(i - 1, j) + 1) {
            ops[op_count++] = 'd';
            i--;
        } else {
            ops[op_count++] = 'i';
            j--;
        }
    }
    size_t n = 0;
    i = 0, j = 0;
    for (size_t k = op_count; ops != NULL && k > 0; k--) {
        switch (ops[k - 1]) {
        case 'm':
            oracle_put_in(&out, &n, b[j], 0);
            i++, j++;
            break;
        case 's':
            oracle_put_text(&out, &n, "[");
            oracle_put(&out, &n, a[i]);
            oracle_put_text(&out, &n, "→");
            oracle_put(&out, &n, b[j]);
            oracle_put_text(&out, &n, "]");
            i++, j++;
            break;
        case 't':
            oracle_put_text(&out, &n, "[");
            oracle_put(&out, &n, a[i]);
            oracle_put(&out, &n, a[i + 1]);
            oracle_put_text(&out, &n, "→");
            oracle_put(&out, &n, b[j]);
            oracle_put(&out, &n, b[j + 1]);
            oracle_put_text(&out, &n, "]");
            i += 2, j += 2;
            break;
        case 'd':
            oracle_put_text(&out, &n, "[-");
            oracle_put(&out, &n, a[i]);
            oracle_put_text(&out, &n, "]");
            i++;
            break;
        default:
            oracle_put_text(&out, &n, "[+");
            oracle_put(&out, &n, b[j]);
            oracle_put_text(&out, &n, "]");
            j++;
            break;
        }
    }
    out[n] = '\0';
#undef D
    free(ops);
    free(a);
    free(b);
    free(d);
    return out;
}

static char *utf8_of(const uint32_t *s, uint32_t length)
{
    char *text = malloc((size_t)length * 4 + 1);
    size_t n = 0;
    for (uint32_t x = 0; x < length; x++)
        n += masq_unicode_encode(s[x], text + n);
    text[n] = '\0';
    return text;
}

static void check_edit(const uint32_t *a, uint32_t la, const uint32_t *b, uint32_t lb,
                       const char *what)
{
    char *from = utf8_of(a, la), *to = utf8_of(b, lb);
    char *expected = oracle_edit_script(from, to), *edit = masq_edit_alignment(from, to);
    CHECK(expected && edit && strcmp(expected, edit) == 0, "%s: edit %s, oracle's %s", what,
          edit ? edit : "(null)", expected ? expected : "(null)");
    free(expected);
    free(edit);
    free(from);
    free(to);
}

/* The edit an analyst reads: homoglyphs as code points, extensions as one token. */
static void edit_texts(void)
{
    static const char *const cases[][3] = {
        {"svchost.exe", "svch0st.exe", "svch[o→0]st.exe"},
        {"svchost.exe", "sv\xd1\x81host.exe", "sv[c→U+0441]host.exe"},
        {"audiodg.exe", "audiodg.bat", "audiodg.[exe→bat]"},
        {"svchost.exe", "svch0st.com", "svch[o→0]st.[exe→com]"},
        {"audiodg.exe", "audiodg", "audiodg[-.exe]"},
        {"audiodg", "audiodg.exe", "audiodg[+.exe]"},
        {"lsass.exe", "lsass.exe ", "lsass.exe[+U+0020]"},
        {"invoice.exe", "invoice\xe2\x80\xae" "fdp.exe", "invoice[+U+202E][+f][+d][+p].exe"},
        {"\xe5\xbe\xae\xe4\xbf\xa1.exe", "\xe5\xbe\xae\xe5\xbf\x83.exe",
         "\xe5\xbe\xae[U+4FE1→U+5FC3].exe"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *edit = masq_edit_script(cases[i][0], cases[i][1]);
        CHECK(edit != NULL && strcmp(edit, cases[i][2]) == 0, "edit of %s into %s: %s, expected %s",
              cases[i][0], cases[i][1], edit ? edit : "(null)", cases[i][2]);
        free(edit);
    }
}

static void edit_pairs(unsigned long pairs)
{
    masq_random r = {99};
    uint32_t a[400], b[400];
    for (unsigned long n = 0; n < pairs; n++) {
        const test_alphabet *alphabet = &test_alphabets[n % 4];
        uint32_t la = random_length(&r);
        random_string(&r, alphabet, la, a);
        uint32_t lb;
        if (masq_random_below(&r, 3) != 0) {
            memcpy(b, a, la * sizeof *a);
            lb = random_edits(&r, alphabet, b, la, 1 + masq_random_below(&r, 8));
        } else {
            lb = random_length(&r);
            random_string(&r, alphabet, lb, b);
        }
        check_edit(a, la, b, lb, "edit");
    }
    /* Past the cell limit: the fallback, one bracket between prefix and suffix. */
    enum { LONG = 5000 };
    uint32_t *x = malloc(LONG * sizeof *x), *y = malloc(LONG * sizeof *y);
    for (uint32_t i = 0; i < LONG; i++) {
        x[i] = 'a' + i % 26;
        y[i] = 'a' + (i * 7 + 3) % 26;
    }
    x[0] = y[0] = 's';
    x[LONG - 1] = y[LONG - 1] = 'e';
    char *from = utf8_of(x, LONG), *to = utf8_of(y, LONG);
    char *edit = masq_edit_script(from, to);
    CHECK(edit != NULL && edit[0] == 's' && strncmp(edit + 1, "[", 1) == 0 &&
              edit[strlen(edit) - 1] == 'e' && strstr(edit, "→") != NULL,
          "fallback edit of two different 5,000-code-point names");
    free(edit);
    /* A near copy as long: banded, exact ("[o→0]" in the middle). */
    memcpy(y, x, LONG * sizeof *x);
    y[2500] = x[2500] == 'o' ? '0' : 'o';
    free(to);
    to = utf8_of(y, LONG);
    edit = masq_edit_script(from, to);
    CHECK(edit != NULL && strlen(edit) == LONG - 1 + 4 + strlen("→"), "near copy edit length %zu",
          edit ? strlen(edit) : 0);
    free(edit);
    free(from);
    free(to);
    free(x);
    free(y);
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
    edit_pairs(pairs / 5);
    edit_texts();
    masq_osa_pattern_free(&pattern);
    masq_dl_scratch_free(&scratch);
    return check_finish("test_distance");
}
