#define _GNU_SOURCE /* pipe2, F_SETPIPE_SZ */
#include "input_sniff.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "line_reader.h"

#define SNIFF_BYTES ((size_t)64 << 10)
#define FILE_SNIFF_BYTES ((size_t)4 << 10)
/* A JSON document is parsed whole: past this, convert it to lines first. */
#define MAX_DOCUMENT_BYTES ((size_t)1 << 30)

/* --- UTF-16 ----------------------------------------------------------------- */

typedef struct utf16_state {
    bool big_endian;
    bool started;      /* the byte-order mark is behind */
    int have_byte;
    unsigned char byte;
    unsigned high;     /* a high surrogate waiting for its low half */
} utf16_state;

static size_t put_utf8(unsigned c, char *out)
{
    if (c < 0x80) {
        out[0] = (char)c;
        return 1;
    }
    if (c < 0x800) {
        out[0] = (char)(0xC0 | c >> 6), out[1] = (char)(0x80 | (c & 0x3F));
        return 2;
    }
    if (c < 0x10000) {
        out[0] = (char)(0xE0 | c >> 12), out[1] = (char)(0x80 | ((c >> 6) & 0x3F));
        out[2] = (char)(0x80 | (c & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | c >> 18), out[1] = (char)(0x80 | ((c >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((c >> 6) & 0x3F)), out[3] = (char)(0x80 | (c & 0x3F));
    return 4;
}

/* Decode n bytes; out holds at least 2 * n + 8 bytes. Unpaired surrogates
 * become U+FFFD. */
static size_t utf16_decode(utf16_state *u, const unsigned char *in, size_t n, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (!u->have_byte) {
            u->byte = in[i];
            u->have_byte = 1;
            continue;
        }
        u->have_byte = 0;
        unsigned unit = u->big_endian ? (unsigned)u->byte << 8 | in[i] : (unsigned)in[i] << 8 | u->byte;
        if (!u->started) {
            u->started = true;
            if (unit == 0xFEFF)
                continue;
        }
        if (unit >= 0xD800 && unit <= 0xDBFF) {
            if (u->high)
                o += put_utf8(0xFFFD, out + o);
            u->high = unit;
            continue;
        }
        if (unit >= 0xDC00 && unit <= 0xDFFF) {
            if (u->high) {
                o += put_utf8(0x10000 + ((u->high - 0xD800) << 10) + (unit - 0xDC00), out + o);
                u->high = 0;
            } else {
                o += put_utf8(0xFFFD, out + o);
            }
            continue;
        }
        if (u->high) {
            o += put_utf8(0xFFFD, out + o);
            u->high = 0;
        }
        o += put_utf8(unit, out + o);
    }
    return o;
}

/* --- sniffing ------------------------------------------------------------------ */

static const unsigned char *skip_space(const unsigned char *p, const unsigned char *end)
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
static bool looks_binary(const unsigned char *bytes, size_t length)
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
        utf16_state u = {.big_endian = bytes[0] == 0xFE};
        char *decoded = malloc(2 * length + 8);
        if (decoded == NULL)
            return;
        size_t n = utf16_decode(&u, bytes, length, decoded);
        masq_sniff_bytes((const unsigned char *)decoded, n, sniff);
        free(decoded);
        sniff->utf16 = true;
        sniff->big_endian = bytes[0] == 0xFE;
        return;
    }
    const unsigned char *p = bytes, *end = bytes + length;
    if (starts(p, end, "\xEF\xBB\xBF"))
        p += 3;
    if (looks_binary(p, (size_t)(end - p))) {
        sniff->kind = MASQ_INPUT_BINARY;
        return;
    }
    p = skip_space(p, end);
    if (starts(p, end, "<?xml") || starts(p, end, "<Events") || starts(p, end, "<Event ") ||
        starts(p, end, "<Event>")) {
        sniff->kind = MASQ_INPUT_XML;
    } else if (starts(p, end, "[")) {
        sniff->kind = MASQ_INPUT_DOCUMENT;
    } else if (starts(p, end, "{")) {
        const unsigned char *q = skip_space(p + 1, end);
        const unsigned char *newline = memchr(p, '\n', (size_t)(end - p));
        bool alone = newline != NULL && skip_space(p + 1, newline + 1) == newline + 1;
        /* {"Schema": [...], "Results": [...]}, or a "{" alone on its line: a document */
        if (alone || starts(q, end, "\"Schema\"") || starts(q, end, "\"Results\""))
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
        return "an EVTX file (a Windows event log): masq does not read EVTX yet. Convert it to "
               "JSON lines, then scan those: evtx_dump -o jsonl FILE.evtx | jq -c '.Event | "
               ".EventData + {EventID: .System.EventID, Computer: .System.Computer, TimeGenerated: "
               ".System.TimeCreated.\"#attributes\".SystemTime}' > FILE.jsonl (evtx_dump: "
               "https://github.com/omerbenamram/evtx)";
    case MASQ_INPUT_XML:
        return "XML (an Event Viewer export): masq reads JSON lines and CSV. Save the events as "
               ".evtx instead (Event Viewer: Save All Events As... > Event Files (*.evtx)) and "
               "convert that with evtx_dump (masq scan FILE.evtx shows the command), or query "
               "them in Sentinel or Defender and export CSV";
    case MASQ_INPUT_BINARY:
        return "binary data (NUL and control bytes), not text: not read";
    default:
        return "not read";
    }
}

/* --- the feed ------------------------------------------------------------------ */

struct masq_feed {
    gzFile in;
    int pipe_read, pipe_write;
    bool stream;
    masq_sniff sniff;
    unsigned char *prefix; /* the bytes a stream's sniff read, fed first */
    size_t prefix_length, prefix_used;
    utf16_state utf16;
    pthread_t thread;
    bool started;
    unsigned char *raw;    /* the thread's buffers, freed with the feed (a cancelled */
    char *chunk;           /* thread frees nothing) */
    char *document;
    uint64_t fed;          /* UTF-8 bytes written */
    uint64_t raw_bytes;    /* input bytes read (after gzip) */
    uint64_t since_newline;
    char error[512];
};

/* Raw input bytes: the sniffed prefix first, then the file (gzip undone). */
static long read_raw(masq_feed *feed, unsigned char *buffer, size_t size)
{
    if (feed->prefix_used < feed->prefix_length) {
        size_t n = feed->prefix_length - feed->prefix_used;
        if (n > size)
            n = size;
        memcpy(buffer, feed->prefix + feed->prefix_used, n);
        feed->prefix_used += n;
        feed->raw_bytes += n;
        return (long)n;
    }
    /* A stream may wait here for ever: the only place the thread can be cancelled. */
    pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, NULL);
    int got = gzread(feed->in, buffer, (unsigned)size);
    pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, NULL);
    if (got < 0) {
        int code;
        const char *message = gzerror(feed->in, &code);
        snprintf(feed->error, sizeof feed->error, "%s", code == Z_ERRNO ? strerror(errno) : message);
        return -1;
    }
    if (got == 0) {
        int code;
        const char *message = gzerror(feed->in, &code);
        if (code != Z_OK && code != Z_STREAM_END) {
            snprintf(feed->error, sizeof feed->error, "%s", message);
            return -1;
        }
    }
    feed->raw_bytes += (uint64_t)got;
    return got;
}

/* UTF-8 bytes: decoded when the input is UTF-16. out holds 2 * size + 8. */
static long read_text(masq_feed *feed, unsigned char *raw, size_t size, char *out)
{
    long got = read_raw(feed, raw, size);
    if (got <= 0)
        return got;
    if (!feed->sniff.utf16) {
        memcpy(out, raw, (size_t)got);
        return got;
    }
    return (long)utf16_decode(&feed->utf16, raw, (size_t)got, out);
}

static int write_all(masq_feed *feed, const char *data, size_t length)
{
    while (length > 0) {
        ssize_t put = write(feed->pipe_write, data, length);
        if (put < 0) {
            if (errno == EINTR)
                continue;
            return -1; /* the reader stopped (EPIPE): nothing more to do */
        }
        data += put;
        length -= (size_t)put;
        feed->fed += (uint64_t)put;
    }
    return 0;
}

/* A stream must be text with bounded lines. */
static int check_stream(masq_feed *feed, const char *text, size_t length)
{
    if (!feed->stream)
        return 0;
    if (looks_binary((const unsigned char *)text, length)) {
        snprintf(feed->error, sizeof feed->error,
                 "binary data (NUL and control bytes) after byte %llu, not text: stopped reading",
                 (unsigned long long)feed->fed);
        return -1;
    }
    const char *last = NULL;
    for (const char *p = text; (p = memchr(p, '\n', length - (size_t)(p - text))) != NULL; p++)
        last = p;
    feed->since_newline = last ? (uint64_t)(text + length - last - 1) : feed->since_newline + length;
    if (feed->since_newline > MASQ_MAX_LINE_BYTES) {
        snprintf(feed->error, sizeof feed->error,
                 "a line longer than %zu MiB: stopped reading (a stream must be lines of text)",
                 MASQ_MAX_LINE_BYTES >> 20);
        return -1;
    }
    return 0;
}

static void write_rows(masq_feed *feed, const cJSON *value, int *stop)
{
    char *text = cJSON_PrintUnformatted(value);
    if (text == NULL) {
        snprintf(feed->error, sizeof feed->error, "out of memory");
        *stop = 1;
        return;
    }
    if (write_all(feed, text, strlen(text)) != 0 || write_all(feed, "\n", 1) != 0)
        *stop = 1;
    free(text);
}

/* A JSON document (or several, one after the other): its rows as lines. */
static void feed_document(masq_feed *feed, unsigned char *raw, size_t raw_size, char *chunk)
{
    char *document = NULL; /* also feed->document, for a cancelled thread */
    size_t length = 0, capacity = 0;
    for (;;) {
        long got = read_text(feed, raw, raw_size, chunk);
        if (got < 0)
            break;
        if (got == 0)
            break;
        if (length + (size_t)got > MAX_DOCUMENT_BYTES) {
            snprintf(feed->error, sizeof feed->error,
                     "a JSON document over %zu MiB is not read whole: convert it to JSON lines "
                     "first (jq -c '.[]' FILE > FILE.jsonl, or '.Results[]' for an advanced "
                     "hunting export)",
                     MAX_DOCUMENT_BYTES >> 20);
            free(document);
            feed->document = NULL;
            return;
        }
        if (length + (size_t)got + 1 > capacity) {
            size_t grown = capacity ? capacity * 2 : ((size_t)1 << 20);
            while (grown < length + (size_t)got + 1)
                grown *= 2;
            char *bigger = realloc(document, grown);
            if (bigger == NULL) {
                snprintf(feed->error, sizeof feed->error, "out of memory");
                free(document);
                feed->document = NULL;
                return;
            }
            document = feed->document = bigger;
            capacity = grown;
        }
        memcpy(document + length, chunk, (size_t)got);
        length += (size_t)got;
    }
    if (feed->error[0] != '\0' || document == NULL) {
        free(document);
        feed->document = NULL;
        return;
    }
    const char *p = document, *end = document + length;
    if (length >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3;
    int stop = 0;
    while (!stop) {
        p = (const char *)skip_space((const unsigned char *)p, (const unsigned char *)end);
        if (p >= end)
            break;
        const char *after = NULL;
        cJSON *value = cJSON_ParseWithLengthOpts(p, (size_t)(end - p), &after, 0);
        if (value == NULL) {
            snprintf(feed->error, sizeof feed->error,
                     "not valid JSON: the value that starts at byte %llu is not read%s",
                     (unsigned long long)(p - document),
                     p > document ? " (the values before it are)" : "");
            break;
        }
        const cJSON *rows = value;
        const cJSON *results = cJSON_IsObject(value) ? cJSON_GetObjectItemCaseSensitive(value, "Results") : NULL;
        if (cJSON_IsArray(results))
            rows = results; /* Defender advanced hunting: {"Schema": [...], "Results": [...]} */
        if (cJSON_IsArray(rows)) {
            for (const cJSON *row = rows->child; row != NULL && !stop; row = row->next)
                write_rows(feed, row, &stop);
        } else {
            write_rows(feed, rows, &stop);
        }
        cJSON_Delete(value);
        p = after;
    }
    free(document);
    feed->document = NULL;
}

static void *feed_run(void *argument)
{
    masq_feed *feed = argument;
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL); /* EPIPE, not SIGPIPE, when the reader stops */
    pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, NULL);
    size_t raw_size = (size_t)1 << 20;
    unsigned char *raw = feed->raw = malloc(raw_size);
    char *chunk = feed->chunk = malloc(2 * raw_size + 8);
    if (raw == NULL || chunk == NULL) {
        snprintf(feed->error, sizeof feed->error, "out of memory");
    } else if (feed->sniff.kind == MASQ_INPUT_DOCUMENT) {
        feed_document(feed, raw, raw_size, chunk);
    } else {
        for (;;) {
            long got = read_text(feed, raw, raw_size, chunk);
            if (got <= 0)
                break;
            if (check_stream(feed, chunk, (size_t)got) != 0)
                break;
            if (write_all(feed, chunk, (size_t)got) != 0)
                break;
        }
        if (feed->sniff.utf16 && feed->utf16.have_byte && feed->error[0] == '\0')
            snprintf(feed->error, sizeof feed->error, "UTF-16 text ends with half a character");
    }
    close(feed->pipe_write);
    feed->pipe_write = -1;
    return NULL;
}

static void feed_free(masq_feed *feed)
{
    if (feed->in != NULL)
        gzclose(feed->in);
    if (feed->pipe_read >= 0)
        close(feed->pipe_read);
    if (feed->pipe_write >= 0)
        close(feed->pipe_write);
    free(feed->prefix);
    free(feed->raw);
    free(feed->chunk);
    free(feed->document);
    free(feed);
}

masq_status masq_feed_open(masq_feed **out, const char *path, bool stream, masq_sniff *sniff,
                           char *path_out, size_t path_size, char *error, size_t error_size)
{
    *out = NULL;
    masq_feed *feed = calloc(1, sizeof *feed);
    if (feed == NULL)
        return MASQ_ERR_NOMEM;
    feed->pipe_read = feed->pipe_write = -1;
    feed->stream = stream;
    int fd = strcmp(path, "-") == 0 ? fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 0)
                                    : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(error, error_size, "%s", strerror(errno));
        feed_free(feed);
        return MASQ_ERR_INPUT;
    }
    feed->in = gzdopen(fd, "rb");
    if (feed->in == NULL) {
        close(fd);
        feed_free(feed);
        return MASQ_ERR_NOMEM;
    }
    if (stream) {
        /* Sniff what comes first; it is fed to the reader after. */
        feed->prefix = malloc(SNIFF_BYTES);
        if (feed->prefix == NULL) {
            feed_free(feed);
            return MASQ_ERR_NOMEM;
        }
        size_t have = 0;
        while (have < SNIFF_BYTES) {
            int got = gzread(feed->in, feed->prefix + have, (unsigned)(SNIFF_BYTES - have));
            if (got <= 0)
                break;
            have += (size_t)got;
        }
        feed->prefix_length = have;
        masq_sniff_bytes(feed->prefix, have, sniff);
        if (sniff->kind == MASQ_INPUT_EVTX || sniff->kind == MASQ_INPUT_XML ||
            sniff->kind == MASQ_INPUT_BINARY) {
            snprintf(error, error_size, "%s", masq_sniff_refusal(sniff->kind));
            feed_free(feed);
            return MASQ_ERR_INPUT;
        }
    }
    feed->sniff = *sniff;
    feed->utf16.big_endian = sniff->big_endian;
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
        snprintf(error, error_size, "%s", strerror(errno));
        feed_free(feed);
        return MASQ_ERR_INPUT;
    }
    feed->pipe_read = fds[0];
    feed->pipe_write = fds[1];
    fcntl(fds[1], F_SETPIPE_SZ, 1 << 20);
    if (pthread_create(&feed->thread, NULL, feed_run, feed) != 0) {
        snprintf(error, error_size, "cannot start a thread");
        feed_free(feed);
        return MASQ_ERR_INPUT;
    }
    feed->started = true;
    snprintf(path_out, path_size, "/dev/fd/%d", fds[0]);
    *out = feed;
    return MASQ_OK;
}

void masq_feed_opened(masq_feed *feed)
{
    if (feed != NULL && feed->pipe_read >= 0) {
        close(feed->pipe_read);
        feed->pipe_read = -1;
    }
}

int masq_feed_close(masq_feed *feed, bool abandon, uint64_t *bytes, char *error, size_t size)
{
    if (feed == NULL)
        return 0;
    masq_feed_opened(feed); /* a reader that stopped early: the feed's writes fail and it ends */
    if (feed->started && abandon)
        pthread_cancel(feed->thread); /* it may wait for a stream's next bytes for ever */
    if (feed->started)
        pthread_join(feed->thread, NULL);
    if (bytes != NULL)
        *bytes = feed->raw_bytes;
    int failed = feed->error[0] != '\0';
    if (failed)
        snprintf(error, size, "%s", feed->error);
    feed_free(feed);
    return failed ? -1 : 0;
}

/* --- files seen -------------------------------------------------------------------- */

typedef struct masq_seen_entry {
    dev_t device;
    ino_t inode;
    char *path; /* NULL: empty slot */
} masq_seen_entry;

static size_t seen_slot(const masq_seen_set *set, dev_t device, ino_t inode)
{
    uint64_t h = ((uint64_t)device * 0x9E3779B97F4A7C15ull) ^ ((uint64_t)inode * 0xC2B2AE3D27D4EB4Full);
    h ^= h >> 29;
    size_t mask = set->capacity - 1, i = (size_t)h & mask;
    while (set->entries[i].path != NULL &&
           !(set->entries[i].device == device && set->entries[i].inode == inode))
        i = (i + 1) & mask;
    return i;
}

const char *masq_seen_add(masq_seen_set *set, dev_t device, ino_t inode, const char *path,
                          bool *failed)
{
    *failed = false;
    if (set->count * 2 >= set->capacity) {
        size_t capacity = set->capacity ? set->capacity * 2 : 64;
        masq_seen_entry *old = set->entries;
        size_t old_capacity = set->capacity;
        set->entries = calloc(capacity, sizeof *set->entries);
        if (set->entries == NULL) {
            set->entries = old;
            *failed = true;
            return NULL;
        }
        set->capacity = capacity;
        for (size_t i = 0; i < old_capacity; i++)
            if (old[i].path != NULL)
                set->entries[seen_slot(set, old[i].device, old[i].inode)] = old[i];
        free(old);
    }
    size_t i = seen_slot(set, device, inode);
    if (set->entries[i].path != NULL)
        return set->entries[i].path;
    char *copy = strdup(path);
    if (copy == NULL) {
        *failed = true;
        return NULL;
    }
    set->entries[i] = (masq_seen_entry){device, inode, copy};
    set->count++;
    return NULL;
}

void masq_seen_free(masq_seen_set *set)
{
    for (size_t i = 0; i < set->capacity; i++)
        free(set->entries[i].path);
    free(set->entries);
    memset(set, 0, sizeof *set);
}
