#include <string.h>

#include "../match/dl_exact.h"
#include "../match/score.h"
#include "../names/unicode.h"
#include "similarity.h"

/* The plain similarity of two whole names (the notebook's score over the
 * true Damerau-Levenshtein distance); *distance gets the distance. 0 for
 * names too long to compare here. */
float masq_whole_score(const char *x_text, const char *y_text, uint32_t *distance)
{
    uint32_t x[1024], y[1024];
    long lx = masq_unicode_decode(x_text, strlen(x_text), NULL);
    long ly = masq_unicode_decode(y_text, strlen(y_text), NULL);
    if (lx < 0 || ly < 0 || lx >= 1024 || ly >= 1024)
        return 0.0f;
    masq_unicode_decode(x_text, strlen(x_text), x);
    masq_unicode_decode(y_text, strlen(y_text), y);
    uint32_t longer = (uint32_t)(lx > ly ? lx : ly);
    long d = masq_dl_codepoints(x, (size_t)lx, y, (size_t)ly, longer);
    if (d < 0)
        return 0.0f;
    if (distance)
        *distance = (uint32_t)d;
    return masq_score((uint32_t)d, longer);
}
