#include "read_input.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "../names/name_table_io.h"
#include "../util/log.h"
#include "../util/memory.h"
#include "bad_input.h"
#include "blob_stream.h"
#include "csv_row.h"
#include "evtx_read.h"
#include "ingest_event.h"
#include "ingest_shared.h"
#include "input_feed.h"
#include "line_reader.h"

static bool is_blank(const char *line, size_t length)
{
    for (size_t i = 0; i < length; i++)
        if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
            return false;
    return true;
}

/* One row, from JSON or CSV: a process creation of the schema, or another row. */
static masq_status ingest_row(masq_ingest *ingest, const masq_row *row)
{
    if (ingest->schema == MASQ_SCHEMA_NAMES) {
        masq_status status = masq_name_table_add_row(ingest->names, row->json);
        if (status == MASQ_ERR_INPUT)
            return masq_ingest_bad_line(ingest, "not a name-table row (Process and Count)");
        if (status == MASQ_OK)
            ingest->stats.events +=
                (uint64_t)cJSON_GetObjectItemCaseSensitive(row->json, "Count")->valuedouble;
        return status;
    }
    masq_event event;
    if (!masq_schema_read(row, ingest->schema, ingest->securityevent_only, &event)) {
        ingest->stats.other_events++;
        return MASQ_OK;
    }
    return masq_ingest_event(ingest, &event);
}

static masq_status ingest_json_line(masq_ingest *ingest, const char *line, size_t length)
{
    /* Most lines take the fast scanner; the rest (and name tables) cJSON. */
    if (ingest->schema != MASQ_SCHEMA_NAMES) {
        if (masq_grow((void **)&ingest->scratch, &ingest->scratch_capacity,
                      length + MASQ_FIELD_COUNT + 1, 1) != 0)
            return MASQ_ERR_NOMEM;
        masq_json_fields fields = {.scratch = ingest->scratch};
        /* Shapes that nest their fields (Elastic ECS, evtx_dump, Chainsaw,
         * Hayabusa): cJSON reads them. */
        if (masq_json_fields_scan(line, length, &fields) &&
            fields.kinds[MASQ_FIELD_ECS_TIMESTAMP] == MASQ_FIELD_ABSENT &&
            fields.kinds[MASQ_FIELD_ECS_PROCESS] != MASQ_FIELD_OTHER &&
            fields.kinds[MASQ_FIELD_EVTX_EVENT] != MASQ_FIELD_OTHER &&
            fields.kinds[MASQ_FIELD_DOCUMENT] != MASQ_FIELD_OTHER &&
            fields.kinds[MASQ_FIELD_DETAILS] != MASQ_FIELD_OTHER) {
            masq_row row = {NULL, &fields, line, length};
            return ingest_row(ingest, &row);
        }
    }
    if (masq_json_has_escaped_nul(line, length))
        return masq_ingest_bad_line(ingest, "\\u0000 (NUL) in a JSON string");
    const char *end = NULL;
    cJSON *row = cJSON_ParseWithLengthOpts(line, length, &end, 0);
    if (row == NULL)
        return masq_ingest_bad_line(ingest, "not valid JSON");
    while (end < line + length && (*end == ' ' || *end == '\t'))
        end++;
    masq_status status;
    if (end != line + length)
        status = masq_ingest_bad_line(ingest, "unexpected data after the JSON value");
    else if (!cJSON_IsObject(row))
        status = masq_ingest_bad_line(ingest, "not a JSON object");
    else
        status = ingest_row(ingest, &(masq_row){row, NULL, line, length});
    cJSON_Delete(row);
    return status;
}

static masq_status ingest_csv_line(masq_ingest *ingest, masq_csv *csv, const char *line,
                                   size_t length)
{
    cJSON *row;
    switch (masq_csv_line(csv, line, length, &row)) {
    case MASQ_CSV_ROW: {
        masq_status status = ingest_row(ingest, &(masq_row){row, NULL, NULL, 0});
        cJSON_Delete(row);
        return status;
    }
    case MASQ_CSV_MALFORMED:
        return masq_ingest_bad_line(ingest,
                                    "CSV record with a different number of fields than the header");
    case MASQ_CSV_OPEN_QUOTE:
        return masq_ingest_bad_line(ingest,
                                    "CSV quote still open after 64 lines: those lines are skipped");
    case MASQ_CSV_NOMEM:
        return MASQ_ERR_NOMEM;
    default:
        return MASQ_OK;
    }
}

static masq_status ingest_line(masq_ingest *ingest, masq_csv *csv, const char *line,
                               size_t length)
{
    if (is_blank(line, length) && (csv == NULL || csv->pending == NULL))
        return MASQ_OK;
    /* cJSON reads strings as C strings: a NUL would silently cut a name. */
    if (memchr(line, '\0', length) != NULL)
        return masq_ingest_bad_line(ingest, "NUL byte in the line");
    return csv ? ingest_csv_line(ingest, csv, line, length) : ingest_json_line(ingest, line, length);
}

static uint64_t item_bytes(const masq_input *item)
{
    return item->end - item->start;
}

masq_status masq_ingest_input(masq_ingest *ingest, const masq_input *item)
{
    const char *path = item->path;
    if (item->sniff.kind == MASQ_INPUT_EVTX && !item->feed)
        return masq_evtx_read(ingest, path, item->start, item->end);
    char error[1024], fed_path[32];
    masq_line_reader *reader;
    bool part = item->start > 0 || item->end != UINT64_MAX;
    masq_feed *feed = NULL;
    masq_sniff sniff = item->sniff;
    const char *open_path = path;
    masq_status status = MASQ_OK;
    if (item->feed) {
        status = masq_feed_open(&feed, path, item->stream, &sniff, fed_path, sizeof fed_path, error,
                                sizeof error);
        open_path = fed_path;
    }
    /* A blob comes through a pipe too; its part is cut by the stream. */
    masq_blob_stream *blob = NULL;
    if (item->blob != NULL) {
        status = masq_blob_stream_open(&blob, item->blob, item->start, item->end, fed_path,
                                       sizeof fed_path, error, sizeof error);
        open_path = fed_path;
    }
    bool piped = item->feed || item->blob != NULL;
    if (status == MASQ_OK)
        status = part && blob == NULL
                     ? masq_line_reader_open_range(&reader, open_path, item->start, item->end,
                                                   error, sizeof error)
                     : masq_line_reader_open(&reader, open_path, error, sizeof error);
    masq_feed_opened(feed);
    masq_blob_stream_opened(blob);
    if (status != MASQ_OK) {
        masq_feed_close(feed, true, NULL, NULL, 0);
        masq_blob_stream_close(blob, true, NULL, NULL, 0);
        return status == MASQ_ERR_INPUT ? masq_ingest_skip_file(ingest, path, error) : status;
    }
    if (item->start == 0)
        ingest->stats.files++;
    ingest->current_file = strcmp(path, "-") == 0 ? "(stdin)" : path;
    ingest->current_line = 0;
    ingest->part_start = masq_line_reader_position(reader); /* its first line */
    ingest->line_base = item->start == 0 ? 0 : -1;
    masq_csv csv;
    masq_csv_init(&csv);
    bool is_csv = ingest->schema == MASQ_SCHEMA_CSV || item->csv || sniff.kind == MASQ_INPUT_CSV;
    for (;;) {
        const char *line;
        size_t length;
        masq_line_result result = masq_line_reader_next(reader, &line, &length);
        if (result == MASQ_LINE_END)
            break;
        ingest->current_line++;
        if ((ingest->current_line & 0xFFFF) == 0)
            masq_ingest_report_progress(ingest,
                                        piped  ? 0
                                        : part ? masq_line_reader_position(reader) - item->start
                                               : masq_line_reader_bytes(reader),
                                        false);
        if (result == MASQ_LINE_READ_ERROR) {
            ingest->stats.damaged_files++;
            masq_warn("%s: reading stopped after line %llu: %s", ingest->current_file,
                      (unsigned long long)(masq_ingest_line_number(ingest) - 1),
                      masq_line_reader_error(reader));
            if (ingest->strict)
                status = MASQ_ERR_INPUT;
            break;
        }
        ingest->stats.lines++;
        if (result == MASQ_LINE_TOO_LONG)
            status = masq_ingest_bad_line(ingest, "line longer than 64 MiB");
        else
            status = ingest_line(ingest, is_csv ? &csv : NULL, line, length);
        if (status != MASQ_OK)
            break;
    }
    if (status == MASQ_OK && csv.pending != NULL)
        status = masq_ingest_bad_line(ingest, "CSV file ends inside a quoted field");
    masq_csv_free(&csv);
    uint64_t bytes = part ? item_bytes(item) : piped ? 0 : masq_line_reader_bytes(reader);
    masq_line_reader_close(reader);
    uint64_t blob_bytes = 0;
    if (blob != NULL && masq_blob_stream_close(blob, status != MASQ_OK, &blob_bytes, error,
                                               sizeof error) != 0 && status == MASQ_OK) {
        /* Not damage in the data: what is missing would change the findings. */
        masq_error("%s: %s", ingest->current_file, error);
        status = MASQ_ERR_INPUT;
    }
    if (blob != NULL && !part)
        bytes = blob_bytes;
    if (feed != NULL && masq_feed_close(feed, status != MASQ_OK, &bytes, error, sizeof error) != 0 &&
        status == MASQ_OK) {
        ingest->stats.damaged_files++;
        masq_warn("%s: %s", ingest->current_file, error);
        if (ingest->strict)
            status = MASQ_ERR_INPUT;
    }
    ingest->stats.bytes += bytes;
    ingest->progress_done += bytes;
    masq_ingest_report_progress(ingest, 0, false);
    ingest->current_file = NULL;
    return status;
}
