/* Publishing, start to end: records from a result, batches under the API's
 * limit, all of them committed to the spool (the write-ahead log), then each
 * sent with retries and removed from the spool when acknowledged. What is
 * not acknowledged stays for masq_publish_spool(). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include "../result.h"
#include "../util/log.h"
#include "publish.h"
#include "data_collector.h"
#include "logs_ingestion.h"
#include "publish_batch.h"
#include "../azure/azure_http.h"
#include "publish_records.h"
#include "../util/secrets.h"
#include "../azure/azure_token.h"
#include "spool.h"

void masq_publish_config_defaults(masq_publish_config *config)
{
    memset(config, 0, sizeof *config);
    config->timeout_seconds = 30.0;
    config->retries = 5;
    config->backoff_seconds = 1.0;
    config->max_wait_seconds = 900.0;
}

void masq_publish_protect_process(void)
{
    /* The environment already holds AZURE_CLIENT_SECRET; the key file, the
     * tokens and their encoded forms come later. None may reach a core file. */
    struct rlimit none = {0, 0};
    if (setrlimit(RLIMIT_CORE, &none) != 0)
        masq_warn("cannot turn core dumps off (RLIMIT_CORE)");
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
        masq_warn("cannot turn core dumps off (PR_SET_DUMPABLE)");
}

int masq_publish_spool_dir(const masq_publish_config *config, char *out, size_t size)
{
    if (config->spool_dir != NULL && config->spool_dir[0] != '\0') {
        snprintf(out, size, "%s", config->spool_dir);
        return 0;
    }
    const char *state = getenv("XDG_STATE_HOME");
    if (state != NULL && state[0] == '/') {
        snprintf(out, size, "%s/masq/spool", state);
        return 0;
    }
    const char *home = getenv("HOME");
    if (home != NULL && home[0] != '\0') {
        snprintf(out, size, "%s/.local/state/masq/spool", home);
        return 0;
    }
    return -1;
}

static masq_status check_url(const char *option, const char *url)
{
    char why[160];
    if (masq_http_url_allowed(url, false, why, sizeof why) != 0) {
        masq_error("%s %s: %s", option, url, why);
        return MASQ_ERR_USAGE;
    }
    return MASQ_OK;
}

/* A workspace id becomes part of a host name and of the Authorization
 * header: letters, digits and '-' only. */
static int valid_workspace_id(const char *id)
{
    if (id[0] == '\0' || strlen(id) > 64)
        return 0;
    for (const char *p = id; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '-')
            return 0;
    return 1;
}

/* A DCR's immutable id (dcr-...) and a stream name (Custom-...) go into the
 * URL's path: letters, digits, '-', '_' and '.' only. */
static int valid_path_word(const char *word)
{
    if (word[0] == '\0' || strlen(word) > 256)
        return 0;
    for (const char *p = word; *p; p++)
        if (!isalnum((unsigned char)*p) && strchr("-_.", *p) == NULL)
            return 0;
    return 1;
}

static masq_status check_spool_folder(const masq_publish_config *config)
{
    char dir[4096];
    if (masq_publish_spool_dir(config, dir, sizeof dir) != 0) {
        masq_error("no spool folder: give --spool DIR (neither XDG_STATE_HOME nor HOME is set)");
        return MASQ_ERR_USAGE;
    }
    masq_spool spool;
    MASQ_TRY(masq_spool_open_dir(dir, false, &spool));
    masq_spool_close_dir(&spool);
    return MASQ_OK;
}

masq_status masq_publish_check(const masq_publish_config *config, bool for_spool)
{
    if (!for_spool && config->api == MASQ_PUBLISH_NONE)
        return MASQ_OK;
    masq_publish_protect_process();
    if (config->api == MASQ_PUBLISH_NONE) {
        masq_error("masq publish sends to the target you name, as masq scan did: --publish "
                   "logs-ingestion --ingestion-endpoint URL --dcr-id ID, or --publish "
                   "data-collector --workspace-id ID (a spool file's own target is only checked "
                   "against it)");
        return MASQ_ERR_USAGE;
    }
    if (config->api == MASQ_PUBLISH_LOGS_INGESTION) {
        if (config->ingestion_endpoint == NULL || config->dcr_id == NULL) {
            masq_error("--publish logs-ingestion needs --ingestion-endpoint URL and --dcr-id ID");
            return MASQ_ERR_USAGE;
        }
        MASQ_TRY(check_url("--ingestion-endpoint", config->ingestion_endpoint));
        if (!valid_path_word(config->dcr_id)) {
            masq_error("--dcr-id: the DCR's immutable id (dcr-...) has only letters, digits, "
                       "'-', '_' and '.'");
            return MASQ_ERR_USAGE;
        }
        if (config->stream != NULL && !valid_path_word(config->stream)) {
            masq_error("--stream: a stream name (Custom-...) has only letters, digits, '-', '_' "
                       "and '.'");
            return MASQ_ERR_USAGE;
        }
        if (config->token_audience != NULL)
            MASQ_TRY(check_url("--token-audience", config->token_audience));
        MASQ_TRY(masq_token_check_endpoints(config->managed_identity));
        if (!config->dry_run)
            MASQ_TRY(masq_token_check_environment(config->managed_identity));
    } else {
        if (config->workspace_id == NULL || !valid_workspace_id(config->workspace_id)) {
            masq_error("--publish data-collector needs --workspace-id ID (the workspace's GUID)");
            return MASQ_ERR_USAGE;
        }
        if (config->endpoint != NULL)
            MASQ_TRY(check_url("--endpoint", config->endpoint));
        if (!config->dry_run)
            MASQ_TRY(masq_data_collector_load_key(config->workspace_key_file, true, NULL));
    }
    if (!config->dry_run || for_spool)
        MASQ_TRY(check_spool_folder(config));
    return MASQ_OK;
}

masq_status masq_publish_session_open(masq_publish_session *session,
                                      const masq_publish_config *config)
{
    memset(session, 0, sizeof *session);
    session->config = config;
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return MASQ_ERR_NOMEM;
    /* A single Retry-After of more than 5 minutes ends the retries; all the
     * waits of a run together stay under --publish-max-wait. */
    masq_http_policy policy = {config->timeout_seconds, config->retries, config->backoff_seconds,
                               300.0, config->max_wait_seconds};
    masq_status status = masq_http_client_init(&session->http, &policy);
    if (status != MASQ_OK)
        curl_global_cleanup();
    return status;
}

void masq_publish_session_close(masq_publish_session *session)
{
    masq_http_client_free(&session->http);
    masq_token_free(&session->token);
    if (session->workspace_key != NULL) {
        memset(session->workspace_key, 0, strlen(session->workspace_key));
        free(session->workspace_key);
    }
    masq_secrets_clear();
    curl_global_cleanup();
    memset(session, 0, sizeof *session);
}

/* Where a dry run of `masq publish` prints (deliver() has no session then). */
static FILE *session_dry_out;

/* A dry run: the request as it would go, with every credential replaced. */
static void print_request(FILE *out, const masq_publish_target *target, const char *body,
                          size_t body_size, size_t records)
{
    if (target->api == MASQ_PUBLISH_LOGS_INGESTION) {
        char *url = masq_logs_ingestion_url(target);
        fprintf(out,
                "POST %s\nAuthorization: Bearer [redacted]\nContent-Type: application/json\n"
                "Content-Encoding: gzip\n\n",
                url ? url : "?");
        free(url);
    } else {
        char *url = masq_data_collector_url(target);
        fprintf(
            out,
            "POST %s\nAuthorization: SharedKey %s:[redacted]\nContent-Type: application/json\n"
            "Log-Type: %s\nx-ms-date: (the time of sending)\ntime-generated-field: TimeStamp\n\n",
            url ? url : "?", target->workspace_id, target->log_type);
        free(url);
    }
    fwrite(body, 1, body_size, out);
    fprintf(out, "\n# %zu records, %zu bytes%s\n\n", records, body_size,
            target->api == MASQ_PUBLISH_LOGS_INGESTION ? " before gzip" : "");
}

masq_send_result masq_publish_send(masq_publish_session *session, const masq_publish_target *target,
                                   const char *body, size_t body_size, size_t records,
                                   char *message, size_t message_size)
{
    (void)records;
    if (target->api == MASQ_PUBLISH_LOGS_INGESTION)
        return masq_logs_ingestion_send(session, target, body, body_size, message, message_size);
    return masq_data_collector_send(session, target, body, body_size, message, message_size);
}

static size_t batch_limit(const masq_publish_config *config)
{
    size_t limit = config->api == MASQ_PUBLISH_LOGS_INGESTION
                       ? MASQ_PUBLISH_LOGS_INGESTION_MAX_BYTES
                       : MASQ_PUBLISH_DATA_COLLECTOR_MAX_BYTES;
    return config->batch_bytes > 0 && config->batch_bytes < limit ? config->batch_bytes : limit;
}

static const char *api_name(masq_publish_api api)
{
    return api == MASQ_PUBLISH_LOGS_INGESTION ? "the Logs Ingestion API" : "the Data Collector API";
}

/* Endpoints name the same place with or without a trailing '/'. */
static int same_url(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        return a == b;
    size_t la = strlen(a), lb = strlen(b);
    while (la > 0 && a[la - 1] == '/')
        la--;
    while (lb > 0 && b[lb - 1] == '/')
        lb--;
    return la == lb && strncmp(a, b, la) == 0;
}

static int same_text(const char *a, const char *b)
{
    return a != NULL && b != NULL && strcmp(a, b) == 0;
}

/* A spool file is sent only to the configured target, and only when it
 * names that same target: the file never chooses where a credential goes. */
static int same_target(const masq_publish_target *file, const masq_publish_target *config)
{
    if (file->api != config->api)
        return 0;
    if (config->api == MASQ_PUBLISH_LOGS_INGESTION)
        return same_url(file->endpoint, config->endpoint) &&
               same_text(file->dcr_id, config->dcr_id) && same_text(file->stream, config->stream);
    return same_text(file->workspace_id, config->workspace_id) &&
           same_url(file->endpoint, config->endpoint) &&
           same_text(file->log_type, config->log_type);
}

typedef struct send_totals {
    size_t sent, sent_records;
    size_t remaining, remaining_records;
    size_t refused, other_target, set_aside;
    char reason[700];
    char other_example[300];
    bool stop;
} send_totals;

static masq_send_result deliver(masq_publish_session *session, masq_spool *spool,
                                const masq_publish_target *target, const char *name, int depth,
                                send_totals *totals);

/* A batch too large for the service: records are independent, so it is sent
 * as two halves (each on disk before the whole goes), down to one record;
 * one record still too large is set aside with its own message. */
static masq_send_result split_entry(masq_publish_session *session, masq_spool *spool,
                                    const masq_publish_target *target, masq_spool_entry *entry,
                                    int depth, send_totals *totals)
{
    size_t left_end, right_start, left_records, right_records;
    if (masq_batch_split_point(entry->body, entry->body_size, &left_end, &right_start,
                               &left_records, &right_records) != 0) {
        char aside[4400];
        if (masq_spool_set_aside(entry, aside, sizeof aside) == MASQ_OK)
            masq_error("a record of %zu bytes is too large for %s; it is set aside in %s and "
                       "will not be sent again",
                       entry->body_size, api_name(target->api), aside);
        totals->set_aside++;
        masq_spool_close(entry);
        return MASQ_SEND_BAD_BATCH;
    }
    size_t left_size = left_end + 1, right_size = entry->body_size - right_start + 1;
    char *left = malloc(left_size + 1), *right = malloc(right_size + 1);
    char *names[2] = {NULL, NULL};
    masq_status status = MASQ_ERR_NOMEM;
    if (left != NULL && right != NULL) {
        memcpy(left, entry->body, left_end);
        left[left_end] = ']';
        right[0] = '[';
        memcpy(right + 1, entry->body + right_start, entry->body_size - right_start);
        status = masq_spool_split(entry, left, left_size, left_records, right, right_size,
                                  right_records, names);
    }
    size_t records = entry->records;
    if (status == MASQ_OK)
        masq_info("%s is too large for the service: split in two halves of %zu and %zu records",
                  entry->path, left_records, right_records);
    free(left);
    free(right);
    masq_spool_close(entry); /* the halves are sent under their own locks */
    if (status != MASQ_OK) {
        free(names[0]);
        free(names[1]);
        totals->remaining++;
        totals->remaining_records += records;
        return MASQ_SEND_UNDELIVERED;
    }
    masq_send_result result = deliver(session, spool, target, names[0], depth + 1, totals);
    if (!totals->stop) {
        deliver(session, spool, target, names[1], depth + 1, totals);
    } else {
        totals->remaining++; /* the right half waits in the spool */
        totals->remaining_records += right_records;
    }
    free(names[0]);
    free(names[1]);
    return result;
}

/* Open, check, send and (once acknowledged) remove one spool file. */
static masq_send_result deliver(masq_publish_session *session, masq_spool *spool,
                                const masq_publish_target *target, const char *name, int depth,
                                send_totals *totals)
{
    masq_spool_entry entry;
    masq_spool_open_result opened = masq_spool_open(spool, name, &entry);
    if (opened == MASQ_SPOOL_SKIPPED)
        return MASQ_SEND_ACKNOWLEDGED;
    if (opened == MASQ_SPOOL_REFUSED) {
        totals->refused++;
        return MASQ_SEND_BAD_BATCH;
    }
    if (!same_target(&entry.target, target)) {
        if (totals->other_target++ == 0) {
            const char *where =
                entry.target.api == MASQ_PUBLISH_LOGS_INGESTION ? entry.target.dcr_id
                                                                : entry.target.workspace_id;
            char safe[200];
            masq_redact(where ? where : "?", safe, sizeof safe);
            snprintf(totals->other_example, sizeof totals->other_example, "%s (%s %s)",
                     entry.path,
                     entry.target.api == MASQ_PUBLISH_LOGS_INGESTION ? "DCR" : "workspace", safe);
        }
        masq_debug("%s names another target than the configured one; left", entry.path);
        masq_spool_close(&entry);
        return MASQ_SEND_ACKNOWLEDGED;
    }
    if (session == NULL) { /* a dry run */
        FILE *out = session_dry_out;
        fprintf(out, "# %s\n", entry.path);
        print_request(out, target, entry.body, entry.body_size, entry.records);
        masq_spool_close(&entry);
        return MASQ_SEND_ACKNOWLEDGED;
    }
    char message[700];
    masq_send_result result = masq_publish_send(session, target, entry.body, entry.body_size,
                                                entry.records, message, sizeof message);
    if (result == MASQ_SEND_ACKNOWLEDGED) {
        size_t records = entry.records;
        masq_info("%s (%zu records) delivered", entry.path, records);
        /* Removed (and the removal synced) before the next batch goes. */
        if (masq_spool_remove(&entry) != MASQ_OK)
            totals->refused++;
        masq_spool_remove_empty_run(spool, name);
        totals->sent++;
        totals->sent_records += records;
        return result;
    }
    if (result == MASQ_SEND_TOO_LARGE && depth < 40)
        return split_entry(session, spool, target, &entry, depth, totals);
    masq_error("%s: %s not delivered: %s", api_name(target->api), entry.path, message);
    snprintf(totals->reason, sizeof totals->reason, "%s", message);
    totals->remaining++;
    totals->remaining_records += entry.records;
    masq_spool_close(&entry);
    /* A refusal of this batch's data need not stop the others; an outage,
     * a refused credential or a missing role would fail them all. */
    if (result != MASQ_SEND_BAD_BATCH)
        totals->stop = true;
    return result;
}

static void send_names(masq_publish_session *session, masq_spool *spool,
                       const masq_publish_target *target, char **names, size_t count,
                       send_totals *totals)
{
    for (size_t i = 0; i < count; i++) {
        if (totals->stop) {
            totals->remaining++; /* still in the spool, as it was */
            continue;
        }
        deliver(session, spool, target, names[i], 0, totals);
    }
}

static void free_names(char **names, size_t count)
{
    for (size_t i = 0; i < count; i++)
        free(names[i]);
    free(names);
}

masq_status masq_publish_result(const masq_publish_config *config, const masq_result *result)
{
    if (config->api == MASQ_PUBLISH_NONE)
        return MASQ_OK;
    masq_record_list records;
    MASQ_TRY(masq_publish_records(result, masq_clock_wall_ms(), config->publish_demo, &records));
    if (records.skipped_demo > 0)
        masq_warn("%zu anomalies from the synthetic demo events are not published "
                  "(--publish-demo publishes them)",
                  records.skipped_demo);
    if (records.count == 0) {
        masq_info("nothing to publish");
        masq_record_list_free(&records);
        return MASQ_OK;
    }
    masq_batch_list batches;
    masq_status status = masq_publish_batches(&records, batch_limit(config), &batches);
    size_t record_count = records.count;
    masq_record_list_free(&records);
    if (status != MASQ_OK)
        return status == MASQ_ERR_NOMEM ? status : MASQ_ERR_PUBLISH;
    masq_publish_target target;
    status = masq_publish_target_from_config(config, &target);
    if (status != MASQ_OK) {
        masq_batch_list_free(&batches);
        return status;
    }
    if (config->dry_run) {
        FILE *out = config->dry_run_out ? config->dry_run_out : stderr;
        for (size_t i = 0; i < batches.count; i++)
            print_request(out, &target, batches.items[i].body, batches.items[i].size,
                          batches.items[i].count);
        fflush(out);
        masq_info("dry run: %zu requests printed, nothing sent", batches.count);
        masq_publish_target_free(&target);
        masq_batch_list_free(&batches);
        return MASQ_OK;
    }

    /* The write-ahead step: every batch on disk, committed as one unit,
     * before the first is sent. A crash before the commit sent nothing and
     * spooled nothing (run the scan again); after it, `masq publish` sends
     * what was not acknowledged. */
    char dir[4096];
    masq_spool spool;
    masq_spool_run run;
    size_t total = batches.count;
    if (masq_publish_spool_dir(config, dir, sizeof dir) != 0)
        status = MASQ_ERR_USAGE;
    else
        status = masq_spool_open_dir(dir, true, &spool);
    if (status == MASQ_OK) {
        status = masq_spool_run_begin(&spool, &run);
        for (size_t i = 0; i < batches.count && status == MASQ_OK; i++)
            status = masq_spool_run_add(&spool, &run, &target, batches.items[i].body,
                                        batches.items[i].size, batches.items[i].count);
        if (status == MASQ_OK)
            status = masq_spool_run_commit(&spool, &run);
        else if (run.fd >= 0)
            masq_spool_run_abort(&spool, &run);
        if (status != MASQ_OK)
            masq_spool_close_dir(&spool);
    }
    masq_batch_list_free(&batches);
    if (status != MASQ_OK) {
        masq_error("nothing was published: the batches cannot be kept in the spool folder "
                   "first; the results written by this run still hold them");
        masq_publish_target_free(&target);
        return status == MASQ_ERR_NOMEM ? status : MASQ_ERR_PUBLISH;
    }
    masq_debug("%zu batches (%zu records) committed to %s/run-%s", total, record_count, dir,
               run.name);

    char **names = NULL;
    size_t count = 0;
    masq_spool_counts counts;
    send_totals totals;
    memset(&totals, 0, sizeof totals);
    masq_publish_session session;
    status = masq_spool_list(&spool, run.name, &names, &count, &counts);
    if (status == MASQ_OK)
        status = masq_publish_session_open(&session, config);
    if (status == MASQ_OK) {
        send_names(&session, &spool, &target, names, count, &totals);
        masq_publish_session_close(&session);
    } else {
        totals.remaining = count;
    }
    free_names(names, count);
    masq_spool_close_dir(&spool);
    masq_publish_target_free(&target);
    if (status != MASQ_OK)
        return status == MASQ_ERR_NOMEM ? status : MASQ_ERR_PUBLISH;
    if (totals.remaining + totals.refused + totals.set_aside == 0) {
        masq_info("published %zu records in %zu batches to %s", totals.sent_records, totals.sent,
                  api_name(config->api));
        return MASQ_OK;
    }
    if (totals.remaining > 0)
        masq_error("%zu of %zu batches not published; they are kept in %s; "
                   "send them later with: masq publish --spool %s and the same --publish options",
                   totals.remaining, total, dir, dir);
    return MASQ_ERR_PUBLISH;
}

masq_status masq_publish_spool(const masq_publish_config *config)
{
    char dir[4096];
    if (masq_publish_spool_dir(config, dir, sizeof dir) != 0) {
        masq_error("no spool folder: give --spool DIR");
        return MASQ_ERR_USAGE;
    }
    masq_spool spool;
    MASQ_TRY(masq_spool_open_dir(dir, false, &spool));
    char **names;
    size_t count;
    masq_spool_counts counts;
    masq_status status = masq_spool_list(&spool, NULL, &names, &count, &counts);
    if (status != MASQ_OK) {
        masq_spool_close_dir(&spool);
        return status;
    }
    if (counts.set_aside > 0)
        masq_warn("%zu batches in %s are set aside (*.too-large): the service refuses their one "
                  "record as too large; they are not sent",
                  counts.set_aside, dir);
    if (count == 0) {
        masq_info("nothing to send: %s holds no spooled batches", dir);
        free(names);
        masq_spool_close_dir(&spool);
        return counts.refused > 0 ? MASQ_ERR_PUBLISH : MASQ_OK;
    }
    masq_publish_target target;
    status = masq_publish_target_from_config(config, &target);
    if (status != MASQ_OK) {
        free_names(names, count);
        masq_spool_close_dir(&spool);
        return status;
    }
    send_totals totals;
    memset(&totals, 0, sizeof totals);
    totals.refused = counts.refused;
    masq_publish_session session;
    if (config->dry_run) {
        session_dry_out = config->dry_run_out ? config->dry_run_out : stderr;
        send_names(NULL, &spool, &target, names, count, &totals);
        fflush(session_dry_out);
    } else {
        status = masq_publish_session_open(&session, config);
        if (status == MASQ_OK) {
            send_names(&session, &spool, &target, names, count, &totals);
            masq_publish_session_close(&session);
        }
    }
    free_names(names, count);
    masq_spool_close_dir(&spool);
    masq_publish_target_free(&target);
    if (status != MASQ_OK)
        return status;
    if (totals.other_target > 0)
        masq_warn("%zu batches in %s name another target than this one, e.g. %s; they are left "
                  "for a masq publish with that target's options",
                  totals.other_target, dir, totals.other_example);
    if (config->dry_run)
        return totals.refused ? MASQ_ERR_PUBLISH : MASQ_OK;
    masq_info("sent %zu spooled batches (%zu records) from %s", totals.sent, totals.sent_records,
              dir);
    if (totals.remaining + totals.refused > 0) {
        masq_error("%zu batches remain in %s%s%s; run 'masq publish --spool %s' again",
                   totals.remaining + totals.refused, dir, totals.reason[0] ? ": " : "",
                   totals.reason, dir);
        return MASQ_ERR_PUBLISH;
    }
    return totals.set_aside > 0 && totals.sent == 0 ? MASQ_ERR_PUBLISH : MASQ_OK;
}
