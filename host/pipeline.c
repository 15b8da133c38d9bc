/* The pipeline in order: ingest -> count & tier -> pack -> match & verify ->
 * anomalies. Times each stage and owns the summary. */
#include <malloc.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ingest/demo.h"
#include "ingest/twins.h"
#include "masq.h"
#include "detect/detect.h"
#include "match/match.h"
#include "names/name_table_io.h"
#include "report/report.h"
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
    config->since_ms = MASQ_TIME_NONE;
    config->until_ms = MASQ_TIME_NONE;
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
    /* The default profile counts process starts, not the rows of each sensor. */
    masq_twins twins;
    bool count_starts = !ingest.securityevent_only && config->schema != MASQ_SCHEMA_NAMES;
    if (count_starts)
        MASQ_TRY(masq_twins_init(&twins));
    ingest.twins = count_starts ? &twins : NULL;
    ingest.since_ms = config->since_ms;
    ingest.progress = config->progress;
    ingest.progress_context = config->progress_context;
    ingest.threads = config->threads > 0 ? config->threads : (int)sysconf(_SC_NPROCESSORS_ONLN);
    ingest.until_ms = config->until_ms;
    masq_status status = masq_ingest_paths(&ingest, config->paths, config->path_count);
    if (status == MASQ_OK && config->demo) {
        /* Alone, the notebook's events never reach its tiers: with no input,
         * mix them into the built-in background day. */
        status = masq_demo_generate(config->seed, config->path_count == 0, demo_event_sink,
                                    &ingest);
    }
    if (status == MASQ_OK && count_starts)
        status = masq_twins_apply(&twins, &result->names, &ingest.stats.twins);
    if (count_starts)
        masq_twins_free(&twins);
    result->summary.ingest = ingest.stats;
    masq_ingest_free(&ingest);
    malloc_trim(0); /* the readers' buffers and the de-duplication go back to the system */
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
    if (stats->evtx_malformed_records > 0 || stats->evtx_damaged_chunks > 0)
        masq_warn("EVTX damage: %llu record%s not read, %llu chunk%s damaged (counted in the summary; "
                  "the first few are shown above); --strict makes it fatal",
                  (unsigned long long)stats->evtx_malformed_records,
                  stats->evtx_malformed_records == 1 ? "" : "s",
                  (unsigned long long)stats->evtx_damaged_chunks,
                  stats->evtx_damaged_chunks == 1 ? "" : "s");
    if (stats->unnamed_events > 0)
        masq_warn("%llu events had neither Process nor NewProcessName and were not counted",
                  (unsigned long long)stats->unnamed_events);
    if (stats->unreadable_times > 0)
        masq_warn("%llu events have a time masq cannot read: their first and last seen are unknown",
                  (unsigned long long)stats->unreadable_times);
    /* Every line malformed is bad input; any other empty result is told
     * apart by the CLI (--allow-empty), with its cause. */
    if (stats->events == 0 && stats->malformed_lines > 0 && stats->other_events == 0 &&
        stats->unnamed_events == 0 && stats->outside_window == 0 && stats->duplicates == 0) {
        masq_error("no usable process-creation events: every line was malformed (%llu line%s)",
                   (unsigned long long)stats->malformed_lines, stats->malformed_lines == 1 ? "" : "s");
        return MASQ_ERR_INPUT;
    }
    return MASQ_OK;
}

/* The name table through a temporary file beside path, renamed over it only
 * when whole: a failed run leaves the previous table as it was. */
static masq_status emit_names(const char *path, const masq_name_table *names)
{
    size_t size = strlen(path) + 16;
    char *temporary = malloc(size);
    if (temporary == NULL)
        return MASQ_ERR_NOMEM;
    const char *slash = strrchr(path, '/');
    size_t folder = slash ? (size_t)(slash - path + 1) : 0;
    snprintf(temporary, size, "%.*s.%s.XXXXXX", (int)folder, path, path + folder);
    int fd = mkstemp(temporary);
    if (fd >= 0) { /* the mode fopen would give, not mkstemp's 0600 */
        mode_t mask = umask(0);
        umask(mask);
        fchmod(fd, 0666 & ~mask);
    }
    FILE *out = fd >= 0 ? fdopen(fd, "w") : NULL;
    masq_status status = out ? masq_name_table_write(names, out) : MASQ_ERR_OUTPUT;
    if (out != NULL && fclose(out) != 0)
        status = MASQ_ERR_OUTPUT;
    else if (out == NULL && fd >= 0)
        close(fd);
    if (status == MASQ_OK && rename(temporary, path) != 0)
        status = MASQ_ERR_OUTPUT;
    if (status != MASQ_OK) {
        if (fd >= 0)
            unlink(temporary);
        masq_error("cannot write the name table to %s", path);
    }
    free(temporary);
    return status;
}

masq_status masq_merge_tables(const char *const *paths, size_t count, FILE *out)
{
    masq_name_table names;
    masq_name_table_init(&names);
    masq_ingest ingest;
    masq_ingest_init(&ingest, &names, false);
    ingest.schema = MASQ_SCHEMA_NAMES;
    masq_status status = masq_ingest_paths(&ingest, paths, count);
    masq_ingest_free(&ingest);
    if (status == MASQ_OK && ingest.stats.malformed_lines > 0) {
        masq_error("%llu lines are not name-table rows", (unsigned long long)ingest.stats.malformed_lines);
        status = MASQ_ERR_INPUT;
    }
    if (status == MASQ_OK)
        status = masq_name_table_write(&names, out);
    masq_name_table_free(&names);
    return status;
}

uint32_t masq_shard_of(const char *name, uint32_t count)
{
    uint64_t hash = 0xcbf29ce484222325ull; /* FNV-1a: fixed, so shards agree across machines */
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        hash ^= *p;
        hash *= 0x100000001b3ull;
    }
    return count > 1 ? (uint32_t)(hash % count) : 0;
}

/* Tiers by Spark's percent_rank over the per-name counts. */
static masq_status tier_stage(const masq_config *config, masq_result *result, masq_tier **tiers)
{
    size_t n = result->names.count;
    uint64_t *counts = malloc((n ? n : 1) * sizeof *counts);
    double *ranks = malloc((n ? n : 1) * sizeof *ranks);
    *tiers = malloc((n ? n : 1) * sizeof **tiers);
    masq_status status = counts && ranks && *tiers ? MASQ_OK : MASQ_ERR_NOMEM;
    for (size_t i = 0; i < n && status == MASQ_OK; i++)
        counts[i] = masq_name_total(&result->names.names[i]);
    if (status == MASQ_OK)
        status = masq_percent_rank(counts, n, ranks);
    for (size_t i = 0; i < n && status == MASQ_OK; i++)
        (*tiers)[i] = masq_tier_of(ranks[i], config->frequent_threshold,
                                   config->infrequent_threshold);
    free(counts);
    free(ranks);
    return status;
}

static masq_status scan_stages(const masq_config *config, const masq_suppressions *rules,
                               masq_result *result)
{
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    MASQ_TRY(ingest_stage(config, result));
    MASQ_TRY(masq_name_table_sort(&result->names));
    result->summary.names = result->names.count;
    result->summary.seconds_ingest = seconds_since(&start);
    if (config->emit_names_path != NULL)
        MASQ_TRY(emit_names(config->emit_names_path, &result->names));

    clock_gettime(CLOCK_MONOTONIC, &start);
    masq_tier *tiers = NULL;
    masq_status status = tier_stage(config, result, &tiers);
    result->summary.seconds_tier = seconds_since(&start);
    /* The names this run reports on: its slice of --shard K/N. */
    size_t n = result->names.count;
    bool *in_shard = malloc((n ? n : 1) * sizeof *in_shard);
    if (status == MASQ_OK && in_shard == NULL)
        status = MASQ_ERR_NOMEM;
    for (size_t i = 0; status == MASQ_OK && i < n; i++)
        in_shard[i] = config->shard_count <= 1 ||
                      masq_shard_of(result->names.names[i].text, config->shard_count) ==
                          config->shard_index;
    /* One matcher for the scan: a device's program and self-test once. */
    masq_match_options options = {config->similarity_threshold, config->threads,
                                  (masq_match_backend)config->backend, config->device,
                                  config->tuning};
    masq_matcher *matcher = NULL;
    if (status == MASQ_OK)
        status = masq_matcher_open(&options, &matcher);
    if (status == MASQ_OK) {
        clock_gettime(CLOCK_MONOTONIC, &start);
        masq_detect_input input = {tiers, in_shard, matcher, rules};
        status = masq_detect(config, &input, result);
        result->summary.seconds_match = seconds_since(&start);
    }
    masq_matcher_close(matcher);
    free(in_shard);
    free(tiers);
    return status;
}

masq_status masq_scan(const masq_config *config, masq_result *result)
{
    memset(result, 0, sizeof *result);
    result->config = *config;
    masq_name_table_init(&result->names);
    masq_name_table_init(&result->unseen);
    /* The rules are read first: a mistake in them is told before a long read. */
    masq_suppressions rules = {0};
    masq_status status = MASQ_OK;
    if (config->suppress_path != NULL)
        status = masq_suppressions_load(&rules, config->suppress_path);
    if (status == MASQ_OK)
        status = scan_stages(config, &rules, result);
    masq_suppressions_free(&rules);
    return status;
}


masq_status masq_result_write(masq_result *result, masq_format format, FILE *out)
{
    return masq_report_write(result, format, out);
}

void masq_result_write_suppressed(const masq_result *result, FILE *out)
{
    masq_report_suppressed(result, "masq: ", out);
}

masq_status masq_demo_write(uint64_t seed, bool background, FILE *out)
{
    return masq_report_demo(seed, background, out);
}

masq_status masq_devices_print(FILE *out)
{
    return masq_cl_devices_print(out);
}
