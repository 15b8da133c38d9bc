/* Ingest: events from files, folders (read recursively, the Log Analytics
 * export layout included), .gz and stdin into the name table. Bad lines are
 * counted and the first few reported with file:line; good lines are kept.
 *
 * The stage's face. Its parts: the state and counts of a read
 * (ingest_state.h), the inputs (input_list.h), reading one input
 * (read_input.h), an event to a sighting (ingest_event.h), the parallel
 * read (parallel_read.h, ingest_shared.h). */
#ifndef MASQ_INGEST_H
#define MASQ_INGEST_H

#include <stddef.h>

#include "../util/status.h"
#include "ingest_event.h"
#include "ingest_state.h"

/* Read every path ('-' is stdin; folders are walked recursively, taking
 * .json, .jsonl, .ndjson, .csv and their .gz). CSV files are told by their
 * extension or --schema csv. With threads > 1, files are read in parallel
 * (gzip decoded in each), each reader counting into its own table, and the
 * tables merged: the result is that of one reader. MASQ_ERR_INPUT when a
 * path cannot be read, or under strict on the first bad line. */
masq_status masq_ingest_paths(masq_ingest *ingest, const char *const *paths, size_t count);

#endif
