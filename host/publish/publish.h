/* Publishing: a scan's anomalies to Microsoft Sentinel (Azure Monitor Logs),
 * through the Logs Ingestion API or the legacy HTTP Data Collector API
 * (retired by Microsoft on 14 September 2026, kept for workspaces that still
 * take it), in batches under each API's size limit, with retries. Every
 * batch is in the spool folder before it is sent and leaves it only when
 * acknowledged; masq_publish_spool() sends what a failure or a crash left.
 * Secrets come only from the environment (and, for the workspace key, a
 * file of mode 0600); they never appear in messages, dry runs or spool files. */
#ifndef MASQ_PUBLISH_H
#define MASQ_PUBLISH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "../util/status.h"

struct masq_result;

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

void masq_publish_config_defaults(masq_publish_config *config);

/* Check a configuration before any input is read: required options, every
 * URL (the endpoints, AZURE_AUTHORITY_HOST, the IMDS override: https, or
 * http to a loopback address only), ids that reach a URL or a header,
 * credentials present and, for a key file, the user's and of mode 0600, and
 * the spool folder (no symlink, the user's, not writable by others). Core
 * dumps are turned off first. MASQ_ERR_USAGE with the reason logged.
 * for_spool: checking `masq publish` (which needs the target too: a spool
 * file's own target is only compared with it). */
masq_status masq_publish_check(const masq_publish_config *config, bool for_spool);

/* Publish the result's anomalies (demo ones only with publish_demo).
 * MASQ_OK when every batch was acknowledged (or printed, in a dry run);
 * MASQ_ERR_PUBLISH when some were not: those are in the spool folder, and
 * the log says where and how to send them. */
masq_status masq_publish_result(const masq_publish_config *config,
                                const struct masq_result *result);

/* Send the batches waiting in the spool folder for the configured target
 * (files naming another target are left, and counted); an acknowledged
 * batch's file is removed at once, so it is never sent again.
 * MASQ_ERR_PUBLISH when some remain. */
masq_status masq_publish_spool(const masq_publish_config *config);

/* The spool folder a configuration uses, into out; -1 when there is none
 * (no --spool, no $XDG_STATE_HOME and no $HOME). */
int masq_publish_spool_dir(const masq_publish_config *config, char *out, size_t size);

/* The Data Collector's SharedKey signature: Base64(HMAC-SHA256(Base64Decode(key),
 * "POST\n<content_length>\napplication/json\nx-ms-date:<date>\n/api/logs")).
 * Returns 0, or -1 when the key is not Base64 or out is too small (>= 45 bytes). */
int masq_publish_shared_key_signature(const char *key_base64, size_t content_length,
                                      const char *date, char *out, size_t size);

#endif
