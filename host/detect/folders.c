#include "folders.h"

#include <stdio.h>
#include <string.h>

#include "../util/glob.h"
#include "similarity.h"

bool masq_folder_expected(const masq_known_name *known, const char *folder)
{
    if (known->folder_count == 0)
        return true;
    for (size_t i = 0; i < known->folder_count; i++)
        if (masq_glob_match(known->folders[i], folder))
            return true;
    return false;
}

static bool starts_with(const char *text, const char *prefix)
{
    return strncmp(text, prefix, strlen(prefix)) == 0;
}

/* Folders under \windows\ that users can write to (LOLBAS, "writable
 * folders in %windir%"). */
static const char *const windows_writable[] = {
    "\\windows\\temp\\", "\\windows\\tasks\\", "\\windows\\tracing\\", "\\windows\\debug\\",
    "\\windows\\fonts\\", "\\windows\\registration\\crmlog\\",
    "\\windows\\system32\\tasks\\", "\\windows\\syswow64\\tasks\\",
    "\\windows\\system32\\spool\\drivers\\color\\", "\\windows\\system32\\spool\\printers\\",
    "\\windows\\system32\\microsoft\\crypto\\rsa\\machinekeys\\",
    "\\windows\\syswow64\\com\\dmp\\", "\\windows\\system32\\com\\dmp\\", NULL};

static bool windows_writable_folder(const char *folder)
{
    for (const char *const *w = windows_writable; *w; w++)
        if (starts_with(folder, *w))
            return true;
    return false;
}

bool masq_folder_is_system(const char *folder)
{
    return starts_with(folder, "\\windows\\") && !windows_writable_folder(folder) &&
           masq_folder_rank(folder) != 0;
}

bool masq_folder_is_vendor(const char *folder)
{
    return starts_with(folder, "\\program files\\") || starts_with(folder, "\\program files (x86)\\");
}

bool masq_folder_is_writable(const char *folder)
{
    /* masq_folder_rank's writable folders (the drive's root among them), those
     * under \windows\ it does not know, never \program files\. */
    if (masq_folder_is_vendor(folder))
        return false;
    return masq_folder_rank(folder) == 0 || windows_writable_folder(folder);
}

bool masq_name_runs_from_writable(const masq_name *name)
{
    for (uint32_t k = 0; k < name->folders.count; k++)
        if (masq_folder_is_writable(name->folders.entries[k].text))
            return true;
    return false;
}

/* The number of folder names in folder ("\a\b\" has 2). */
static unsigned depth(const char *folder)
{
    unsigned n = 0;
    for (const char *p = folder + 1; *p; p++)
        n += *p == '\\';
    return n;
}

bool masq_folder_is_staging(const char *folder)
{
    if (!masq_folder_is_writable(folder))
        return false;
    static const char *const dropped[] = {
        "\\temp\\", "\\tmp\\", "\\downloads\\", "\\desktop\\", "\\documents\\", "\\music\\",
        "\\pictures\\", "\\videos\\", "\\$recycle.bin\\", "\\recycler\\", "\\perflogs\\",
        "\\users\\public\\", "\\inetcache\\", "\\content.outlook\\", NULL};
    for (const char *const *d = dropped; *d; d++)
        if (strstr(folder, *d) != NULL)
            return true;
    if (starts_with(folder, "\\windows\\") || strcmp(folder, "\\") == 0)
        return true;
    if (starts_with(folder, "\\programdata\\"))
        return depth(folder) == 1;
    if (starts_with(folder, "\\users\\")) {
        unsigned d = depth(folder); /* \users\NAME\ is 2 */
        if (d <= 2)
            return true;
        const char *rest = strchr(folder + strlen("\\users\\"), '\\');
        return rest && d == 4 && (starts_with(rest, "\\appdata\\roaming\\") ||
                                  starts_with(rest, "\\appdata\\local\\") ||
                                  starts_with(rest, "\\appdata\\locallow\\"));
    }
    return depth(folder) == 1; /* a folder at the drive's root: \intel\, \tools\ */
}

/* Does segment (length n) read as word without being it: the word with
 * trailing spaces or dots, digits or signs for the letters they resemble,
 * or one edit from it? */
static bool imitates(const char *segment, size_t n, const char *word)
{
    size_t lw = strlen(word);
    if (n == lw && memcmp(segment, word, n) == 0)
        return false;
    char as_written[32], read[32];
    if (n >= sizeof read)
        return false;
    memcpy(as_written, segment, n);
    as_written[n] = '\0';
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        char c = segment[i];
        static const char from[] = "1!|03$5@", to[] = "iiioessa";
        const char *at = strchr(from, c);
        read[m++] = at && c ? to[at - from] : c;
    }
    while (m > 0 && (read[m - 1] == ' ' || read[m - 1] == '.'))
        m--;
    read[m] = '\0';
    if (m == lw && memcmp(read, word, m) == 0)
        return true;
    if (lw < 6)
        return false;
    uint32_t distance = 0; /* stays 0 for a segment that is not UTF-8 */
    masq_whole_score(as_written, word, &distance);
    return distance == 1;
}

bool masq_folder_imitates_system(const char *folder, char *imitated, size_t size)
{
    if (folder[0] != '\\')
        return false;
    const char *segments[64];
    size_t lengths[64], count = 0;
    for (const char *p = folder + 1; *p && count < 64;) {
        const char *end = strchr(p, '\\');
        if (end == NULL)
            break;
        segments[count] = p;
        lengths[count++] = (size_t)(end - p);
        p = end + 1;
    }
    if (count == 0)
        return false;
    if (imitates(segments[0], lengths[0], "windows")) {
        snprintf(imitated, size, "\\windows\\");
        return true;
    }
    if (imitates(segments[0], lengths[0], "program files") &&
        !(lengths[0] == strlen("program files (x86)") && memcmp(segments[0], "program files (x86)", lengths[0]) == 0)) {
        snprintf(imitated, size, "\\program files\\");
        return true;
    }
    bool in_windows = lengths[0] == 7 && memcmp(segments[0], "windows", 7) == 0;
    for (size_t i = 0; i < count; i++) {
        static const char *const system[] = {"system32", "syswow64"};
        for (size_t s = 0; s < 2; s++) {
            bool same = lengths[i] == 8 && memcmp(segments[i], system[s], 8) == 0;
            bool where_it_belongs = in_windows && i == 1;
            if ((same && !where_it_belongs) || (where_it_belongs && imitates(segments[i], lengths[i], system[s]))) {
                snprintf(imitated, size, "\\windows\\%s\\", system[s]);
                return true;
            }
        }
    }
    return false;
}
