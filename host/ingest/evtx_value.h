/* Substitution values of EVTX binary XML as text: UTF-16 strings, numbers,
 * GUIDs, FILETIMEs, as libevtx's evtxexport writes them, into a record's
 * buffer; and the little-endian reads every EVTX file needs. */
#ifndef MASQ_EVTX_VALUE_H
#define MASQ_EVTX_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "evtx_record.h"

/* Value types of substitutions. */
enum {
    VALUE_NULL = 0x00,
    VALUE_STRING = 0x01,
    VALUE_ANSI = 0x02,
    VALUE_INT8 = 0x03,
    VALUE_UINT8 = 0x04,
    VALUE_INT16 = 0x05,
    VALUE_UINT16 = 0x06,
    VALUE_INT32 = 0x07,
    VALUE_UINT32 = 0x08,
    VALUE_INT64 = 0x09,
    VALUE_UINT64 = 0x0a,
    VALUE_BOOL = 0x0d,
    VALUE_GUID = 0x0f,
    VALUE_FILETIME = 0x11,
    VALUE_HEX32 = 0x14,
    VALUE_HEX64 = 0x15,
    VALUE_BINXML = 0x21,
};

static inline uint32_t masq_evtx_u32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t masq_evtx_u64(const unsigned char *p)
{
    return (uint64_t)masq_evtx_u32(p) | (uint64_t)masq_evtx_u32(p + 4) << 32;
}

/* UTF-16LE code units into UTF-8 (unpaired surrogates as U+FFFD); trailing
 * NULs dropped. Returns the bytes written, or -1 when out is too small. */
long masq_evtx_utf16_to_utf8(const unsigned char *in, size_t units, char *out, size_t size);

/* Text into the record's buffer as a field's value (the first value of a
 * field is the one kept); false when the buffer is full. */
bool masq_evtx_put_text(masq_evtx_record *r, masq_evtx_field field, const char *text, size_t length);

/* A substitution value of a type as the field's text (the time also as
 * milliseconds); a type masq does not read leaves the field absent. */
bool masq_evtx_put_value(masq_evtx_record *r, masq_evtx_field field, uint32_t type,
                         const unsigned char *v, uint32_t size);

#endif
