#include "row.h"

#include <stdlib.h>
#include <string.h>

const char *masq_row_string(const masq_row *row, masq_field field)
{
    if (row->fields != NULL)
        return row->fields->kinds[field] == MASQ_FIELD_STRING ? row->fields->values[field] : NULL;
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(row->json, masq_field_name(field));
    return cJSON_IsString(item) ? item->valuestring : NULL;
}

static const char *skip_space(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
        p++;
    return p;
}

/* Is the value of the first top-level "EventID" key, as JSON text, exactly
 * `expected`? cJSON keeps only the number's value; the notebook reads its text. */
static bool event_id_token_is(const char *line, size_t length, const char *expected)
{
    const char *p = line, *end = line + length;
    int depth = 0;
    while (p < end) {
        if (*p == '"') {
            const char *start = ++p;
            while (p < end && *p != '"')
                p += *p == '\\' ? 2 : 1;
            if (p >= end)
                return false;
            const char *stop = p++;
            const char *q = skip_space(p, end);
            if (depth == 1 && q < end && *q == ':' && stop - start == 7 &&
                memcmp(start, "EventID", 7) == 0) {
                q = skip_space(q + 1, end);
                size_t n = strlen(expected);
                return (size_t)(end - q) >= n && memcmp(q, expected, n) == 0 &&
                       (q + n == end || strchr("-+.eE0123456789", q[n]) == NULL);
            }
            continue;
        }
        if (*p == '{' || *p == '[')
            depth++;
        else if (*p == '}' || *p == ']')
            depth--;
        p++;
    }
    return false;
}

bool masq_row_event_id_is(const masq_row *row, const char *id)
{
    if (row->fields != NULL) {
        masq_field_kind kind = row->fields->kinds[MASQ_FIELD_EVENT_ID];
        return (kind == MASQ_FIELD_STRING || kind == MASQ_FIELD_NUMBER) &&
               strcmp(row->fields->values[MASQ_FIELD_EVENT_ID], id) == 0;
    }
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(row->json, "EventID");
    if (cJSON_IsString(item))
        return strcmp(item->valuestring, id) == 0;
    if (!cJSON_IsNumber(item))
        return false;
    return item->valuedouble == (double)atoi(id) &&
           (row->line == NULL || event_id_token_is(row->line, row->length, id));
}
