/* The CSV reader: any bytes, fed line by line as ingest does (header first,
 * quoted fields over several lines, stray quotes), never crash or leak, and
 * every row is an object of strings with at most one member per column. */
#include <cjson/cJSON.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_check.h"
#include "ingest/csv_row.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    masq_csv csv;
    masq_csv_init(&csv);
    const char *text = (const char *)data, *end = text + size;
    while (text < end) {
        const char *newline = memchr(text, '\n', (size_t)(end - text));
        size_t length = newline ? (size_t)(newline - text) : (size_t)(end - text);
        cJSON *row = NULL;
        masq_csv_result result = masq_csv_line(&csv, text, length, &row);
        if (result == MASQ_CSV_ROW) {
            FUZZ_CHECK(row != NULL && cJSON_IsObject(row), "a row that is not an object");
            size_t members = 0;
            for (const cJSON *item = row->child; item != NULL; item = item->next, members++)
                FUZZ_CHECK(cJSON_IsString(item) && item->valuestring[0] != '\0',
                           "a member that is not a non-empty string");
            FUZZ_CHECK(members <= csv.column_count, "%zu members for %zu columns", members,
                       csv.column_count);
            cJSON_Delete(row);
        } else {
            FUZZ_CHECK(row == NULL, "a row returned with result %d", (int)result);
        }
        if (newline == NULL)
            break;
        text = newline + 1;
    }
    masq_csv_free(&csv);
    return 0;
}
