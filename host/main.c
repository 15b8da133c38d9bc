/* masq: argv -> options -> the library -> exit code. The only exit. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/options.h"
#include "cli/version.h"
#include "masq.h"
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

static int run_scan(const masq_options *options)
{
    masq_format format = options->format;
    if (!options->format_given)
        format = options->output_path == NULL && isatty(STDOUT_FILENO) ? MASQ_FORMAT_TABLE
                                                                       : MASQ_FORMAT_JSON;
    FILE *out = stdout;
    if (options->output_path != NULL) {
        out = fopen(options->output_path, "w");
        if (out == NULL) {
            masq_error("cannot write %s: %s", options->output_path, strerror(errno));
            return masq_status_exit_code(MASQ_ERR_OUTPUT);
        }
    }
    /* Publishing options are checked before a scan that may take long. */
    masq_status status = masq_publish_check(&options->publish, false);
    if (status != MASQ_OK) {
        if (out != stdout)
            fclose(out);
        return masq_status_exit_code(status);
    }
    masq_result result;
    masq_config config = options->config;
    progress_view view;
    if (options->verbosity >= 1 && isatty(STDERR_FILENO)) {
        clock_gettime(CLOCK_MONOTONIC, &view.start);
        view.last = view.start;
        config.progress = draw_progress;
        config.progress_context = &view;
    }
    status = masq_scan(&config, &result);
    if (status == MASQ_OK) {
        masq_info("%llu events, %llu names, %llu x %llu = %llu pairs, %zu anomalies",
                  (unsigned long long)result.summary.ingest.events,
                  (unsigned long long)result.summary.names,
                  (unsigned long long)result.summary.frequent,
                  (unsigned long long)result.summary.infrequent,
                  (unsigned long long)result.summary.pairs, result.anomaly_count);
        status = masq_result_write(&result, format, out);
        if (status != MASQ_OK)
            masq_error("cannot write the results%s%s", options->output_path ? " to " : "",
                       options->output_path ? options->output_path : "");
        /* Results are on disk (or stdout) first; a failed publish keeps its batches in the spool. */
        if (status == MASQ_OK && options->publish.api != MASQ_PUBLISH_NONE)
            status = masq_publish_result(&options->publish, &result);
    } else if (status != MASQ_ERR_INPUT && status != MASQ_ERR_USAGE && status != MASQ_ERR_DEVICE) {
        masq_error("%s", masq_status_message(status));
    }
    masq_result_free(&result);
    if (out != stdout && fclose(out) != 0 && status == MASQ_OK)
        status = MASQ_ERR_OUTPUT;
    return masq_status_exit_code(status);
}

static int run_merge(const masq_options *options)
{
    FILE *out = options->output_path ? fopen(options->output_path, "w") : stdout;
    if (out == NULL) {
        masq_error("cannot write %s: %s", options->output_path, strerror(errno));
        return masq_status_exit_code(MASQ_ERR_OUTPUT);
    }
    masq_status status = masq_merge_tables(options->config.paths, options->config.path_count, out);
    if (out != stdout && fclose(out) != 0 && status == MASQ_OK)
        status = MASQ_ERR_OUTPUT;
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
        masq_usage_print(stdout, MASQ_COMMAND_HELP);
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
