#include "folder_path.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static bool starts_with_folded(const char *text, const char *prefix)
{
    for (; *prefix; text++, prefix++)
        if (tolower((unsigned char)*text) != *prefix)
            return false;
    return true;
}

void masq_folder_of(const char *path, char *out, size_t size)
{
    const char *p = path;
    if (strncmp(p, "\\\\?\\", 4) == 0 || strncmp(p, "\\??\\", 4) == 0)
        p += 4;
    char prefix[32] = "";
    if (starts_with_folded(p, "\\device\\harddiskvolume")) {
        p += strlen("\\device\\harddiskvolume");
        while (isdigit((unsigned char)*p))
            p++;
    } else if (starts_with_folded(p, "\\systemroot\\")) {
        p += strlen("\\systemroot");
        snprintf(prefix, sizeof prefix, "\\windows");
    } else if (starts_with_folded(p, "%systemroot%\\")) {
        p += strlen("%systemroot%");
        snprintf(prefix, sizeof prefix, "\\windows");
    } else if (isalpha((unsigned char)p[0]) && p[1] == ':') {
        p += 2;
    }
    const char *last = NULL;
    for (const char *q = p; *q; q++)
        if (*q == '\\' || *q == '/')
            last = q;
    size_t n = snprintf(out, size, "%s", prefix);
    for (const char *q = p; last && q <= last && n + 1 < size; q++)
        out[n++] = (char)tolower((unsigned char)*q);
    out[n < size ? n : size - 1] = '\0';
}

