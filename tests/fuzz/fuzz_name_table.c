/* The name-table reader: any JSON lines are read as rows (what is not a row
 * is refused, never half added), and a table written and read back writes
 * the same bytes again. */
#define _GNU_SOURCE
#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "names/name_table.h"
#include "names/name_table_io.h"

static void read_rows(masq_name_table *table, const char *text, size_t size)
{
    const char *end = text + size;
    while (text < end) {
        const char *newline = memchr(text, '\n', (size_t)(end - text));
        size_t length = newline ? (size_t)(newline - text) : (size_t)(end - text);
        cJSON *row = cJSON_ParseWithLength(text, length);
        if (cJSON_IsObject(row)) {
            masq_status status = masq_name_table_add_row(table, row);
            FUZZ_CHECK(status == MASQ_OK || status == MASQ_ERR_INPUT, "status %d", (int)status);
        }
        cJSON_Delete(row);
        if (newline == NULL)
            break;
        text = newline + 1;
    }
}

static char *write_table(const masq_name_table *table, size_t *size)
{
    char *text = NULL;
    FILE *out = open_memstream(&text, size);
    FUZZ_CHECK(out != NULL, "open_memstream");
    FUZZ_CHECK(masq_name_table_write(table, out) == MASQ_OK, "write");
    fclose(out);
    return text;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    masq_name_table first;
    masq_name_table_init(&first);
    read_rows(&first, (const char *)data, size);
    size_t size1;
    char *text1 = write_table(&first, &size1);
    masq_name_table_free(&first);

    masq_name_table second;
    masq_name_table_init(&second);
    read_rows(&second, text1, size1);
    size_t size2;
    char *text2 = write_table(&second, &size2);
    masq_name_table_free(&second);
    FUZZ_CHECK(size1 == size2 && memcmp(text1, text2, size1) == 0,
               "a table read back writes differently:\n%.*s\n---\n%.*s", (int)size1, text1,
               (int)size2, text2);
    free(text1);
    free(text2);
    return 0;
}
