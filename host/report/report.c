/* The report: anomalies with their context as a table, JSON, NDJSON, CSV or HTML. */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "../ingest/demo.h"
#include "../result.h"
#include "../names/day_tables.h"
#include "../names/unicode.h"
#include "../detect/findings.h"
#include "../util/json_time.h"
#include "../util/time_iso.h"
#include "../util/escape.h"
#include "edit_script.h"
#include "html_report.h"
#include "pivot.h"
#include "report_table.h"
#include "report.h"

/* The shortest decimal that reads back as the same float32: the score as the
 * notebook's FloatType column holds it. */
static void format_score(float score, char *out, size_t size)
{
    for (int digits = 6; digits <= 9; digits++) {
        snprintf(out, size, "%.*g", digits, (double)score);
        if (strtof(out, NULL) == score)
            return;
    }
}

static const char *source_name(masq_source source)
{
    return source == MASQ_SOURCE_USER ? "user" : "demo";
}

/* Most seen first, the same order however the events came. */
static cJSON *text_array(const masq_text_set *set)
{
    uint32_t order[MASQ_CONTEXT_LIMIT];
    masq_text_set_order(set, order);
    cJSON *array = cJSON_CreateArray();
    for (uint32_t i = 0; array && i < set->count; i++)
        cJSON_AddItemToArray(array, cJSON_CreateString(set->entries[order[i]].text));
    return array;
}

/* The context of a side that may be unseen (a known name the data lacks). */
static const masq_text_set no_texts;

static const masq_text_set *paths_of(const masq_name *name)
{
    return name ? &name->all.paths : &no_texts;
}

static const masq_text_set *computers_of(const masq_name *name)
{
    return name ? &name->all.computers : &no_texts;
}

/* The evidence's values first (most seen first), then the name's others, at
 * most MASQ_CONTEXT_LIMIT: the hosts and paths a finding rests on lead. */
static cJSON *evidence_first_array(const masq_text_set *evidence, const masq_text_set *all)
{
    cJSON *array = text_array(evidence);
    uint32_t order[MASQ_CONTEXT_LIMIT];
    masq_text_set_order(all, order);
    for (uint32_t i = 0; array && i < all->count && cJSON_GetArraySize(array) < MASQ_CONTEXT_LIMIT; i++) {
        const char *text = all->entries[order[i]].text;
        bool listed = false;
        for (uint32_t k = 0; k < evidence->count && !listed; k++)
            listed = strcmp(evidence->entries[k].text, text) == 0;
        if (!listed)
            cJSON_AddItemToArray(array, cJSON_CreateString(text));
    }
    return array;
}

/* The finding's own sightings: Evidence* columns and the KQL pivot. */
static void add_evidence(cJSON *object, const masq_anomaly *a)
{
    const masq_evidence *e = a->evidence;
    cJSON_AddNumberToObject(object, "EvidenceCount", (double)a->evidence_count);
    masq_json_add_time(object, "EvidenceFirstSeen", e->first_seen_ms);
    masq_json_add_time(object, "EvidenceLastSeen", e->last_seen_ms);
    cJSON_AddItemToObject(object, "EvidenceComputers", text_array(&e->computers));
    cJSON_AddNumberToObject(object, "EvidenceComputerCount", e->computers.count);
    cJSON_AddNumberToObject(object, "EvidenceMoreComputerSightings", (double)e->computers.more);
    cJSON_AddItemToObject(object, "EvidencePaths", text_array(&e->paths));
    cJSON *folders = cJSON_AddArrayToObject(object, "EvidenceFolders");
    for (uint32_t f = 0; folders && f < a->folder_count; f++)
        cJSON_AddItemToArray(folders, cJSON_CreateString(a->folders[f]));
    cJSON_AddItemToObject(object, "EvidenceUsers", text_array(&e->users));
    cJSON_AddItemToObject(object, "EvidenceParents", text_array(&e->parents));
    if (a->claimed_original)
        cJSON_AddStringToObject(object, "ClaimedOriginalFileName", a->claimed_original);
    else
        cJSON_AddNullToObject(object, "ClaimedOriginalFileName");
    char *pivot = masq_pivot_kql(a);
    if (pivot)
        cJSON_AddStringToObject(object, "Pivot", pivot);
    else
        cJSON_AddNullToObject(object, "Pivot");
    free(pivot);
}

/* With --baseline (default profile): what the fleet's history says. */
static void add_history(cJSON *object, const masq_anomaly *a)
{
    if (a->new_in_fleet < 0)
        return;
    masq_json_add_time(object, "FirstSeenInFleet", a->first_seen_in_fleet_ms);
    cJSON_AddBoolToObject(object, "NewInFleet", a->new_in_fleet == 1);
    if (a->new_on_host < 0)
        cJSON_AddNullToObject(object, "NewOnHost");
    else
        cJSON_AddBoolToObject(object, "NewOnHost", a->new_on_host == 1);
}

cJSON *masq_report_anomaly_json(const masq_anomaly *anomaly)
{
    cJSON *object = cJSON_CreateObject();
    if (object == NULL)
        return NULL;
    const masq_name *normal = anomaly->normal, *suspicious = anomaly->suspicious;
    char score[32], reasons[160];
    format_score(anomaly->score, score, sizeof score);
    masq_reasons_format(anomaly->reasons, reasons, sizeof reasons);
    cJSON_AddStringToObject(object, "NormalProcess", anomaly->normal_text);
    cJSON_AddStringToObject(object, "PotentiallyMaliciousProcess", suspicious->text);
    cJSON_AddRawToObject(object, "AnomalyScore", score);
    cJSON_AddNumberToObject(object, "Distance", anomaly->distance);
    cJSON_AddStringToObject(object, "Reason", reasons);
    cJSON_AddStringToObject(object, "Severity", masq_severity_name(anomaly->severity));
    char *edit = masq_anomaly_edit(anomaly);
    if (edit)
        cJSON_AddStringToObject(object, "Edit", edit);
    else
        cJSON_AddNullToObject(object, "Edit");
    free(edit);
    if (anomaly->detail)
        cJSON_AddStringToObject(object, "Detail", anomaly->detail);
    else
        cJSON_AddNullToObject(object, "Detail");
    cJSON_AddNumberToObject(object, "NormalCount", normal ? (double)masq_name_total(normal) : 0);
    cJSON_AddNumberToObject(object, "SuspiciousCount", (double)masq_name_total(suspicious));
    cJSON_AddItemToObject(object, "NormalPaths", text_array(paths_of(normal)));
    cJSON_AddItemToObject(object, "SuspiciousPaths",
                          evidence_first_array(&anomaly->evidence->paths, &suspicious->all.paths));
    cJSON_AddItemToObject(object, "NormalComputers", text_array(computers_of(normal)));
    cJSON_AddItemToObject(object, "SuspiciousComputers",
                          evidence_first_array(&anomaly->evidence->computers,
                                               &suspicious->all.computers));
    masq_json_add_time(object, "NormalFirstSeen", normal ? normal->all.first_seen_ms : MASQ_TIME_NONE);
    masq_json_add_time(object, "NormalLastSeen", normal ? normal->all.last_seen_ms : MASQ_TIME_NONE);
    masq_json_add_time(object, "SuspiciousFirstSeen", suspicious->all.first_seen_ms);
    masq_json_add_time(object, "SuspiciousLastSeen", suspicious->all.last_seen_ms);
    cJSON_AddStringToObject(object, "Source", source_name(anomaly->source));
    add_evidence(object, anomaly);
    add_history(object, anomaly);
    return object;
}

static void add_baseline_summary(cJSON *summary, const masq_baseline_summary *b)
{
    cJSON *object = cJSON_AddObjectToObject(summary, "baseline");
    if (object == NULL)
        return;
    char day[16];
    masq_day_format(b->newest_day, day);
    cJSON_AddBoolToObject(object, "ranked", b->ranked);
    if (b->newest_day == MASQ_DAY_NONE)
        cJSON_AddNullToObject(object, "newest_day");
    else
        cJSON_AddStringToObject(object, "newest_day", day);
    cJSON_AddNumberToObject(object, "window_days", b->window_days);
    cJSON_AddNumberToObject(object, "decay", b->decay);
    cJSON_AddNumberToObject(object, "history_days", b->history_days);
    cJSON_AddNumberToObject(object, "recorded_days", b->recorded_days);
    cJSON_AddNumberToObject(object, "partial_days", b->partial_days);
    cJSON_AddNumberToObject(object, "future_days", b->future_days);
    cJSON_AddNumberToObject(object, "undated_sightings", (double)b->undated);
    cJSON_AddNumberToObject(object, "history_anchors", (double)b->history_anchors);
}

/* The other normal names one suspicious name was matched against (a grouped
 * finding's pairs after its best), each with every field of a finding: a
 * pair's record as publishing sends it (one record a pair). */
static cJSON *alternatives_json(const masq_result *result, const masq_findings *findings,
                                const masq_finding *finding)
{
    cJSON *array = cJSON_CreateArray();
    for (size_t k = 1; array && k < finding->count; k++)
        cJSON_AddItemToArray(array, masq_report_anomaly_json(
                                        &result->anomalies[findings->pairs[finding->first + k]]));
    return array;
}

/* A finding as the JSON report writes it: its best pair's fields, and in the
 * default profile its Alternatives (the notebook profile keeps its rows). */
static cJSON *finding_json(const masq_result *result, const masq_findings *findings, size_t f)
{
    const masq_finding *finding = &findings->items[f];
    cJSON *object = masq_report_anomaly_json(&result->anomalies[findings->pairs[finding->first]]);
    if (object != NULL && masq_findings_grouped(result))
        cJSON_AddItemToObject(object, "Alternatives", alternatives_json(result, findings, finding));
    return object;
}

/* Counts of the reported findings, and what triage left out. */
static void add_finding_counts(cJSON *object, const masq_result *result,
                               const masq_findings *findings)
{
    masq_finding_counts counts;
    masq_findings_count(findings, &counts);
    cJSON_AddNumberToObject(object, "findings", (double)findings->count);
    cJSON *severity = cJSON_AddObjectToObject(object, "findings_by_severity");
    static const masq_severity severities[] = {MASQ_SEVERITY_HIGH, MASQ_SEVERITY_MEDIUM,
                                               MASQ_SEVERITY_LOW};
    for (size_t i = 0; severity && i < 3; i++)
        cJSON_AddNumberToObject(severity, masq_severity_name(severities[i]),
                                (double)counts.by_severity[severities[i]]);
    cJSON *reason = cJSON_AddObjectToObject(object, "findings_by_reason");
    for (unsigned b = 0; reason && b < MASQ_REASON_BITS; b++) {
        char name[64];
        masq_reasons_format(1u << b, name, sizeof name);
        if (name[0])
            cJSON_AddNumberToObject(reason, name, (double)counts.by_reason[b]);
    }
    cJSON_AddNumberToObject(object, "triaged_findings", (double)result->summary.triaged_findings);
    cJSON_AddNumberToObject(object, "triaged_pairs", (double)result->summary.triaged_pairs);
}

static cJSON *summary_json(const masq_result *result, const masq_findings *findings)
{
    const masq_summary *s = &result->summary;
    const masq_config *c = &result->config;
    cJSON *object = cJSON_CreateObject();
    if (object == NULL)
        return NULL;
    cJSON_AddStringToObject(object, "version", MASQ_VERSION);
    cJSON_AddStringToObject(object, "profile", masq_profile_name(c->profile));
    cJSON_AddNumberToObject(object, "files", (double)s->ingest.files);
    cJSON_AddNumberToObject(object, "lines", (double)s->ingest.lines);
    cJSON_AddNumberToObject(object, "events", (double)s->ingest.events);
    cJSON_AddNumberToObject(object, "demo_events", (double)s->ingest.demo_events);
    cJSON_AddNumberToObject(object, "other_events", (double)s->ingest.other_events);
    cJSON_AddNumberToObject(object, "unnamed_events", (double)s->ingest.unnamed_events);
    cJSON_AddNumberToObject(object, "events_outside_window", (double)s->ingest.outside_window);
    cJSON_AddNumberToObject(object, "duplicate_events", (double)s->ingest.duplicates);
    cJSON_AddNumberToObject(object, "twin_events", (double)s->ingest.twins);
    cJSON_AddNumberToObject(object, "bytes", (double)s->ingest.bytes);
    if (c->shard_count > 1) {
        char shard[32];
        snprintf(shard, sizeof shard, "%u/%u", c->shard_index, c->shard_count);
        cJSON_AddStringToObject(object, "shard", shard);
    }
    cJSON_AddNumberToObject(object, "malformed_lines", (double)s->ingest.malformed_lines);
    cJSON_AddNumberToObject(object, "damaged_files", (double)s->ingest.damaged_files);
    cJSON_AddNumberToObject(object, "skipped_files", (double)s->ingest.skipped_files);
    cJSON_AddNumberToObject(object, "events_with_unreadable_time", (double)s->ingest.unreadable_times);
    cJSON_AddNumberToObject(object, "evtx_records", (double)s->ingest.evtx_records);
    cJSON_AddNumberToObject(object, "evtx_malformed_records", (double)s->ingest.evtx_malformed_records);
    cJSON_AddNumberToObject(object, "evtx_damaged_chunks", (double)s->ingest.evtx_damaged_chunks);
    cJSON_AddNumberToObject(object, "names", (double)s->names);
    cJSON_AddNumberToObject(object, "frequent", (double)s->frequent);
    cJSON_AddNumberToObject(object, "infrequent", (double)s->infrequent);
    cJSON_AddNumberToObject(object, "learned_anchors", (double)s->learned_anchors);
    cJSON_AddNumberToObject(object, "pairs_compared", (double)s->pairs);
    cJSON_AddNumberToObject(object, "pairs_scored", (double)s->candidates);
    cJSON_AddNumberToObject(object, "pairs_verified", (double)s->verified);
    cJSON_AddNumberToObject(object, "anomalies", (double)result->anomaly_count);
    add_finding_counts(object, result, findings);
    cJSON_AddNumberToObject(object, "suppressed", (double)s->suppressed);
    if (result->suppression_count > 0) {
        cJSON *by = cJSON_AddArrayToObject(object, "suppressed_by");
        for (size_t i = 0; by && i < result->suppression_count; i++) {
            char rule[4200];
            snprintf(rule, sizeof rule, "%s:%u", c->suppress_path, result->suppressions[i].line);
            cJSON *use = cJSON_CreateObject();
            cJSON_AddItemToArray(by, use);
            cJSON_AddStringToObject(use, "rule", rule);
            cJSON_AddNumberToObject(use, "findings", (double)result->suppressions[i].findings);
        }
    }
    if (s->baseline.used)
        add_baseline_summary(object, &s->baseline);
    cJSON_AddNumberToObject(object, "frequent_threshold", c->frequent_threshold);
    cJSON_AddNumberToObject(object, "infrequent_threshold", c->infrequent_threshold);
    cJSON_AddNumberToObject(object, "similarity_threshold", c->similarity_threshold);
    cJSON_AddStringToObject(object, "backend", s->backend);
    cJSON_AddStringToObject(object, "device", s->device);
    cJSON_AddNumberToObject(object, "threads", s->threads);
    cJSON_AddNumberToObject(object, "kernel_launches", (double)s->launches);
    cJSON_AddNumberToObject(object, "kernel_overflows", (double)s->overflows);
    cJSON *seconds = cJSON_AddObjectToObject(object, "seconds");
    if (seconds != NULL) {
        cJSON_AddNumberToObject(seconds, "ingest", s->seconds_ingest);
        cJSON_AddNumberToObject(seconds, "tier", s->seconds_tier);
        cJSON_AddNumberToObject(seconds, "match", s->seconds_match);
    }
    return object;
}

/* Print (and free) a JSON value, pretty or on one line, then `after`. */
static int print_json(cJSON *item, FILE *out, int formatted, const char *after)
{
    if (item == NULL)
        return -1;
    char *text = formatted ? cJSON_Print(item) : cJSON_PrintUnformatted(item);
    cJSON_Delete(item);
    if (text == NULL)
        return -1;
    int failed = fputs(text, out) < 0 || fputs(after, out) < 0;
    free(text);
    return failed ? -1 : 0;
}

/* {"summary": {...}, "anomalies": [...]}, written one anomaly at a time so
 * that memory does not hold the whole document (a fleet's report can have
 * tens of thousands of anomalies with their context). */
static int write_json(const masq_result *result, const masq_findings *findings, FILE *out)
{
    if (fputs("{\n\"summary\": ", out) < 0 ||
        print_json(summary_json(result, findings), out, 1, ",\n") != 0 ||
        fputs("\"anomalies\": [", out) < 0)
        return -1;
    for (size_t f = 0; f < findings->count; f++) {
        if (fputs(f ? ",\n" : "\n", out) < 0 ||
            print_json(finding_json(result, findings, f), out, 1, "") != 0)
            return -1;
    }
    return fputs("]\n}\n", out) < 0 ? -1 : 0;
}

static int write_ndjson(const masq_result *result, const masq_findings *findings, FILE *out)
{
    for (size_t f = 0; f < findings->count; f++)
        if (print_json(finding_json(result, findings, f), out, 0, "\n") != 0)
            return -1;
    return 0;
}

/* RFC 4180: quote every field that needs it, doubling inner quotes. A field
 * a spreadsheet would run as a formula (OWASP's CSV injection rule: it starts
 * with =, +, -, @, TAB or CR) gets a leading ' and quotes; ';' is quoted too,
 * for spreadsheets that split on it. */
static void csv_field(FILE *out, const char *text, int last)
{
    bool formula = strchr("=+-@\t\r", text[0]) != NULL && text[0] != '\0';
    if (!formula && strpbrk(text, ",;\"\r\n") == NULL) {
        fputs(text, out);
    } else {
        fputc('"', out);
        if (formula)
            fputc('\'', out);
        for (const char *p = text; *p; p++) {
            if (*p == '"')
                fputc('"', out);
            fputc(*p, out);
        }
        fputc('"', out);
    }
    fputc(last ? '\n' : ',', out);
}

static void csv_list(FILE *out, const masq_text_set *set)
{
    size_t size = 1;
    for (uint32_t i = 0; i < set->count; i++)
        size += strlen(set->entries[i].text) + 1;
    char *joined = calloc(size, 1);
    if (joined == NULL)
        return;
    uint32_t order[MASQ_CONTEXT_LIMIT];
    masq_text_set_order(set, order);
    for (uint32_t i = 0; i < set->count; i++) {
        if (i)
            strcat(joined, ";");
        strcat(joined, set->entries[order[i]].text);
    }
    csv_field(out, joined, 0);
    free(joined);
}

/* A grouped finding's other normal names: "netstat.exe 0.857143;nbtstat.exe 0.857143". */
static void csv_alternatives(FILE *out, const masq_result *result, const masq_findings *findings,
                             const masq_finding *finding)
{
    size_t size = 1;
    for (size_t k = 1; k < finding->count; k++)
        size += strlen(result->anomalies[findings->pairs[finding->first + k]].normal_text) + 40;
    char *joined = calloc(size, 1);
    if (joined == NULL)
        return;
    size_t used = 0;
    for (size_t k = 1; k < finding->count; k++) {
        const masq_anomaly *a = &result->anomalies[findings->pairs[finding->first + k]];
        char score[32];
        format_score(a->score, score, sizeof score);
        used += (size_t)snprintf(joined + used, size - used, "%s%s %s", k > 1 ? ";" : "",
                                 a->normal_text, score);
    }
    csv_field(out, joined, 1);
    free(joined);
}

static int write_csv(const masq_result *result, const masq_findings *findings, FILE *out)
{
    bool grouped = masq_findings_grouped(result);
    fputs("NormalProcess,PotentiallyMaliciousProcess,AnomalyScore,Distance,Reason,Severity,Edit,"
          "Detail,NormalCount,SuspiciousCount,NormalPaths,SuspiciousPaths,SuspiciousComputers,"
          "SuspiciousFirstSeen,SuspiciousLastSeen,Source,EvidenceCount,EvidenceFirstSeen,"
          "EvidenceLastSeen,EvidenceComputers,EvidencePaths,EvidenceUsers,EvidenceParents,"
          "ClaimedOriginalFileName,Pivot",
          out);
    /* With --baseline in the default profile: what the history says. */
    bool history = result->summary.baseline.ranked;
    if (history)
        fputs(",FirstSeenInFleet,NewInFleet,NewOnHost", out);
    fputs(grouped ? ",Alternatives\n" : "\n", out);
    for (size_t f = 0; f < findings->count; f++) {
        const masq_finding *finding = &findings->items[f];
        const masq_anomaly *a = &result->anomalies[findings->pairs[finding->first]];
        char score[32], number[32], first[40] = "", last[40] = "";
        char reasons[160];
        csv_field(out, a->normal_text, 0);
        csv_field(out, a->suspicious->text, 0);
        format_score(a->score, score, sizeof score);
        csv_field(out, score, 0);
        snprintf(number, sizeof number, "%u", a->distance);
        csv_field(out, number, 0);
        masq_reasons_format(a->reasons, reasons, sizeof reasons);
        csv_field(out, reasons, 0);
        csv_field(out, masq_severity_name(a->severity), 0);
        char *edit = masq_anomaly_edit(a);
        csv_field(out, edit ? edit : "", 0);
        free(edit);
        csv_field(out, a->detail ? a->detail : "", 0);
        snprintf(number, sizeof number, "%llu",
                 (unsigned long long)(a->normal ? masq_name_total(a->normal) : 0));
        csv_field(out, number, 0);
        snprintf(number, sizeof number, "%llu", (unsigned long long)masq_name_total(a->suspicious));
        csv_field(out, number, 0);
        csv_list(out, paths_of(a->normal));
        csv_list(out, &a->suspicious->all.paths);
        csv_list(out, &a->suspicious->all.computers);
        if (a->suspicious->all.first_seen_ms != MASQ_TIME_NONE) {
            masq_time_format(a->suspicious->all.first_seen_ms, first, sizeof first);
            masq_time_format(a->suspicious->all.last_seen_ms, last, sizeof last);
        }
        csv_field(out, first, 0);
        csv_field(out, last, 0);
        csv_field(out, source_name(a->source), 0);
        const masq_evidence *e = a->evidence;
        snprintf(number, sizeof number, "%llu", (unsigned long long)a->evidence_count);
        csv_field(out, number, 0);
        first[0] = last[0] = '\0';
        if (e->first_seen_ms != MASQ_TIME_NONE) {
            masq_time_format(e->first_seen_ms, first, sizeof first);
            masq_time_format(e->last_seen_ms, last, sizeof last);
        }
        csv_field(out, first, 0);
        csv_field(out, last, 0);
        csv_list(out, &e->computers);
        csv_list(out, &e->paths);
        csv_list(out, &e->users);
        csv_list(out, &e->parents);
        csv_field(out, a->claimed_original ? a->claimed_original : "", 0);
        char *pivot = masq_pivot_kql(a);
        csv_field(out, pivot ? pivot : "", !grouped && !history);
        free(pivot);
        if (history) {
            first[0] = '\0';
            if (a->first_seen_in_fleet_ms != MASQ_TIME_NONE)
                masq_time_format(a->first_seen_in_fleet_ms, first, sizeof first);
            csv_field(out, first, 0);
            csv_field(out, a->new_in_fleet == 1 ? "true" : a->new_in_fleet == 0 ? "false" : "", 0);
            csv_field(out, a->new_on_host == 1 ? "true" : a->new_on_host == 0 ? "false" : "",
                      !grouped);
        }
        if (grouped)
            csv_alternatives(out, result, findings, finding);
    }
    return 0;
}

void masq_report_suppressed(const masq_result *result, const char *prefix, FILE *out)
{
    const masq_summary *s = &result->summary;
    if (s->suppressed > 0) {
        fprintf(out, "%s%llu finding%s suppressed by ", prefix, (unsigned long long)s->suppressed,
                s->suppressed == 1 ? "" : "s");
        masq_escape_fputs(result->config.suppress_path, out);
        for (size_t i = 0; i < result->suppression_count; i++)
            fprintf(out, "%sline %u: %llu", i ? ", " : " (", result->suppressions[i].line,
                    (unsigned long long)result->suppressions[i].findings);
        fputs(")\n", out);
    }
    if (s->triaged_findings == 0 && s->triaged_pairs == 0)
        return;
    /* Triage never hides findings silently: how many, and which options. */
    const masq_triage *t = &result->config.triage;
    fprintf(out, "%s%llu finding%s (%llu name pair%s) left out by", prefix,
            (unsigned long long)s->triaged_findings, s->triaged_findings == 1 ? "" : "s",
            (unsigned long long)s->triaged_pairs, s->triaged_pairs == 1 ? "" : "s");
    const char *separator = " ";
    if (t->min_severity > 0) {
        fprintf(out, "%s--min-severity %s", separator,
                masq_severity_name((masq_severity)t->min_severity));
        separator = ", ";
    }
    if (t->reasons != 0) {
        char reasons[160];
        masq_reasons_format(t->reasons, reasons, sizeof reasons);
        fprintf(out, "%s--reason %s", separator, reasons);
        separator = ", ";
    }
    if (t->host_glob != NULL) {
        fprintf(out, "%s--host ", separator);
        masq_escape_fputs(t->host_glob, out);
        separator = ", ";
    }
    if (t->top > 0)
        fprintf(out, "%s--top %llu", separator, (unsigned long long)t->top);
    fputc('\n', out);
}

masq_status masq_report_write(const masq_result *result, masq_format format, FILE *out)
{
    masq_findings findings;
    MASQ_TRY(masq_findings_build(result, &findings));
    int failed;
    switch (format) {
    case MASQ_FORMAT_JSON:
        failed = write_json(result, &findings, out);
        break;
    case MASQ_FORMAT_NDJSON:
        failed = write_ndjson(result, &findings, out);
        break;
    case MASQ_FORMAT_CSV:
        failed = write_csv(result, &findings, out);
        break;
    case MASQ_FORMAT_HTML:
        failed = masq_html_report_write(result, &findings, masq_report_anomaly_json, out) != MASQ_OK;
        break;
    default:
        failed = masq_report_table(result, &findings, out);
        if (!failed)
            masq_report_suppressed(result, "", out);
        break;
    }
    masq_findings_free(&findings);
    if (fflush(out) != 0 || ferror(out))
        failed = -1;
    return failed ? MASQ_ERR_OUTPUT : MASQ_OK;
}

/* masq demo: the demo events as SecurityEvent JSON lines. */
static masq_status write_demo_event(const masq_event *event, void *context)
{
    cJSON *row = cJSON_CreateObject();
    if (row == NULL)
        return MASQ_ERR_NOMEM;
    cJSON_AddStringToObject(row, "TimeGenerated", event->time_generated);
    if (event->computer != NULL)
        cJSON_AddStringToObject(row, "Computer", event->computer);
    cJSON_AddNumberToObject(row, "EventID", 4688);
    cJSON_AddStringToObject(row, "NewProcessName", event->new_process_name);
    cJSON_AddStringToObject(row, "Process", event->process);
    return print_json(row, context, 0, "\n") == 0 ? MASQ_OK : MASQ_ERR_OUTPUT;
}

masq_status masq_report_demo(uint64_t seed, bool background, FILE *out)
{
    MASQ_TRY(masq_demo_generate(seed, background, write_demo_event, out));
    return fflush(out) == 0 ? MASQ_OK : MASQ_ERR_OUTPUT;
}
