/* `masq scan --workspace ID`: the name table from a Log Analytics workspace
 * through the Logs Query API (workspace_query.c). The counting runs in Log
 * Analytics (the query of workspace_kql.h); masq fetches the summarized rows
 * and counts them into the table as the events on disk would be counted.
 *
 * The API's limits (500,000 rows and about 64 MB compressed an answer, 10
 * minutes a query, 200 requests in 30 s): a window whose answer holds more
 * than max_rows rows, or that the service truncates (a partial error naming
 * a limit), is split in two halves and each asked again, down to one second;
 * any other partial error is refused, never used. 429 and Retry-After are
 * honoured (azure_http.c), and requests are spaced by 30 s / 200. */
#ifndef MASQ_WORKSPACE_QUERY_H
#define MASQ_WORKSPACE_QUERY_H

#include <stdbool.h>
#include <stdint.h>

#include "../util/status.h"
#include "ingest_state.h"

#define MASQ_QUERY_DEFAULT_ENDPOINT "https://api.loganalytics.azure.com"
#define MASQ_QUERY_AUDIENCE "https://api.loganalytics.io"
#define MASQ_QUERY_DEFAULT_MAX_ROWS 499999u /* the API's 500,000 with the one asked more */
#define MASQ_QUERY_DEFAULT_WINDOW_MS (24 * 3600 * 1000LL) /* the notebook's day */

typedef struct masq_workspace_source {
    const char *id;       /* the workspace (customer) id, a GUID; NULL: no workspace */
    const char *endpoint; /* NULL: MASQ_QUERY_DEFAULT_ENDPOINT */
    bool managed_identity;
    uint64_t max_rows;    /* rows an answer may hold before its window is split (0: default) */
    double timeout_seconds; /* one request (0: 630, past the service's 10 minutes) */
} masq_workspace_source;

/* The window the query covers: [since, until) of the ingest's bounds, where
 * one is missing the day before the other, and with neither the last day up
 * to now_ms. */
void masq_workspace_window(int64_t since_ms, int64_t until_ms, int64_t now_ms, int64_t *from,
                           int64_t *to);

/* The query the run sends first (for the whole window, before any split):
 * what `masq query` prints and `--dry-run` shows. malloc'd, or NULL. */
char *masq_workspace_query_text(const masq_workspace_source *source, bool securityevent_only,
                                int64_t since_ms, int64_t until_ms);

/* Check what can be checked before the run: the id, the endpoint, the
 * credentials' environment. MASQ_ERR_USAGE with the reason logged. */
masq_status masq_workspace_check(const masq_workspace_source *source);

/* Query the workspace for the ingest's window and count the answer into
 * ingest->names (SecurityEvent only when ingest->securityevent_only).
 * MASQ_ERR_INPUT when the service refuses or answers what masq cannot use
 * (said in one message), MASQ_ERR_USAGE for a bad id or endpoint. */
masq_status masq_workspace_read(masq_ingest *ingest, const masq_workspace_source *source);

#endif
