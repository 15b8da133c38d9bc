/* EVTX files (Windows event logs, as KAPE and Velociraptor collect them),
 * read natively: the file header, then its 64 KiB chunks one at a time (a
 * reader holds one chunk, whatever the file's size), each chunk's records
 * through evtx_binxml.h. Security 4688 (Microsoft-Windows-Security-Auditing)
 * and Sysmon 1 (Microsoft-Windows-Sysmon) records become events; records of
 * other events and providers are other events. Damage (a chunk's signature
 * or checksums, a record that cannot be read) is reported with the file and
 * the chunk, and reading goes on with what can be read (past a damaged
 * record header, from the next whole record); --strict makes it fatal. */
#ifndef MASQ_EVTX_READ_H
#define MASQ_EVTX_READ_H

#include <stdint.h>

#include "../util/status.h"
#include "ingest_state.h"

#define MASQ_EVTX_HEADER_BYTES 4096

/* Past a damaged record header in chunk (its bytes): the offset of the next
 * record in [from, free_offset) whose header and size copy agree, as those of
 * a record written whole do; 0 when there is none. */
uint32_t masq_evtx_next_record(const unsigned char *chunk, uint32_t from, uint32_t free_offset);

/* Read the chunks of path that start in [start, end) (byte offsets; the
 * whole file: 0, UINT64_MAX). */
masq_status masq_evtx_read(masq_ingest *ingest, const char *path, uint64_t start, uint64_t end);

#endif
