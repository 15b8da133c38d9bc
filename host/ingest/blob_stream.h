/* A blob's bytes streamed into a pipe that the line reader reads like a
 * file (blob_stream.c): the same readers as local files, gzip included,
 * nothing landed on disk. A part of a large blob is read with Range and cut
 * at line starts here, as input_list.c cuts a local file; a cut or failed
 * download resumes with Range where it stopped, with backoff. */
#ifndef MASQ_BLOB_STREAM_H
#define MASQ_BLOB_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/status.h"
#include "blob_list.h"

typedef struct masq_blob_stream masq_blob_stream;

/* Start streaming the lines of blob that start in bytes [start, end) (end:
 * UINT64_MAX or the size: to the end) into a pipe, read as path_out.
 * MASQ_ERR_INPUT with the reason in error when it cannot start. */
masq_status masq_blob_stream_open(masq_blob_stream **stream, const masq_blob *blob,
                                  uint64_t start, uint64_t end, char *path_out,
                                  size_t path_size, char *error, size_t error_size);

/* After the line reader opened path_out: drop the stream's copy of the pipe. */
void masq_blob_stream_opened(masq_blob_stream *stream);

/* Wait for the stream (abandon: the reader stopped early): the blob's bytes
 * it passed on in *bytes; 0, or -1 with why the blob could not be read
 * whole in error (redacted). */
int masq_blob_stream_close(masq_blob_stream *stream, bool abandon, uint64_t *bytes, char *error,
                           size_t size);

/* The first bytes of a blob (at most size), for sniffing: how many came, or
 * -1 with the reason in error. */
long masq_blob_read_head(const masq_blob *blob, unsigned char *bytes, size_t size, char *error,
                         size_t error_size);

#endif
