/* The line reader, plain and gzip: the first byte picks the mode, the rest is
 * the input.
 *   0: a plain file: the lines read are exactly the bytes split at '\n' (one
 *      '\r' before it dropped), and a file read in two parts split at any
 *      byte gives the same lines as the whole (the part reader's rule).
 *   1: the same bytes gzip-compressed, in one member and in two: the same
 *      lines (the whole-blob path, libdeflate) and the same through zlib's
 *      stream.
 *   2: the bytes as they are, read as gzip or plain, whatever they hold
 *      (truncated or damaged streams): no crash, an end or a read error, and
 *      the same lines and the same ending whole-blob and streamed. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>

#include "fuzz_check.h"
#include "ingest/line_reader.h"

typedef struct lines {
    char *text; /* the lines, each followed by '\n' */
    size_t size, capacity;
    size_t count;
} lines;

static void add(lines *l, const char *line, size_t length)
{
    if (l->size + length + 1 > l->capacity) {
        l->capacity = (l->size + length + 1) * 2;
        l->text = realloc(l->text, l->capacity);
        FUZZ_CHECK(l->text != NULL, "out of memory");
    }
    memcpy(l->text + l->size, line, length);
    l->text[l->size + length] = '\n';
    l->size += length + 1;
    l->count++;
}

/* The reference: split at '\n', drop one '\r' before it; a last line without
 * '\n' counts when it is not empty. */
static lines split(const uint8_t *data, size_t size)
{
    lines l = {0};
    const char *text = (const char *)data, *end = text + size;
    while (text < end) {
        const char *newline = memchr(text, '\n', (size_t)(end - text));
        size_t length = newline ? (size_t)(newline - text) : (size_t)(end - text);
        if (length > 0 && text[length - 1] == '\r')
            length--;
        add(&l, text, length);
        if (newline == NULL)
            break;
        text = newline + 1;
    }
    return l;
}

static int read_all(masq_line_reader *reader, lines *out)
{
    for (;;) {
        const char *line;
        size_t length;
        masq_line_result result = masq_line_reader_next(reader, &line, &length);
        if (result == MASQ_LINE_END)
            return 0;
        if (result == MASQ_LINE_READ_ERROR)
            return -1;
        FUZZ_CHECK(result == MASQ_LINE_OK, "result %d", (int)result);
        add(out, line, length);
    }
}

static void same(const lines *a, const lines *b, const char *what);

/* The whole-blob reader of path against zlib's stream: the same lines, the
 * same ending. */
static void same_both_ways(const char *path, lines *whole)
{
    char error[256];
    masq_line_reader *reader;
    lines streamed = {0};
    FUZZ_CHECK(masq_line_reader_open(&reader, path, error, sizeof error) == MASQ_OK, "%s", error);
    int a = read_all(reader, whole);
    masq_line_reader_close(reader);
    FUZZ_CHECK(masq_line_reader_open_streamed(&reader, path, error, sizeof error) == MASQ_OK, "%s",
               error);
    int b = read_all(reader, &streamed);
    masq_line_reader_close(reader);
    FUZZ_CHECK(a == b, "whole-blob read %s, streamed %s", a ? "failed" : "ended",
               b ? "failed" : "ended");
    same(whole, &streamed, "whole-blob against streamed");
    free(streamed.text);
}

static size_t gzip_member(const uint8_t *data, size_t size, uint8_t *out, size_t room)
{
    z_stream z = {0};
    FUZZ_CHECK(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK, "deflateInit2");
    z.next_in = (Bytef *)data;
    z.avail_in = (uInt)size;
    z.next_out = out;
    z.avail_out = (uInt)room;
    FUZZ_CHECK(deflate(&z, Z_FINISH) == Z_STREAM_END, "deflate");
    size_t n = room - z.avail_out;
    deflateEnd(&z);
    return n;
}

static int memory_file(const uint8_t *data, size_t size, char *path, size_t path_size)
{
    int fd = memfd_create("fuzz", MFD_CLOEXEC);
    FUZZ_CHECK(fd >= 0, "memfd_create");
    FUZZ_CHECK(size == 0 || write(fd, data, size) == (ssize_t)size, "write");
    snprintf(path, path_size, "/proc/self/fd/%d", fd);
    return fd;
}

static void same(const lines *a, const lines *b, const char *what)
{
    FUZZ_CHECK(a->count == b->count && a->size == b->size &&
                   (a->size == 0 || memcmp(a->text, b->text, a->size) == 0),
               "%s: %zu lines (%zu bytes), expected %zu (%zu bytes)", what, a->count, a->size,
               b->count, b->size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    int mode = data[0] % 3;
    data++, size--;
    char path[64], error[256];
    masq_line_reader *reader;
    if (mode == 0 && size >= 2 && data[0] == 0x1f && data[1] == 0x8b)
        mode = 2; /* zlib reads a gzip header whatever the mode */
    if (mode == 0) {
        int fd = memory_file(data, size, path, sizeof path);
        lines expected = split(data, size), got = {0};
        FUZZ_CHECK(masq_line_reader_open(&reader, path, error, sizeof error) == MASQ_OK, "%s", error);
        FUZZ_CHECK(read_all(reader, &got) == 0, "read error on a plain file");
        masq_line_reader_close(reader);
        same(&got, &expected, "plain");
        /* Two parts split at a byte chosen by the input. */
        if (size > 0) {
            uint64_t at = 1 + (data[size - 1] * 131u + size) % size;
            lines parts = {0};
            FUZZ_CHECK(masq_line_reader_open_range(&reader, path, 0, at, error, sizeof error) == MASQ_OK,
                       "%s", error);
            FUZZ_CHECK(read_all(reader, &parts) == 0, "read error in the first part");
            masq_line_reader_close(reader);
            FUZZ_CHECK(masq_line_reader_open_range(&reader, path, at, size, error, sizeof error) == MASQ_OK,
                       "%s", error);
            FUZZ_CHECK(read_all(reader, &parts) == 0, "read error in the second part");
            masq_line_reader_close(reader);
            same(&parts, &expected, "two parts");
            free(parts.text);
        }
        free(expected.text);
        free(got.text);
        close(fd);
    } else if (mode == 1) {
        /* Compress into memory, then read the compressed file: one member,
         * then two (split at a byte the input picks), as gzip allows. */
        uLongf bound = 2 * (compressBound((uLong)size) + 64);
        uint8_t *packed = malloc(bound);
        FUZZ_CHECK(packed != NULL, "out of memory");
        lines expected = split(data, size);
        for (int members = 1; members <= 2; members++) {
            size_t first = members == 1 || size == 0 ? size : (data[0] * 257u + size) % (size + 1);
            size_t packed_size = gzip_member(data, first, packed, bound);
            if (members == 2)
                packed_size += gzip_member(data + first, size - first, packed + packed_size,
                                           bound - packed_size);
            int fd = memory_file(packed, packed_size, path, sizeof path);
            lines got = {0};
            same_both_ways(path, &got);
            same(&got, &expected, members == 1 ? "gzip" : "gzip in two members");
            free(got.text);
            close(fd);
        }
        free(expected.text);
        free(packed);
    } else {
        int fd = memory_file(data, size, path, sizeof path);
        lines got = {0};
        same_both_ways(path, &got);
        free(got.text);
        close(fd);
    }
    return 0;
}
