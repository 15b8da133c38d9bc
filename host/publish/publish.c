/* Publishing, start to end: records from a result, batches under the API's
 * limit, each batch sent with retries; what is not acknowledged goes to the
 * spool, and the spool is sent later by masq_publish_spool(). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../masq.h"
#include "../util/log.h"
#include "publish_internal.h"

void masq_publish_config_defaults(masq_publish_config *config)
{
    memset(config, 0, sizeof *config);
    config->timeout_seconds = 30.0;
    config->retries = 5;
    config->backoff_seconds = 1.0;
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

/* A workspace id becomes part of a host name: letters, digits and '-' only. */
static int valid_workspace_id(const char *id)
{
    if (id[0] == '\0' || strlen(id) > 64)
        return 0;
    for (const char *p = id; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '-')
            return 0;
    return 1;
}

masq_status masq_publish_check(const masq_publish_config *config, bool for_spool)
{
    char dir[4096];
    if (!for_spool && config->api == MASQ_PUBLISH_NONE)
        return MASQ_OK;
    if (masq_publish_spool_dir(config, dir, sizeof dir) != 0) {
        masq_error("no spool folder: give --spool DIR (neither XDG_STATE_HOME nor HOME is set)");
        return MASQ_ERR_USAGE;
    }
    if (for_spool)
        return MASQ_OK; /* targets and credentials come with each spooled batch */
    if (config->api == MASQ_PUBLISH_LOGS_INGESTION) {
        if (config->ingestion_endpoint == NULL || config->dcr_id == NULL) {
            masq_error("--publish logs-ingestion needs --ingestion-endpoint URL and --dcr-id ID");
            return MASQ_ERR_USAGE;
        }
        MASQ_TRY(check_url("--ingestion-endpoint", config->ingestion_endpoint));
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
    return MASQ_OK;
}

void masq_publish_target_free(masq_publish_target *target)
{
    free(target->endpoint);
    free(target->dcr_id);
    free(target->stream);
    free(target->workspace_id);
    free(target->log_type);
    memset(target, 0, sizeof *target);
}

static char *copy_or_null(const char *text)
{
    return text ? strdup(text) : NULL;
}

masq_status masq_publish_target_from_config(const masq_publish_config *config,
                                            masq_publish_target *target)
{
    memset(target, 0, sizeof *target);
    target->api = config->api;
    if (config->api == MASQ_PUBLISH_LOGS_INGESTION) {
        target->endpoint = copy_or_null(config->ingestion_endpoint);
        target->dcr_id = copy_or_null(config->dcr_id);
        target->stream = strdup(config->stream ? config->stream : MASQ_PUBLISH_DEFAULT_STREAM);
        if (target->endpoint && target->dcr_id && target->stream)
            return MASQ_OK;
    } else {
        target->workspace_id = copy_or_null(config->workspace_id);
        target->endpoint = copy_or_null(config->endpoint);
        target->log_type = strdup(MASQ_PUBLISH_LOG_TYPE);
        if (target->workspace_id && target->log_type && (target->endpoint || !config->endpoint))
            return MASQ_OK;
    }
    masq_publish_target_free(target);
    return MASQ_ERR_NOMEM;
}

masq_status masq_publish_session_open(masq_publish_session *session,
                                      const masq_publish_config *config)
{
    memset(session, 0, sizeof *session);
    session->config = config;
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return MASQ_ERR_NOMEM;
    masq_http_policy policy = {config->timeout_seconds, config->retries, config->backoff_seconds,
                               300.0};
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
    masq_publish_secrets_clear();
    curl_global_cleanup();
    memset(session, 0, sizeof *session);
}

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

masq_status masq_publish_result(const masq_publish_config *config, const masq_result *result)
{
    if (config->api == MASQ_PUBLISH_NONE)
        return MASQ_OK;
    masq_record_list records;
    MASQ_TRY(masq_publish_records(result, masq_publish_wall_ms(), config->publish_demo, &records));
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

    char dir[4096];
    if (masq_publish_spool_dir(config, dir, sizeof dir) != 0)
        snprintf(dir, sizeof dir, ".");
    masq_publish_session session;
    status = masq_publish_session_open(&session, config);
    size_t delivered = 0, delivered_records = 0, spooled = 0, spooled_records = 0, lost = 0;
    bool stop = status != MASQ_OK;
    for (size_t i = 0; i < batches.count; i++) {
        const masq_batch *batch = &batches.items[i];
        if (!stop) {
            char message[700];
            masq_send_result sent = masq_publish_send(&session, &target, batch->body, batch->size,
                                                      batch->count, message, sizeof message);
            if (sent == MASQ_SEND_ACKNOWLEDGED) {
                delivered++;
                delivered_records += batch->count;
                masq_info("batch %zu of %zu (%zu records) delivered", i + 1, batches.count,
                          batch->count);
                continue;
            }
            /* The next batches would meet the same refusal or outage: keep them all. */
            stop = true;
            masq_error("%s: batch %zu of %zu not delivered: %s", api_name(config->api), i + 1,
                       batches.count, message);
        }
        char path[4400];
        if (masq_spool_write(dir, &target, batch->body, batch->size, batch->count, path,
                             sizeof path) == MASQ_OK) {
            spooled++;
            spooled_records += batch->count;
        } else {
            lost++;
        }
    }
    if (status == MASQ_OK)
        masq_publish_session_close(&session);
    masq_publish_target_free(&target);
    size_t total = batches.count;
    masq_batch_list_free(&batches);
    if (spooled + lost == 0) {
        masq_info("published %zu records in %zu batches to %s", delivered_records, delivered,
                  api_name(config->api));
        return MASQ_OK;
    }
    if (spooled > 0)
        masq_error("%zu of %zu batches (%zu records) not published; they are kept in %s; "
                   "send them later with: masq publish --spool %s",
                   spooled, total, spooled_records, dir, dir);
    if (lost > 0)
        masq_error("%zu batches could neither be published nor spooled; the results written "
                   "by this run still hold them",
                   lost);
    return MASQ_ERR_PUBLISH;
}

masq_status masq_publish_spool(const masq_publish_config *config)
{
    char dir[4096];
    if (masq_publish_spool_dir(config, dir, sizeof dir) != 0) {
        masq_error("no spool folder: give --spool DIR");
        return MASQ_ERR_USAGE;
    }
    char **paths;
    size_t count;
    MASQ_TRY(masq_spool_list(dir, &paths, &count));
    if (count == 0) {
        masq_info("nothing to send: %s holds no spooled batches", dir);
        free(paths);
        return MASQ_OK;
    }
    masq_publish_session session;
    masq_status status = MASQ_OK;
    if (!config->dry_run)
        status = masq_publish_session_open(&session, config);
    size_t sent = 0, sent_records = 0, remaining = 0, damaged = 0;
    char reason[700] = "";
    bool stop = status != MASQ_OK;
    for (size_t i = 0; i < count; i++) {
        masq_spool_entry entry;
        int opened = stop ? 0 : masq_spool_open(paths[i], &entry);
        if (stop || opened <= 0) {
            remaining += stop ? 1 : 0;
            damaged += opened < 0 ? 1 : 0;
            free(paths[i]);
            continue;
        }
        if (config->dry_run) {
            FILE *out = config->dry_run_out ? config->dry_run_out : stderr;
            fprintf(out, "# %s\n", entry.path);
            print_request(out, &entry.target, entry.body, entry.body_size, entry.records);
            masq_spool_close(&entry);
            free(paths[i]);
            continue;
        }
        char message[700];
        masq_send_result result =
            masq_publish_send(&session, &entry.target, entry.body, entry.body_size, entry.records,
                              message, sizeof message);
        if (result == MASQ_SEND_ACKNOWLEDGED) {
            size_t records = entry.records;
            /* Removed before the next batch goes, so it is never sent again. */
            if (masq_spool_remove(&entry) != MASQ_OK)
                status = MASQ_ERR_PUBLISH;
            sent++;
            sent_records += records;
        } else {
            masq_error("%s not delivered: %s", entry.path, message);
            snprintf(reason, sizeof reason, "%s", message);
            masq_spool_close(&entry);
            remaining++;
            /* A refusal of one batch (bad data) need not stop the others; an
             * outage or missing credentials would fail them all. */
            stop = result != MASQ_SEND_REJECTED;
        }
        free(paths[i]);
    }
    free(paths);
    if (!config->dry_run && status != MASQ_ERR_NOMEM)
        masq_publish_session_close(&session);
    if (config->dry_run) {
        if (config->dry_run_out == NULL)
            fflush(stderr);
        else
            fflush(config->dry_run_out);
        return damaged ? MASQ_ERR_PUBLISH : MASQ_OK;
    }
    masq_info("sent %zu spooled batches (%zu records) from %s", sent, sent_records, dir);
    if (remaining + damaged > 0) {
        masq_error("%zu batches remain in %s%s%s; run 'masq publish --spool %s' again",
                   remaining + damaged, dir, reason[0] ? ": " : "", reason, dir);
        return MASQ_ERR_PUBLISH;
    }
    return status;
}
