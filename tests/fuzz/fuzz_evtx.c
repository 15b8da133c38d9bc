/* The EVTX binary XML reader: any bytes as a chunk's records (the input,
 * zero-padded to 64 KiB), every record read, never a read outside the chunk
 * (AddressSanitizer watches), never a crash or leak; every field read is
 * valid UTF-8 text inside the record's buffer. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "ingest/evtx_binxml.h"
#include "names/unicode.h"

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned char *chunk = calloc(1, MASQ_EVTX_CHUNK_BYTES);
    masq_evtx_templates *templates = masq_evtx_templates_new();
    masq_evtx_record *record = malloc(sizeof *record);
    FUZZ_CHECK(chunk && templates && record, "out of memory");
    memcpy(chunk, data, size < MASQ_EVTX_CHUNK_BYTES ? size : MASQ_EVTX_CHUNK_BYTES);
    /* Records from 512 as a chunk lays them out; where the input has none,
     * its bytes are read as one record's binary XML. */
    uint32_t at = 512;
    int records = 0;
    while (at + 28 <= MASQ_EVTX_CHUNK_BYTES && records < 4096) {
        uint32_t length = le32(chunk + at + 4);
        if (le32(chunk + at) != 0x2a2a || length < 28 || length > MASQ_EVTX_CHUNK_BYTES - at)
            break;
        masq_evtx_read_record(templates, chunk, at + 24, length - 28, record);
        records++;
        at += length;
    }
    if (records == 0)
        masq_evtx_read_record(templates, chunk, 0, size < MASQ_EVTX_CHUNK_BYTES ? (uint32_t)size : MASQ_EVTX_CHUNK_BYTES, record);
    for (int f = 0; f < MASQ_EVTX_FIELDS; f++) {
        const char *text = record->fields[f];
        if (text == NULL)
            continue;
        FUZZ_CHECK(text >= record->text && text < record->text + sizeof record->text, "a field outside its buffer");
        FUZZ_CHECK(masq_unicode_decode(text, strlen(text), NULL) >= 0, "a field that is not UTF-8");
    }
    masq_evtx_templates_free(templates);
    free(record);
    free(chunk);
    return 0;
}
