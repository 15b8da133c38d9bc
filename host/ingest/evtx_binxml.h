/* The binary XML of one EVTX chunk, read for the few fields masq needs: each
 * record is a template instance (a template defined once in the chunk, and
 * the record's substitution values); a template is compiled once into a
 * field map (which substitution, or which literal, holds each field), then
 * every record of it is read by copying its values out. Every offset is
 * checked against the chunk: damaged data gives an error, never a read
 * outside it. */
#ifndef MASQ_EVTX_BINXML_H
#define MASQ_EVTX_BINXML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "evtx_record.h"
#include "evtx_template.h"

/* Read the binary XML of a record, bytes [at, at + length) of chunk. Returns
 * NULL on success, else why it cannot be read. */
const char *masq_evtx_read_record(masq_evtx_templates *templates, const unsigned char *chunk,
                                  uint32_t at, uint32_t length, masq_evtx_record *record);

#endif
