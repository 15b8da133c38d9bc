#include "unicode_tricks.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "../names/unicode.h"

static bool is_bidi_control(uint32_t c)
{
    return (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) || c == 0x200E ||
           c == 0x200F || c == 0x061C;
}

/* Characters that render as nothing (or as blank space) in a file name. */
static bool is_invisible(uint32_t c)
{
    return c == 0x200B || c == 0x200C || c == 0x200D || c == 0x2060 || c == 0xFEFF ||
           c == 0x00AD || c == 0x180E || c == 0x2800 || c == 0x3164 || c == 0x115F ||
           c == 0x1160 || c == 0x034F || (c >= 0xFE00 && c <= 0xFE0F);
}

static bool extension_is(const char *extension, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(extension, *list) == 0)
            return true;
    return false;
}

static const char *const executable_extensions[] = {"exe", "scr", "com", "bat", "cmd", "pif",
                                                    "js",  "vbs", "hta", "msi", "lnk", "cpl",
                                                    "jar", "ps1", "wsf", NULL};
static const char *const document_extensions[] = {
    "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "txt", "rtf", "jpg", "jpeg", "png",
    "gif", "zip", "rar", "7z",   "mp3", "mp4",  "csv",  "odt", "htm", "html", NULL};

/* "a.pdf.exe": an executable extension right after a document one. */
static bool has_double_extension(const char *name)
{
    const char *last = strrchr(name, '.');
    if (last == NULL || last == name)
        return false;
    const char *previous = last - 1;
    while (previous > name && *previous != '.')
        previous--;
    if (*previous != '.')
        return false;
    char inner[16];
    size_t n = (size_t)(last - previous - 1);
    if (n == 0 || n >= sizeof inner)
        return false;
    memcpy(inner, previous + 1, n);
    inner[n] = '\0';
    while (n > 0 && (inner[n - 1] == ' ' || inner[n - 1] == '_'))
        inner[--n] = '\0'; /* padding before the real extension */
    return extension_is(last + 1, executable_extensions) && extension_is(inner, document_extensions);
}

masq_status masq_tricks_find(const char *name, size_t length, masq_tricks *tricks)
{
    memset(tricks, 0, sizeof *tricks);
    long count = masq_unicode_decode(name, length, NULL);
    if (count < 0)
        return MASQ_OK;
    uint32_t *cps = malloc(((size_t)count + 1) * sizeof *cps);
    if (cps == NULL)
        return MASQ_ERR_NOMEM;
    masq_unicode_decode(name, length, cps);
    uint32_t reasons = 0;
    for (long i = 0; i < count; i++) {
        if (is_bidi_control(cps[i]))
            reasons |= MASQ_REASON_BIDI;
        else if (is_invisible(cps[i]))
            reasons |= MASQ_REASON_INVISIBLE;
    }
    if (count > 0 && (cps[count - 1] == ' ' || cps[count - 1] == '.'))
        reasons |= MASQ_REASON_TRAILING;
    if (has_double_extension(name))
        reasons |= MASQ_REASON_DOUBLE_EXTENSION;
    tricks->reasons = reasons;
    masq_status status = MASQ_OK;
    if (reasons & (MASQ_REASON_BIDI | MASQ_REASON_INVISIBLE | MASQ_REASON_TRAILING)) {
        char *cleaned = malloc((size_t)count * 4 + 1), *displayed = malloc((size_t)count * 4 + 1);
        if (cleaned == NULL || displayed == NULL) {
            free(cleaned);
            free(displayed);
            free(cps);
            return MASQ_ERR_NOMEM;
        }
        size_t c = 0, d = 0;
        long end = count;
        while (end > 0 && (cps[end - 1] == ' ' || cps[end - 1] == '.'))
            end--;
        for (long i = 0; i < end; i++)
            if (!is_bidi_control(cps[i]) && !is_invisible(cps[i]))
                c += masq_unicode_encode(cps[i], cleaned + c);
        cleaned[c] = '\0';
        /* What a viewer shows: after U+202E (until U+202C) the text runs
         * right to left, so "invoice\u202Efdp.exe" reads "invoiceexe.pdf". */
        for (long i = 0; i < count; i++) {
            if (cps[i] == 0x202E) {
                long stop = i + 1;
                while (stop < count && cps[stop] != 0x202C)
                    stop++;
                for (long j = stop - 1; j > i; j--)
                    if (!is_bidi_control(cps[j]) && !is_invisible(cps[j]))
                        d += masq_unicode_encode(cps[j], displayed + d);
                i = stop;
            } else if (!is_bidi_control(cps[i]) && !is_invisible(cps[i])) {
                d += masq_unicode_encode(cps[i], displayed + d);
            }
        }
        displayed[d] = '\0';
        tricks->cleaned = cleaned;
        if (reasons & MASQ_REASON_BIDI)
            tricks->displayed = displayed;
        else
            free(displayed);
    }
    free(cps);
    return status;
}

void masq_tricks_free(masq_tricks *tricks)
{
    free(tricks->cleaned);
    free(tricks->displayed);
    memset(tricks, 0, sizeof *tricks);
}
