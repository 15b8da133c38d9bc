/* The Logs Query API answer read row by row (ingest/query_answer.c) against
 * cJSON's reading of the whole answer: when the scan reads every row, the
 * answer is JSON and its first table's rows are those rows, in order; when
 * cJSON finds rows there, the scan finds them too, or refuses the answer. */
#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "ingest/query_answer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    cJSON *whole = cJSON_ParseWithLength(text, size);
    const cJSON *table = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(whole, "tables"), 0);
    const cJSON *rows = cJSON_GetObjectItemCaseSensitive(table, "rows");
    masq_query_answer answer;
    if (masq_query_answer_open(&answer, text, size) == 0) {
        const char *cursor = answer.rows;
        bool bad = false;
        size_t read = 0;
        cJSON *row;
        while ((row = masq_query_answer_next(&answer, &cursor, &bad)) != NULL) {
            if (whole != NULL)
                FUZZ_CHECK(cJSON_Compare(row, cJSON_GetArrayItem(rows, (int)read), 1), "row %zu", read);
            cJSON_Delete(row);
            read++;
        }
        if (!bad) {
            FUZZ_CHECK(read == answer.row_count, "%zu rows read, %zu counted", read, answer.row_count);
            FUZZ_CHECK(whole != NULL, "every row read of an answer that is not JSON");
            FUZZ_CHECK(read == (size_t)(cJSON_IsArray(rows) ? cJSON_GetArraySize(rows) : 0),
                       "%zu rows read, cJSON has %d", read, cJSON_GetArraySize(rows));
        }
        masq_query_answer_close(&answer);
    }
    cJSON_Delete(whole);
    return 0;
}
