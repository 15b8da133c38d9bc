#include "edit_script.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../names/unicode.h"

static void put(char **out, size_t *n, uint32_t c)
{
    /* Characters an analyst cannot see are written as U+XXXX. */
    if (c < 0x20 || (c >= 0x200B && c <= 0x200F) || (c >= 0x202A && c <= 0x202E) ||
        (c >= 0x2060 && c <= 0x2069) || c == 0xFEFF || c == 0x00AD || c == 0x061C ||
        c == 0x2800 || c == 0x3164 || c == ' ') {
        *n += (size_t)sprintf(*out + *n, "U+%04X", c);
        return;
    }
    *n += masq_unicode_encode(c, *out + *n);
}

static void put_text(char **out, size_t *n, const char *text)
{
    size_t length = strlen(text);
    memcpy(*out + *n, text, length);
    *n += length;
}

char *masq_edit_script(const char *from, const char *to)
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
            put(&out, &n, b[j]);
            i++, j++;
            break;
        case 's':
            put_text(&out, &n, "[");
            put(&out, &n, a[i]);
            put_text(&out, &n, "→");
            put(&out, &n, b[j]);
            put_text(&out, &n, "]");
            i++, j++;
            break;
        case 't':
            put_text(&out, &n, "[");
            put(&out, &n, a[i]);
            put(&out, &n, a[i + 1]);
            put_text(&out, &n, "→");
            put(&out, &n, b[j]);
            put(&out, &n, b[j + 1]);
            put_text(&out, &n, "]");
            i += 2, j += 2;
            break;
        case 'd':
            put_text(&out, &n, "[-");
            put(&out, &n, a[i]);
            put_text(&out, &n, "]");
            i++;
            break;
        default:
            put_text(&out, &n, "[+");
            put(&out, &n, b[j]);
            put_text(&out, &n, "]");
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
