/* The pipeline in order: ingest -> count & tier -> pack -> match & verify ->
 * anomalies. Times each stage and owns the summary. */
#include <cjson/cJSON.h>
#include <malloc.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "baseline/baseline.h"
#include "ingest/demo.h"
#include "ingest/twins.h"
#include "masq.h"
#include "detect/detect.h"
#include "match/match.h"
#include "names/day_tables.h"
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
    config->baseline_days = 30;
    config->baseline_decay = 0.95;
    config->baseline_wait = 60;
    config->blob.retries = -1; /* the default (8) */
}


static double seconds_since(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) * 1e-9;
}

/* The twins are taken out of the table each start was counted in. */
static masq_status apply_twins(masq_twins *twins, masq_result *result, masq_day_tables *days,
                               uint64_t *found)
{
    if (days == NULL) {
        masq_name_table *table = &result->names;
        return masq_twins_apply(twins, &table, found);
    }
    if (days->count == 0)
        return MASQ_OK; /* nothing was counted, so no twin was recorded */
    masq_name_table **tables = malloc(days->count * sizeof *tables);
    if (tables == NULL)
        return MASQ_ERR_NOMEM;
    for (size_t i = 0; i < days->count; i++)
        tables[i] = &days->days[i]->table;
    masq_status status = masq_twins_apply(twins, tables, found);
    free(tables);
    return status;
}

static masq_status demo_event_sink(const masq_event *event, void *context)
{
    return masq_ingest_event(context, event);
}

/* With --baseline the sightings are counted by day (days), then summed
 * into result->names: the same table a read without days makes. */
static masq_status ingest_stage(const masq_config *config, masq_result *result,
                                masq_day_tables *days)
{
    masq_ingest ingest;
    masq_ingest_init(&ingest, &result->names, config->strict);
    ingest.days = days;
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
    ingest.blob = &config->blob;
    masq_status status = masq_ingest_paths(&ingest, config->paths, config->path_count);
    if (status == MASQ_OK && config->workspace.id != NULL)
        status = masq_workspace_read(&ingest, &config->workspace);
    if (status == MASQ_OK && config->demo) {
        /* Alone, the notebook's events never reach its tiers: with no input,
         * mix them into the built-in background day. */
        status = masq_demo_generate(config->seed, config->path_count == 0, demo_event_sink,
                                    &ingest);
    }
    if (status == MASQ_OK && count_starts)
        status = apply_twins(&twins, result, days, &ingest.stats.twins);
    if (status == MASQ_OK && days != NULL)
        status = masq_day_tables_merge(days, &result->names);
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

static const char *tier_name(masq_tier tier)
{
    static const char *const names[] = {"middle", "frequent", "infrequent", "both"};
    return names[tier & 3];
}

static int compare_name_text(const void *a, const void *b)
{
    return strcmp((*(const masq_name *const *)a)->text, (*(const masq_name *const *)b)->text);
}

/* Each name of the store's window, in byte order: its weighted count, rank and tier. */
static masq_status print_weights(masq_baseline *baseline, const masq_config *config, FILE *out)
{
    masq_day_tables none;
    masq_day_tables_init(&none);
    masq_name_table no_names;
    masq_name_table_init(&no_names);
    masq_baseline_weights weights;
    MASQ_TRY(masq_baseline_weigh(baseline, &none, &no_names, config->baseline_days,
                                 config->baseline_decay, &weights));
    size_t n = weights.extra.count;
    double *ranks = malloc((n ? n : 1) * sizeof *ranks);
    const masq_name **order = malloc((n ? n : 1) * sizeof *order);
    masq_status status = ranks && order ? MASQ_OK : MASQ_ERR_NOMEM;
    if (status == MASQ_OK)
        status = masq_percent_rank_weighted(weights.extra_weight, n, ranks);
    for (size_t i = 0; i < n && status == MASQ_OK; i++)
        order[i] = &weights.extra.names[i];
    if (status == MASQ_OK && n > 1)
        qsort(order, n, sizeof *order, compare_name_text);
    for (size_t k = 0; k < n && status == MASQ_OK; k++) {
        size_t i = (size_t)(order[k] - weights.extra.names);
        masq_tier tier = masq_tier_of(ranks[i], config->frequent_threshold, config->infrequent_threshold);
        cJSON *row = cJSON_CreateObject();
        cJSON_AddStringToObject(row, "Process", weights.extra.names[i].text);
        char number[40]; /* every digit: the test holds them to a reference */
        snprintf(number, sizeof number, "%.17g", weights.extra_weight[i]);
        cJSON_AddRawToObject(row, "Weight", number);
        snprintf(number, sizeof number, "%.17g", ranks[i]);
        cJSON_AddRawToObject(row, "Rank", number);
        cJSON_AddStringToObject(row, "Tier", tier_name(tier));
        char *text = cJSON_PrintUnformatted(row);
        cJSON_Delete(row);
        if (text == NULL || fprintf(out, "%s\n", text) < 0)
            status = text == NULL ? MASQ_ERR_NOMEM : MASQ_ERR_OUTPUT;
        free(text);
    }
    free(ranks);
    free(order);
    masq_baseline_weights_free(&weights);
    return status;
}

masq_status masq_baseline_run(const char *action, const masq_config *config, int retain_days,
                              bool weights, FILE *out)
{
    masq_baseline *baseline;
    MASQ_TRY(masq_baseline_open(config->baseline_path, config->baseline_wait, false, &baseline));
    bool prune = strcmp(action, "prune") == 0;
    masq_status status = masq_baseline_begin(baseline, prune);
    if (status == MASQ_OK && strcmp(action, "show") == 0) {
        status = weights ? print_weights(baseline, config, out) : masq_baseline_show(baseline, out);
    } else if (status == MASQ_OK && prune) {
        uint64_t dropped;
        status = masq_baseline_prune(baseline, retain_days, &dropped);
        if (status == MASQ_OK)
            status = masq_baseline_commit(baseline);
        /* The file gives the space back; the prune is kept if it cannot. */
        if (status == MASQ_OK && dropped > 0 && masq_baseline_compact(baseline) != MASQ_OK)
            masq_warn("the days are pruned, but the file could not be compacted now");
        if (status == MASQ_OK)
            masq_info("pruned %llu day%s older than the newest day's last %d",
                      (unsigned long long)dropped, dropped == 1 ? "" : "s", retain_days);
    } else if (status == MASQ_OK) {
        status = masq_baseline_export(baseline, out);
    }
    masq_baseline_close(baseline);
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

/* --baseline in the default profile: tiers by percent_rank over the
 * weighted counts of the window's names, the run's and the history's
 * alike; the history's frequent names the run lacks become anchors
 * (*anchors, sorted; their texts are weights->extra's). */
static masq_status baseline_tier_stage(const masq_config *config, masq_result *result,
                                       masq_baseline *baseline, const masq_day_tables *days,
                                       masq_baseline_weights *weights, masq_tier **tiers,
                                       const char ***anchors, double **anchor_weights,
                                       size_t *anchor_count)
{
    MASQ_TRY(masq_baseline_weigh(baseline, days, &result->names, config->baseline_days,
                                 config->baseline_decay, weights));
    size_t n = result->names.count, all = n + weights->extra.count;
    double *ranks = malloc((all ? all : 1) * sizeof *ranks);
    *tiers = malloc((n ? n : 1) * sizeof **tiers);
    *anchors = malloc((weights->extra.count ? weights->extra.count : 1) * sizeof **anchors);
    masq_status status = ranks && *tiers && *anchors ? MASQ_OK : MASQ_ERR_NOMEM;
    if (status == MASQ_OK) /* run and extra are one array: extra_weight follows run */
        status = masq_percent_rank_weighted(weights->run, all, ranks);
    for (size_t i = 0; i < n && status == MASQ_OK; i++)
        (*tiers)[i] = masq_tier_of(ranks[i], config->frequent_threshold,
                                   config->infrequent_threshold);
    /* The frequent extra names in byte order, with their weights. */
    const masq_name **frequent = malloc((weights->extra.count ? weights->extra.count : 1) *
                                        sizeof *frequent);
    *anchor_weights = malloc((weights->extra.count ? weights->extra.count : 1) *
                             sizeof **anchor_weights);
    if (status == MASQ_OK && (frequent == NULL || *anchor_weights == NULL))
        status = MASQ_ERR_NOMEM;
    *anchor_count = 0;
    for (size_t k = 0; k < weights->extra.count && status == MASQ_OK; k++)
        if (masq_tier_of(ranks[n + k], config->frequent_threshold, config->infrequent_threshold) &
            MASQ_TIER_FREQUENT)
            frequent[(*anchor_count)++] = &weights->extra.names[k];
    if (status == MASQ_OK && *anchor_count > 1)
        qsort(frequent, *anchor_count, sizeof *frequent, compare_name_text);
    for (size_t k = 0; k < *anchor_count && status == MASQ_OK; k++) {
        (*anchors)[k] = frequent[k]->text;
        (*anchor_weights)[k] = weights->extra_weight[frequent[k] - weights->extra.names];
    }
    free(frequent);
    masq_baseline_summary *summary = &result->summary.baseline;
    summary->ranked = true;
    summary->newest_day = weights->newest;
    summary->history_days = weights->history_days;
    free(ranks);
    return status;
}

/* --baseline: the run's days into the store, held for this run until the
 * scan is done (baseline/baseline.h). */
static masq_status baseline_stage(const masq_config *config, masq_result *result,
                                  masq_day_tables *days, masq_baseline *baseline)
{
    MASQ_TRY(masq_day_tables_sort(days));
    MASQ_TRY(masq_baseline_begin(baseline, true));
    MASQ_TRY(masq_baseline_record(baseline, days));
    masq_baseline_summary *summary = &result->summary.baseline;
    summary->used = true;
    summary->window_days = (uint32_t)config->baseline_days;
    summary->decay = config->baseline_decay;
    summary->newest_day = MASQ_DAY_NONE; /* the window's: the tier stage's, when it ranks */
    for (size_t i = 0; i < days->count; i++) {
        const masq_day_table *day = days->days[i];
        char date[16];
        masq_day_format(day->day, date);
        switch ((masq_day_fate)day->fate) {
        case MASQ_DAY_RECORDED:
            summary->recorded_days++;
            break;
        case MASQ_DAY_PARTIAL:
            summary->partial_days++;
            masq_warn("baseline: %s is kept as the store has it, with more sightings than this "
                      "run's %llu (a day's events belong in one run)",
                      date, (unsigned long long)masq_day_sightings(day));
            break;
        case MASQ_DAY_FUTURE:
            summary->future_days++;
            summary->undated += masq_day_sightings(day);
            masq_warn("baseline: %llu sightings on %s, after tomorrow: scanned, never kept",
                      (unsigned long long)masq_day_sightings(day), date);
            break;
        default:
            summary->undated += masq_day_sightings(day);
            break;
        }
    }
    if (summary->undated > 0)
        masq_warn("%llu sightings with no time (or after tomorrow): scanned, kept in no day of "
                  "the baseline",
                  (unsigned long long)summary->undated);
    if (config->profile == MASQ_PROFILE_NOTEBOOK)
        masq_warn("the notebook profile keeps the baseline but ranks this run alone "
                  "(--profile default ranks by the history)");
    return MASQ_OK;
}

/* Tiers, then the matrix and the checks of the profile. */
static masq_status detect_stages(const masq_config *config, const masq_suppressions *rules,
                                 masq_result *result, masq_baseline *baseline,
                                 const masq_day_tables *days)
{
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    masq_tier *tiers = NULL;
    masq_baseline_weights weights = {0};
    const char **anchors = NULL;
    double *anchor_weights = NULL;
    size_t anchor_count = 0;
    bool ranked = baseline != NULL && config->profile == MASQ_PROFILE_DEFAULT;
    masq_status status = ranked ? baseline_tier_stage(config, result, baseline, days, &weights,
                                                      &tiers, &anchors, &anchor_weights, &anchor_count)
                                : tier_stage(config, result, &tiers);
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
        masq_detect_input input = {tiers, in_shard, matcher, rules, ranked ? baseline : NULL,
                                   anchors, anchor_weights, ranked ? weights.run : NULL,
                                   anchor_count};
        status = masq_detect(config, &input, result);
        result->summary.seconds_match = seconds_since(&start);
    }
    masq_matcher_close(matcher);
    free(in_shard);
    free(tiers);
    free(anchors);
    free(anchor_weights);
    masq_baseline_weights_free(&weights);
    return status;
}

static masq_status scan_stages(const masq_config *config, const masq_suppressions *rules,
                               masq_baseline *baseline, masq_result *result)
{
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    masq_day_tables days;
    masq_day_tables_init(&days);
    bool with_baseline = config->baseline_path != NULL;
    masq_status status = ingest_stage(config, result, with_baseline ? &days : NULL);
    if (status == MASQ_OK)
        status = masq_name_table_sort(&result->names);
    result->summary.names = result->names.count;
    result->summary.seconds_ingest = seconds_since(&start);
    if (status == MASQ_OK && config->emit_names_path != NULL)
        status = emit_names(config->emit_names_path, &result->names);
    if (status == MASQ_OK && with_baseline)
        status = baseline_stage(config, result, &days, baseline);
    if (status == MASQ_OK)
        status = detect_stages(config, rules, result, with_baseline ? baseline : NULL, &days);
    /* The run's days are kept only once its findings are: a failed scan
     * leaves the store as it was. */
    if (status == MASQ_OK && with_baseline)
        status = masq_baseline_commit(baseline);
    masq_day_tables_free(&days);
    return status;
}

masq_status masq_scan(const masq_config *config, masq_result *result)
{
    memset(result, 0, sizeof *result);
    result->config = *config;
    masq_name_table_init(&result->names);
    masq_name_table_init(&result->unseen);
    /* The rules and the baseline are checked first: a mistake in them is told
     * before a long read. */
    masq_suppressions rules = {0};
    masq_status status = MASQ_OK;
    if (config->suppress_path != NULL)
        status = masq_suppressions_load(&rules, config->suppress_path);
    masq_baseline *baseline = NULL;
    if (status == MASQ_OK && config->baseline_path != NULL)
        status = masq_baseline_open(config->baseline_path, config->baseline_wait, true, &baseline);
    if (status == MASQ_OK)
        status = scan_stages(config, &rules, baseline, result);
    masq_baseline_close(baseline);
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
