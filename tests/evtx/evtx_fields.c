/* The fields masq's binary XML reader (host/ingest/evtx_binxml.c) takes from
 * every record of EVTX files (past a damaged record header, from the next
 * whole one, as masq does), one JSON object a line, for
 * run_evtx_tests.py to hold against an independent reader (libevtx's
 * evtxexport). Usage: evtx_fields FILE.evtx ... */
#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/evtx_binxml.h"
#include "ingest/evtx_read.h"
#include "names/name_table.h"

static const char *const system_names[] = {"Provider", "EventID", "TimeCreated", "Computer",
                                           "EventRecordID"};

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void print_record(const char *path, long chunk, unsigned long long id, bool size_copy,
                         const char *why, const masq_evtx_record *r)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "file", path);
    cJSON_AddNumberToObject(o, "chunk", (double)chunk);
    cJSON_AddNumberToObject(o, "record", (double)id);
    cJSON_AddBoolToObject(o, "size_copy", size_copy); /* the size at its end agrees */
    if (why != NULL) {
        cJSON_AddStringToObject(o, "error", why);
    } else {
        if (r->time_ms != MASQ_TIME_NONE)
            cJSON_AddNumberToObject(o, "time_ms", (double)r->time_ms);
        cJSON *fields = cJSON_AddObjectToObject(o, "fields");
        for (int f = 0; f < MASQ_EVTX_FIELDS; f++) {
            const char *name = f < MASQ_EVTX_NEW_PROCESS_NAME ? system_names[f]
                                                               : masq_evtx_data_name((masq_evtx_field)f);
            if (r->fields[f] != NULL)
                cJSON_AddStringToObject(fields, name, r->fields[f]);
        }
    }
    char *text = cJSON_PrintUnformatted(o);
    puts(text);
    free(text);
    cJSON_Delete(o);
}

int main(int argc, char **argv)
{
    static unsigned char chunk[MASQ_EVTX_CHUNK_BYTES];
    masq_evtx_templates *templates = masq_evtx_templates_new();
    masq_evtx_record *record = malloc(sizeof *record);
    if (templates == NULL || record == NULL)
        return 2;
    for (int a = 1; a < argc; a++) {
        FILE *file = fopen(argv[a], "rb");
        if (file == NULL || fseek(file, 4096, SEEK_SET) != 0) {
            perror(argv[a]);
            return 2;
        }
        for (long k = 0; fread(chunk, 1, sizeof chunk, file) == sizeof chunk; k++) {
            if (memcmp(chunk, "ElfChnk", 8) != 0)
                continue;
            masq_evtx_templates_reset(templates);
            uint32_t free_offset = le32(chunk + 48), at = 512;
            if (free_offset > sizeof chunk)
                free_offset = sizeof chunk;
            while (at + 24 <= free_offset) {
                uint32_t size = le32(chunk + at + 4);
                if (le32(chunk + at) != 0x2a2a || size < 28 || size > free_offset - at) {
                    at = masq_evtx_next_record(chunk, at + 1, free_offset); /* as masq reads on */
                    if (at == 0)
                        break;
                    continue;
                }
                unsigned long long id = (unsigned long long)le32(chunk + at + 8) |
                                        (unsigned long long)le32(chunk + at + 12) << 32;
                const char *why = masq_evtx_read_record(templates, chunk, at + 24, size - 28, record);
                print_record(argv[a], k, id, le32(chunk + at + size - 4) == size, why, record);
                at += size;
            }
        }
        fclose(file);
    }
    masq_evtx_templates_free(templates);
    free(record);
    return 0;
}
