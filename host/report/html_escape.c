#include "html_escape.h"

#include <stdlib.h>
#include <string.h>

#include "../util/escape.h"

int masq_html_escape_n(FILE *out, const char *text, size_t length)
{
    char small[256];
    size_t need = masq_escape(text, length, false, NULL, 0) + 1;
    char *visible = need <= sizeof small ? small : malloc(need);
    if (visible == NULL)
        return -1;
    masq_escape(text, length, false, visible, need);
    int failed = 0;
    for (const char *p = visible; *p && !failed; p++) {
        switch (*p) {
        case '&':
            failed = fputs("&amp;", out) < 0;
            break;
        case '<':
            failed = fputs("&lt;", out) < 0;
            break;
        case '>':
            failed = fputs("&gt;", out) < 0;
            break;
        case '"':
            failed = fputs("&quot;", out) < 0;
            break;
        case '\'':
            failed = fputs("&#39;", out) < 0;
            break;
        default:
            failed = fputc(*p, out) == EOF;
            break;
        }
    }
    if (visible != small)
        free(visible);
    return failed ? -1 : 0;
}

int masq_html_escape(FILE *out, const char *text)
{
    return text ? masq_html_escape_n(out, text, strlen(text)) : 0;
}
