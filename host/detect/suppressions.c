#include "suppressions.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../ingest/csv_row.h"
#include "../names/folder_path.h"
#include "../names/unicode.h"
#include "../util/glob.h"
#include "../util/list_file.h"
#include "../util/log.h"
#include "../util/memory.h"
#include "../util/time_iso.h"

/* The columns read, by their names as a watchlist or a query export writes
 * them (lower-cased: the file is read lower-cased). */
typedef enum column { PROCESS, NORMAL, REASON, FOLDER, COMPUTER, SHA256, EXPIRES, COLUMNS } column;

static const char *const column_names[COLUMNS][5] = {
    [PROCESS] = {"potentiallymaliciousprocess", "suspiciousprocess", "process", NULL},
    [NORMAL] = {"normalprocess", NULL},
    [REASON] = {"reason", "reasons", NULL},
    [FOLDER] = {"folder", "folderpath", NULL},
    [COMPUTER] = {"computer", "host", "hostname", "devicename", NULL},
    [SHA256] = {"sha256", "hash", NULL},
    [EXPIRES] = {"expires", "expireson", "expiry", "until", NULL},
};

typedef struct loader {
    masq_suppressions *rules;
    const char *path;
    masq_csv csv;
    bool header_seen;
    unsigned record_line; /* where a record that spans lines began */
} loader;

/* The row's value for a column, or NULL when it is absent or empty. */
static const char *cell(const cJSON *row, column c)
{
    for (const char *const *name = column_names[c]; *name; name++) {
        const cJSON *item = cJSON_GetObjectItemCaseSensitive(row, *name);
        if (cJSON_IsString(item) && item->valuestring[0] != '\0')
            return item->valuestring;
    }
    return NULL;
}

static masq_status bad(const loader *l, unsigned line, const char *why)
{
    masq_error("%s:%u: %s", l->path, line, why);
    return MASQ_ERR_INPUT;
}

/* A name as the name table holds it: Unicode lower-case. */
static masq_status name_glob(const char *text, char **out)
{
    size_t length;
    if (text == NULL)
        return MASQ_OK;
    masq_unicode_result r = masq_unicode_lower(text, strlen(text), out, &length);
    return r == MASQ_UNICODE_NOMEM ? MASQ_ERR_NOMEM : r == MASQ_UNICODE_INVALID ? MASQ_ERR_INPUT : MASQ_OK;
}

/* "C:\Tools\*" -> "\tools\*\", as masq_folder_of writes a path's folder. */
static masq_status folder_glob(const char *text, char **out)
{
    if (text == NULL)
        return MASQ_OK;
    size_t length = strlen(text);
    while (length > 0 && (text[length - 1] == '\\' || text[length - 1] == '/'))
        length--;
    if (length + 3 > 1024)
        return MASQ_ERR_INPUT;
    char path[1024], folder[1024];
    memcpy(path, text, length);
    strcpy(path + length, strchr(text, '/') && !strchr(text, '\\') ? "/_" : "\\_");
    masq_folder_of(path, folder, sizeof folder);
    *out = strdup(folder);
    return *out ? MASQ_OK : MASQ_ERR_NOMEM;
}

static masq_status reasons_of(const char *text, uint32_t *bits)
{
    *bits = 0;
    while (text != NULL && *text) {
        size_t n = strcspn(text, ";,| ");
        if (n > 0) {
            uint32_t bit = masq_reason_of(text, n);
            if (bit == 0)
                return MASQ_ERR_INPUT;
            *bits |= bit;
        }
        text += n + (text[n] != '\0');
    }
    return MASQ_OK;
}

/* A date (the rule holds through that day, UTC) or a time. */
static masq_status expiry_of(const char *text, int64_t *ms)
{
    *ms = MASQ_TIME_NONE;
    if (text == NULL)
        return MASQ_OK;
    if (strlen(text) == 10 && text[4] == '-' && text[7] == '-') {
        char midnight[32];
        snprintf(midnight, sizeof midnight, "%sT00:00:00Z", text);
        if (masq_time_parse(midnight, ms) != 0)
            return MASQ_ERR_INPUT;
        *ms += 86400000;
        return MASQ_OK;
    }
    return masq_time_parse(text, ms) == 0 ? MASQ_OK : MASQ_ERR_INPUT;
}

static bool is_sha256(const char *text)
{
    size_t n = 0;
    while (isxdigit((unsigned char)text[n]))
        n++;
    return n == 64 && text[n] == '\0';
}

static void rule_free(masq_suppression *rule)
{
    free(rule->process);
    free(rule->normal);
    free(rule->folder);
    free(rule->computer);
    free(rule->sha256);
}

static masq_status add_rule(loader *l, const cJSON *row, unsigned line)
{
    masq_suppression rule = {.line = line, .expires_ms = MASQ_TIME_NONE};
    const char *process = cell(row, PROCESS), *normal = cell(row, NORMAL);
    const char *folder = cell(row, FOLDER), *computer = cell(row, COMPUTER);
    const char *sha256 = cell(row, SHA256), *reason = cell(row, REASON);
    if (!process && !normal && !folder && !computer && !sha256 && !reason)
        return bad(l, line, "a rule with no scope would silence every finding: write '*' as "
                            "PotentiallyMaliciousProcess to mean that");
    if (sha256 != NULL && !is_sha256(sha256))
        return bad(l, line, "SHA256 is not 64 hex digits");
    masq_status status = name_glob(process, &rule.process);
    if (status == MASQ_OK)
        status = name_glob(normal, &rule.normal);
    if (status == MASQ_ERR_INPUT)
        status = bad(l, line, "a process name is not valid UTF-8");
    if (status == MASQ_OK && (status = folder_glob(folder, &rule.folder)) == MASQ_ERR_INPUT)
        status = bad(l, line, "Folder is longer than 1,000 bytes");
    if (status == MASQ_OK && computer && (rule.computer = strdup(computer)) == NULL)
        status = MASQ_ERR_NOMEM;
    if (status == MASQ_OK && sha256 && (rule.sha256 = strdup(sha256)) == NULL)
        status = MASQ_ERR_NOMEM;
    if (status == MASQ_OK && reasons_of(reason, &rule.reasons) != MASQ_OK)
        status = bad(l, line, "Reason names no reason masq reports (look-alike, wrong-folder, ...)");
    if (status == MASQ_OK && expiry_of(cell(row, EXPIRES), &rule.expires_ms) != MASQ_OK)
        status = bad(l, line, "Expires is not a date (2026-12-31) or a time (2026-12-31T12:00:00Z)");
    if (status == MASQ_OK && masq_grow((void **)&l->rules->rules, &l->rules->capacity,
                                       l->rules->count + 1, sizeof rule) != 0)
        status = MASQ_ERR_NOMEM;
    if (status != MASQ_OK) {
        rule_free(&rule);
        return status;
    }
    l->rules->rules[l->rules->count++] = rule;
    return MASQ_OK;
}

static masq_status each_line(char *line, unsigned number, void *context)
{
    loader *l = context;
    cJSON *row = NULL;
    if (l->csv.pending == NULL)
        l->record_line = number;
    switch (masq_csv_line(&l->csv, line, strlen(line), &row)) {
    case MASQ_CSV_HEADER: {
        bool known = false;
        for (size_t i = 0; i < l->csv.column_count; i++)
            for (int c = 0; c < COLUMNS; c++)
                for (const char *const *name = column_names[c]; *name; name++)
                    known |= strcmp(l->csv.columns[i], *name) == 0;
        l->header_seen = true;
        return known ? MASQ_OK
                     : bad(l, number, "the header names none of PotentiallyMaliciousProcess, "
                                      "NormalProcess, Reason, Folder, Computer, SHA256, Expires");
    }
    case MASQ_CSV_ROW: {
        masq_status status = add_rule(l, row, l->record_line);
        cJSON_Delete(row);
        return status;
    }
    case MASQ_CSV_CONTINUED:
        return MASQ_OK;
    case MASQ_CSV_NOMEM:
        return MASQ_ERR_NOMEM;
    default:
        return bad(l, number, "not a CSV record of the header's columns");
    }
}

masq_status masq_suppressions_load(masq_suppressions *rules, const char *path)
{
    loader l = {.rules = rules, .path = path};
    masq_csv_init(&l.csv);
    masq_status status = masq_list_file_read(path, each_line, &l);
    if (status == MASQ_OK && l.csv.pending != NULL)
        status = bad(&l, l.record_line, "a quoted field is left open at the end");
    if (status == MASQ_OK && !l.header_seen)
        status = bad(&l, 1, "no header row (PotentiallyMaliciousProcess,NormalProcess,...)");
    masq_csv_free(&l.csv);
    return status;
}

void masq_suppressions_free(masq_suppressions *rules)
{
    for (size_t i = 0; i < rules->count; i++)
        rule_free(&rules->rules[i]);
    free(rules->rules);
    memset(rules, 0, sizeof *rules);
}

static void ascii_lower(const char *text, char *out, size_t size)
{
    size_t n = 0;
    for (; text[n] && n + 1 < size; n++)
        out[n] = (char)tolower((unsigned char)text[n]);
    out[n] = '\0';
}

static bool computer_covered(const char *glob, const char *computer)
{
    char lower[512];
    ascii_lower(computer, lower, sizeof lower);
    if (masq_glob_match(glob, lower))
        return true;
    char *dot = strchr(lower, '.');
    if (dot == NULL)
        return false;
    *dot = '\0';
    return masq_glob_match(glob, lower);
}

/* Every value of the set passes, and every sighting has one: none beyond
 * what was kept, none without a value (a row with no Computer or no path). */
static bool all_covered(const masq_text_set *set, uint64_t sightings, const char *glob,
                        bool (*covered)(const char *glob, const char *text))
{
    if (set->count == 0 || set->more > 0)
        return false;
    uint64_t counted = 0;
    for (uint32_t i = 0; i < set->count; i++) {
        if (!covered(glob, set->entries[i].text))
            return false;
        counted += set->entries[i].count;
    }
    return counted >= sightings;
}

static bool folder_covered(const char *glob, const char *path)
{
    char folder[1024];
    masq_folder_of(path, folder, sizeof folder);
    return masq_glob_match(glob, folder);
}

/* Every sighting of the suspicious name was hashed, each with this hash. */
static bool hash_covered(const char *sha256, const masq_name *name)
{
    const masq_text_set *hashes = &name->sha256s;
    if (hashes->count != 1 || hashes->more > 0 || strcmp(hashes->entries[0].text, sha256) != 0)
        return false;
    return hashes->entries[0].count >= masq_name_total(name);
}

bool masq_suppression_covers(const masq_suppression *rule, const masq_anomaly *a)
{
    const masq_evidence *e = a->evidence;
    if (rule->process && !masq_glob_match(rule->process, a->suspicious->text))
        return false;
    if (rule->normal && !masq_glob_match(rule->normal, a->normal_text))
        return false;
    if (rule->reasons && (a->reasons & ~rule->reasons) != 0)
        return false;
    if (rule->folder && !all_covered(&e->paths, a->evidence_count, rule->folder, folder_covered))
        return false;
    if (rule->computer && !all_covered(&e->computers, a->evidence_count, rule->computer, computer_covered))
        return false;
    if (rule->sha256 && !hash_covered(rule->sha256, a->suspicious))
        return false;
    if (rule->expires_ms != MASQ_TIME_NONE &&
        (e->last_seen_ms == MASQ_TIME_NONE || e->last_seen_ms >= rule->expires_ms))
        return false;
    return true;
}

masq_status masq_suppressions_apply(const masq_suppressions *rules, masq_result *result)
{
    if (rules->count == 0)
        return MASQ_OK;
    uint64_t *findings = calloc(rules->count, sizeof *findings);
    if (findings == NULL)
        return MASQ_ERR_NOMEM;
    size_t kept = 0;
    for (size_t i = 0; i < result->anomaly_count; i++) {
        masq_anomaly *a = &result->anomalies[i];
        size_t r = 0;
        while (r < rules->count && !masq_suppression_covers(&rules->rules[r], a))
            r++;
        if (r == rules->count) {
            result->anomalies[kept++] = *a;
            continue;
        }
        findings[r]++;
        result->summary.suppressed++;
        masq_anomaly_free(a);
    }
    result->anomaly_count = kept;
    size_t used = 0;
    for (size_t r = 0; r < rules->count; r++)
        used += findings[r] > 0;
    free(result->suppressions);
    result->suppressions = used ? calloc(used, sizeof *result->suppressions) : NULL;
    if (used && result->suppressions == NULL) {
        free(findings);
        return MASQ_ERR_NOMEM;
    }
    result->suppression_count = 0;
    for (size_t r = 0; r < rules->count; r++)
        if (findings[r] > 0)
            result->suppressions[result->suppression_count++] =
                (masq_suppression_use){rules->rules[r].line, findings[r]};
    free(findings);
    return MASQ_OK;
}
