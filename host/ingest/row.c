#include "row.h"

#include <stdlib.h>
#include <string.h>

const char *masq_row_string(const masq_row *row, const char *key)
{
    if (row->fields != NULL) {
        int field = masq_field_of(key);
        return field >= 0 && row->fields->kinds[field] == MASQ_FIELD_STRING
                   ? row->fields->values[field]
                   : NULL;
    }
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(row->json, key);
    return cJSON_IsString(item) ? item->valuestring : NULL;
}

/* The text of the number after "EventID" in the raw line (cJSON keeps only
 * its value). */
static bool event_id_token_is(const char *line, size_t length, const char *expected)
{
    static const char key[] = "\"EventID\"";
    const char *end = line + length;
    for (const char *p = line; p + sizeof key - 1 <= end; p++) {
        p = memchr(p, '"', (size_t)(end - p));
        if (p == NULL || p + sizeof key - 1 > end)
            return false;
        if (memcmp(p, key, sizeof key - 1) != 0)
            continue;
        const char *q = p + sizeof key - 1;
        while (q < end && strchr(" \t\r\n", *q) && *q)
            q++;
        if (q == end || *q != ':')
            continue;
        q++;
        while (q < end && strchr(" \t\r\n", *q) && *q)
            q++;
        size_t n = strlen(expected);
        return (size_t)(end - q) >= n && memcmp(q, expected, n) == 0 &&
               (q + n == end || strchr("-+.eE0123456789", q[n]) == NULL);
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
