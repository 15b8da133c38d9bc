#include "csv_row.h"

#include <stdlib.h>
#include <string.h>

#include "../util/memory.h"

void masq_csv_init(masq_csv *csv)
{
    memset(csv, 0, sizeof *csv);
}

void masq_csv_free(masq_csv *csv)
{
    for (size_t i = 0; i < csv->column_count; i++)
        free(csv->columns[i]);
    free(csv->columns);
    free(csv->pending);
    masq_csv_init(csv);
}

/* A record's fields: one buffer for all their text (a record's fields never
 * need more bytes than the record), the items pointing into it. */
typedef struct fields {
    char **items;
    size_t count;
    size_t capacity;
    char *text;
} fields;

static void fields_free(fields *f)
{
    free(f->items);
    free(f->text);
}

/* Split a record; returns 1 when a quoted field is still open at its end. */
static int split(const char *text, size_t length, fields *out, int *nomem)
{
    /* Each field's text and its NUL fit in the bytes it came from and its
     * comma (or the record's end). */
    char *value = malloc(length + 1);
    if (value == NULL) {
        *nomem = 1;
        return 0;
    }
    out->text = value;
    size_t i = 0, n = 0;
    for (;;) {
        char *field = value + n;
        if (i < length && text[i] == '"') {
            i++;
            for (;;) {
                if (i == length)
                    return 1; /* the quote closes on a later line */
                if (text[i] == '"') {
                    if (i + 1 < length && text[i + 1] == '"') {
                        value[n++] = '"';
                        i += 2;
                        continue;
                    }
                    i++;
                    break;
                }
                value[n++] = text[i++];
            }
        }
        while (i < length && text[i] != ',')
            value[n++] = text[i++];
        value[n++] = '\0';
        if (MASQ_PUSH(*out, field) != 0) {
            *nomem = 1;
            return 0;
        }
        if (i == length)
            return 0;
        i++; /* the comma */
    }
}

static char *column_name(const char *header)
{
    /* "TimeGenerated [UTC]" -> "TimeGenerated"; a UTF-8 byte-order mark goes too. */
    if (strncmp(header, "\xEF\xBB\xBF", 3) == 0)
        header += 3;
    size_t n = strcspn(header, "[");
    while (n > 0 && header[n - 1] == ' ')
        n--;
    return masq_strndup(header, n);
}

/* A quoted field may hold line breaks, but a record of more lines than this
 * is a stray quote: reported, and reading goes on with the next line. */
#define MAX_RECORD_LINES 64

masq_csv_result masq_csv_line(masq_csv *csv, const char *line, size_t length, cJSON **row)
{
    *row = NULL;
    if (csv->pending != NULL && ++csv->pending_lines > MAX_RECORD_LINES) {
        free(csv->pending);
        csv->pending = NULL;
        csv->pending_length = 0;
        csv->pending_lines = 0;
        return MASQ_CSV_OPEN_QUOTE;
    }
    const char *text = line;
    size_t text_length = length;
    if (csv->pending != NULL) {
        char *joined = realloc(csv->pending, csv->pending_length + 1 + length + 1);
        if (joined == NULL)
            return MASQ_CSV_NOMEM;
        joined[csv->pending_length] = '\n';
        memcpy(joined + csv->pending_length + 1, line, length);
        csv->pending = joined;
        csv->pending_length += 1 + length;
        text = joined;
        text_length = csv->pending_length;
    }
    fields f = {0};
    int nomem = 0;
    int open = split(text, text_length, &f, &nomem);
    if (nomem) {
        fields_free(&f);
        return MASQ_CSV_NOMEM;
    }
    if (open) {
        fields_free(&f);
        if (csv->pending == NULL) {
            csv->pending = masq_strndup(line, length);
            csv->pending_length = length;
            csv->pending_lines = 1;
            if (csv->pending == NULL)
                return MASQ_CSV_NOMEM;
        }
        return MASQ_CSV_CONTINUED;
    }
    free(csv->pending);
    csv->pending = NULL;
    csv->pending_length = 0;
    csv->pending_lines = 0;
    if (csv->columns == NULL) {
        csv->columns = calloc(f.count ? f.count : 1, sizeof *csv->columns);
        if (csv->columns == NULL) {
            fields_free(&f);
            return MASQ_CSV_NOMEM;
        }
        for (size_t i = 0; i < f.count; i++)
            csv->columns[i] = column_name(f.items[i]);
        csv->column_count = f.count;
        fields_free(&f);
        return MASQ_CSV_HEADER;
    }
    if (f.count != csv->column_count) {
        fields_free(&f);
        return MASQ_CSV_MALFORMED;
    }
    cJSON *object = cJSON_CreateObject();
    for (size_t i = 0; object && i < f.count; i++)
        if (csv->columns[i] && csv->columns[i][0] && f.items[i][0])
            cJSON_AddStringToObject(object, csv->columns[i], f.items[i]);
    fields_free(&f);
    if (object == NULL)
        return MASQ_CSV_NOMEM;
    *row = object;
    return MASQ_CSV_ROW;
}
