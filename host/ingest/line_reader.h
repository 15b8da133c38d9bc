/* Lines from a file, a .gz file or stdin, of any length. zlib reads plain and
 * gzip-compressed input alike; a gzip file small enough is decompressed whole
 * by libdeflate. */
#ifndef MASQ_LINE_READER_H
#define MASQ_LINE_READER_H

#include <stddef.h>
#include <stdint.h>

#include "../util/status.h"

/* Longer lines are reported as malformed and skipped, not held in memory. */
#define MASQ_MAX_LINE_BYTES ((size_t)64 << 20)

typedef struct masq_line_reader masq_line_reader;

typedef enum masq_line_result {
    MASQ_LINE_OK = 0,
    MASQ_LINE_END,       /* no more lines */
    MASQ_LINE_TOO_LONG,  /* a line over MASQ_MAX_LINE_BYTES was skipped */
    MASQ_LINE_READ_ERROR /* the rest of the input cannot be read (truncated gzip...) */
} masq_line_result;

/* Open path ("-" for stdin). MASQ_ERR_INPUT if it cannot be opened; the reason
 * is in error (size bytes). */
masq_status masq_line_reader_open(masq_line_reader **reader, const char *path, char *error,
                                  size_t size);

/* masq_line_reader_open always through zlib's stream, gzip files that fit
 * too: what the whole-blob path is held to. */
masq_status masq_line_reader_open_streamed(masq_line_reader **reader, const char *path,
                                           char *error, size_t size);

/* Open only the lines of a plain (uncompressed) file that start in bytes
 * [start, end): a reader of a part of a large file. MASQ_ERR_INPUT when the
 * file is compressed (read it whole) or cannot be opened. */
masq_status masq_line_reader_open_range(masq_line_reader **reader, const char *path,
                                        uint64_t start, uint64_t end, char *error, size_t size);

/* The next line without its '\n' (and '\r'); valid until the next call. The
 * line may contain NUL bytes: use length. */
masq_line_result masq_line_reader_next(masq_line_reader *reader, const char **line,
                                       size_t *length);

/* The offset (in the uncompressed input) of the next unread byte: after
 * masq_line_reader_open_range, where the part's first line starts. */
uint64_t masq_line_reader_position(const masq_line_reader *reader);

/* The read error's description, after MASQ_LINE_READ_ERROR. */
const char *masq_line_reader_error(const masq_line_reader *reader);

/* Bytes consumed from the underlying file so far (compressed size for gzip). */
uint64_t masq_line_reader_bytes(const masq_line_reader *reader);

void masq_line_reader_close(masq_line_reader *reader);

#endif
