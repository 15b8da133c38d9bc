/* The table for a terminal: one row a finding, fitted to the width (cells cut
 * with "…", --full shows them whole), padded by display width, the severity
 * in colour when asked; then the summary, wrapped to the width. */
#include "report_table.h"

#include <stdlib.h>
#include <string.h>

#include "../util/escape.h"
#include "../util/time_iso.h"
#include "display_width.h"
#include "edit_script.h"

enum { SEVERITY, SCORE, REASON, SUSPICIOUS, NORMAL, SOURCE, WHERE, COLUMNS };

static const char *const headers[COLUMNS] = {
    "SEVERITY", "SCORE", "REASON", "SUSPICIOUS (edit)", "NORMAL (count)", "SOURCE", "WHERE",
};
/* When a row is wider than the terminal the columns give way in turn, each
 * down to a floor: where and the normal name first, the suspicious name
 * (what the analyst reads first) last; never below the header. */
static const struct {
    int column;
    size_t floor;
} give_way[] = {
    {WHERE, 24}, {NORMAL, 18}, {REASON, 12}, {WHERE, 16}, {NORMAL, 14},
    {REASON, 10}, {SUSPICIOUS, 22}, {WHERE, 12}, {SUSPICIOUS, 17}, {WHERE, 5},
};

/* ECMA-48 colours: high bold red, medium yellow, low cyan. */
static const char *severity_color(masq_severity severity)
{
    return severity == MASQ_SEVERITY_HIGH     ? "\033[1;31m"
           : severity == MASQ_SEVERITY_MEDIUM ? "\033[33m"
                                              : "\033[36m";
}

typedef struct row {
    char *cells[COLUMNS]; /* escaped for the terminal (util/escape.h) */
    masq_severity severity;
} row;

/* A score says how alike two names are; it means something only for a
 * finding that rests on that likeness (a look-alike, another extension),
 * not for a wrong folder (the same name) or a bidi trick. Rounded. */
static void score_cell(const masq_anomaly *a, char *out, size_t size)
{
    if (a->reasons & (MASQ_REASON_LOOKALIKE | MASQ_REASON_EXTENSION))
        snprintf(out, size, "%.3f", (double)a->score);
    else
        snprintf(out, size, "-");
}

/* Where and when: the first path of the finding's own sightings (or its
 * detail), its first host, its first and last sighting. */
static char *where_cell(const masq_anomaly *a)
{
    const masq_evidence *e = a->evidence;
    uint32_t order[MASQ_CONTEXT_LIMIT];
    masq_text_set_order(&e->paths, order);
    const char *where = a->detail ? a->detail : e->paths.count ? e->paths.entries[order[0]].text : "";
    const char *host = "";
    if (e->computers.count > 0) {
        masq_text_set_order(&e->computers, order);
        host = e->computers.entries[order[0]].text;
    }
    char hosts[64] = "", times[96] = "";
    if (e->computers.count > 1 || e->computers.more > 0)
        snprintf(hosts, sizeof hosts, " (+%u%s hosts)", e->computers.count - 1,
                 e->computers.more ? "+" : "");
    if (e->first_seen_ms != MASQ_TIME_NONE) {
        char first[40], last[40];
        masq_time_format(e->first_seen_ms, first, sizeof first);
        masq_time_format(e->last_seen_ms, last, sizeof last);
        if (e->first_seen_ms == e->last_seen_ms)
            snprintf(times, sizeof times, " at %s", first);
        else
            snprintf(times, sizeof times, " %s..%s", first, last);
    }
    size_t size = strlen(where) + strlen(host) + sizeof hosts + sizeof times + 16;
    char *text = malloc(size);
    if (text == NULL)
        return NULL;
    snprintf(text, size, "%s%s%s%s%s%s", where, !a->detail && e->paths.count > 1 ? " (+more)" : "",
             host[0] ? " on " : "", host, hosts, times);
    char *escaped = masq_escape_dup(text);
    free(text);
    return escaped;
}

static int fill_row(const masq_result *result, const masq_findings *findings, size_t f, row *r)
{
    const masq_finding *finding = &findings->items[f];
    const masq_anomaly *a = &result->anomalies[findings->pairs[finding->first]];
    char score[32], reasons[160], more[48] = "";
    char *edit = masq_anomaly_edit(a);
    const char *shown = edit ? edit : a->suspicious->text;
    size_t size = strlen(shown) + 32;
    char *suspicious = malloc(size);
    if (suspicious == NULL) {
        free(edit);
        return -1;
    }
    snprintf(suspicious, size, "%s (%llu)", shown, (unsigned long long)masq_name_total(a->suspicious));
    free(edit);
    score_cell(a, score, sizeof score);
    masq_reasons_format(a->reasons, reasons, sizeof reasons);
    if (finding->count > 1)
        snprintf(more, sizeof more, " +%zu more", finding->count - 1);
    size_t normal_size = strlen(a->normal_text) + sizeof more + 32;
    char *normal = malloc(normal_size);
    if (normal == NULL) {
        free(suspicious);
        return -1;
    }
    if (a->normal_text[0])
        snprintf(normal, normal_size, "%s (%llu)%s", a->normal_text,
                 (unsigned long long)(a->normal ? masq_name_total(a->normal) : 0), more);
    else
        snprintf(normal, normal_size, "-%s", more);
    r->severity = a->severity;
    r->cells[SEVERITY] = strdup(masq_severity_name(a->severity));
    r->cells[SCORE] = strdup(score);
    r->cells[REASON] = strdup(reasons);
    r->cells[SUSPICIOUS] = masq_escape_dup(suspicious);
    r->cells[NORMAL] = masq_escape_dup(normal);
    r->cells[SOURCE] = strdup(a->source == MASQ_SOURCE_USER ? "user" : "demo");
    r->cells[WHERE] = where_cell(a);
    free(suspicious);
    free(normal);
    for (int c = 0; c < COLUMNS; c++)
        if (r->cells[c] == NULL)
            return -1;
    return 0;
}

static void free_row(row *r)
{
    for (int c = 0; c < COLUMNS; c++)
        free(r->cells[c]);
}

/* Each column as wide as its widest cell; then, past the terminal's width,
 * the columns give way in turn down to their narrowest. */
static void column_widths(const row *rows, size_t count, const masq_table_style *style,
                          bool with_source, size_t widths[COLUMNS])
{
    for (int c = 0; c < COLUMNS; c++) {
        widths[c] = masq_display_width(headers[c]);
        for (size_t i = 0; i < count; i++) {
            size_t w = masq_display_width(rows[i].cells[c]);
            if (w > widths[c])
                widths[c] = w;
        }
    }
    if (!with_source)
        widths[SOURCE] = 0;
    if (style->full)
        return;
    size_t total = with_source ? COLUMNS - 1 : COLUMNS - 2; /* the spaces between columns */
    for (int c = 0; c < COLUMNS; c++)
        total += widths[c];
    size_t limit = style->columns > 0 ? (size_t)style->columns : 80;
    for (size_t g = 0; g < sizeof give_way / sizeof *give_way && total > limit; g++) {
        int c = give_way[g].column;
        size_t floor = give_way[g].floor;
        if (floor < masq_display_width(headers[c]))
            floor = masq_display_width(headers[c]);
        if (widths[c] <= floor)
            continue;
        size_t take = widths[c] - floor;
        if (take > total - limit)
            take = total - limit;
        widths[c] -= take;
        total -= take;
    }
}

/* One cell: cut to its width with "…" (unless --full), padded unless last. */
static void print_cell(FILE *out, const char *text, size_t width, bool last, const char *color)
{
    size_t used;
    int cut;
    size_t bytes = masq_display_fit(text, width, &used, &cut);
    if (color)
        fputs(color, out);
    fwrite(text, 1, bytes, out);
    if (cut) {
        fputs("…", out);
        used++;
    }
    if (color)
        fputs("\033[0m", out);
    for (; !last && used < width; used++)
        fputc(' ', out);
    if (!last)
        fputc(' ', out);
}

/* A row; a column of width 0 (SOURCE when every finding is the user's) is left out. */
static void print_row(FILE *out, const char *const *cells, const size_t widths[COLUMNS],
                      const char *severity_color_or_null)
{
    for (int c = 0; c < COLUMNS; c++)
        if (widths[c] > 0 || c == WHERE)
            print_cell(out, cells[c], widths[c], c == WHERE,
                       c == SEVERITY ? severity_color_or_null : NULL);
    fputc('\n', out);
}

/* Prose wrapped at the terminal's width: pieces, each with the separator
 * before it (", ", "; "); a piece is never broken. */
typedef struct wrap {
    FILE *out;
    size_t limit, used;
} wrap;

static void wrap_piece(wrap *w, const char *separator, const char *piece)
{
    size_t width = masq_display_width(piece), gap = strlen(separator);
    if (w->used > 0 && w->used + gap + width > w->limit) {
        /* the separator's mark ends the line; the piece starts the next one */
        fprintf(w->out, "%.*s\n  ", (int)strcspn(separator, " "), separator);
        w->used = 2;
    } else if (w->used > 0) {
        fputs(separator, w->out);
        w->used += gap;
    }
    fputs(piece, w->out);
    w->used += width;
}

static void wrap_end(wrap *w)
{
    fputc('\n', w->out);
    w->used = 0;
}

static void print_summary(const masq_result *result, const masq_findings *findings,
                          const masq_table_style *style, FILE *out)
{
    const masq_summary *s = &result->summary;
    wrap w = {out, style->columns > 0 ? (size_t)style->columns : 80, 0};
    if (style->full)
        w.limit = (size_t)-1;
    masq_finding_counts counts;
    masq_findings_count(findings, &counts);
    char piece[512];
    snprintf(piece, sizeof piece, "%zu finding%s (%llu high, %llu medium, %llu low)",
             findings->count, findings->count == 1 ? "" : "s",
             (unsigned long long)counts.by_severity[MASQ_SEVERITY_HIGH],
             (unsigned long long)counts.by_severity[MASQ_SEVERITY_MEDIUM],
             (unsigned long long)counts.by_severity[MASQ_SEVERITY_LOW]);
    wrap_piece(&w, "", piece);
    if (result->anomaly_count != findings->count) {
        snprintf(piece, sizeof piece, "%zu name pairs", result->anomaly_count);
        wrap_piece(&w, ", ", piece);
    }
    bool first_reason = true;
    for (unsigned b = 0; b < MASQ_REASON_BITS; b++) {
        if (counts.by_reason[b] == 0)
            continue;
        char name[64];
        masq_reasons_format(1u << b, name, sizeof name);
        snprintf(piece, sizeof piece, "%s%s %llu", first_reason ? "by reason: " : "", name,
                 (unsigned long long)counts.by_reason[b]);
        wrap_piece(&w, first_reason ? "; " : ", ", piece);
        first_reason = false;
    }
    wrap_end(&w);
    snprintf(piece, sizeof piece, "%llu events", (unsigned long long)s->ingest.events);
    wrap_piece(&w, "", piece);
    snprintf(piece, sizeof piece, "%llu names (%llu frequent x %llu infrequent)",
             (unsigned long long)s->names, (unsigned long long)s->frequent,
             (unsigned long long)s->infrequent);
    wrap_piece(&w, ", ", piece);
    snprintf(piece, sizeof piece, "%llu pairs compared", (unsigned long long)s->pairs);
    wrap_piece(&w, ", ", piece);
    /* The time ends the line, after ", " (tools strip it to compare runs). */
    snprintf(piece, sizeof piece, "profile %s, %.3f s", masq_profile_name(result->config.profile),
             s->seconds_ingest + s->seconds_tier + s->seconds_match);
    wrap_piece(&w, ", ", piece);
    wrap_end(&w);
}

int masq_report_table(const masq_result *result, const masq_findings *findings, FILE *out)
{
    const masq_table_style *style = &result->config.table;
    row *rows = calloc(findings->count ? findings->count : 1, sizeof *rows);
    if (rows == NULL)
        return -1;
    int failed = 0;
    for (size_t f = 0; f < findings->count && !failed; f++)
        failed = fill_row(result, findings, f, &rows[f]);
    if (!failed && findings->count > 0) {
        /* The SOURCE column only when some finding rests on the demo events. */
        bool with_source = false;
        for (size_t f = 0; f < findings->count; f++)
            with_source |= strcmp(rows[f].cells[SOURCE], "demo") == 0;
        size_t widths[COLUMNS];
        column_widths(rows, findings->count, style, with_source, widths);
        print_row(out, headers, widths, NULL);
        bool color = style->color == MASQ_COLOR_ALWAYS;
        for (size_t f = 0; f < findings->count; f++)
            print_row(out, (const char *const *)rows[f].cells, widths,
                      color ? severity_color(rows[f].severity) : NULL);
    }
    for (size_t f = 0; f < findings->count; f++)
        free_row(&rows[f]);
    free(rows);
    if (failed)
        return -1;
    print_summary(result, findings, style, out);
    return 0;
}
