/* What publishing is asked to do: the API, the target, the limits (types
 * only; publish.h has the calls). */
#ifndef MASQ_PUBLISH_CONFIG_H
#define MASQ_PUBLISH_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef enum masq_publish_api {
    MASQ_PUBLISH_NONE = 0,
    MASQ_PUBLISH_LOGS_INGESTION, /* DCR-based Logs Ingestion API, OAuth2 bearer tokens */
    MASQ_PUBLISH_DATA_COLLECTOR, /* legacy HTTP Data Collector API, SharedKey signature */
} masq_publish_api;

#define MASQ_PUBLISH_DEFAULT_STREAM "Custom-MasqueradingProcessNameResult"
#define MASQ_PUBLISH_LOG_TYPE "MasqueradingProcessNameResult"
#define MASQ_PUBLISH_DEFAULT_AUDIENCE "https://monitor.azure.com"
/* Logs Ingestion: 1 MB per call (the limit counts compressed and uncompressed data). */
#define MASQ_PUBLISH_LOGS_INGESTION_MAX_BYTES 1000000u
/* Data Collector: 30 MB per post; stay well under it. */
#define MASQ_PUBLISH_DATA_COLLECTOR_MAX_BYTES 25000000u

typedef struct masq_publish_config {
    masq_publish_api api;
    /* Logs Ingestion */
    const char *ingestion_endpoint; /* DCE or the DCR's logs-ingestion endpoint */
    const char *dcr_id;             /* the DCR's immutable id, dcr-... */
    const char *stream;             /* NULL: MASQ_PUBLISH_DEFAULT_STREAM */
    const char *token_audience;     /* NULL: MASQ_PUBLISH_DEFAULT_AUDIENCE */
    bool managed_identity;          /* tokens from IMDS, not AZURE_CLIENT_SECRET */
    /* Data Collector */
    const char *workspace_id;
    const char *workspace_key_file; /* NULL: $MASQ_WORKSPACE_KEY */
    const char *endpoint;           /* NULL: https://WORKSPACE.ods.opinsights.azure.com */
    /* Both */
    const char *spool_dir;  /* NULL: $XDG_STATE_HOME/masq/spool or ~/.local/state/masq/spool */
    bool publish_demo;      /* publish anomalies from the synthetic demo events too */
    bool dry_run;           /* print the requests (secrets redacted) instead of sending */
    FILE *dry_run_out;      /* where a dry run prints (NULL: stderr) */
    double timeout_seconds; /* per request (30) */
    int retries;            /* after the first try, on 429, 5xx, timeouts, resets (5) */
    double backoff_seconds; /* first backoff; doubles each retry, with jitter (1) */
    double max_wait_seconds; /* all the backoff waits of a run together (900) */
    size_t batch_bytes;     /* 0: the API's limit; smaller values only lower it */
} masq_publish_config;

#endif
