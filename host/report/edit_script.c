#include "edit_script.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../names/unicode.h"

/* Characters an analyst cannot see are written as U+XXXX; inside an edit's
 * brackets every character past ASCII is (a Cyrillic с and a Latin c look
 * the same on both sides of the arrow; U+0441 does not). */
static void put_char(char **out, size_t *n, uint32_t c, bool in_bracket)
{
    if (c < 0x20 || (c >= 0x200B && c <= 0x200F) || (c >= 0x202A && c <= 0x202E) ||
        (c >= 0x2060 && c <= 0x2069) || c == 0xFEFF || c == 0x00AD || c == 0x061C ||
        c == 0x2800 || c == 0x3164 || c == ' ' || (in_bracket && c >= 0x7F)) {
        *n += (size_t)sprintf(*out + *n, "U+%04X", c);
        return;
    }
    *n += masq_unicode_encode(c, *out + *n);
}

static void put(char **out, size_t *n, uint32_t c)
{
    put_char(out, n, c, true);
}

/* A character outside the brackets: the same in both names. */
static void put_kept(char **out, size_t *n, uint32_t c)
{
    put_char(out, n, c, false);
}

static void put_text(char **out, size_t *n, const char *text)
{
    size_t length = strlen(text);
    memcpy(*out + *n, text, length);
    *n += length;
}

/* The optimal alignment is searched in a band |i - j| <= t of the table,
 * t doubling from the length difference until the distance is <= t: every
 * cell of an optimal path is then inside the band and exact, and the cells a
 * walk back compares against are either on an optimal path (exact) or
 * costlier in the band as in the full table, so the walk, and the edit, are
 * the full table's. The band costs (m + 1)(2t + 1) cells; past
 * MASQ_EDIT_MAX_CELLS the edit is the fallback: the common prefix and suffix
 * kept and the differing middle replaced in one bracket ("ab[cd→xyz]ef"). */
#define INF 0x40000000u

typedef struct band {
    unsigned *cells;
    long t, width, columns; /* columns: lb + 1 */
    int banded;
} band;

static unsigned get(const band *d, long i, long j)
{
    if (j < 0 || j >= d->columns)
        return INF;
    if (!d->banded)
        return d->cells[(size_t)i * (size_t)d->width + (size_t)j];
    long x = j - (i - d->t);
    if (x < 0 || x >= d->width)
        return INF;
    return d->cells[(size_t)i * (size_t)d->width + (size_t)x];
}

static void set(band *d, long i, long j, unsigned value)
{
    long x = d->banded ? j - (i - d->t) : j;
    d->cells[(size_t)i * (size_t)d->width + (size_t)x] = value;
}

/* The OSA table of a and b in the band t; 0, or -1 when out of memory or past
 * the cell limit. */
static int fill(band *d, const uint32_t *a, long la, const uint32_t *b, long lb, long t)
{
    d->t = t;
    d->columns = lb + 1;
    d->banded = 2 * t + 1 < d->columns;
    d->width = d->banded ? 2 * t + 1 : d->columns;
    size_t cells = (size_t)(la + 1) * (size_t)d->width;
    if (cells > MASQ_EDIT_MAX_CELLS)
        return -1;
    free(d->cells);
    d->cells = malloc(cells * sizeof *d->cells);
    if (d->cells == NULL)
        return -1;
    for (long i = 0; i <= la; i++) {
        long low = d->banded ? i - t : 0, high = d->banded ? i + t : lb;
        for (long j = low; j <= high; j++) {
            if (j < 0 || j > lb) {
                set(d, i, j, INF);
                continue;
            }
            if (i == 0 || j == 0) {
                set(d, i, j, (unsigned)(i + j));
                continue;
            }
            unsigned best = get(d, i - 1, j - 1) + (a[i - 1] != b[j - 1]);
            if (get(d, i - 1, j) + 1 < best)
                best = get(d, i - 1, j) + 1;
            if (get(d, i, j - 1) + 1 < best)
                best = get(d, i, j - 1) + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                get(d, i - 2, j - 2) + 1 < best)
                best = get(d, i - 2, j - 2) + 1;
            set(d, i, j, best < INF ? best : INF);
        }
    }
    return 0;
}

static void put_run(char **out, size_t *n, const uint32_t *s, long count)
{
    for (long x = 0; x < count; x++)
        put(out, n, s[x]);
}

static void put_kept_run(char **out, size_t *n, const uint32_t *s, long count)
{
    for (long x = 0; x < count; x++)
        put_kept(out, n, s[x]);
}

/* The fallback edit: common prefix, one bracket for the middle, common suffix. */
static void fallback(char **out, size_t *n, const uint32_t *a, long la, const uint32_t *b, long lb)
{
    long prefix = 0, suffix = 0;
    while (prefix < la && prefix < lb && a[prefix] == b[prefix])
        prefix++;
    while (suffix < la - prefix && suffix < lb - prefix && a[la - 1 - suffix] == b[lb - 1 - suffix])
        suffix++;
    long ma = la - prefix - suffix, mb = lb - prefix - suffix;
    put_kept_run(out, n, b, prefix);
    if (ma > 0 || mb > 0) {
        put_text(out, n, ma == 0 ? "[+" : mb == 0 ? "[-" : "[");
        put_run(out, n, a + prefix, ma);
        if (ma > 0 && mb > 0)
            put_text(out, n, "→");
        put_run(out, n, b + prefix, mb);
        put_text(out, n, "]");
    }
    put_kept_run(out, n, b + lb - suffix, suffix);
}

/* The operations of an optimal alignment of a and b, in order: 'm'atch,
 * 's'ubstitute, 'd'elete, 'i'nsert, 't'ranspose; *count of them. NULL when
 * the alignment is past MASQ_EDIT_MAX_CELLS (the fallback edit then) or out of
 * memory (*count is then -1). */
static char *alignment(const uint32_t *a, long la, const uint32_t *b, long lb, long *count)
{
    band table = {0};
    long longer = la > lb ? la : lb;
    long t = la > lb ? la - lb : lb - la;
    if (t == 0)
        t = 1;
    int found = 0;
    *count = 0;
    for (;;) {
        if (t > longer)
            t = longer;
        if (longer == 0 || fill(&table, a, la, b, lb, t) != 0)
            break;
        if (!table.banded || get(&table, la, lb) <= (unsigned)t) {
            found = 1;
            break;
        }
        if (t >= longer)
            break; /* cannot happen: no distance exceeds the longer length */
        t *= 2;
    }
    if (!found) {
        free(table.cells);
        return NULL;
    }
    band *d = &table;
#define D(i, j) get(d, (i), (j))
    /* Walk back, recording operations in reverse. */
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
#undef D
    free(table.cells);
    if (ops == NULL) {
        *count = -1;
        return NULL;
    }
    for (size_t k = 0; k < op_count / 2; k++) {
        char swap = ops[k];
        ops[k] = ops[op_count - 1 - k];
        ops[op_count - 1 - k] = swap;
    }
    *count = (long)op_count;
    return ops;
}

/* Both names decoded into code points; 0, or -1 (not UTF-8, out of memory). */
static int decode_pair(const char *from, const char *to, uint32_t **a, long *la, uint32_t **b,
                       long *lb)
{
    *la = masq_unicode_decode(from, strlen(from), NULL);
    *lb = masq_unicode_decode(to, strlen(to), NULL);
    *a = *b = NULL;
    if (*la < 0 || *lb < 0)
        return -1;
    *a = malloc(((size_t)*la + 1) * sizeof **a);
    *b = malloc(((size_t)*lb + 1) * sizeof **b);
    if (*a == NULL || *b == NULL) {
        free(*a);
        free(*b);
        return -1;
    }
    masq_unicode_decode(from, strlen(from), *a);
    masq_unicode_decode(to, strlen(to), *b);
    return 0;
}

/* The edit of a into b, appended at out + *n: the optimal alignment's, or
 * the fallback past the cell limit. -1 when out of memory. */
static int align_edit(char **out, size_t *n_out, const uint32_t *a, long la, const uint32_t *b,
                      long lb)
{
    long op_count;
    char *ops = alignment(a, la, b, lb, &op_count);
    if (ops == NULL) {
        if (op_count < 0)
            return -1;
        fallback(out, n_out, a, la, b, lb);
        return 0;
    }
    size_t n = *n_out;
    long i = 0, j = 0;
    for (long k = 0; k < op_count; k++) {
        switch (ops[k]) {
        case 'm':
            put_kept(out, &n, b[j]);
            i++, j++;
            break;
        case 's':
            put_text(out, &n, "[");
            put(out, &n, a[i]);
            put_text(out, &n, "→");
            put(out, &n, b[j]);
            put_text(out, &n, "]");
            i++, j++;
            break;
        case 't':
            put_text(out, &n, "[");
            put(out, &n, a[i]);
            put(out, &n, a[i + 1]);
            put_text(out, &n, "→");
            put(out, &n, b[j]);
            put(out, &n, b[j + 1]);
            put_text(out, &n, "]");
            i += 2, j += 2;
            break;
        case 'd':
            put_text(out, &n, "[-");
            put(out, &n, a[i]);
            put_text(out, &n, "]");
            i++;
            break;
        default:
            put_text(out, &n, "[+");
            put(out, &n, b[j]);
            put_text(out, &n, "]");
            j++;
            break;
        }
    }
    *n_out = n;
    free(ops);
    return 0;
}

/* Where a name's extension starts (its last '.', with a name before it and
 * no space after it), or the length when it has none. */
static long extension_at(const uint32_t *s, long length)
{
    for (long i = length - 1; i > 0; i--) {
        if (s[i] == ' ')
            return length;
        if (s[i] == '.')
            return i + 1 < length ? i : length;
    }
    return length;
}

static bool same_run(const uint32_t *a, long la, const uint32_t *b, long lb)
{
    return la == lb && memcmp(a, b, (size_t)la * sizeof *a) == 0;
}

/* Another extension is one token, not letters: "audiodg.[exe→bat]",
 * "svch[o→0]st.[exe→com]", "audiodg[-.exe]". false when the names do not
 * differ in their extensions that way. */
static int extension_edit(char **out, size_t *n, const uint32_t *a, long la, const uint32_t *b,
                          long lb, bool *done)
{
    long ea = extension_at(a, la), eb = extension_at(b, lb);
    *done = false;
    if (ea < la && eb < lb) {
        if (same_run(a + ea, la - ea, b + eb, lb - eb))
            return 0; /* the same extension: the letters' edit says it all */
        if (align_edit(out, n, a, ea, b, eb) != 0)
            return -1;
        put_text(out, n, ".[");
        put_run(out, n, a + ea + 1, la - ea - 1);
        put_text(out, n, "→");
        put_run(out, n, b + eb + 1, lb - eb - 1);
        put_text(out, n, "]");
        *done = true;
    } else if (ea < la && same_run(a, ea, b, lb)) { /* the extension dropped */
        put_kept_run(out, n, b, lb);
        put_text(out, n, "[-");
        put_run(out, n, a + ea, la - ea);
        put_text(out, n, "]");
        *done = true;
    } else if (eb < lb && same_run(a, la, b, eb)) { /* an extension added */
        put_kept_run(out, n, b, eb);
        put_text(out, n, "[+");
        put_run(out, n, b + eb, lb - eb);
        put_text(out, n, "]");
        *done = true;
    }
    return 0;
}

static char *edit_text(const char *from, const char *to, bool extension_token)
{
    uint32_t *a, *b;
    long la, lb;
    if (decode_pair(from, to, &a, &la, &b, &lb) != 0)
        return NULL;
    char *out = malloc(((size_t)la + (size_t)lb) * 24 + 16);
    if (out == NULL) {
        free(a);
        free(b);
        return NULL;
    }
    size_t n = 0;
    bool done = false;
    int failed = extension_token ? extension_edit(&out, &n, a, la, b, lb, &done) : 0;
    if (!failed && !done)
        failed = align_edit(&out, &n, a, la, b, lb);
    free(a);
    free(b);
    if (failed) {
        free(out);
        return NULL;
    }
    out[n] = '\0';
    return out;
}

char *masq_edit_script(const char *from, const char *to)
{
    return edit_text(from, to, true);
}

char *masq_edit_alignment(const char *from, const char *to)
{
    return edit_text(from, to, false);
}

char *masq_anomaly_edit(const masq_anomaly *a)
{
    if (a->normal_text[0] == '\0' || strcmp(a->normal_text, a->suspicious->text) == 0)
        return NULL;
    return masq_edit_script(a->normal_text, a->suspicious->text);
}

int masq_edit_marks(const char *from, const char *to, unsigned char *from_marks,
                    unsigned char *to_marks)
{
    uint32_t *a, *b;
    long la, lb;
    if (decode_pair(from, to, &a, &la, &b, &lb) != 0)
        return -1;
    long op_count;
    char *ops = alignment(a, la, b, lb, &op_count);
    memset(from_marks, 0, (size_t)la);
    memset(to_marks, 0, (size_t)lb);
    if (ops == NULL && op_count == 0) {
        /* The fallback edit's differing middle. */
        long prefix = 0, suffix = 0;
        while (prefix < la && prefix < lb && a[prefix] == b[prefix])
            prefix++;
        while (suffix < la - prefix && suffix < lb - prefix &&
               a[la - 1 - suffix] == b[lb - 1 - suffix])
            suffix++;
        memset(from_marks + prefix, 1, (size_t)(la - prefix - suffix));
        memset(to_marks + prefix, 1, (size_t)(lb - prefix - suffix));
    }
    long i = 0, j = 0;
    for (long k = 0; ops != NULL && k < op_count; k++) {
        char op = ops[k];
        long step_a = op == 'i' ? 0 : op == 't' ? 2 : 1;
        long step_b = op == 'd' ? 0 : op == 't' ? 2 : 1;
        for (long x = 0; op != 'm' && x < step_a; x++)
            from_marks[i + x] = 1;
        for (long x = 0; op != 'm' && x < step_b; x++)
            to_marks[j + x] = 1;
        i += step_a, j += step_b;
    }
    int failed = ops == NULL && op_count < 0;
    free(ops);
    free(a);
    free(b);
    return failed ? -1 : 0;
}
