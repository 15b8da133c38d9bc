#include "glob.h"

#include <stdlib.h>
#include <string.h>

static bool separator(char c)
{
    return c == '\\' || c == '/';
}

/* match[i][j]: does pattern[i..] match text[j..]? Filled from the ends, so
 * the time is pattern length x text length whatever the stars (a names'
 * attacker cannot make it backtrack). */
bool masq_glob_match(const char *pattern, const char *text)
{
    size_t p = strlen(pattern), t = strlen(text), width = t + 1;
    unsigned char small[4096];
    unsigned char *match = (p + 1) * width <= sizeof small ? small : malloc((p + 1) * width);
    if (match == NULL)
        return false;
#define AT(i, j) match[(size_t)(i) * width + (size_t)(j)]
    for (size_t j = 0; j <= t; j++)
        AT(p, j) = j == t;
    for (size_t i = p; i-- > 0;) {
        bool any = pattern[i] == '*' && i + 1 < p && pattern[i + 1] == '*';
        bool second = pattern[i] == '*' && i > 0 && pattern[i - 1] == '*' &&
                      !(i > 1 && pattern[i - 2] == '*');
        for (size_t j = t + 1; j-- > 0;) {
            bool m;
            if (second) {
                m = false; /* the second star of a "**": read with the first */
            } else if (any) {
                /* "**" matches any run; "**\" may also match nothing, separator and all. */
                m = AT(i + 2, j) || (j < t && AT(i, j + 1)) ||
                    (i + 2 < p && separator(pattern[i + 2]) && AT(i + 3, j));
            } else if (pattern[i] == '*') {
                m = AT(i + 1, j) || (j < t && !separator(text[j]) && AT(i, j + 1));
            } else {
                m = j < t && pattern[i] == text[j] && AT(i + 1, j + 1);
            }
            AT(i, j) = m;
        }
    }
    bool result = AT(0, 0);
#undef AT
    if (match != small)
        free(match);
    return result;
}
