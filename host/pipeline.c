/* The pipeline in order: ingest -> count & tier -> pack -> match & verify ->
 * anomalies. Times each stage and owns the summary. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ingest/demo.h"
#include "masq.h"
#include "match/match.h"
#include "match/opencl/cl_device.h"
#include "match/pack.h"
#include "tier/percent_rank.h"
#include "util/log.h"

void masq_config_defaults(masq_config *config)
{
    memset(config, 0, sizeof *config);
    config->profile = MASQ_PROFILE_DEFAULT;
    config->frequent_threshold = 0.8;
    config->infrequent_threshold = 0.2;
    config->similarity_threshold = 0.85;
    config->backend = MASQ_BACKEND_AUTO;
    config->seed = 1;
}

const char *masq_profile_name(masq_profile profile)
{
    return profile == MASQ_PROFILE_NOTEBOOK ? "notebook" : "default";
}

static double seconds_since(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) * 1e-9;
}

static masq_status demo_event_sink(const masq_event *event, void *context)
{
    return masq_ingest_event(context, event);
}

static masq_status ingest_stage(const masq_config *config, masq_result *result)
{
    masq_ingest ingest;
    masq_ingest_init(&ingest, &result->names, config->strict);
    ingest.schema = config->schema;
    ingest.securityevent_only = config->profile == MASQ_PROFILE_NOTEBOOK;
    masq_status status = masq_ingest_paths(&ingest, config->paths, config->path_count);
    if (status == MASQ_OK && config->demo) {
        /* Alone, the notebook's events never reach its tiers: with no input,
         * mix them into the built-in background day. */
        status = masq_demo_generate(config->seed, config->path_count == 0, demo_event_sink,
                                    &ingest);
    }
    result->summary.ingest = ingest.stats;
    if (status != MASQ_OK)
        return status;
    const masq_ingest_stats *stats = &ingest.stats;
    if (stats->malformed_lines > ingest.reported)
        masq_warn("%llu malformed lines skipped in all (the first %u are shown above); "
                  "--strict makes them fatal",
                  (unsigned long long)stats->malformed_lines, ingest.reported);
    else if (stats->malformed_lines > 0)
        masq_warn("%llu malformed lines skipped; --strict makes them fatal",
                  (unsigned long long)stats->malformed_lines);
    if (stats->unnamed_events > 0)
        masq_warn("%llu events had neither Process nor NewProcessName and were not counted",
                  (unsigned long long)stats->unnamed_events);
    if (stats->events == 0) {
        if (stats->malformed_lines > 0 || stats->damaged_files > 0) {
            masq_error("no usable process-creation events: every line was malformed");
            return MASQ_ERR_INPUT;
        }
        masq_warn("no process-creation events (EventID 4688) in the input");
    }
    return MASQ_OK;
}

/* Tiers by Spark's percent_rank over the per-name counts, then packed. */
static masq_status tier_stage(const masq_config *config, masq_result *result, masq_pack *pack)
{
    size_t n = result->names.count;
    uint64_t *counts = malloc((n ? n : 1) * sizeof *counts);
    double *ranks = malloc((n ? n : 1) * sizeof *ranks);
    masq_status status = counts && ranks ? MASQ_OK : MASQ_ERR_NOMEM;
    for (size_t i = 0; i < n && status == MASQ_OK; i++)
        counts[i] = masq_name_total(&result->names.names[i]);
    if (status == MASQ_OK)
        status = masq_percent_rank(counts, n, ranks);
    for (size_t i = 0; i < n && status == MASQ_OK; i++) {
        const masq_name *name = &result->names.names[i];
        masq_tier tier =
            masq_tier_of(ranks[i], config->frequent_threshold, config->infrequent_threshold);
        if (tier & MASQ_TIER_FREQUENT) {
            result->summary.frequent++;
            status = masq_pack_add(pack, &pack->frequent, name->text, name->length, (uint32_t)i);
        }
        if (status == MASQ_OK && (tier & MASQ_TIER_INFREQUENT)) {
            result->summary.infrequent++;
            status = masq_pack_add(pack, &pack->infrequent, name->text, name->length, (uint32_t)i);
        }
    }
    free(counts);
    free(ranks);
    return status;
}

static int compare_anomaly(const void *a, const void *b)
{
    const masq_anomaly *x = a, *y = b;
    if (x->score != y->score)
        return x->score < y->score ? 1 : -1;
    int order = strcmp(x->normal->text, y->normal->text);
    return order ? order : strcmp(x->suspicious->text, y->suspicious->text);
}

static masq_status anomalies_from_hits(masq_result *result, const masq_pack *pack,
                                       const masq_hits *hits)
{
    result->anomalies = calloc(hits->count ? hits->count : 1, sizeof *result->anomalies);
    if (result->anomalies == NULL)
        return MASQ_ERR_NOMEM;
    for (size_t h = 0; h < hits->count; h++) {
        const masq_hit *hit = &hits->items[h];
        masq_anomaly *anomaly = &result->anomalies[h];
        anomaly->normal = &result->names.names[pack->frequent.items[hit->frequent].name];
        anomaly->suspicious = &result->names.names[pack->infrequent.items[hit->infrequent].name];
        anomaly->score = hit->score;
        anomaly->distance = hit->distance;
        anomaly->source = anomaly->normal->user_count > 0 && anomaly->suspicious->user_count > 0
                              ? MASQ_SOURCE_USER
                              : MASQ_SOURCE_DEMO;
    }
    result->anomaly_count = hits->count;
    qsort(result->anomalies, result->anomaly_count, sizeof *result->anomalies, compare_anomaly);
    return MASQ_OK;
}

masq_status masq_scan(const masq_config *config, masq_result *result)
{
    memset(result, 0, sizeof *result);
    result->config = *config;
    masq_name_table_init(&result->names);
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    MASQ_TRY(ingest_stage(config, result));
    result->summary.names = result->names.count;
    result->summary.seconds_ingest = seconds_since(&start);

    clock_gettime(CLOCK_MONOTONIC, &start);
    masq_pack pack;
    masq_pack_init(&pack);
    masq_status status = tier_stage(config, result, &pack);
    result->summary.seconds_tier = seconds_since(&start);

    masq_hits hits = {0};
    if (status == MASQ_OK) {
        clock_gettime(CLOCK_MONOTONIC, &start);
        masq_match_options options = {config->similarity_threshold, config->threads,
                                      (masq_match_backend)config->backend, config->device,
                                      config->tuning};
        masq_match_stats stats;
        status = masq_match(&pack, &options, &hits, &stats);
        result->summary.pairs = stats.pairs;
        result->summary.candidates = stats.candidates;
        result->summary.verified = stats.verified;
        result->summary.threads = stats.threads;
        result->summary.launches = stats.launches;
        result->summary.overflows = stats.overflows;
        memcpy(result->summary.backend, stats.backend, sizeof stats.backend);
        memcpy(result->summary.device, stats.device, sizeof stats.device);
        result->summary.seconds_match = seconds_since(&start);
    }
    if (status == MASQ_OK)
        status = anomalies_from_hits(result, &pack, &hits);
    masq_hits_free(&hits);
    masq_pack_free(&pack);
    return status;
}

void masq_result_free(masq_result *result)
{
    masq_name_table_free(&result->names);
    free(result->anomalies);
    result->anomalies = NULL;
    result->anomaly_count = 0;
}

masq_status masq_devices_print(FILE *out)
{
    return masq_cl_devices_print(out);
}
