/* A Logs Query API answer read row by row (query_answer.c):
 *   {"tables": [{"name": "PrimaryResult", "columns": [...], "rows": [[...], ...]}],
 *    "error": {...}}
 * An answer of half a million rows is hundreds of megabytes of text; as one
 * cJSON tree it would be many times that. The first table's rows are found
 * by a scan of the text and counted; the rest of the answer (columns, error)
 * is parsed on its own, and the rows one at a time when they are used. */
#ifndef MASQ_QUERY_ANSWER_H
#define MASQ_QUERY_ANSWER_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct masq_query_answer {
    cJSON *frame;         /* the answer with the first table's rows as []: columns, error */
    const char *rows;     /* just after the rows' '[' in the body; NULL when there are none */
    const char *rows_end; /* at the rows' ']' */
    size_t row_count;
} masq_query_answer;

/* 0, or -1 when the body is not such JSON (nothing to close then). */
int masq_query_answer_open(masq_query_answer *answer, const char *body, size_t size);

/* The next row (delete it), from *cursor (start at answer->rows); NULL at the
 * end, or with *bad set when a row is not JSON. */
cJSON *masq_query_answer_next(const masq_query_answer *answer, const char **cursor, bool *bad);

void masq_query_answer_close(masq_query_answer *answer);

#endif
