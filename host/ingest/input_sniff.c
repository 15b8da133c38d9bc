#include "input_sniff.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "utf16.h"

#define FILE_SNIFF_BYTES ((size_t)4 << 10)

const unsigned char *masq_sniff_skip_space(const unsigned char *p, const unsigned char *end)
{
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
        p++;
    return p;
}

static bool starts(const unsigned char *p, const unsigned char *end, const char *text)
{
    size_t n = strlen(text);
    return (size_t)(end - p) >= n && memcmp(p, text, n) == 0;
}

/* Column names of the exports masq reads: a first line of comma-separated
 * names without spaces, one of them exactly one of these (quotes and a
 * " [UTC]" suffix aside), is a CSV header. */
static bool csv_header(const unsigned char *p, const unsigned char *end)
{
    static const char *const columns[] = {"TimeGenerated", "EventID", "NewProcessName", "Process",
                                          "FileName", "FolderPath", "Image", "Timestamp",
                                          "DeviceName", "ActionType", "Computer"};
    const unsigned char *newline = memchr(p, '\n', (size_t)(end - p));
    const unsigned char *stop = newline ? newline : end;
    if (memchr(p, ',', (size_t)(stop - p)) == NULL)
        return false;
    bool known = false;
    while (p < stop) {
        const unsigned char *comma = memchr(p, ',', (size_t)(stop - p));
        const unsigned char *a = p, *b = comma ? comma : stop;
        while (a < b && (*a == ' ' || *a == '"'))
            a++;
        while (b > a && (b[-1] == ' ' || b[-1] == '"' || b[-1] == '\r'))
            b--;
        if (b - a >= 6 && memcmp(b - 6, " [UTC]", 6) == 0)
            b -= 6;
        for (const unsigned char *c = a; c < b; c++)
            if (*c == '{' || *c == '}' || *c == ':' || *c == '\\' || *c <= ' ')
                return false; /* JSON, a path, a time, prose: a record, not a header */
        for (size_t i = 0; i < sizeof columns / sizeof *columns && !known; i++)
            known = (size_t)(b - a) == strlen(columns[i]) && memcmp(a, columns[i], (size_t)(b - a)) == 0;
        p = comma ? comma + 1 : stop;
    }
    return known;
}

/* Binary data, not text with a stray NUL: NUL bytes, and control bytes
 * (other than TAB, LF, CR, FF) over 1% of the bytes. /dev/zero and
 * /dev/urandom are; a log with one damaged line is not. */
bool masq_sniff_looks_binary(const unsigned char *bytes, size_t length)
{
    if (memchr(bytes, '\0', length) == NULL)
        return false;
    size_t controls = 0;
    for (size_t i = 0; i < length; i++)
        controls += (bytes[i] < 0x20 && bytes[i] != '\t' && bytes[i] != '\n' && bytes[i] != '\r' &&
                     bytes[i] != '\f') || bytes[i] == 0x7F;
    return controls * 100 > length;
}

void masq_sniff_bytes(const unsigned char *bytes, size_t length, masq_sniff *sniff)
{
    memset(sniff, 0, sizeof *sniff);
    if (length >= 8 && memcmp(bytes, "ElfFile", 8) == 0) {
        sniff->kind = MASQ_INPUT_EVTX;
        return;
    }
    if (length >= 2 && ((bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF))) {
        masq_utf16 u = {.big_endian = bytes[0] == 0xFE};
        char *decoded = malloc(2 * length + 8);
        if (decoded == NULL)
            return;
        size_t n = masq_utf16_decode(&u, bytes, length, decoded);
        masq_sniff_bytes((const unsigned char *)decoded, n, sniff);
        free(decoded);
        sniff->utf16 = true;
        sniff->big_endian = bytes[0] == 0xFE;
        return;
    }
    const unsigned char *p = bytes, *end = bytes + length;
    if (starts(p, end, "\xEF\xBB\xBF"))
        p += 3;
    if (masq_sniff_looks_binary(p, (size_t)(end - p))) {
        sniff->kind = MASQ_INPUT_BINARY;
        return;
    }
    p = masq_sniff_skip_space(p, end);
    if (starts(p, end, "<?xml") || starts(p, end, "<Events") || starts(p, end, "<Event ") ||
        starts(p, end, "<Event>")) {
        sniff->kind = MASQ_INPUT_XML;
    } else if (starts(p, end, "[")) {
        sniff->kind = MASQ_INPUT_DOCUMENT;
    } else if (starts(p, end, "{")) {
        const unsigned char *q = masq_sniff_skip_space(p + 1, end);
        const unsigned char *newline = memchr(p, '\n', (size_t)(end - p));
        bool alone = newline != NULL && masq_sniff_skip_space(p + 1, newline + 1) == newline + 1;
        /* {"Schema": [...], "Results": [...]} (Defender's API), {"@odata.context": ...,
         * "schema": [...], "results": [...]} (Graph's runHuntingQuery), or a "{" alone on
         * its line: a document */
        if (alone || starts(q, end, "\"Schema\"") || starts(q, end, "\"Results\"") ||
            starts(q, end, "\"schema\"") || starts(q, end, "\"results\"") ||
            starts(q, end, "\"@odata.context\""))
            sniff->kind = MASQ_INPUT_DOCUMENT;
    } else if (csv_header(p, end)) {
        sniff->kind = MASQ_INPUT_CSV;
    }
}

int masq_sniff_file(const char *path, masq_sniff *sniff, char *error, size_t size)
{
    memset(sniff, 0, sizeof *sniff);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(error, size, "%s", strerror(errno));
        return -1;
    }
    gzFile file = gzdopen(fd, "rb");
    if (file == NULL) {
        close(fd);
        snprintf(error, size, "out of memory");
        return -1;
    }
    /* The first 4 KiB tell a file's kind (a stream's 64 KiB also tell binary data). */
    unsigned char *bytes = malloc(FILE_SNIFF_BYTES);
    int got = bytes ? gzread(file, bytes, (unsigned)FILE_SNIFF_BYTES) : -1;
    if (got < 0 && bytes != NULL) {
        int code;
        const char *message = gzerror(file, &code);
        if (code == Z_ERRNO) { /* EISDIR, EIO...: nothing can be read */
            snprintf(error, size, "%s", strerror(errno));
            free(bytes);
            gzclose(file);
            return -1;
        }
        (void)message;
        got = 0; /* a damaged gzip: the line reader reports it */
    }
    if (got > 0)
        masq_sniff_bytes(bytes, (size_t)got, sniff);
    free(bytes);
    gzclose(file);
    return 0;
}

const char *masq_sniff_refusal(masq_input_kind kind)
{
    switch (kind) {
    case MASQ_INPUT_EVTX:
        return "an EVTX file (a Windows event log) compressed or on a stream: masq reads EVTX "
               "files as files, chunk by chunk. Decompress or save it, then scan the .evtx file";
    case MASQ_INPUT_XML:
        return "XML (an Event Viewer export): masq reads EVTX, JSON lines and CSV. Save the "
               "events as .evtx instead (Event Viewer: Save All Events As... > Event Files "
               "(*.evtx)) and scan that, or query them in Sentinel or Defender and export CSV";
    case MASQ_INPUT_BINARY:
        return "binary data (NUL and control bytes), not text: not read";
    default:
        return "not read";
    }
}
