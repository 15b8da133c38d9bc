/* Exact distance against the DP oracle. The input is two strings: byte 0
 * picks the split, byte 1 the bound, the rest are symbols (folded onto a small
 * alphabet when byte 0 is even, so that near copies and transpositions are
 * common). The banded distance is the oracle's when it is <= the bound and
 * bound + 1 otherwise, on dense symbols and on raw code points; the edit
 * script of the two names exists and is empty of brackets only for equal
 * names. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "match/dl_exact.h"
#include "oracle/dl_oracle.h"
#include "names/unicode.h"
#include "report/edit_script.h"

#define MAX_LENGTH 100

static masq_dl_scratch scratch;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2 || size > 2 + 2 * MAX_LENGTH)
        return 0;
    if (scratch.last_row == NULL)
        FUZZ_CHECK(masq_dl_scratch_init(&scratch, 256) == MASQ_OK, "out of memory");
    bool fold = data[0] % 2 == 0;
    size_t length = size - 2;
    size_t la = length ? data[0] % (length + 1) : 0, lb = length - la;
    uint32_t bound = data[1];
    uint32_t a[MAX_LENGTH * 2], b[MAX_LENGTH * 2];
    for (size_t i = 0; i < la; i++)
        a[i] = fold ? data[2 + i] % 4 : data[2 + i];
    for (size_t i = 0; i < lb; i++)
        b[i] = fold ? data[2 + la + i] % 4 : data[2 + la + i];
    long dl = masq_oracle_damerau_levenshtein(a, la, b, lb);
    FUZZ_CHECK(dl >= 0, "oracle out of memory");
    long expected = dl <= (long)bound ? dl : (long)bound + 1;
    long banded = masq_dl_exact_bounded(&scratch, a, (uint32_t)la, b, (uint32_t)lb, bound);
    FUZZ_CHECK(banded == expected, "banded %ld, oracle %ld, bound %u (lengths %zu, %zu)", banded, dl,
               bound, la, lb);
    long exact = masq_dl_exact(&scratch, a, (uint32_t)la, b, (uint32_t)lb);
    FUZZ_CHECK(exact == dl, "exact %ld, oracle %ld", exact, dl);
    /* Raw code points, beyond the BMP. */
    for (size_t i = 0; i < la; i++)
        a[i] = 0x1F000 + a[i] * 0x101;
    for (size_t i = 0; i < lb; i++)
        b[i] = 0x1F000 + b[i] * 0x101;
    long points = masq_dl_codepoints(a, la, b, lb, bound);
    FUZZ_CHECK(points == expected, "code points %ld, expected %ld", points, expected);
    /* The edit of the two as UTF-8 names. */
    char *x = malloc(la * 4 + 1), *y = malloc(lb * 4 + 1);
    FUZZ_CHECK(x && y, "out of memory");
    size_t nx = 0, ny = 0;
    for (size_t i = 0; i < la; i++)
        nx += masq_unicode_encode(a[i], x + nx);
    for (size_t i = 0; i < lb; i++)
        ny += masq_unicode_encode(b[i], y + ny);
    x[nx] = y[ny] = '\0';
    char *edit = masq_edit_script(x, y);
    FUZZ_CHECK(edit != NULL, "no edit");
    FUZZ_CHECK((strchr(edit, '[') == NULL) == (dl == 0), "edit %s for distance %ld", edit, dl);
    free(edit);
    free(x);
    free(y);
    return 0;
}
