/* query_answer.c: the rows of a Logs Query API answer found by a scan of the
 * text, held to cJSON's reading of the whole answer, on answers whose strings
 * hold brackets, quotes, escapes and the word "rows", and on broken ones. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/query_answer.h"

static int failures;

static void expect(int condition, const char *what, const char *text)
{
    if (!condition) {
        failures++;
        fprintf(stderr, "FAIL: %s: %s\n", what, text);
    }
}

/* The rows read one by one equal cJSON's rows of the whole text, and the frame
 * keeps the columns and the error. */
static void same_as_cjson(const char *text)
{
    cJSON *whole = cJSON_Parse(text);
    const cJSON *rows = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(whole, "tables"), 0), "rows");
    masq_query_answer answer;
    int opened = masq_query_answer_open(&answer, text, strlen(text));
    expect(whole != NULL && opened == 0, "opened", text);
    if (whole == NULL || opened != 0) {
        cJSON_Delete(whole);
        return;
    }
    expect(answer.row_count == (size_t)cJSON_GetArraySize(rows), "row count", text);
    const char *cursor = answer.rows;
    bool bad = false;
    int i = 0;
    for (cJSON *row; (row = masq_query_answer_next(&answer, &cursor, &bad)) != NULL; i++) {
        expect(cJSON_Compare(row, cJSON_GetArrayItem(rows, i), 1), "row", text);
        cJSON_Delete(row);
    }
    expect(!bad && i == cJSON_GetArraySize(rows), "rows read", text);
    const cJSON *frame_table = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(answer.frame, "tables"), 0);
    expect(cJSON_Compare(cJSON_GetObjectItemCaseSensitive(frame_table, "columns"),
                         cJSON_GetObjectItemCaseSensitive(
                             cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(whole, "tables"), 0),
                             "columns"),
                         1),
           "columns", text);
    expect(cJSON_Compare(cJSON_GetObjectItemCaseSensitive(answer.frame, "error"),
                         cJSON_GetObjectItemCaseSensitive(whole, "error"), 1) ||
               cJSON_GetObjectItemCaseSensitive(whole, "error") == NULL,
           "error", text);
    masq_query_answer_close(&answer);
    cJSON_Delete(whole);
}

int main(void)
{
    static const char *const answers[] = {
        "{\"tables\":[{\"name\":\"PrimaryResult\",\"columns\":[{\"name\":\"a\",\"type\":\"string\"}],"
        "\"rows\":[[\"x\"],[\"y\"]]}]}",
        "{\"tables\":[{\"name\":\"PrimaryResult\",\"columns\":[],\"rows\":[]}]}",
        " { \"tables\" : [ { \"columns\" : [ {\"name\":\"rows\"} ] , \"rows\" : [ [ \"[\" , \"]\" ] ,"
        " [\"\\\"rows\\\": [\", 1, null, true, {\"k\": [1,2]}] ] } ] , \"error\": {\"code\": \"PartialError\","
        " \"details\": [{\"innererror\": {\"rows\": [9]}}]} } ",
        "{\"error\":{\"code\":\"x\",\"rows\":[1,2,3]},\"tables\":[{\"name\":\"t\",\"rows\":[[1],[2]],"
        "\"columns\":[{\"name\":\"n\",\"type\":\"long\"}]},{\"name\":\"second\",\"rows\":[[3]]}]}",
        "{\"tables\":[{\"rows\":[[\"\\\\\"],[\"a\\u005d\"],[\"\xd0\xb0\xd0\xb4\xd0\xbc\"]],\"columns\":[]}]}",
    };
    for (size_t i = 0; i < sizeof answers / sizeof *answers; i++)
        same_as_cjson(answers[i]);

    static const char *const broken[] = {
        "{\"tables\":[{\"rows\":[[1],[2]",
        "{\"tables\":[{\"rows\":[[1],,[2]]}]}",
        "{\"tables\":[{\"rows\":[\"unterminated]}]}",
        "not json",
    };
    for (size_t i = 0; i < sizeof broken / sizeof *broken; i++) {
        masq_query_answer answer;
        int opened = masq_query_answer_open(&answer, broken[i], strlen(broken[i]));
        expect(opened != 0, "a broken answer opened", broken[i]);
        if (opened == 0)
            masq_query_answer_close(&answer);
    }
    /* A row that is not JSON is told, never skipped. */
    const char *bad_row = "{\"tables\":[{\"columns\":[],\"rows\":[[1],[tru],[3]]}]}";
    masq_query_answer answer;
    if (masq_query_answer_open(&answer, bad_row, strlen(bad_row)) == 0) {
        const char *cursor = answer.rows;
        bool bad = false;
        int read = 0;
        for (cJSON *row; (row = masq_query_answer_next(&answer, &cursor, &bad)) != NULL; read++)
            cJSON_Delete(row);
        expect(bad && read == 1, "a bad row not told", bad_row);
        masq_query_answer_close(&answer);
    }
    printf("query_answer: %s\n", failures ? "FAILED" : "ok");
    return failures ? 1 : 0;
}
