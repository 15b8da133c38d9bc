#include "evtx_value.h"

#include <stdio.h>
#include <string.h>

#include "../names/name_table.h"

long masq_evtx_utf16_to_utf8(const unsigned char *in, size_t units, char *out, size_t size)
{
    while (units > 0 && in[2 * units - 2] == 0 && in[2 * units - 1] == 0)
        units--;
    size_t n = 0;
    for (size_t i = 0; i < units; i++) {
        uint32_t cp = (uint32_t)in[2 * i] | (uint32_t)in[2 * i + 1] << 8;
        if (cp >= 0xD800 && cp < 0xDC00 && i + 1 < units) {
            uint32_t low = (uint32_t)in[2 * i + 2] | (uint32_t)in[2 * i + 3] << 8;
            if (low >= 0xDC00 && low < 0xE000) {
                cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                i++;
            } else {
                cp = 0xFFFD;
            }
        } else if (cp >= 0xD800 && cp < 0xE000) {
            cp = 0xFFFD;
        }
        if (n + 4 >= size)
            return -1;
        if (cp < 0x80) {
            out[n++] = (char)cp;
        } else if (cp < 0x800) {
            out[n++] = (char)(0xC0 | cp >> 6);
            out[n++] = (char)(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out[n++] = (char)(0xE0 | cp >> 12);
            out[n++] = (char)(0x80 | ((cp >> 6) & 0x3F));
            out[n++] = (char)(0x80 | (cp & 0x3F));
        } else {
            out[n++] = (char)(0xF0 | cp >> 18);
            out[n++] = (char)(0x80 | ((cp >> 12) & 0x3F));
            out[n++] = (char)(0x80 | ((cp >> 6) & 0x3F));
            out[n++] = (char)(0x80 | (cp & 0x3F));
        }
    }
    out[n] = '\0';
    return (long)n;
}

bool masq_evtx_put_text(masq_evtx_record *r, masq_evtx_field field, const char *text, size_t length)
{
    if (r->fields[field] != NULL)
        return true; /* the first value of a field is the one read */
    if (r->used + length + 1 > sizeof r->text)
        return false;
    memcpy(r->text + r->used, text, length);
    r->text[r->used + length] = '\0';
    r->fields[field] = r->text + r->used;
    r->used += length + 1;
    return true;
}

#define FILETIME_UNIX_EPOCH 116444736000000000ull

bool masq_evtx_put_value(masq_evtx_record *r, masq_evtx_field field, uint32_t type,
                      const unsigned char *v, uint32_t size)
{
    char text[96];
    int n = -1;
    switch (type) {
    case VALUE_NULL:
        return true;
    case VALUE_STRING: {
        if (r->fields[field] != NULL)
            return true;
        if (r->used >= sizeof r->text)
            return false;
        long written = masq_evtx_utf16_to_utf8(v, size / 2, r->text + r->used, sizeof r->text - r->used);
        if (written < 0)
            return false;
        r->fields[field] = r->text + r->used;
        r->used += (size_t)written + 1;
        return true;
    }
    case VALUE_ANSI: { /* a code page's bytes: read as Latin-1, so always UTF-8 */
        if (r->fields[field] != NULL)
            return true;
        size_t length = strnlen((const char *)v, size);
        if (r->used + 2 * length + 1 > sizeof r->text)
            return false;
        char *out = r->text + r->used;
        size_t written = 0;
        for (size_t i = 0; i < length; i++) {
            if (v[i] < 0x80) {
                out[written++] = (char)v[i];
            } else {
                out[written++] = (char)(0xC0 | v[i] >> 6);
                out[written++] = (char)(0x80 | (v[i] & 0x3F));
            }
        }
        out[written] = '\0';
        r->fields[field] = out;
        r->used += written + 1;
        return true;
    }
    case VALUE_UINT8:
        n = size >= 1 ? snprintf(text, sizeof text, "%u", v[0]) : -1;
        break;
    case VALUE_INT8:
        n = size >= 1 ? snprintf(text, sizeof text, "%d", (int8_t)v[0]) : -1;
        break;
    case VALUE_UINT16:
        n = size >= 2 ? snprintf(text, sizeof text, "%u", v[0] | v[1] << 8) : -1;
        break;
    case VALUE_INT16:
        n = size >= 2 ? snprintf(text, sizeof text, "%d", (int16_t)(v[0] | v[1] << 8)) : -1;
        break;
    case VALUE_UINT32:
        n = size >= 4 ? snprintf(text, sizeof text, "%u", masq_evtx_u32(v)) : -1;
        break;
    case VALUE_INT32:
        n = size >= 4 ? snprintf(text, sizeof text, "%d", (int32_t)masq_evtx_u32(v)) : -1;
        break;
    case VALUE_BOOL:
        n = size >= 4 ? snprintf(text, sizeof text, "%s", masq_evtx_u32(v) ? "true" : "false") : -1;
        break;
    case VALUE_UINT64:
        n = size >= 8 ? snprintf(text, sizeof text, "%llu", (unsigned long long)masq_evtx_u64(v)) : -1;
        break;
    case VALUE_INT64:
        n = size >= 8 ? snprintf(text, sizeof text, "%lld", (long long)masq_evtx_u64(v)) : -1;
        break;
    case VALUE_HEX32:
        n = size >= 4 ? snprintf(text, sizeof text, "0x%08x", masq_evtx_u32(v)) : -1;
        break;
    case VALUE_HEX64:
        n = size >= 8 ? snprintf(text, sizeof text, "0x%016llx", (unsigned long long)masq_evtx_u64(v)) : -1;
        break;
    case VALUE_GUID:
        n = size >= 16 ? snprintf(text, sizeof text, "{%08X-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X}",
                                  masq_evtx_u32(v), v[4] | v[5] << 8, v[6] | v[7] << 8, v[8], v[9], v[10],
                                  v[11], v[12], v[13], v[14], v[15])
                       : -1;
        break;
    case VALUE_FILETIME:
        if (size < 8)
            return false;
        if (field == MASQ_EVTX_TIME) {
            uint64_t ticks = masq_evtx_u64(v);
            r->time_ms = ticks >= FILETIME_UNIX_EPOCH ? (int64_t)((ticks - FILETIME_UNIX_EPOCH) / 10000)
                                                      : -(int64_t)((FILETIME_UNIX_EPOCH - ticks + 9999) / 10000);
        }
        return true;
    default:
        return true; /* a type masq does not read: the field stays absent */
    }
    return n >= 0 && masq_evtx_put_text(r, field, text, (size_t)n);
}

