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


unsigned masq_folder_rank(const char *folder)
{
    static const char *const writable[] = {
        "\\temp\\", "\\tmp\\", "\\users\\", "\\programdata\\", "\\$recycle.bin\\",
        "\\perflogs\\", "\\recycler\\", "\\appdata\\", "\\downloads\\", "/tmp/",
        "/var/tmp/", "/dev/shm/", "/home/", NULL};
    for (const char *const *w = writable; *w; w++)
        if (strstr(folder, *w) != NULL)
            return 0;
    if (strcmp(folder, "\\") == 0 || strcmp(folder, "/") == 0)
        return 0; /* the root of a drive */
    static const char *const system[] = {"\\windows\\", "\\program files\\",
                                         "\\program files (x86)\\", "/usr/", "/bin/",
                                         "/sbin/", "/lib/", "/opt/", NULL};
    for (const char *const *p = system; *p; p++)
        if (strncmp(folder, *p, strlen(*p)) == 0)
            return 2;
    return 1;
}
