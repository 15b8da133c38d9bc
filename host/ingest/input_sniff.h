/* What an input file is, told by its bytes, not its name: JSON lines, a CSV
 * export, a JSON document (an array, pretty-printed objects, Defender
 * advanced hunting's {"Schema": [...], "Results": [...]}), UTF-16 text (a
 * byte-order mark: PowerShell 5's '>'), EVTX (read by evtx_read.h), binary
 * data. Event Viewer XML, and EVTX compressed or on a stream, are recognised
 * and refused with the next step to take. The shapes that
 * are not JSON lines are read through a feed (input_feed.h). */
#ifndef MASQ_INPUT_SNIFF_H
#define MASQ_INPUT_SNIFF_H

#include <stdbool.h>
#include <stddef.h>

typedef enum masq_input_kind {
    MASQ_INPUT_LINES = 0, /* JSON lines */
    MASQ_INPUT_CSV,       /* a CSV export (its header names event columns) */
    MASQ_INPUT_DOCUMENT,  /* a JSON document: read whole */
    MASQ_INPUT_EVTX,      /* a Windows event log (refused compressed or on a stream) */
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

/* Binary data, not text with a stray NUL: NUL bytes, and control bytes
 * (other than TAB, LF, CR, FF) over 1% of the bytes. */
bool masq_sniff_looks_binary(const unsigned char *bytes, size_t length);

/* Past spaces, tabs and line breaks. */
const unsigned char *masq_sniff_skip_space(const unsigned char *p, const unsigned char *end);

#endif
