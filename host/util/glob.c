#include "glob.h"

bool masq_glob_match(const char *pattern, const char *text)
{
    for (; *pattern; pattern++, text++) {
        if (*pattern == '*') {
            bool any = pattern[1] == '*';
            const char *rest = pattern + (any ? 2 : 1);
            /* A "**" before a separator may match nothing, separator and all, as in .gitignore. */
            if (any && (*rest == '\\' || *rest == '/') && masq_glob_match(rest + 1, text))
                return true;
            for (const char *t = text;; t++) {
                if (masq_glob_match(rest, t))
                    return true;
                if (*t == '\0' || (!any && (*t == '\\' || *t == '/')))
                    return false;
            }
        }
        if (*pattern != *text)
            return false;
    }
    return *text == '\0';
}
