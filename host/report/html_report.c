#include "html_report.h"

#include <cjson/cJSON.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "../names/unicode.h"
#include "../util/time_iso.h"
#include "char_notes.h"
#include "edit_script.h"
#include "html_escape.h"
#include "html_plot.h"

/* The page's style and script, embedded from report.css and report.js. */
extern const char masq_html_report_css[];
extern const char masq_html_report_js[];

/* "'sha256-...'" of a text, for the Content-Security-Policy. */
static void csp_hash(const char *text, char *out, size_t size)
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    unsigned char encoded[4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1];
    EVP_Digest(text, strlen(text), digest, &length, EVP_sha256(), NULL);
    EVP_EncodeBlock(encoded, digest, (int)length);
    snprintf(out, size, "'sha256-%s'", (const char *)encoded);
}

static const char *string_of(const cJSON *object, const char *key)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(object, key);
    return cJSON_IsString(item) || cJSON_IsRaw(item) ? item->valuestring : NULL;
}

static double number_of(const cJSON *object, const char *key)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(object, key);
    return cJSON_IsNumber(item) ? item->valuedouble : 0;
}

/* A name, character by character: the edit's characters in <mark>, every
 * character outside printable ASCII in a span titled with its code point,
 * name and script, the invisible ones shown only as their code point; then
 * the list of those characters. `other` is the name it is compared with (NULL:
 * none, nothing marked). */
static void name_html(FILE *out, const char *name, const char *other, bool other_is_from)
{
    long length = masq_unicode_decode(name, strlen(name), NULL);
    uint32_t *code_points = length > 0 ? malloc((size_t)length * sizeof *code_points) : NULL;
    unsigned char *marks = length > 0 ? calloc((size_t)length, 1) : NULL;
    long other_length = other ? masq_unicode_decode(other, strlen(other), NULL) : -1;
    unsigned char *other_marks = other_length >= 0 ? calloc((size_t)other_length + 1, 1) : NULL;
    if (code_points == NULL || marks == NULL) {
        /* Not UTF-8 (or empty, or out of memory): the escaper shows its bytes. */
        fputs("<span class=\"name\">", out);
        masq_html_escape(out, name);
        fputs("</span>", out);
        free(code_points);
        free(marks);
        free(other_marks);
        return;
    }
    masq_unicode_decode(name, strlen(name), code_points);
    if (other_marks != NULL && strcmp(name, other) != 0) {
        int failed = other_is_from ? masq_edit_marks(other, name, other_marks, marks)
                                   : masq_edit_marks(name, other, marks, other_marks);
        if (failed)
            memset(marks, 0, (size_t)length);
    }
    fputs("<span class=\"name\">", out);
    bool any_note = false;
    for (long i = 0; i < length; i++) {
        uint32_t c = code_points[i];
        char bytes[4], note[200];
        size_t n = masq_unicode_encode(c, bytes);
        if (marks[i] && (i == 0 || !marks[i - 1]))
            fputs("<mark>", out);
        if (masq_char_noteworthy(c)) {
            any_note = true;
            masq_char_note(c, note, sizeof note);
            fprintf(out, "<span class=\"cp%s\" title=\"", masq_char_invisible(c) ? " invisible" : "");
            masq_html_escape(out, note);
            fputs("\">", out);
            if (masq_char_invisible(c)) {
                fprintf(out, "U+%04X", (unsigned)c);
            } else {
                masq_html_escape_n(out, bytes, n);
            }
            fputs("</span>", out);
        } else {
            masq_html_escape_n(out, bytes, n);
        }
        if (marks[i] && (i + 1 == length || !marks[i + 1]))
            fputs("</mark>", out);
    }
    fputs("</span>", out);
    if (any_note) {
        /* Each such character once, in the order of the name. */
        fputs("<ul class=\"notes\">", out);
        for (long i = 0; i < length; i++) {
            uint32_t c = code_points[i];
            bool earlier = false;
            for (long k = 0; k < i && !earlier; k++)
                earlier = code_points[k] == c;
            if (!masq_char_noteworthy(c) || earlier)
                continue;
            char bytes[4], note[200];
            size_t n = masq_unicode_encode(c, bytes);
            masq_char_note(c, note, sizeof note);
            fputs("<li>", out);
            if (!masq_char_invisible(c)) {
                fputs("<span class=\"glyph\">", out);
                masq_html_escape_n(out, bytes, n);
                fputs("</span> ", out);
            }
            masq_html_escape(out, note);
            fputs("</li>", out);
        }
        fputs("</ul>", out);
    }
    free(code_points);
    free(marks);
    free(other_marks);
}

/* <dt>title</dt><dd> the array's strings as a list </dd>, each item of class
 * item_class (the script's filters read the hosts from them). */
static void list_item(FILE *out, const char *title, const cJSON *array, const char *item_class)
{
    fprintf(out, "<dt>%s</dt><dd>", title);
    int count = cJSON_GetArraySize(array);
    if (count == 0) {
        fputs("<span class=\"none\">none</span></dd>\n", out);
        return;
    }
    fputs("<ul>", out);
    const cJSON *item;
    cJSON_ArrayForEach(item, array) {
        fprintf(out, "<li%s%s%s>", item_class ? " class=\"" : "", item_class ? item_class : "",
                item_class ? "\"" : "");
        masq_html_escape(out, cJSON_IsString(item) ? item->valuestring : "");
        fputs("</li>", out);
    }
    fputs("</ul></dd>\n", out);
}

static void text_item(FILE *out, const char *title, const char *value)
{
    fprintf(out, "<dt>%s</dt><dd>", title);
    if (value == NULL || value[0] == '\0')
        fputs("<span class=\"none\">none</span>", out);
    else
        masq_html_escape(out, value);
    fputs("</dd>\n", out);
}

static void span_item(FILE *out, const char *title, const char *first, const char *last)
{
    fprintf(out, "<dt>%s</dt><dd>", title);
    if (first == NULL)
        fputs("<span class=\"none\">no time</span>", out);
    else if (last == NULL || strcmp(first, last) == 0)
        masq_html_escape(out, first);
    else {
        masq_html_escape(out, first);
        fputs(" &#8211; ", out);
        masq_html_escape(out, last);
    }
    fputs("</dd>\n", out);
}

/* The evidence of a finding, as the JSON report holds it, in a <details>. */
static void evidence_html(FILE *out, const cJSON *json, int columns)
{
    const cJSON *get = json;
    fprintf(out, "<tr class=\"evidence\"><td colspan=\"%d\"><details><summary>Evidence</summary>\n"
            "<div class=\"evidence-grid\"><dl>\n", columns);
    text_item(out, "Edit", string_of(get, "Edit"));
    text_item(out, "Detail", string_of(get, "Detail"));
    fprintf(out, "<dt>Sightings</dt><dd>%.0f</dd>\n", number_of(get, "EvidenceCount"));
    span_item(out, "First and last seen", string_of(get, "EvidenceFirstSeen"),
              string_of(get, "EvidenceLastSeen"));
    list_item(out, "Hosts", cJSON_GetObjectItemCaseSensitive(get, "EvidenceComputers"), "host");
    if (number_of(get, "EvidenceMoreComputerSightings") > 0)
        fprintf(out, "<dd>and %.0f sightings on hosts not listed</dd>\n",
                number_of(get, "EvidenceMoreComputerSightings"));
    list_item(out, "Paths", cJSON_GetObjectItemCaseSensitive(get, "EvidencePaths"), NULL);
    list_item(out, "Folders", cJSON_GetObjectItemCaseSensitive(get, "EvidenceFolders"), NULL);
    list_item(out, "Users", cJSON_GetObjectItemCaseSensitive(get, "EvidenceUsers"), NULL);
    list_item(out, "Parents", cJSON_GetObjectItemCaseSensitive(get, "EvidenceParents"), NULL);
    text_item(out, "Claimed original file name", string_of(get, "ClaimedOriginalFileName"));
    text_item(out, "Source", string_of(get, "Source"));
    fputs("</dl><dl>\n", out);
    fprintf(out, "<dt>Suspicious name</dt><dd>%.0f events</dd>\n", number_of(get, "SuspiciousCount"));
    span_item(out, "Seen", string_of(get, "SuspiciousFirstSeen"), string_of(get, "SuspiciousLastSeen"));
    list_item(out, "Its paths", cJSON_GetObjectItemCaseSensitive(get, "SuspiciousPaths"), NULL);
    list_item(out, "Its hosts", cJSON_GetObjectItemCaseSensitive(get, "SuspiciousComputers"), "host");
    fputs("<dt>Normal name</dt><dd>", out);
    const char *normal = string_of(get, "NormalProcess");
    if (normal && normal[0]) {
        masq_html_escape(out, normal);
        fprintf(out, ", %.0f events</dd>\n", number_of(get, "NormalCount"));
        span_item(out, "Seen", string_of(get, "NormalFirstSeen"), string_of(get, "NormalLastSeen"));
        list_item(out, "Its paths", cJSON_GetObjectItemCaseSensitive(get, "NormalPaths"), NULL);
        list_item(out, "Its hosts", cJSON_GetObjectItemCaseSensitive(get, "NormalComputers"), NULL);
    } else {
        fputs("<span class=\"none\">none</span></dd>\n", out);
    }
    fputs("</dl></div>\n", out);
    const char *pivot = string_of(get, "Pivot");
    if (pivot) {
        fputs("<p class=\"pivot-title\">KQL pivot (Microsoft Sentinel)</p><pre class=\"pivot\"><code>", out);
        /* The query's lines kept: the escaper writes a line end as \x0a. */
        for (const char *line = pivot; *line;) {
            const char *end = strchr(line, '\n');
            size_t n = end ? (size_t)(end - line) : strlen(line);
            masq_html_escape_n(out, line, n);
            if (end)
                fputc('\n', out);
            line += n + (end != NULL);
        }
        fputs("</code></pre>\n", out);
    }
    fputs("</details></td></tr>\n", out);
}

#define FINDING_COLUMNS 9

/* One finding: its best pair (a, json), and the other normal names it was
 * matched against (alternatives, count of them) after the normal one. */
static void finding_html(FILE *out, size_t index, const masq_anomaly *a, const cJSON *json,
                         const masq_anomaly *const *alternatives, size_t alternative_count)
{
    const char *severity = masq_severity_name(a->severity);
    const char *first = string_of(json, "EvidenceFirstSeen");
    const char *last = string_of(json, "EvidenceLastSeen");
    /* Sort and filter keys; the script reads them, never writes markup from them. */
    fprintf(out, "<tbody class=\"finding\" id=\"f%zu\" data-index=\"%zu\" data-severity=\"%s\" "
            "data-severity-rank=\"%d\" data-score=\"", index + 1, index + 1, severity,
            (int)a->severity);
    masq_html_escape(out, string_of(json, "AnomalyScore"));
    fputs("\" data-reason=\"", out);
    masq_html_escape(out, string_of(json, "Reason"));
    fputs("\" data-name=\"", out);
    masq_html_escape(out, a->suspicious->text);
    fputs("\" data-normal=\"", out);
    masq_html_escape(out, a->normal_text);
    fprintf(out, "\" data-count=\"%llu\" data-first=\"",
            (unsigned long long)masq_name_total(a->suspicious));
    masq_html_escape(out, first ? first : "");
    fputs("\">\n<tr class=\"row\">", out);
    fprintf(out, "<td class=\"index\"><a href=\"#f%zu\">%zu</a></td>", index + 1, index + 1);
    fprintf(out, "<td><span class=\"severity %s\">%s</span></td>", severity, severity);
    fputs("<td class=\"score\">", out);
    masq_html_escape(out, string_of(json, "AnomalyScore"));
    fprintf(out, "<br><span class=\"distance\">distance %u</span></td><td class=\"reason\">",
            a->distance);
    const char *reasons = string_of(json, "Reason");
    for (const char *r = reasons ? reasons : ""; *r;) {
        const char *comma = strchr(r, ',');
        size_t n = comma ? (size_t)(comma - r) : strlen(r);
        fputs("<span class=\"tag\">", out);
        masq_html_escape_n(out, r, n);
        fputs("</span> ", out);
        r += n + (comma != NULL);
    }
    bool compared = a->normal_text[0] != '\0';
    fputs("</td><td class=\"suspicious\">", out);
    name_html(out, a->suspicious->text, compared ? a->normal_text : NULL, true);
    fputs("</td><td class=\"normal\">", out);
    if (compared)
        name_html(out, a->normal_text, a->suspicious->text, false);
    else
        fputs("<span class=\"none\">none</span>", out);
    if (alternative_count > 0) {
        fputs("<br><span class=\"of\">also near ", out);
        for (size_t k = 0; k < alternative_count; k++) {
            if (k > 0)
                fputs(", ", out);
            masq_html_escape(out, alternatives[k]->normal_text);
        }
        fputs("</span>", out);
    }
    fprintf(out, "</td><td class=\"count\">%llu<br><span class=\"of\">of %llu</span></td>",
            (unsigned long long)masq_name_total(a->suspicious),
            (unsigned long long)(a->normal ? masq_name_total(a->normal) : 0));
    fputs("<td class=\"hosts\">", out);
    const cJSON *hosts = cJSON_GetObjectItemCaseSensitive(json, "EvidenceComputers");
    int host_count = cJSON_GetArraySize(hosts), shown = 0;
    const cJSON *host;
    cJSON_ArrayForEach(host, hosts) {
        if (shown++ == 3)
            break;
        fputs("<span class=\"host\">", out);
        masq_html_escape(out, cJSON_IsString(host) ? host->valuestring : "");
        fputs("</span><br>", out);
    }
    if (host_count > 3)
        fprintf(out, "<span class=\"of\">+%d more</span>", host_count - 3);
    if (host_count == 0)
        fputs("<span class=\"none\">none</span>", out);
    fputs("</td><td class=\"seen\">", out);
    if (first) {
        masq_html_escape(out, first);
        if (last && strcmp(first, last) != 0) {
            fputs("<br>", out);
            masq_html_escape(out, last);
        }
    } else {
        fputs("<span class=\"none\">no time</span>", out);
    }
    fputs("</td></tr>\n", out);
    evidence_html(out, json, FINDING_COLUMNS);
    fputs("</tbody>\n", out);
}

static void number_row(FILE *out, const char *title, double value)
{
    fprintf(out, "<dt>%s</dt><dd>%.0f</dd>\n", title, value);
}

static void summary_html(const masq_result *result, const masq_findings *findings, FILE *out)
{
    const masq_summary *s = &result->summary;
    const masq_config *c = &result->config;
    const masq_ingest_stats *in = &s->ingest;
    fputs("<section id=\"summary\"><h2>Summary</h2>\n<div class=\"cards\">\n", out);
    fputs("<div class=\"card\"><h3>Inputs</h3><dl>\n", out);
    /* The paths as given (the first few: a fleet's run may name thousands). */
    for (size_t i = 0; i < c->path_count && i < 8; i++) {
        fputs("<dd class=\"wide path\">", out);
        masq_html_escape(out, c->paths[i]);
        fputs("</dd>\n", out);
    }
    if (c->path_count > 8)
        fprintf(out, "<dd class=\"wide\">and %zu more</dd>\n", c->path_count - 8);
    if (c->demo)
        fputs("<dd class=\"wide\">the demo's events (--demo)</dd>\n", out);
    number_row(out, "Files", (double)in->files);
    number_row(out, "Lines", (double)in->lines);
    number_row(out, "Bytes", (double)in->bytes);
    number_row(out, "EVTX records", (double)in->evtx_records);
    if (c->shard_count > 1)
        fprintf(out, "<dt>Shard</dt><dd>%u/%u</dd>\n", c->shard_index, c->shard_count);
    fputs("</dl></div>\n<div class=\"card\"><h3>Events</h3><dl>\n", out);
    number_row(out, "Process starts", (double)in->events);
    number_row(out, "of them demo", (double)in->demo_events);
    number_row(out, "Other events", (double)in->other_events);
    number_row(out, "Without a name", (double)in->unnamed_events);
    number_row(out, "Outside --since/--until", (double)in->outside_window);
    number_row(out, "Duplicates", (double)in->duplicates);
    number_row(out, "Twins (counted once)", (double)in->twins);
    /* The time range: the first and last sighting of any name. */
    int64_t first = MASQ_TIME_NONE, last = MASQ_TIME_NONE;
    for (size_t i = 0; i < result->names.count; i++) {
        const masq_evidence *e = &result->names.names[i].all;
        if (e->first_seen_ms == MASQ_TIME_NONE)
            continue;
        if (first == MASQ_TIME_NONE || e->first_seen_ms < first)
            first = e->first_seen_ms;
        if (last == MASQ_TIME_NONE || e->last_seen_ms > last)
            last = e->last_seen_ms;
    }
    char first_text[40], last_text[40];
    if (first != MASQ_TIME_NONE) {
        masq_time_format(first, first_text, sizeof first_text);
        masq_time_format(last, last_text, sizeof last_text);
    }
    fputs("<dt>Time range</dt><dd></dd><dd class=\"wide\">", out);
    if (first != MASQ_TIME_NONE)
        fprintf(out, "%s &#8211;<br>%s", first_text, last_text);
    else
        fputs("<span class=\"none\">no time</span>", out);
    fputs("</dd>\n", out);
    fputs("</dl></div>\n<div class=\"card\"><h3>Names and tiers</h3><dl>\n", out);
    number_row(out, "Names", (double)s->names);
    fprintf(out, "<dt>Frequent (percent_rank &#8805; %g)</dt><dd>%llu</dd>\n",
            c->frequent_threshold, (unsigned long long)s->frequent);
    fprintf(out, "<dt>Infrequent (percent_rank &lt; %g)</dt><dd>%llu</dd>\n",
            c->infrequent_threshold, (unsigned long long)s->infrequent);
    fprintf(out, "<dt>Similarity threshold</dt><dd>%g</dd>\n", c->similarity_threshold);
    number_row(out, "Learned anchors", (double)s->learned_anchors);
    number_row(out, "Pairs compared", (double)s->pairs);
    fprintf(out, "<dt>Profile</dt><dd>%s</dd>\n", masq_profile_name(c->profile));
    fputs("</dl></div>\n<div class=\"card\"><h3>Findings</h3><dl>\n", out);
    masq_finding_counts counts;
    masq_findings_count(findings, &counts);
    const uint64_t *by_severity = counts.by_severity, *by_reason = counts.by_reason;
    fprintf(out, "<dt>All</dt><dd>%zu</dd>\n", findings->count);
    for (int severity = MASQ_SEVERITY_HIGH; severity >= MASQ_SEVERITY_LOW; severity--)
        fprintf(out, "<dt><span class=\"severity %s\">%s</span></dt><dd>%zu</dd>\n",
                masq_severity_name((masq_severity)severity),
                masq_severity_name((masq_severity)severity), (size_t)by_severity[severity]);
    for (unsigned bit = 0; bit < 32; bit++) {
        char name[64];
        masq_reasons_format(1u << bit, name, sizeof name);
        if (name[0] && by_reason[bit])
            fprintf(out, "<dt><span class=\"tag\">%s</span></dt><dd>%zu</dd>\n", name,
                    (size_t)by_reason[bit]);
    }
    fprintf(out, "<dt>Suppressed by rules</dt><dd>%llu</dd>\n", (unsigned long long)s->suppressed);
    for (size_t i = 0; i < result->suppression_count; i++) {
        fputs("<dd class=\"rule\">", out);
        masq_html_escape(out, c->suppress_path);
        fprintf(out, ":%u: %llu</dd>\n", result->suppressions[i].line,
                (unsigned long long)result->suppressions[i].findings);
    }
    fputs("</dl></div>\n<div class=\"card\"><h3>Bad input</h3><dl>\n", out);
    number_row(out, "Malformed lines", (double)in->malformed_lines);
    number_row(out, "Unreadable times", (double)in->unreadable_times);
    number_row(out, "Damaged files", (double)in->damaged_files);
    number_row(out, "Skipped files", (double)in->skipped_files);
    number_row(out, "Malformed EVTX records", (double)in->evtx_malformed_records);
    number_row(out, "Damaged EVTX chunks", (double)in->evtx_damaged_chunks);
    /* What differs from run to run (the machine, the times) is in this one card. */
    fputs("</dl></div>\n<div class=\"card\" id=\"run\"><h3>Backend and timings</h3><dl>\n", out);
    text_item(out, "Backend", s->backend);
    text_item(out, "Device", s->device);
    fprintf(out, "<dt>Threads</dt><dd>%d</dd>\n", s->threads);
    number_row(out, "Kernel launches", (double)s->launches);
    number_row(out, "Overflowed launches", (double)s->overflows);
    number_row(out, "Pairs scored", (double)s->candidates);
    number_row(out, "Pairs verified", (double)s->verified);
    fprintf(out, "<dt>Seconds</dt><dd></dd><dd class=\"wide\">%.3f ingest, %.3f tier, %.3f match</dd>\n",
            s->seconds_ingest,
            s->seconds_tier, s->seconds_match);
    fputs("</dl></div>\n</div></section>\n", out);
}

static void filters_html(const masq_result *result, FILE *out)
{
    /* Hidden until the script runs: without it they would do nothing. */
    fputs("<form id=\"filters\" hidden>\n<label>Severity <select name=\"severity\">"
          "<option value=\"\">all</option><option>high</option><option>medium</option>"
          "<option>low</option></select></label>\n<label>Reason <select name=\"reason\">"
          "<option value=\"\">all</option>", out);
    uint32_t present = 0;
    for (size_t i = 0; i < result->anomaly_count; i++)
        present |= result->anomalies[i].reasons;
    for (unsigned bit = 0; bit < 32; bit++) {
        char name[64];
        masq_reasons_format(1u << bit, name, sizeof name);
        if (name[0] && (present >> bit & 1u))
            fprintf(out, "<option>%s</option>", name);
    }
    fputs("</select></label>\n<label>Host <input name=\"host\" type=\"search\" "
          "placeholder=\"part of a host\"></label>\n<label>Name <input name=\"name\" type=\"search\" "
          "placeholder=\"part of a name\"></label>\n<button type=\"reset\">Clear</button>\n"
          "<output id=\"shown\"></output>\n</form>\n", out);
}

static int write_page(const masq_result *result, const masq_findings *findings,
                      masq_finding_json finding_json, FILE *out)
{
    char style_hash[128], script_hash[128];
    csp_hash(masq_html_report_css, style_hash, sizeof style_hash);
    csp_hash(masq_html_report_js, script_hash, sizeof script_hash);
    fprintf(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
            "style-src %s; script-src %s; img-src data:; base-uri 'none'; form-action 'none'\">\n"
            "<meta name=\"referrer\" content=\"no-referrer\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            "<title>masq report: %zu findings</title>\n<style>%s</style>\n</head>\n<body>\n",
            style_hash, script_hash, findings->count, masq_html_report_css);
    fprintf(out, "<header><h1>masq report</h1><p>Masquerading process names (MITRE ATT&amp;CK "
            "T1036) found by masq %s, profile %s: <strong>%zu findings</strong> in %llu process "
            "starts of %llu names.</p></header>\n<main>\n",
            MASQ_VERSION, masq_profile_name(result->config.profile), findings->count,
            (unsigned long long)result->summary.ingest.events,
            (unsigned long long)result->summary.names);
    summary_html(result, findings, out);
    fputs("<section id=\"distribution\"><h2>Events per name</h2>\n<figure>\n", out);
    if (masq_html_plot(result, out) != MASQ_OK)
        return -1;
    fputs("<figcaption>Each name's count against its percent_rank (the tiers' measure): names "
          "right of the frequent line are compared with names left of the infrequent line. "
          "Dots are the findings' suspicious names, coloured by severity; each links to its "
          "row.</figcaption>\n</figure>\n</section>\n", out);
    fputs("<section id=\"findings\"><h2>Findings</h2>\n", out);
    filters_html(result, out);
    fputs("<table id=\"findings-table\">\n<thead><tr><th data-sort=\"index\">#</th>"
          "<th data-sort=\"severity\">Severity</th><th data-sort=\"score\">Score</th>"
          "<th data-sort=\"reason\">Reason</th><th data-sort=\"name\">Suspicious name</th>"
          "<th data-sort=\"normal\">Normal name</th><th data-sort=\"count\">Events</th>"
          "<th>Hosts</th><th data-sort=\"first\">Seen</th></tr></thead>\n", out);
    const masq_anomaly **alternatives = malloc(result->anomaly_count * sizeof *alternatives + 1);
    if (alternatives == NULL)
        return -1;
    for (size_t f = 0; f < findings->count; f++) {
        const masq_finding *finding = &findings->items[f];
        const masq_anomaly *best = &result->anomalies[findings->pairs[finding->first]];
        for (size_t k = 1; k < finding->count; k++)
            alternatives[k - 1] = &result->anomalies[findings->pairs[finding->first + k]];
        cJSON *json = finding_json(best);
        if (json == NULL) {
            free(alternatives);
            return -1;
        }
        finding_html(out, f, best, json, alternatives, finding->count - 1);
        cJSON_Delete(json);
    }
    free(alternatives);
    fputs("</table>\n", out);
    if (findings->count == 0)
        fputs("<p class=\"none\">No findings.</p>\n", out);
    fprintf(out, "</section>\n</main>\n<script>%s</script>\n</body>\n</html>\n", masq_html_report_js);
    return 0;
}

masq_status masq_html_report_write(const masq_result *result, const masq_findings *findings,
                                   masq_finding_json finding_json, FILE *out)
{
    if (write_page(result, findings, finding_json, out) != 0)
        return MASQ_ERR_NOMEM;
    return ferror(out) ? MASQ_ERR_OUTPUT : MASQ_OK;
}
