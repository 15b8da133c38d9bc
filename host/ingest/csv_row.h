/* CSV query exports (Sentinel, Defender advanced hunting): a header row names
 * the columns; each later record becomes a JSON object of strings, so the
 * schemas read CSV rows and JSON rows alike. RFC 4180 quoting; a quoted field
 * may span lines. */
#ifndef MASQ_CSV_ROW_H
#define MASQ_CSV_ROW_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "../util/status.h"

typedef struct masq_csv {
    char **columns; /* header names, " [UTC]"-style suffixes removed */
    size_t column_count;
    char *pending; /* a record whose quoted field continues on the next line */
    size_t pending_length;
    unsigned pending_lines;
} masq_csv;

void masq_csv_init(masq_csv *csv);
void masq_csv_free(masq_csv *csv);

typedef enum masq_csv_result {
    MASQ_CSV_ROW,        /* *row is a new object (cJSON_Delete it) */
    MASQ_CSV_HEADER,     /* the line was the header */
    MASQ_CSV_CONTINUED,  /* the record goes on in the next line */
    MASQ_CSV_MALFORMED,  /* a record with the wrong number of fields */
    MASQ_CSV_OPEN_QUOTE, /* a quote left open over too many lines (they are skipped) */
    MASQ_CSV_NOMEM,
} masq_csv_result;

masq_csv_result masq_csv_line(masq_csv *csv, const char *line, size_t length, cJSON **row);

#endif
