#include "line_reader.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libdeflate.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "../util/memory.h"

#define CHUNK_BYTES (1u << 20)

struct masq_line_reader {
    gzFile file;
    char *chunk;
    size_t chunk_start; /* first unread byte of chunk */
    size_t chunk_end;
    char *line; /* assembled line when it spans chunks */
    size_t line_length;
    size_t line_capacity;
    int at_end;
    int failed;
    char error[256];
    uint64_t chunk_offset; /* offset in the (uncompressed) input of chunk[0] */
    uint64_t end;          /* lines starting at or after this offset are not ours */
    uint64_t whole_bytes;  /* a blob decompressed whole: its compressed size, else 0 */
};

/* A gzip blob of a regular file that fits is decompressed whole by libdeflate
 * (several times zlib's speed); larger ones, pipes, and anything libdeflate
 * does not take as a sequence of whole gzip members go through zlib's stream,
 * which thus has the last word on damaged input. */
#define WHOLE_MAX_IN ((size_t)16 << 20)
#define WHOLE_MAX_OUT ((size_t)64 << 20)

/* The file's gzip members decompressed into a new buffer; NULL when it is not
 * such a blob, too large, or damaged (then zlib reads it). */
static char *decompress_whole(int fd, size_t *size, uint64_t *compressed)
{
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < 18 ||
        (uint64_t)st.st_size > WHOLE_MAX_IN)
        return NULL;
    size_t in_size = (size_t)st.st_size;
    unsigned char magic[2];
    if (pread(fd, magic, sizeof magic, 0) != (ssize_t)sizeof magic || magic[0] != 0x1f ||
        magic[1] != 0x8b)
        return NULL; /* not gzip: no need to read it all first */
    unsigned char *in = malloc(in_size);
    if (in == NULL)
        return NULL;
    size_t got = 0;
    while (got < in_size) {
        ssize_t n = pread(fd, in + got, in_size - got, (off_t)got);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    char *out = NULL;
    struct libdeflate_decompressor *d = NULL;
    if (got != in_size || in[0] != 0x1f || in[1] != 0x8b ||
        (d = libdeflate_alloc_decompressor()) == NULL)
        goto fail;
    /* The last member's trailer gives its size (mod 2^32): a first guess. */
    size_t capacity = (size_t)in[in_size - 4] | (size_t)in[in_size - 3] << 8 |
                      (size_t)in[in_size - 2] << 16 | (size_t)in[in_size - 1] << 24;
    if (capacity < in_size * 4)
        capacity = in_size * 4;
    if (capacity > WHOLE_MAX_OUT)
        capacity = WHOLE_MAX_OUT;
    out = malloc(capacity);
    size_t used = 0, at = 0;
    while (out != NULL && at < in_size) {
        size_t in_used = 0, written = 0;
        enum libdeflate_result r = libdeflate_gzip_decompress_ex(
            d, in + at, in_size - at, out + used, capacity - used, &in_used, &written);
        if (r == LIBDEFLATE_INSUFFICIENT_SPACE && capacity < WHOLE_MAX_OUT) {
            capacity = capacity * 2 > WHOLE_MAX_OUT ? WHOLE_MAX_OUT : capacity * 2;
            char *grown = realloc(out, capacity);
            if (grown == NULL)
                goto fail;
            out = grown;
            continue; /* this member again, with room */
        }
        if (r != LIBDEFLATE_SUCCESS || in_used == 0)
            goto fail;
        at += in_used;
        used += written;
    }
    if (out == NULL)
        goto fail;
    libdeflate_free_decompressor(d);
    free(in);
    *size = used;
    *compressed = in_size;
    return out;
fail:
    if (d != NULL)
        libdeflate_free_decompressor(d);
    free(out);
    free(in);
    return NULL;
}

static masq_status open_reader(masq_line_reader **out, const char *path, bool whole,
                               char *error, size_t size)
{
    *out = NULL;
    int fd = strcmp(path, "-") == 0 ? dup(STDIN_FILENO) : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(error, size, "%s", strerror(errno));
        return MASQ_ERR_INPUT;
    }
    masq_line_reader *reader = calloc(1, sizeof *reader);
    if (reader == NULL) {
        close(fd);
        return MASQ_ERR_NOMEM;
    }
    size_t whole_size;
    /* Not stdin: zlib reads it from where it stands, a blob would from byte 0. */
    char *blob = whole && strcmp(path, "-") != 0
                     ? decompress_whole(fd, &whole_size, &reader->whole_bytes)
                     : NULL;
    if (blob != NULL) {
        /* The blob is the one chunk, already at its end. */
        close(fd);
        reader->chunk = blob;
        reader->chunk_end = whole_size;
        reader->at_end = 1;
        reader->end = UINT64_MAX;
        *out = reader;
        return MASQ_OK;
    }
    reader->chunk = malloc(CHUNK_BYTES);
    reader->file = gzdopen(fd, "rb");
    if (reader->chunk == NULL || reader->file == NULL) {
        if (reader->file == NULL)
            close(fd);
        masq_line_reader_close(reader);
        return MASQ_ERR_NOMEM;
    }
    gzbuffer(reader->file, 256u << 10);
    reader->end = UINT64_MAX;
    *out = reader;
    return MASQ_OK;
}

masq_status masq_line_reader_open(masq_line_reader **out, const char *path, char *error,
                                  size_t size)
{
    return open_reader(out, path, true, error, size);
}

masq_status masq_line_reader_open_streamed(masq_line_reader **out, const char *path,
                                           char *error, size_t size)
{
    return open_reader(out, path, false, error, size);
}

static int refill(masq_line_reader *reader);

masq_status masq_line_reader_open_range(masq_line_reader **out, const char *path,
                                        uint64_t start, uint64_t end, char *error, size_t size)
{
    masq_line_reader *reader;
    MASQ_TRY(open_reader(&reader, path, false, error, size));
    reader->end = end;
    if (start > 0) {
        if (gzdirect(reader->file) != 1 || gzseek(reader->file, (z_off_t)(start - 1), SEEK_SET) < 0) {
            snprintf(error, size, "cannot read a part of a compressed file");
            masq_line_reader_close(reader);
            return MASQ_ERR_INPUT;
        }
        /* The line that holds byte start - 1 belongs to the part before:
         * skip through its end. */
        reader->chunk_offset = start - 1;
        for (;;) {
            if (reader->chunk_start == reader->chunk_end && refill(reader) != 0)
                break;
            char *from = reader->chunk + reader->chunk_start;
            char *newline = memchr(from, '\n', reader->chunk_end - reader->chunk_start);
            if (newline) {
                reader->chunk_start += (size_t)(newline - from) + 1;
                break;
            }
            reader->chunk_start = reader->chunk_end;
        }
    }
    *out = reader;
    return MASQ_OK;
}

/* Refill the chunk; 0 when data came, 1 at the end, -1 on a read error. */
static int refill(masq_line_reader *reader)
{
    if (reader->at_end)
        return reader->failed ? -1 : 1;
    int got = gzread(reader->file, reader->chunk, CHUNK_BYTES);
    if (got < 0) {
        int code;
        const char *message = gzerror(reader->file, &code);
        snprintf(reader->error, sizeof reader->error, "%s",
                 code == Z_ERRNO ? strerror(errno) : message);
        reader->failed = 1;
        reader->at_end = 1;
        return -1;
    }
    if (got == 0) {
        /* zlib reports a truncated gzip stream as a clean end plus an error. */
        int code;
        const char *message = gzerror(reader->file, &code);
        reader->at_end = 1;
        if (code != Z_OK && code != Z_STREAM_END) {
            snprintf(reader->error, sizeof reader->error, "%s", message);
            reader->failed = 1;
            return -1;
        }
        return 1;
    }
    reader->chunk_offset += reader->chunk_end;
    reader->chunk_start = 0;
    reader->chunk_end = (size_t)got;
    return 0;
}

masq_line_result masq_line_reader_next(masq_line_reader *reader, const char **line,
                                       size_t *length)
{
    reader->line_length = 0;
    int too_long = 0;
    if (reader->end != UINT64_MAX) {
        /* A part of a file: stop before the first line that starts past it. */
        if (reader->chunk_start == reader->chunk_end) {
            int refilled = refill(reader);
            if (refilled != 0)
                return refilled < 0 ? MASQ_LINE_READ_ERROR : MASQ_LINE_END;
        }
        if (reader->chunk_offset + reader->chunk_start >= reader->end)
            return MASQ_LINE_END;
    }
    for (;;) {
        if (reader->chunk_start == reader->chunk_end) {
            int refilled = refill(reader);
            if (refilled != 0) {
                if (refilled < 0 && reader->line_length == 0 && !too_long)
                    return MASQ_LINE_READ_ERROR;
                if (too_long)
                    return MASQ_LINE_TOO_LONG;
                if (reader->line_length == 0)
                    return refilled < 0 ? MASQ_LINE_READ_ERROR : MASQ_LINE_END;
                break; /* a last line without '\n'; a read error is reported next call */
            }
        }
        char *start = reader->chunk + reader->chunk_start;
        size_t available = reader->chunk_end - reader->chunk_start;
        char *newline = memchr(start, '\n', available);
        size_t take = newline ? (size_t)(newline - start) : available;
        reader->chunk_start += take + (newline ? 1 : 0);
        if (newline && reader->line_length == 0 && !too_long) {
            /* The whole line is inside the chunk: no copy. */
            *line = start;
            *length = take;
            if (take > 0 && start[take - 1] == '\r')
                (*length)--;
            return MASQ_LINE_OK;
        }
        if (!too_long) {
            if (reader->line_length + take > MASQ_MAX_LINE_BYTES) {
                too_long = 1;
            } else {
                if (masq_grow((void **)&reader->line, &reader->line_capacity,
                              reader->line_length + take + 1, 1) != 0) {
                    too_long = 1;
                } else {
                    memcpy(reader->line + reader->line_length, start, take);
                    reader->line_length += take;
                }
            }
        }
        if (newline) {
            if (too_long)
                return MASQ_LINE_TOO_LONG;
            break;
        }
    }
    *line = reader->line;
    *length = reader->line_length;
    if (*length > 0 && reader->line[*length - 1] == '\r')
        (*length)--;
    return MASQ_LINE_OK;
}

uint64_t masq_line_reader_position(const masq_line_reader *reader)
{
    return reader->chunk_offset + reader->chunk_start;
}

const char *masq_line_reader_error(const masq_line_reader *reader)
{
    return reader->error[0] ? reader->error : "read error";
}

uint64_t masq_line_reader_bytes(const masq_line_reader *reader)
{
    if (reader->whole_bytes > 0)
        return reader->whole_bytes;
    return reader->file ? (uint64_t)gzoffset(reader->file) : 0;
}

void masq_line_reader_close(masq_line_reader *reader)
{
    if (reader == NULL)
        return;
    if (reader->file != NULL)
        gzclose(reader->file);
    free(reader->chunk);
    free(reader->line);
    free(reader);
}
