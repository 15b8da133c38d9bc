#include "query_answer.h"

#include <stdlib.h>
#include <string.h>

static const char *skip_space(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
        p++;
    return p;
}

/* p at a '"': just after its closing quote, or NULL when the text ends first. */
static const char *skip_string(const char *p, const char *end)
{
    for (p++; p < end; p++) {
        if (*p == '\\')
            p++;
        else if (*p == '"')
            return p + 1;
    }
    return NULL;
}

/* p just after an array's '[': its elements counted, *close at its ']'. */
static int count_elements(const char *p, const char *end, size_t *count, const char **close)
{
    int depth = 0;
    bool element = false; /* an element has started since the last comma */
    *count = 0;
    while (p < end) {
        char c = *p;
        if (c == '"') {
            if ((p = skip_string(p, end)) == NULL)
                return -1;
            element = true;
            continue;
        }
        if (c == '[' || c == '{') {
            depth++;
            element = true;
        } else if (c == ']' || c == '}') {
            if (depth == 0) {
                if (c != ']' || (!element && *count > 0)) /* nor a comma before the end */
                    return -1;
                *count += element;
                *close = p;
                return 0;
            }
            depth--;
        } else if (c == ',' && depth == 0) {
            if (!element)
                return -1;
            (*count)++;
            element = false;
        } else if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
            element = true;
        }
        p++;
    }
    return -1;
}

/* The "rows" of the first object of the root's "tables": the key at depth 3
 * of object, array, object. */
static int find_rows(const char *body, const char *end, const char **rows)
{
    char path[4] = {0};
    int depth = 0;
    bool in_tables = false; /* the depth-2 array is the value of "tables" */
    int table = -1;         /* which element of it the depth-3 object is */
    const char *key = NULL;
    *rows = NULL;
    for (const char *p = body; p < end;) {
        char c = *p;
        if (c == '"') {
            const char *after = skip_string(p, end);
            if (after == NULL)
                return -1;
            const char *next = skip_space(after, end);
            if (next < end && *next == ':')
                key = p; /* a key: what its value is depends on where it stands */
            p = after;
            continue;
        }
        if (c == '[' || c == '{') {
            if (depth == 1) {
                in_tables = c == '[' && key != NULL && strncmp(key, "\"tables\"", 8) == 0;
                table = -1;
            }
            if (depth == 2)
                table++;
            if (depth == 3 && c == '[' && in_tables && table == 0 && path[0] == '{' &&
                path[1] == '[' && path[2] == '{' && key != NULL &&
                strncmp(key, "\"rows\"", 6) == 0) {
                *rows = p + 1;
                return 0;
            }
            if (depth < 4)
                path[depth] = c;
            depth++;
        } else if (c == ']' || c == '}') {
            if (--depth < 0)
                return -1; /* closes what was never opened */
        }
        if (c != ':' && c != ' ' && c != '\n' && c != '\r' && c != '\t')
            key = c == ',' || c == '{' ? NULL : key;
        p++;
    }
    return 0;
}

/* The frame's first table has the empty array left of the rows found, or,
 * where none were found, no rows. */
static bool frame_rows_empty(const cJSON *frame, bool found)
{
    const cJSON *table = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(frame, "tables"), 0);
    const cJSON *rows = cJSON_GetObjectItemCaseSensitive(table, "rows");
    return (!found && rows == NULL) || (cJSON_IsArray(rows) && cJSON_GetArraySize(rows) == 0);
}

/* One JSON object and nothing after it but spaces. */
static cJSON *parse_whole(const char *text, size_t size)
{
    const char *end = NULL;
    cJSON *value = cJSON_ParseWithLengthOpts(text, size, &end, false);
    if (value != NULL && (!cJSON_IsObject(value) || end == NULL || skip_space(end, text + size) != text + size)) {
        cJSON_Delete(value);
        value = NULL;
    }
    return value;
}

/* The frame (an answer less its rows: columns, errors, statistics) is a few
 * KB from the service; cJSON takes some 30 times its text, so a larger one
 * is refused rather than read as one tree. */
#define MAX_FRAME_BYTES ((size_t)16 << 20)

int masq_query_answer_open(masq_query_answer *answer, const char *body, size_t size)
{
    memset(answer, 0, sizeof *answer);
    const char *end = body + size, *rows;
    if (find_rows(body, end, &rows) != 0)
        return -1;
    if (rows == NULL) {
        if (size > MAX_FRAME_BYTES)
            return -1;
        answer->frame = parse_whole(body, size);
        if (answer->frame != NULL && frame_rows_empty(answer->frame, false))
            return 0;
        masq_query_answer_close(answer);
        return -1;
    }
    const char *close;
    if (count_elements(rows, end, &answer->row_count, &close) != 0)
        return -1;
    /* The frame: everything but the rows themselves. */
    size_t before = (size_t)(rows - body), after = (size_t)(end - close);
    if (before + after > MAX_FRAME_BYTES)
        return -1;
    char *frame = malloc(before + after + 1);
    if (frame == NULL)
        return -1;
    memcpy(frame, body, before);
    memcpy(frame + before, close, after);
    frame[before + after] = '\0';
    answer->frame = parse_whole(frame, before + after);
    free(frame);
    if (answer->frame == NULL || !frame_rows_empty(answer->frame, true)) {
        /* The rows cJSON would read are not the ones the scan found (a key
         * spelled with escapes, given twice): never read the wrong ones. */
        masq_query_answer_close(answer);
        return -1;
    }
    answer->rows = rows;
    answer->rows_end = close;
    return 0;
}

cJSON *masq_query_answer_next(const masq_query_answer *answer, const char **cursor, bool *bad)
{
    *bad = false;
    if (answer->rows == NULL)
        return NULL;
    const char *p = skip_space(*cursor, answer->rows_end);
    if (p >= answer->rows_end)
        return NULL;
    if (*cursor != answer->rows) { /* after a row: a comma, then the next */
        if (*p != ',') {
            *bad = true;
            return NULL;
        }
        p = skip_space(p + 1, answer->rows_end);
    }
    const char *next = NULL;
    cJSON *row = cJSON_ParseWithLengthOpts(p, (size_t)(answer->rows_end - p), &next, false);
    if (row == NULL || next == NULL || next > answer->rows_end) {
        cJSON_Delete(row);
        *bad = true;
        return NULL;
    }
    *cursor = next;
    return row;
}

void masq_query_answer_close(masq_query_answer *answer)
{
    cJSON_Delete(answer->frame);
    memset(answer, 0, sizeof *answer);
}
