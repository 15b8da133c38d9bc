#include "workspace_query.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../azure/azure_http.h"
#include "../azure/azure_token.h"
#include "../names/name_table.h"
#include "../util/clock.h"
#include "../util/log.h"
#include "../util/time_iso.h"
#include "event.h"
#include "ingest_event.h"
#include "query_answer.h"
#include "workspace_kql.h"

/* 200 requests in 30 s: never closer together than that. */
#define REQUEST_SPACING_SECONDS (30.0 / 200.0)
/* An answer is read whole: about 64 MB compressed at most, many times that
 * written out; past this masq stops rather than keep a part. */
#define ANSWER_KEEP ((size_t)2 << 30)
/* A window is split no finer than this. */
#define SMALLEST_WINDOW_MS 1000

typedef struct query_run {
    masq_ingest *ingest;
    const masq_workspace_source *source;
    masq_http_client http;
    masq_token token;
    bool force_token;
    masq_status token_status;
    char *url;
    char *body; /* the request of the window being asked */
    double last_request;
    uint64_t requests, splits, rows;
    /* The sensors each host was logged by (hashes of the ASCII-folded names):
     * a host two sensors log may have twins, which only events can pair. */
    struct host_sensors {
        uint64_t hash; /* 0: empty */
        uint32_t sensors;
    } *hosts;
    size_t host_slots, host_count;
} query_run;

static uint64_t host_hash(const char *host)
{
    uint64_t hash = 0xcbf29ce484222325ull;
    for (const unsigned char *p = (const unsigned char *)host; *p; p++)
        hash = (hash ^ (unsigned char)tolower(*p)) * 0x100000001b3ull;
    return hash | 1;
}

static masq_status note_host(query_run *run, const char *host, unsigned sensor)
{
    if (host == NULL || sensor == 0)
        return MASQ_OK;
    if ((run->host_count + 1) * 2 > run->host_slots) {
        size_t slots = run->host_slots ? run->host_slots * 2 : 256;
        struct host_sensors *grown = calloc(slots, sizeof *grown);
        if (grown == NULL)
            return MASQ_ERR_NOMEM;
        for (size_t i = 0; i < run->host_slots; i++)
            if (run->hosts[i].hash != 0) {
                size_t s = (size_t)run->hosts[i].hash & (slots - 1);
                while (grown[s].hash != 0)
                    s = (s + 1) & (slots - 1);
                grown[s] = run->hosts[i];
            }
        free(run->hosts);
        run->hosts = grown;
        run->host_slots = slots;
    }
    uint64_t hash = host_hash(host);
    size_t s = (size_t)hash & (run->host_slots - 1);
    while (run->hosts[s].hash != 0 && run->hosts[s].hash != hash)
        s = (s + 1) & (run->host_slots - 1);
    if (run->hosts[s].hash == 0) {
        run->hosts[s].hash = hash;
        run->host_count++;
    }
    run->hosts[s].sensors |= sensor;
    return MASQ_OK;
}

void masq_workspace_window(int64_t since_ms, int64_t until_ms, int64_t now_ms, int64_t *from,
                           int64_t *to)
{
    *to = until_ms != MASQ_TIME_NONE ? until_ms : now_ms;
    *from = since_ms != MASQ_TIME_NONE ? since_ms : *to - MASQ_QUERY_DEFAULT_WINDOW_MS;
}

static uint64_t max_rows_of(const masq_workspace_source *source)
{
    return source->max_rows ? source->max_rows : MASQ_QUERY_DEFAULT_MAX_ROWS;
}

char *masq_workspace_query_text(const masq_workspace_source *source, bool securityevent_only,
                                int64_t since_ms, int64_t until_ms)
{
    int64_t since, until;
    masq_workspace_window(since_ms, until_ms, masq_clock_wall_ms(), &since, &until);
    return masq_workspace_kql(securityevent_only, since, until, max_rows_of(source) + 1);
}

static bool id_valid(const char *id)
{
    /* It goes into the URL's path: a GUID's characters only. */
    size_t n = strlen(id);
    if (n == 0 || n > 64)
        return false;
    for (const char *p = id; *p; p++)
        if (!isxdigit((unsigned char)*p) && *p != '-')
            return false;
    return true;
}

masq_status masq_workspace_check(const masq_workspace_source *source)
{
    if (!id_valid(source->id)) {
        masq_error("--workspace takes the workspace id, a GUID (Log Analytics workspace, "
                   "Properties, Workspace ID)");
        return MASQ_ERR_USAGE;
    }
    const char *endpoint = source->endpoint ? source->endpoint : MASQ_QUERY_DEFAULT_ENDPOINT;
    char why[160];
    if (masq_http_url_allowed(endpoint, false, why, sizeof why) != 0) {
        masq_error("--query-endpoint %s: %s", endpoint, why);
        return MASQ_ERR_USAGE;
    }
    MASQ_TRY(masq_token_check_endpoints(source->managed_identity));
    return masq_token_check_environment(source->managed_identity);
}

static masq_status prepare_query(void *context, masq_http_request *request,
                                 const masq_http_response *previous)
{
    query_run *run = context;
    (void)previous;
    run->token_status = masq_token_get(&run->http, &run->token, MASQ_QUERY_AUDIENCE,
                                       run->source->managed_identity, run->force_token);
    run->force_token = false;
    if (run->token_status != MASQ_OK)
        return run->token_status;
    double wait = run->last_request + REQUEST_SPACING_SECONDS - masq_clock_now();
    if (run->last_request > 0 && wait > 0) {
        struct timespec pause = {(time_t)wait, (long)((wait - (double)(time_t)wait) * 1e9)};
        nanosleep(&pause, NULL);
    }
    run->last_request = masq_clock_now();
    run->requests++;
    char *authorization = masq_token_authorization(&run->token);
    if (authorization == NULL)
        return MASQ_ERR_NOMEM;
    int failed = 0;
    struct curl_slist *headers = NULL;
    headers = masq_http_header_add(headers, authorization, &failed);
    headers = masq_http_header_add(headers, "Content-Type: application/json", &failed);
    /* The service's own limit, 10 minutes, rather than its default 3. */
    headers = masq_http_header_add(headers, "Prefer: wait=600", &failed);
    headers = masq_http_header_add(headers, "Expect:", &failed);
    masq_token_authorization_free(authorization);
    if (failed) {
        curl_slist_free_all(headers);
        return MASQ_ERR_NOMEM;
    }
    request->method = "POST";
    request->url = run->url;
    request->headers = headers;
    request->body = run->body;
    request->body_size = strlen(run->body);
    return MASQ_OK;
}

/* A partial error the service gives for an answer cut at one of its limits
 * (rows or bytes): the window is split and asked again. */
static bool is_limit_error(const cJSON *error)
{
    char *text = cJSON_PrintUnformatted(error);
    if (text == NULL)
        return false;
    for (char *p = text; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    bool limit = strstr(text, "e_query_result_set_too_large") != NULL ||
                 (strstr(text, "exceeded") != NULL && strstr(text, "limit") != NULL);
    free(text);
    return limit;
}

static void error_message(const cJSON *error, char *out, size_t size)
{
    /* The deepest message says what went wrong: details[].innererror.message. */
    const char *message = NULL;
    for (const cJSON *e = error; e != NULL;) {
        const cJSON *m = cJSON_GetObjectItemCaseSensitive(e, "message");
        if (cJSON_IsString(m))
            message = m->valuestring;
        const cJSON *details = cJSON_GetObjectItemCaseSensitive(e, "details");
        const cJSON *inner = cJSON_GetObjectItemCaseSensitive(e, "innererror");
        e = cJSON_IsArray(details) ? cJSON_GetArrayItem(details, 0) : inner;
    }
    const cJSON *code = cJSON_GetObjectItemCaseSensitive(error, "code");
    snprintf(out, size, "%s: %.300s", cJSON_IsString(code) ? code->valuestring : "error",
             message ? message : "(no message)");
    /* The service's words come from afar: no control character reaches a terminal. */
    for (char *p = out; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = ' ';
}

static const char *text_at(const cJSON *row, int column)
{
    const cJSON *value = column >= 0 ? cJSON_GetArrayItem(row, column) : NULL;
    /* An empty column is an absent one, as Log Analytics writes no nulls in strings. */
    return cJSON_IsString(value) && value->valuestring[0] != '\0' ? value->valuestring : NULL;
}

static const char *const columns[] = {"Sensor",     "Process",          "NewProcessName",
                                      "Computer",   "User",             "UserDomain",
                                      "ParentProcessName", "OriginalFileName", "Hashes",
                                      "Count",      "FirstSeen",        "LastSeen"};
enum { C_SENSOR, C_PROCESS, C_PATH, C_COMPUTER, C_USER, C_DOMAIN, C_PARENT, C_ORIGINAL, C_HASHES,
       C_COUNT, C_FIRST, C_LAST, C_ALL };

static unsigned sensor_of(const char *name)
{
    if (name != NULL && strcmp(name, "SecurityEvent") == 0)
        return MASQ_SENSOR_SECURITY_EVENT;
    if (name != NULL && strcmp(name, "Sysmon") == 0)
        return MASQ_SENSOR_SYSMON;
    if (name != NULL && strcmp(name, "DeviceProcessEvents") == 0)
        return MASQ_SENSOR_DEFENDER;
    return 0;
}

static masq_status count_rows(query_run *run, const masq_query_answer *answer, const cJSON *table)
{
    int at[C_ALL];
    for (int c = 0; c < C_ALL; c++)
        at[c] = -1;
    int index = 0;
    const cJSON *column;
    cJSON_ArrayForEach(column, cJSON_GetObjectItemCaseSensitive(table, "columns"))
    {
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(column, "name");
        for (int c = 0; c < C_ALL; c++)
            if (cJSON_IsString(name) && strcmp(name->valuestring, columns[c]) == 0)
                at[c] = index;
        index++;
    }
    for (int c = 0; c < C_ALL; c++)
        if (at[c] < 0) {
            masq_error("the workspace's answer has no column %s: not the answer to masq's query",
                       columns[c]);
            return MASQ_ERR_INPUT;
        }
    masq_ingest *ingest = run->ingest;
    const char *cursor = answer->rows;
    bool bad = false;
    masq_status status = MASQ_OK;
    for (cJSON *row; status == MASQ_OK && (row = masq_query_answer_next(answer, &cursor, &bad)) != NULL;
         cJSON_Delete(row)) {
        const cJSON *count = cJSON_GetArrayItem(row, at[C_COUNT]);
        if (!cJSON_IsArray(row) || !cJSON_IsNumber(count) || count->valuedouble < 1 ||
            count->valuedouble > 9007199254740992.0 ||
            count->valuedouble != (double)(uint64_t)count->valuedouble) {
            masq_error("the workspace's answer has a row without a whole Count");
            status = MASQ_ERR_INPUT;
            continue;
        }
        masq_event event = {.process = text_at(row, at[C_PROCESS]),
                            .new_process_name = text_at(row, at[C_PATH]),
                            .computer = text_at(row, at[C_COMPUTER]),
                            .time_generated = text_at(row, at[C_FIRST]),
                            .original_file_name = text_at(row, at[C_ORIGINAL]),
                            .user = text_at(row, at[C_USER]),
                            .user_domain = text_at(row, at[C_DOMAIN]),
                            .parent = text_at(row, at[C_PARENT]),
                            .hashes = text_at(row, at[C_HASHES]),
                            .sensor = sensor_of(text_at(row, at[C_SENSOR]))};
        uint64_t n = (uint64_t)count->valuedouble;
        status = masq_ingest_events(ingest, &event, n, text_at(row, at[C_LAST]));
        if (status == MASQ_OK)
            status = note_host(run, event.computer, event.sensor);
        run->rows++;
    }
    if (status == MASQ_OK && bad) {
        masq_error("the workspace's answer has a row that is not JSON");
        status = MASQ_ERR_INPUT;
    }
    return status;
}

static masq_status ask(query_run *run, int64_t since, int64_t until);

static masq_status split(query_run *run, int64_t since, int64_t until, const char *why)
{
    char a[32], b[32];
    masq_time_format(since, a, sizeof a);
    masq_time_format(until, b, sizeof b);
    if (until - since < 2 * SMALLEST_WINDOW_MS) {
        masq_error("the workspace's answer for [%s, %s) %s, and a window is split no finer than "
                   "a second: raise --query-max-rows (at most %u) or shorten the window",
                   a, b, why, MASQ_QUERY_DEFAULT_MAX_ROWS);
        return MASQ_ERR_INPUT;
    }
    masq_info("the workspace's answer for [%s, %s) %s: asked again in two halves", a, b, why);
    run->splits++;
    int64_t middle = since + (until - since) / 2;
    int64_t second = middle - ((middle % 1000) + 1000) % 1000; /* bounds read as whole seconds */
    if (second > since)
        middle = second;
    MASQ_TRY(ask(run, since, middle));
    return ask(run, middle, until);
}

static masq_status ask(query_run *run, int64_t since, int64_t until)
{
    uint64_t max_rows = max_rows_of(run->source);
    char *kql = masq_workspace_kql(run->ingest->securityevent_only, since, until, max_rows + 1);
    cJSON *request = cJSON_CreateObject();
    if (kql == NULL || request == NULL || cJSON_AddStringToObject(request, "query", kql) == NULL) {
        free(kql);
        cJSON_Delete(request);
        return MASQ_ERR_NOMEM;
    }
    free(kql);
    free(run->body);
    run->body = cJSON_PrintUnformatted(request);
    cJSON_Delete(request);
    if (run->body == NULL)
        return MASQ_ERR_NOMEM;

    masq_http_response response;
    masq_http_outcome outcome = masq_http_exchange(&run->http, prepare_query, run, 200, &response);
    if (outcome == MASQ_HTTP_REJECTED && response.status == 401) {
        /* A token revoked or rotated early: once with a new one. */
        masq_http_response_free(&response);
        run->force_token = true;
        outcome = masq_http_exchange(&run->http, prepare_query, run, 200, &response);
    }
    masq_status status = MASQ_OK;
    if (outcome == MASQ_HTTP_LOCAL_ERROR) {
        status = run->token_status != MASQ_OK ? MASQ_ERR_INPUT : MASQ_ERR_USAGE;
        if (run->token_status != MASQ_OK)
            masq_error("no token for the Logs Query API (audience %s): the workspace is not read",
                       MASQ_QUERY_AUDIENCE);
    } else if (outcome != MASQ_HTTP_ACKNOWLEDGED) {
        char what[600];
        masq_http_describe(&response, what, sizeof what);
        masq_error("the workspace did not answer the query: %s%s", what,
                   response.status == 403 ? " (the identity needs Log Analytics Reader on the "
                                            "workspace)"
                                          : "");
        status = MASQ_ERR_INPUT;
    } else if (response.body_truncated) {
        masq_http_response_free(&response);
        return split(run, since, until, "was too large to hold");
    }
    if (status != MASQ_OK) {
        masq_http_response_free(&response);
        return status;
    }
    masq_query_answer answer;
    if (masq_query_answer_open(&answer, response.body ? response.body : "", response.body_size) != 0) {
        masq_http_response_free(&response);
        masq_error("the workspace's answer is not the Logs Query API's JSON (tables, columns, rows)");
        return MASQ_ERR_INPUT;
    }
    const cJSON *tables = cJSON_GetObjectItemCaseSensitive(answer.frame, "tables");
    const cJSON *table = cJSON_GetArrayItem(tables, 0);
    const cJSON *rows = cJSON_GetObjectItemCaseSensitive(table, "rows");
    const cJSON *error = cJSON_GetObjectItemCaseSensitive(answer.frame, "error");
    if (!cJSON_IsArray(rows) && error == NULL) {
        masq_error("the workspace's answer is not the Logs Query API's JSON (tables, columns, rows)");
        status = MASQ_ERR_INPUT;
    } else if (error != NULL && !cJSON_IsNull(error)) {
        if (is_limit_error(error)) {
            /* Let go of this answer first: the halves are asked while it would be held. */
            masq_query_answer_close(&answer);
            masq_http_response_free(&response);
            return split(run, since, until, "was cut at a limit of the service");
        } else {
            char message[400];
            error_message(error, message, sizeof message);
            masq_error("the workspace answered with an error (%s): a partial answer is never "
                       "used; nothing of it was counted",
                       message);
            status = MASQ_ERR_INPUT;
        }
    } else if ((uint64_t)answer.row_count > max_rows) {
        masq_query_answer_close(&answer);
        masq_http_response_free(&response);
        char why[96];
        snprintf(why, sizeof why, "holds more than %llu rows", (unsigned long long)max_rows);
        return split(run, since, until, why);
    } else {
        status = count_rows(run, &answer, table);
    }
    masq_query_answer_close(&answer);
    masq_http_response_free(&response);
    return status;
}

masq_status masq_workspace_read(masq_ingest *ingest, const masq_workspace_source *source)
{
    MASQ_TRY(masq_workspace_check(source));
    if (ingest->days != NULL || ingest->shared != NULL) {
        masq_error("--workspace reads one table of the window: not with --baseline");
        return MASQ_ERR_USAGE;
    }
    int64_t since, until;
    masq_workspace_window(ingest->since_ms, ingest->until_ms, masq_clock_wall_ms(), &since, &until);
    if (until <= since) {
        masq_error("--workspace: the window is empty");
        return MASQ_ERR_USAGE;
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return MASQ_ERR_NOMEM;
    query_run run = {.ingest = ingest, .source = source};
    double timeout = source->timeout_seconds > 0 ? source->timeout_seconds : 630.0;
    masq_http_policy policy = {timeout, 6, 1.0, 300.0, 1800.0};
    masq_status status = masq_http_client_init(&run.http, &policy);
    if (status != MASQ_OK) {
        curl_global_cleanup();
        return status;
    }
    run.http.body_limit = ANSWER_KEEP;
    run.http.compressed = true;
    const char *endpoint = source->endpoint ? source->endpoint : MASQ_QUERY_DEFAULT_ENDPOINT;
    size_t size = strlen(endpoint) + strlen(source->id) + 32;
    run.url = malloc(size);
    if (run.url == NULL) {
        status = MASQ_ERR_NOMEM;
    } else {
        size_t n = strlen(endpoint);
        snprintf(run.url, size, "%.*s/v1/workspaces/%s/query",
                 (int)(n > 0 && endpoint[n - 1] == '/' ? n - 1 : n), endpoint, source->id);
        /* Twins are found among events; the rows of a summary are counted as they come. */
        struct masq_twins *twins = ingest->twins;
        ingest->twins = NULL;
        const char *file = ingest->current_file;
        ingest->current_file = "the workspace's answer";
        status = ask(&run, since, until);
        ingest->twins = twins;
        ingest->current_file = file;
    }
    if (status == MASQ_OK)
        masq_info("workspace %s: %llu rows in %llu requests (%llu windows split)", source->id,
                  (unsigned long long)run.rows, (unsigned long long)run.requests,
                  (unsigned long long)run.splits);
    size_t shared = 0;
    for (size_t i = 0; i < run.host_slots; i++)
        shared += (run.hosts[i].sensors & (run.hosts[i].sensors - 1)) != 0;
    if (status == MASQ_OK && shared > 0)
        masq_warn("%zu host%s logged by more than one sensor (SecurityEvent, Sysmon, Defender): a "
                  "process start two of them logged is counted once per sensor from the workspace, "
                  "once when its events are read from files",
                  shared, shared == 1 ? " is" : "s are");
    free(run.hosts);
    free(run.url);
    free(run.body);
    masq_token_free(&run.token);
    masq_http_client_free(&run.http);
    curl_global_cleanup();
    return status;
}
