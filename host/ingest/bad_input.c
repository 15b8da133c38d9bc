#include "bad_input.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "../util/log.h"
#include "ingest_shared.h"

uint64_t masq_ingest_line_number(masq_ingest *ingest)
{
    if (ingest->line_base < 0) {
        int64_t base = 0;
        FILE *file = fopen(ingest->current_file, "rb");
        char buffer[1 << 16];
        uint64_t left = ingest->part_start;
        while (file && left > 0) {
            size_t want = left < sizeof buffer ? (size_t)left : sizeof buffer;
            size_t got = fread(buffer, 1, want, file);
            if (got == 0)
                break;
            for (size_t i = 0; i < got; i++)
                base += buffer[i] == '\n';
            left -= got;
        }
        if (file)
            fclose(file);
        ingest->line_base = base;
    }
    return (uint64_t)ingest->line_base + ingest->current_line;
}

/* Is this bad input among the first few (of all readers) shown? Under
 * --strict it is the one that stops the read, always shown. */
static bool shown(masq_ingest *ingest)
{
    unsigned reported = ingest->shared ? atomic_fetch_add(&ingest->shared->reported, 1)
                                       : ingest->reported;
    if (reported >= ingest->report_limit && !ingest->strict)
        return false;
    ingest->reported++;
    return true;
}

masq_status masq_ingest_bad_line(masq_ingest *ingest, const char *reason)
{
    ingest->stats.malformed_lines++;
    if (shown(ingest)) {
        masq_warn("%s:%llu: %s", ingest->current_file ? ingest->current_file : "(demo)",
                  (unsigned long long)masq_ingest_line_number(ingest), reason);
    }
    return ingest->strict ? MASQ_ERR_INPUT : MASQ_OK;
}

masq_status masq_ingest_bad_record(masq_ingest *ingest, uint64_t chunk, uint64_t record,
                                   const char *reason)
{
    ingest->stats.evtx_malformed_records++;
    if (shown(ingest)) {
        if (record != 0)
            masq_warn("%s: chunk %llu: record %llu: %s", ingest->current_file,
                      (unsigned long long)chunk, (unsigned long long)record, reason);
        else
            masq_warn("%s: chunk %llu: %s", ingest->current_file, (unsigned long long)chunk, reason);
    }
    return ingest->strict ? MASQ_ERR_INPUT : MASQ_OK;
}

masq_status masq_ingest_damaged_chunk(masq_ingest *ingest, uint64_t chunk, const char *why)
{
    ingest->stats.evtx_damaged_chunks++;
    if (shown(ingest)) {
        masq_warn("%s: chunk %llu: %s%s", ingest->current_file, (unsigned long long)chunk, why,
                  ingest->strict ? "" : " (--strict makes it fatal)");
    }
    return ingest->strict ? MASQ_ERR_INPUT : MASQ_OK;
}

masq_status masq_ingest_skip_file(masq_ingest *ingest, const char *path, const char *why)
{
    ingest->stats.skipped_files++;
    masq_warn("%s: %s; skipped%s", strcmp(path, "-") == 0 ? "(stdin)" : path, why,
              ingest->strict ? "" : " (--strict makes it fatal)");
    return ingest->strict ? MASQ_ERR_INPUT : MASQ_OK;
}
