/* What an input file is, told by its bytes, not its name, and a feed that
 * turns the shapes masq reads directly into JSON lines for the line reader:
 * UTF-16 text (a byte-order mark: PowerShell 5's '>'), JSON documents (an
 * array, pretty-printed objects, Defender advanced hunting's
 * {"Schema": [...], "Results": [...]}), and streams (FIFOs, devices, stdin),
 * whose lines are bounded and which must be text. EVTX and Event Viewer XML
 * are recognised and refused with the next step to take. */
#ifndef MASQ_INPUT_SNIFF_H
#define MASQ_INPUT_SNIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../util/status.h"

typedef enum masq_input_kind {
    MASQ_INPUT_LINES = 0, /* JSON lines */
    MASQ_INPUT_CSV,       /* a CSV export (its header names event columns) */
    MASQ_INPUT_DOCUMENT,  /* a JSON document: read whole */
    MASQ_INPUT_EVTX,      /* not read: the next step is in the message */
    MASQ_INPUT_XML,
    MASQ_INPUT_BINARY,    /* NUL and other control bytes, no byte-order mark: not text */
} masq_input_kind;

typedef struct masq_sniff {
    masq_input_kind kind;
    bool utf16;   /* UTF-16 with a byte-order mark: decoded to UTF-8 */
    bool big_endian;
} masq_sniff;

/* The kind of the first bytes of an input (after gzip is undone). */
void masq_sniff_bytes(const unsigned char *bytes, size_t length, masq_sniff *sniff);

/* Sniff a regular file (its first 4 KiB, decompressed). -1 with the reason in
 * error when it cannot be read. */
int masq_sniff_file(const char *path, masq_sniff *sniff, char *error, size_t size);

/* Why a kind is not read, and what to do instead. */
const char *masq_sniff_refusal(masq_input_kind kind);

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

/* Files and folders seen, by device and inode: each read once. */
typedef struct masq_seen_set {
    struct masq_seen_entry *entries;
    size_t count, capacity;
} masq_seen_set;

/* Add; returns the path first seen with this device and inode (not added
 * again), NULL when new, and sets *failed when out of memory. */
const char *masq_seen_add(masq_seen_set *set, dev_t device, ino_t inode, const char *path,
                          bool *failed);
void masq_seen_free(masq_seen_set *set);

#endif
