#define _GNU_SOURCE /* pipe2, F_SETPIPE_SZ */
#include "input_feed.h"

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
#include "utf16.h"

#define SNIFF_BYTES ((size_t)64 << 10)
/* A JSON document is parsed whole: past this, convert it to lines first. */
#define MAX_DOCUMENT_BYTES ((size_t)1 << 30)

struct masq_feed {
    gzFile in;
    int pipe_read, pipe_write;
    bool stream;
    masq_sniff sniff;
    unsigned char *prefix; /* the bytes a stream's sniff read, fed first */
    size_t prefix_length, prefix_used;
    masq_utf16 utf16;
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
    return (long)masq_utf16_decode(&feed->utf16, raw, (size_t)got, out);
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
    if (masq_sniff_looks_binary((const unsigned char *)text, length)) {
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
        p = (const char *)masq_sniff_skip_space((const unsigned char *)p,
                                                (const unsigned char *)end);
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
        /* Defender advanced hunting: {"Schema": [...], "Results": [...]}; Graph's
         * runHuntingQuery: {"@odata.context": ..., "schema": [...], "results": [...]} */
        const cJSON *results = cJSON_IsObject(value) ? cJSON_GetObjectItemCaseSensitive(value, "Results") : NULL;
        if (!cJSON_IsArray(results) && cJSON_IsObject(value))
            results = cJSON_GetObjectItemCaseSensitive(value, "results");
        if (cJSON_IsArray(results))
            rows = results;
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
