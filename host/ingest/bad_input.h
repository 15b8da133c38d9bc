/* Bad input: lines that are counted and the first few reported with
 * file:line, and files that are reported and skipped. Each is fatal under
 * --strict. */
#ifndef MASQ_BAD_INPUT_H
#define MASQ_BAD_INPUT_H

#include <stdint.h>

#include "../util/status.h"
#include "ingest_state.h"

/* The line number in the whole file of the line being read. A reader of a
 * part of a file counts the lines before its part only when it has a line
 * to report. */
uint64_t masq_ingest_line_number(masq_ingest *ingest);

/* A bad line: count it, report the first few with file:line. MASQ_ERR_INPUT
 * under strict. */
masq_status masq_ingest_bad_line(masq_ingest *ingest, const char *reason);

/* EVTX damage, reported with the file and the chunk (its index in the file,
 * from 0): a record that cannot be read, a chunk whose signature or checksums
 * are wrong; each counted, the first few (with the bad lines) reported. Fatal
 * under --strict. */
masq_status masq_ingest_bad_record(masq_ingest *ingest, uint64_t chunk, uint64_t record,
                                   const char *reason);
masq_status masq_ingest_damaged_chunk(masq_ingest *ingest, uint64_t chunk, const char *why);

/* A file that cannot be read, or is not a format masq reads: reported,
 * counted, and skipped (fatal under --strict). */
masq_status masq_ingest_skip_file(masq_ingest *ingest, const char *path, const char *why);

#endif
