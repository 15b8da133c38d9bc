#include "evtx_read.h"

#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "../util/log.h"
#include "../util/time_iso.h"
#include "bad_input.h"
#include "evtx_binxml.h"
#include "evtx_event.h"
#include "evtx_value.h"
#include "ingest_event.h"
#include "ingest_shared.h"

#define CHUNK MASQ_EVTX_CHUNK_BYTES
#define CHUNK_HEADER_BYTES 512
#define RECORD_HEADER_BYTES 24

static bool all_zero(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != 0)
            return false;
    return true;
}

/* An EventData value of a record masq's reader read, by its name. */
static const char *record_data(const void *record, const char *name)
{
    const masq_evtx_record *r = record;
    for (int f = MASQ_EVTX_NEW_PROCESS_NAME; f < MASQ_EVTX_FIELDS; f++)
        if (strcmp(masq_evtx_data_name((masq_evtx_field)f), name) == 0)
            return r->fields[f];
    return NULL;
}

/* A record as an event, when it is a process creation the schema reads. */
static bool event_of(const masq_ingest *ingest, const masq_evtx_record *r, char *time_text,
                     char *origin, size_t origin_size, masq_event *e)
{
    masq_evtx_kind kind = masq_evtx_kind_of(r->fields[MASQ_EVTX_PROVIDER], r->fields[MASQ_EVTX_EVENT_ID]);
    masq_schema schema = ingest->schema;
    if (kind == MASQ_EVTX_SECURITY_4688 && !(schema == MASQ_SCHEMA_AUTO || schema == MASQ_SCHEMA_SECURITYEVENT))
        return false;
    if (kind == MASQ_EVTX_SYSMON_1 &&
        (ingest->securityevent_only || !(schema == MASQ_SCHEMA_AUTO || schema == MASQ_SCHEMA_SYSMON)))
        return false;
    if (kind == MASQ_EVTX_OTHER)
        return false;
    masq_evtx_event_of(kind, record_data, r, e);
    e->computer = r->fields[MASQ_EVTX_COMPUTER];
    e->time_generated = r->fields[MASQ_EVTX_TIME];
    if (r->time_ms != MASQ_TIME_NONE) {
        masq_time_format(r->time_ms, time_text, 32);
        e->time_generated = time_text;
    }
    e->origin_id = masq_evtx_origin(r->fields[MASQ_EVTX_RECORD_ID], origin, origin_size);
    return true;
}

typedef struct chunk_reader {
    masq_ingest *ingest;
    masq_evtx_templates *templates;
    masq_evtx_record *record;
    unsigned char bytes[CHUNK];
} chunk_reader;

/* The chunk's checks: a damaged header or records still leave the records
 * to read, each bounded by the chunk. */
static masq_status check_chunk(chunk_reader *c, uint64_t index, uint32_t *free_offset)
{
    const unsigned char *b = c->bytes;
    *free_offset = masq_evtx_u32(b + 48);
    uint32_t header_crc = (uint32_t)crc32(0, b, 120);
    header_crc = (uint32_t)crc32(header_crc, b + 128, CHUNK_HEADER_BYTES - 128);
    if (header_crc != masq_evtx_u32(b + 124))
        MASQ_TRY(masq_ingest_damaged_chunk(c->ingest, index, "header checksum mismatch"));
    if (*free_offset < CHUNK_HEADER_BYTES || *free_offset > CHUNK) {
        *free_offset = CHUNK;
        return masq_ingest_damaged_chunk(c->ingest, index, "free space offset outside the chunk");
    }
    uint32_t records_crc = (uint32_t)crc32(0, b + CHUNK_HEADER_BYTES, *free_offset - CHUNK_HEADER_BYTES);
    if (records_crc != masq_evtx_u32(b + 52))
        MASQ_TRY(masq_ingest_damaged_chunk(c->ingest, index, "records checksum mismatch"));
    return MASQ_OK;
}

uint32_t masq_evtx_next_record(const unsigned char *b, uint32_t from, uint32_t free_offset)
{
    for (uint32_t at = from; at + RECORD_HEADER_BYTES <= free_offset; at++) {
        if (b[at] != 0x2a || masq_evtx_u32(b + at) != 0x00002a2a)
            continue;
        uint32_t size = masq_evtx_u32(b + at + 4);
        if (size >= RECORD_HEADER_BYTES + 4 && size <= free_offset - at &&
            masq_evtx_u32(b + at + size - 4) == size)
            return at;
    }
    return 0;
}

/* Chunk `index` of a file whose header counts `counted`: past them the file
 * holds space Windows set aside, read only where a chunk was written there
 * (a file not closed cleanly). */
static masq_status read_chunk(chunk_reader *c, uint64_t index, uint64_t counted)
{
    masq_ingest *ingest = c->ingest;
    const unsigned char *b = c->bytes;
    if (all_zero(b, 8))
        return MASQ_OK; /* a chunk not written yet */
    if (memcmp(b, "ElfChnk", 8) != 0) {
        if (index >= counted)
            return MASQ_OK;
        return masq_ingest_damaged_chunk(ingest, index, "not a chunk (bad signature); skipped");
    }
    uint32_t free_offset;
    MASQ_TRY(check_chunk(c, index, &free_offset));
    masq_evtx_templates_reset(c->templates);
    uint32_t at = CHUNK_HEADER_BYTES;
    while (at + RECORD_HEADER_BYTES <= free_offset) {
        uint32_t size = masq_evtx_u32(b + at + 4);
        /* A damaged copy of the size at the record's end leaves the record
         * to read: its binary XML is bounded by the size. */
        if (masq_evtx_u32(b + at) != 0x00002a2a || size < RECORD_HEADER_BYTES + 4 || size > free_offset - at) {
            /* Read on from the next whole record: the damage costs the
             * records it hit, not the rest of the chunk. */
            uint32_t next = masq_evtx_next_record(b, at + 1, free_offset);
            if (next == 0)
                return masq_ingest_bad_record(ingest, index, 0,
                                              "a record's header or size is damaged; the rest of "
                                              "the chunk is skipped");
            char why[128];
            snprintf(why, sizeof why,
                     "a record's header or size is damaged; %" PRIu32
                     " bytes skipped to the next record",
                     next - at);
            MASQ_TRY(masq_ingest_bad_record(ingest, index, 0, why));
            at = next;
            continue;
        }
        uint64_t id = masq_evtx_u64(b + at + 8);
        ingest->stats.evtx_records++;
        ingest->stats.lines++;
        const char *why = masq_evtx_read_record(c->templates, b, at + RECORD_HEADER_BYTES,
                                                size - RECORD_HEADER_BYTES - 4, c->record);
        masq_status status = MASQ_OK;
        if (why != NULL) {
            status = masq_ingest_bad_record(ingest, index, id, why);
        } else {
            char time_text[32], origin[32];
            masq_event event;
            if (event_of(ingest, c->record, time_text, origin, sizeof origin, &event)) {
                if (event.origin_id == NULL) { /* no EventRecordID: the record header's number */
                    char header_id[24];
                    snprintf(header_id, sizeof header_id, "%llu", (unsigned long long)id);
                    event.origin_id = masq_evtx_origin(header_id, origin, sizeof origin);
                }
                status = masq_ingest_event(ingest, &event);
            } else {
                ingest->stats.other_events++;
            }
        }
        if (status != MASQ_OK)
            return status;
        at += size;
    }
    return MASQ_OK;
}

masq_status masq_evtx_read(masq_ingest *ingest, const char *path, uint64_t start, uint64_t end)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat info;
    if (fd < 0 || fstat(fd, &info) != 0) {
        char why[300];
        snprintf(why, sizeof why, "cannot read it: %s", strerror(errno));
        if (fd >= 0)
            close(fd);
        return masq_ingest_skip_file(ingest, path, why);
    }
    chunk_reader *c = malloc(sizeof *c);
    masq_evtx_record *record = malloc(sizeof *record);
    masq_evtx_templates *templates = masq_evtx_templates_new();
    masq_status status = c && record && templates ? MASQ_OK : MASQ_ERR_NOMEM;
    uint64_t size = (uint64_t)info.st_size;
    if (status == MASQ_OK) {
        c->ingest = ingest;
        c->templates = templates;
        c->record = record;
    }
    /* The file header: how many chunks it counts, its checksum; a dirty file
     * (not closed) is read the same, chunk by chunk to its end. */
    unsigned char header[128];
    uint64_t counted = 0;
    if (status == MASQ_OK && (pread(fd, header, sizeof header, 0) != (ssize_t)sizeof header ||
                              memcmp(header, "ElfFile", 8) != 0)) {
        if (start == 0)
            status = masq_ingest_skip_file(ingest, path, "not an EVTX file, or its header is cut short");
        size = 0;
    } else if (status == MASQ_OK) {
        counted = (uint64_t)header[42] | (uint64_t)header[43] << 8;
    }
    if (status == MASQ_OK && start == 0 && size > 0) {
        ingest->stats.files++;
        if ((uint32_t)crc32(0, header, 120) != masq_evtx_u32(header + 124)) {
            ingest->stats.damaged_files++;
            masq_warn("%s: the file header's checksum is wrong; its chunks are read", path);
            if (ingest->strict)
                status = MASQ_ERR_INPUT;
        }
    }
    ingest->current_file = path;
    uint64_t first = start <= MASQ_EVTX_HEADER_BYTES ? MASQ_EVTX_HEADER_BYTES : start;
    uint64_t done = 0;
    for (uint64_t at = first; status == MASQ_OK && at < end && at < size; at += CHUNK) {
        uint64_t index = (at - MASQ_EVTX_HEADER_BYTES) / CHUNK;
        ssize_t got = pread(fd, c->bytes, CHUNK, (off_t)at);
        if (got < 0) {
            ingest->stats.damaged_files++;
            masq_warn("%s: reading stopped at chunk %llu: %s", path, (unsigned long long)index,
                      strerror(errno));
            status = ingest->strict ? MASQ_ERR_INPUT : MASQ_OK;
            break;
        }
        if (got < CHUNK) {
            if (got > 0 && !all_zero(c->bytes, (size_t)got))
                status = masq_ingest_damaged_chunk(ingest, index, "truncated: the file ends inside it");
            done += (uint64_t)got;
            break;
        }
        done += CHUNK;
        status = read_chunk(c, index, counted);
        if ((index & 63) == 63)
            masq_ingest_report_progress(ingest, done, false);
    }
    if (start == 0)
        done += first < size ? first : size;
    ingest->stats.bytes += done;
    ingest->progress_done += done;
    masq_ingest_report_progress(ingest, 0, false);
    ingest->current_file = NULL;
    masq_evtx_templates_free(templates);
    free(record);
    free(c);
    close(fd);
    return status;
}
