/* masq: argv -> options -> the library -> exit code. The only exit. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "cli/options.h"
#include "cli/output.h"
#include "cli/usage.h"
#include "cli/version.h"
#include "masq.h"
#include "util/escape.h"
#include "util/log.h"

static void stderr_sink(masq_log_level level, const char *message, void *context)
{
    (void)context;
    const char *prefix = level == MASQ_LOG_ERROR ? "error: " : level == MASQ_LOG_WARN ? "warning: " : "";
    fprintf(stderr, "masq: %s%s\n", prefix, message);
}

/* Reading progress on stderr, on a terminal only, at most four times a
 * second: percent, MB/s, events, elapsed and remaining time. */
typedef struct progress_view {
    struct timespec start, last;
} progress_view;

static double seconds_between(const struct timespec *a, const struct timespec *b)
{
    return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) * 1e-9;
}

static void draw_progress(const masq_progress *p, void *context)
{
    progress_view *view = context;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (!p->finished && seconds_between(&view->last, &now) < 0.25)
        return;
    view->last = now;
    double elapsed = seconds_between(&view->start, &now);
    if (p->finished) {
        if (elapsed >= 1.0)
            fprintf(stderr, "\r\033[K");
        return;
    }
    if (elapsed < 1.0)
        return; /* short runs draw nothing */
    double rate = (double)p->bytes_done / elapsed;
    fprintf(stderr, "\r\033[Kmasq: reading %.0f%%  %.0f MB/s  %llu events  %.0f s",
            p->bytes_total ? 100.0 * (double)p->bytes_done / (double)p->bytes_total : 0.0,
            rate / 1e6, (unsigned long long)p->events, elapsed);
    if (p->bytes_total > p->bytes_done && rate > 0)
        fprintf(stderr, ", %.0f s left", (double)(p->bytes_total - p->bytes_done) / rate);
    fflush(stderr);
}

static const char *format_name(masq_format format)
{
    static const char *const names[] = {"table", "json", "ndjson", "csv", "html"};
    return (unsigned)format < 5 ? names[format] : "json";
}

/* -o FILE's name picks the format when --format is absent; a --format that
 * contradicts it is a warning (the explicit choice wins). */
static masq_format output_format(const masq_options *options)
{
    masq_format from_name;
    bool named = masq_output_format_of(options->output_path, &from_name);
    if (options->format_given) {
        if (named && from_name != options->format)
            masq_warn("--format %s, but -o %s names %s: writing %s", format_name(options->format),
                      options->output_path, format_name(from_name), format_name(options->format));
        return options->format;
    }
    if (named)
        return from_name;
    return options->output_path == NULL && isatty(STDOUT_FILENO) ? MASQ_FORMAT_TABLE
                                                                 : MASQ_FORMAT_JSON;
}

/* The table's width: $COLUMNS, else the terminal's when the table goes to
 * one, else 80. Its colour: --color, or on auto a terminal that is not dumb,
 * unless NO_COLOR is set (no-color.org: an explicit --color=always wins). */
static masq_table_style table_style(const masq_options *options)
{
    masq_table_style style = options->config.table;
    bool terminal = options->output_path == NULL && isatty(STDOUT_FILENO);
    const char *columns = getenv("COLUMNS");
    char *end = NULL;
    long value = columns ? strtol(columns, &end, 10) : 0;
    struct winsize size;
    if (columns && end != columns && *end == '\0' && value > 0 && value <= 100000)
        style.columns = (int)value;
    else if (terminal && ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0)
        style.columns = size.ws_col;
    else
        style.columns = 80;
    const char *no_color = getenv("NO_COLOR"), *term = getenv("TERM");
    bool automatic = terminal && !(no_color && no_color[0]) && !(term && strcmp(term, "dumb") == 0);
    style.color = options->color == 1 || (options->color == 0 && automatic) ? MASQ_COLOR_ALWAYS
                                                                            : MASQ_COLOR_NEVER;
    return style;
}

static void add_count(char *out, size_t size, uint64_t count, const char *what)
{
    if (count == 0)
        return;
    size_t used = strlen(out);
    snprintf(out + used, size - used, "%s%llu %s", used ? ", " : "", (unsigned long long)count,
             what);
}

/* Nothing read is not a clean result: say what was read instead. */
static void empty_cause(const masq_config *config, const masq_ingest_stats *s, char *out, size_t size)
{
    out[0] = '\0';
    if (s->files == 0 && config->workspace.id != NULL && config->path_count == 0) {
        snprintf(out, size, "the workspace has no process starts in the window (masq query "
                            "prints the query)");
        return;
    }
    if (s->files == 0) {
        snprintf(out, size, "%s",
                 s->skipped_files ? "no input file could be read (see above)"
                                  : "no input files (folders are searched for .json, .jsonl, "
                                    ".ndjson and .csv files, and their .gz)");
        return;
    }
    if (s->lines == 0) {
        if (s->damaged_files > 0)
            snprintf(out, size, "no line could be read from the %llu input file%s (%llu damaged, "
                     "see above)", (unsigned long long)s->files, s->files == 1 ? "" : "s",
                     (unsigned long long)s->damaged_files);
        else
            snprintf(out, size, "the %llu input file%s %s empty", (unsigned long long)s->files,
                     s->files == 1 ? "" : "s", s->files == 1 ? "is" : "are");
        return;
    }
    char counts[512] = "";
    char outside[160];
    if (s->outside_window > 0) {
        if (s->unreadable_times == s->outside_window)
            snprintf(outside, sizeof outside,
                     "without a time masq can read, so outside --since/--until");
        else if (s->unreadable_times > 0)
            snprintf(outside, sizeof outside, "outside --since/--until (%llu without a readable time)",
                     (unsigned long long)s->unreadable_times);
        else
            snprintf(outside, sizeof outside, "outside --since/--until");
        add_count(counts, sizeof counts, s->outside_window, outside);
    }
    add_count(counts, sizeof counts, s->other_events,
              config->profile == MASQ_PROFILE_NOTEBOOK
                  ? "rows of other events (--profile notebook reads SecurityEvent 4688 only)"
                  : "rows of other events (not SecurityEvent 4688, Sysmon 1 or Defender "
                    "ProcessCreated)");
    add_count(counts, sizeof counts, s->unnamed_events, "events without Process or NewProcessName");
    add_count(counts, sizeof counts, s->duplicates, "duplicate rows");
    add_count(counts, sizeof counts, s->malformed_lines, "malformed lines");
    add_count(counts, sizeof counts, s->damaged_files, "damaged files");
    add_count(counts, sizeof counts, s->skipped_files, "skipped files");
    snprintf(out, size, "%llu line%s read from %llu file%s: %s", (unsigned long long)s->lines,
             s->lines == 1 ? "" : "s", (unsigned long long)s->files, s->files == 1 ? "" : "s",
             counts[0] ? counts : "blank lines only");
}

/* One line on stderr after writing to a file: how many, how bad, where. */
static void print_written(const masq_result *result, const char *path, masq_format format)
{
    size_t by_severity[4] = {0};
    for (size_t i = 0; i < result->anomaly_count; i++)
        by_severity[(unsigned)result->anomalies[i].severity & 3]++;
    char *where = masq_escape_dup(path);
    fprintf(stderr, "masq: %zu anomal%s (%zu high, %zu medium, %zu low) written to %s (%s)\n",
            result->anomaly_count, result->anomaly_count == 1 ? "y" : "ies",
            by_severity[MASQ_SEVERITY_HIGH], by_severity[MASQ_SEVERITY_MEDIUM],
            by_severity[MASQ_SEVERITY_LOW], where ? where : "the output", format_name(format));
    free(where);
}

/* masq query, and scan --workspace --dry-run: the KQL, sent nowhere. */
static int print_query(const masq_options *options, FILE *out)
{
    const masq_config *config = &options->config;
    char *kql = masq_workspace_query_text(&config->workspace,
                                          config->profile == MASQ_PROFILE_NOTEBOOK,
                                          config->since_ms, config->until_ms);
    if (kql == NULL)
        return masq_status_exit_code(MASQ_ERR_NOMEM);
    int failed = fputs(kql, out) < 0 || fflush(out) != 0;
    free(kql);
    return masq_status_exit_code(failed ? MASQ_ERR_OUTPUT : MASQ_OK);
}

static int run_scan(const masq_options *options)
{
    if (options->config.workspace.id != NULL) {
        /* A wrong id or missing credentials are told before a scan that may take long. */
        if (options->publish.dry_run) {
            masq_info("dry run: the query to the workspace follows; nothing is sent");
            return print_query(options, stderr);
        }
        masq_status checked = masq_workspace_check(&options->config.workspace);
        if (checked != MASQ_OK)
            return masq_status_exit_code(checked);
    }
    masq_format format = output_format(options);
    masq_status status = masq_output_check_inputs(options->output_path, options->config.paths,
                                                  options->config.path_count);
    /* Nor may -o be a file the scan reads besides its input, or keeps. */
    const char *others[] = {options->config.baseline_path, options->config.suppress_path,
                            options->config.known_path, options->config.allow_path,
                            options->config.emit_names_path};
    for (size_t i = 0; i < sizeof others / sizeof *others && status == MASQ_OK; i++)
        if (others[i] != NULL)
            status = masq_output_check_inputs(options->output_path, &others[i], 1);
    if (status == MASQ_OK && masq_same_file(options->config.emit_names_path,
                                            options->config.baseline_path)) {
        masq_error("--emit-names %s is the --baseline store: writing it would destroy the "
                   "history; choose another file", options->config.emit_names_path);
        status = MASQ_ERR_USAGE;
    }
    if (status != MASQ_OK)
        return masq_status_exit_code(status);
    /* Publishing options are checked before a scan that may take long. */
    status = masq_publish_check(&options->publish, false);
    if (status != MASQ_OK)
        return masq_status_exit_code(status);
    masq_output output;
    status = masq_output_open(&output, options->output_path);
    if (status != MASQ_OK)
        return masq_status_exit_code(status);
    masq_result result;
    masq_config config = options->config;
    config.table = table_style(options);
    progress_view view;
    if (options->verbosity >= 1 && isatty(STDERR_FILENO)) {
        clock_gettime(CLOCK_MONOTONIC, &view.start);
        view.last = view.start;
        config.progress = draw_progress;
        config.progress_context = &view;
    }
    status = masq_scan(&config, &result);
    if (status == MASQ_OK && result.summary.ingest.events == 0) {
        char cause[1024];
        empty_cause(&config, &result.summary.ingest, cause, sizeof cause);
        if (options->allow_empty) {
            masq_warn("no process-creation event read: %s", cause);
        } else {
            masq_error("no process-creation event read: %s (--allow-empty accepts an empty result)",
                       cause);
            status = MASQ_ERR_INPUT;
        }
    }
    if (status == MASQ_OK) {
        masq_info("%llu events, %llu names, %llu x %llu = %llu pairs, %zu anomalies",
                  (unsigned long long)result.summary.ingest.events,
                  (unsigned long long)result.summary.names,
                  (unsigned long long)result.summary.frequent,
                  (unsigned long long)result.summary.infrequent,
                  (unsigned long long)result.summary.pairs, result.anomaly_count);
        status = masq_result_write(&result, format, output.file);
        if (status != MASQ_OK)
            masq_error("cannot write the results%s%s", options->output_path ? " to " : "",
                       options->output_path ? options->output_path : "");
        if (status == MASQ_OK)
            status = masq_output_commit(&output);
        if (status == MASQ_OK && options->output_path != NULL && options->verbosity >= 1)
            print_written(&result, options->output_path, format);
        /* Findings --suppress or triage took out are never dropped silently (the table
         * says it too). */
        if (status == MASQ_OK && options->verbosity >= 1 && format != MASQ_FORMAT_TABLE)
            masq_result_write_suppressed(&result, stderr);
        /* Results are on disk (or stdout) first; a failed publish keeps its batches in the spool. */
        if (status == MASQ_OK && options->publish.api != MASQ_PUBLISH_NONE)
            status = masq_publish_result(&options->publish, &result);
    } else if (status != MASQ_ERR_INPUT && status != MASQ_ERR_USAGE && status != MASQ_ERR_DEVICE) {
        masq_error("%s", masq_status_message(status));
    }
    masq_output_abort(&output); /* after a commit: nothing left to do */
    masq_result_free(&result);
    return masq_status_exit_code(status);
}

static int run_merge(const masq_options *options)
{
    masq_status status = masq_output_check_inputs(options->output_path, options->config.paths,
                                                  options->config.path_count);
    masq_output output;
    if (status == MASQ_OK)
        status = masq_output_open(&output, options->output_path);
    if (status != MASQ_OK)
        return masq_status_exit_code(status);
    status = masq_merge_tables(options->config.paths, options->config.path_count, output.file);
    if (status == MASQ_OK)
        status = masq_output_commit(&output);
    masq_output_abort(&output);
    return masq_status_exit_code(status);
}

static int run_baseline(masq_options *options)
{
    const char *action = options->config.paths[0];
    options->config.baseline_path = options->config.paths[1];
    if (strcmp(action, "export") != 0)
        return masq_status_exit_code(masq_baseline_run(action, &options->config,
                                                       options->retain_days, options->weights,
                                                       stdout));
    const char *store = options->config.baseline_path;
    masq_status status = masq_output_check_inputs(options->output_path, &store, 1);
    masq_output output;
    if (status == MASQ_OK)
        status = masq_output_open(&output, options->output_path);
    if (status != MASQ_OK)
        return masq_status_exit_code(status);
    status = masq_baseline_run(action, &options->config, options->retain_days, false, output.file);
    if (status == MASQ_OK)
        status = masq_output_commit(&output);
    masq_output_abort(&output);
    return masq_status_exit_code(status);
}

int main(int argc, char **argv)
{
    masq_log_set_sink(stderr_sink, NULL, MASQ_LOG_WARN);
    masq_options options;
    masq_status status = masq_options_parse(argc, argv, &options);
    if (status != MASQ_OK)
        return masq_status_exit_code(status);
    masq_log_set_sink(stderr_sink, NULL,
                      options.verbosity <= 0 ? MASQ_LOG_ERROR : (masq_log_level)options.verbosity);
    if (options.help) {
        masq_usage_print(stdout, options.command);
        return 0;
    }
    switch (options.command) {
    case MASQ_COMMAND_VERSION:
        return masq_version_print(stdout);
    case MASQ_COMMAND_HELP:
        masq_usage_print(stdout, options.help_about); /* masq help [COMMAND] */
        return 0;
    case MASQ_COMMAND_DEMO:
        status = masq_demo_write(options.config.seed, options.background, stdout);
        if (status != MASQ_OK)
            masq_error("cannot write the demo events: %s", masq_status_message(status));
        return masq_status_exit_code(status);
    case MASQ_COMMAND_DEVICES:
        return masq_status_exit_code(masq_devices_print(stdout));
    case MASQ_COMMAND_SCAN:
        return run_scan(&options);
    case MASQ_COMMAND_MERGE:
        return run_merge(&options);
    case MASQ_COMMAND_BASELINE:
        return run_baseline(&options);
    case MASQ_COMMAND_QUERY:
        return print_query(&options, stdout);
    case MASQ_COMMAND_PUBLISH:
        /* Nothing else goes to stdout here: a dry run prints there. */
        options.publish.dry_run_out = stdout;
        status = masq_publish_check(&options.publish, true);
        if (status == MASQ_OK)
            status = masq_publish_spool(&options.publish);
        return masq_status_exit_code(status);
    }
    return masq_status_exit_code(MASQ_ERR_INTERNAL);
}
