/* A feed turns the shapes masq reads directly into JSON lines for the line
 * reader: UTF-16 text decoded to UTF-8, JSON documents (an array,
 * pretty-printed objects, Defender advanced hunting's
 * {"Schema": [...], "Results": [...]}) written a row a line, and streams
 * (FIFOs, devices, stdin), whose lines are bounded and which must be text. */
#ifndef MASQ_INPUT_FEED_H
#define MASQ_INPUT_FEED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/status.h"
#include "input_sniff.h"

/* A feed: a thread reading the input and writing JSON lines (or CSV lines)
 * into a pipe, which the line reader reads as path_out. stream: the input is
 * not a regular file (stdin, a FIFO, a device): it is sniffed here, must be
 * text, and no line may pass MASQ_MAX_LINE_BYTES. */
typedef struct masq_feed masq_feed;

/* Start a feed on path ('-': stdin). For a stream, *sniff is filled here;
 * otherwise it is the caller's (from masq_sniff_file). MASQ_ERR_INPUT with
 * the reason in error when the input cannot be read or is refused. */
masq_status masq_feed_open(masq_feed **feed, const char *path, bool stream, masq_sniff *sniff,
                           char *path_out, size_t path_size, char *error, size_t error_size);

/* After the line reader opened path_out: drop the feed's copy of the pipe. */
void masq_feed_opened(masq_feed *feed);

/* Wait for the feed (abandon: the reader stopped early, do not wait for the
 * rest of a stream): the input bytes it read in *bytes; 0, or -1 with why it
 * stopped early in error. */
int masq_feed_close(masq_feed *feed, bool abandon, uint64_t *bytes, char *error, size_t size);

#endif
