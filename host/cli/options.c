#include "options.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../util/log.h"
#include "../util/time_iso.h"
#include "unknown_words.h"

static masq_status parse_fraction(const char *option, const char *text, double *value)
{
    char *end;
    errno = 0;
    double parsed = strtod(text, &end);
    if (errno != 0 || end == text || *end != '\0' || !(parsed >= 0.0 && parsed <= 1.0)) {
        masq_error("%s: expected a number from 0 to 1, got '%s'", option, text);
        return MASQ_ERR_USAGE;
    }
    *value = parsed;
    return MASQ_OK;
}

static masq_status parse_unsigned(const char *option, const char *text, unsigned long long max,
                                  unsigned long long *value)
{
    char *end;
    errno = 0;
    unsigned long long parsed = strtoull(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || text[0] == '-' || parsed > max) {
        masq_error("%s: expected a whole number up to %llu, got '%s'", option, max, text);
        return MASQ_ERR_USAGE;
    }
    *value = parsed;
    return MASQ_OK;
}

/* Seconds: a number from `low` to 3600, fractions allowed (tests use short ones). */
static masq_status parse_seconds(const char *option, const char *text, double low, double *value)
{
    char *end;
    errno = 0;
    double parsed = strtod(text, &end);
    if (errno != 0 || end == text || *end != '\0' || !(parsed >= low && parsed <= 3600.0)) {
        masq_error("%s: expected seconds from %g to 3600, got '%s'", option, low, text);
        return MASQ_ERR_USAGE;
    }
    *value = parsed;
    return MASQ_OK;
}

/* "3/8": slice 3 (0-based) of 8. */
static masq_status parse_shard(const char *text, uint32_t *index, uint32_t *count)
{
    unsigned long k, n;
    char end;
    if (sscanf(text, "%lu/%lu%c", &k, &n, &end) != 2 || n == 0 || k >= n || n > 1000000) {
        masq_error("--shard: expected K/N with 0 <= K < N, got '%s'", text);
        return MASQ_ERR_USAGE;
    }
    *index = (uint32_t)k;
    *count = (uint32_t)n;
    return MASQ_OK;
}

/* ISO 8601 ("2024-06-03T10:00:00Z"), or a date alone (midnight UTC). */
static masq_status parse_time(const char *option, const char *text, int64_t *ms)
{
    char full[64];
    if (strlen(text) == 10) {
        snprintf(full, sizeof full, "%sT00:00:00Z", text);
        text = full;
    }
    if (masq_time_parse(text, ms) != 0) {
        masq_error("%s: expected a time like 2024-06-03T10:00:00Z or 2024-06-03, got '%s'",
                   option, text);
        return MASQ_ERR_USAGE;
    }
    return MASQ_OK;
}

/* --last 1d: now minus a whole number of weeks, days, hours or minutes. */
static masq_status parse_last(const char *text, int64_t *since_ms)
{
    char *end;
    errno = 0;
    unsigned long long n = strtoull(text, &end, 10);
    static const char units[] = "wdhm";
    static const int64_t unit_ms[] = {7 * 86400000LL, 86400000LL, 3600000LL, 60000LL};
    const char *unit = end != text && *end != '\0' && end[1] == '\0' ? strchr(units, *end) : NULL;
    if (errno != 0 || text[0] == '-' || unit == NULL || n == 0 || n > 100000) {
        masq_error("--last: expected a duration like 1d, 12h, 30m or 2w, got '%s'", text);
        return MASQ_ERR_USAGE;
    }
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    *since_ms = (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000 -
                (int64_t)n * unit_ms[unit - units];
    return MASQ_OK;
}

static int choice(const char *text, const char *const *choices, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (strcmp(text, choices[i]) == 0)
            return (int)i;
    return -1;
}

static masq_status parse_choice(const char *option, const char *text, const char *const *choices,
                                size_t count, int *value)
{
    *value = choice(text, choices, count);
    if (*value >= 0)
        return MASQ_OK;
    char allowed[256] = "";
    for (size_t i = 0; i < count; i++) {
        strncat(allowed, choices[i], sizeof allowed - strlen(allowed) - 1);
        if (i + 1 < count)
            strncat(allowed, "|", sizeof allowed - strlen(allowed) - 1);
    }
    masq_error("%s: expected %s, got '%s'", option, allowed, text);
    return MASQ_ERR_USAGE;
}

/* getopt_long reads the table: a long option's value is its short name, or 256 and its row. */
static int getopt_value(const masq_option_spec *option)
{
    return option->short_name ? option->short_name : 256 + (int)(option - masq_option_table);
}

static const masq_option_spec *option_of(int value)
{
    if (value >= 256 && (size_t)(value - 256) < masq_option_count)
        return &masq_option_table[value - 256];
    return masq_option_by_short(value);
}

static void getopt_tables(struct option *longs, char *shorts, size_t shorts_size)
{
    size_t used = 0;
    shorts[used++] = ':'; /* a missing value returns ':' */
    for (size_t i = 0; i < masq_option_count; i++) {
        const masq_option_spec *o = &masq_option_table[i];
        int takes_value = o->kind == MASQ_OPTION_VALUE;
        longs[i] = (struct option){o->long_name, takes_value ? required_argument : no_argument,
                                   NULL, getopt_value(o)};
        if (o->short_name && used + 3 < shorts_size) {
            shorts[used++] = o->short_name;
            if (takes_value)
                shorts[used++] = ':';
        }
    }
    longs[masq_option_count] = (struct option){NULL, 0, NULL, 0};
    shorts[used] = '\0';
}

/* "masq scan", "masq scan and masq publish": the commands that take an option. */
static void commands_taking(unsigned commands, char *out, size_t size)
{
    size_t count = 0, used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < masq_command_count; i++)
        count += (commands & MASQ_IN(masq_commands[i].command)) != 0;
    for (size_t i = 0, n = 0; i < masq_command_count && used < size; i++) {
        if (!(commands & MASQ_IN(masq_commands[i].command)))
            continue;
        n++;
        used += (size_t)snprintf(out + used, size - used, "%smasq %s",
                                 n == 1 ? "" : n == count ? " and " : ", ", masq_commands[i].name);
    }
}

/* --reason look-alike,homoglyph: the reasons' bits. */
static masq_status parse_reasons(const char *text, uint32_t *reasons)
{
    *reasons = 0;
    for (const char *p = text;;) {
        size_t length = strcspn(p, ",");
        uint32_t bit = masq_reason_of(p, length);
        if (bit == 0) {
            masq_error("--reason: '%.*s' is not a reason (look-alike, extension, homoglyph, bidi, "
                       "invisible, trailing, double-extension, wrong-folder, renamed, "
                       "look-alike-folder, new-folder)", (int)length, p);
            return MASQ_ERR_USAGE;
        }
        *reasons |= bit;
        if (p[length] == '\0')
            return MASQ_OK;
        p += length + 1;
    }
}

/* A value option: parsed into its place. */
static masq_status take_value(masq_option_id id, const char *value, masq_options *options)
{
    static const char *const profiles[] = {"default", "notebook"};
    static const char *const backends[] = {"auto", "cpu", "opencl"};
    static const char *const formats[] = {"table", "json", "ndjson", "csv", "html"};
    static const char *const schemas[] = {"auto", "securityevent", "sysmon", "mde", "csv", "names", "asim"};
    static const char *const apis[] = {"logs-ingestion", "data-collector"};
    static const char *const severities[] = {"low", "medium", "high"};
    static const char *const colors[] = {"auto", "always", "never"};
    masq_config *config = &options->config;
    masq_publish_config *publish = &options->publish;
    int choice_index;
    unsigned long long number;
    switch (id) {
    case OPT_PROFILE:
        MASQ_TRY(parse_choice("--profile", value, profiles, 2, &choice_index));
        config->profile = (masq_profile)choice_index;
        return MASQ_OK;
    case OPT_SCHEMA:
        MASQ_TRY(parse_choice("--schema", value, schemas, 7, &choice_index));
        config->schema = (masq_schema)choice_index;
        return MASQ_OK;
    case OPT_FREQUENT:
        return parse_fraction("--frequent-threshold", value, &config->frequent_threshold);
    case OPT_INFREQUENT:
        return parse_fraction("--infrequent-threshold", value, &config->infrequent_threshold);
    case OPT_SIMILARITY:
        return parse_fraction("--similarity-threshold", value, &config->similarity_threshold);
    case OPT_BACKEND:
        MASQ_TRY(parse_choice("--backend", value, backends, 3, &choice_index));
        config->backend = (masq_backend)choice_index;
        return MASQ_OK;
    case OPT_DEVICE:
        config->device = value;
        return MASQ_OK;
    case OPT_KNOWN:
        config->known_path = value;
        return MASQ_OK;
    case OPT_ALLOW:
        config->allow_path = value;
        return MASQ_OK;
    case OPT_SUPPRESS:
        config->suppress_path = value;
        return MASQ_OK;
    case OPT_EMIT_NAMES:
        config->emit_names_path = value;
        return MASQ_OK;
    case OPT_SHARD:
        return parse_shard(value, &config->shard_index, &config->shard_count);
    case OPT_BASELINE:
        config->baseline_path = value;
        return MASQ_OK;
    case OPT_BASELINE_DAYS:
        MASQ_TRY(parse_unsigned("--baseline-days", value, 3660, &number));
        if (number == 0) {
            masq_error("--baseline-days: at least 1 (the newest day)");
            return MASQ_ERR_USAGE;
        }
        config->baseline_days = (int)number;
        return MASQ_OK;
    case OPT_BASELINE_DECAY:
        MASQ_TRY(parse_fraction("--baseline-decay", value, &config->baseline_decay));
        if (config->baseline_decay == 0) {
            masq_error("--baseline-decay: above 0 (1 means no decay)");
            return MASQ_ERR_USAGE;
        }
        return MASQ_OK;
    case OPT_BASELINE_WAIT:
        return parse_seconds("--baseline-wait", value, 0, &config->baseline_wait);
    case OPT_RETAIN_DAYS:
        MASQ_TRY(parse_unsigned("--retain-days", value, 36600, &number));
        if (number == 0) {
            masq_error("--retain-days: at least 1 (the newest day)");
            return MASQ_ERR_USAGE;
        }
        options->retain_days = (int)number;
        return MASQ_OK;
    case OPT_WORKSPACE:
        config->workspace.id = value;
        return MASQ_OK;
    case OPT_QUERY_ENDPOINT:
        config->workspace.endpoint = value;
        return MASQ_OK;
    case OPT_QUERY_MAX_ROWS:
        MASQ_TRY(parse_unsigned("--query-max-rows", value, MASQ_QUERY_DEFAULT_MAX_ROWS, &number));
        if (number == 0) {
            masq_error("--query-max-rows: at least 1");
            return MASQ_ERR_USAGE;
        }
        config->workspace.max_rows = number;
        return MASQ_OK;
    case OPT_SINCE:
        options->since_given = true;
        return parse_time("--since", value, &config->since_ms);
    case OPT_UNTIL:
        return parse_time("--until", value, &config->until_ms);
    case OPT_LAST:
        options->last_given = true;
        return parse_last(value, &config->since_ms);
    case OPT_SAS_FILE:
        config->blob.sas_file = value;
        return MASQ_OK;
    case OPT_WORK_GROUP:
        MASQ_TRY(parse_unsigned("--work-group-size", value, 4096, &number));
        config->tuning.work_group_size = (uint32_t)number;
        return MASQ_OK;
    case OPT_GROUP_NAMES:
        MASQ_TRY(parse_unsigned("--frequent-per-group", value, 1024, &number));
        config->tuning.frequent_per_group = (uint32_t)number;
        return MASQ_OK;
    case OPT_TILE:
        MASQ_TRY(parse_unsigned("--tile-size", value, 1u << 24, &number));
        config->tuning.tile_infrequent = (uint32_t)number;
        return MASQ_OK;
    case OPT_CAPACITY:
        MASQ_TRY(parse_unsigned("--candidate-capacity", value, 1u << 30, &number));
        config->tuning.candidate_capacity = (uint32_t)number;
        return MASQ_OK;
    case OPT_MIN_SEVERITY:
        MASQ_TRY(parse_choice("--min-severity", value, severities, 3, &choice_index));
        config->triage.min_severity = choice_index + MASQ_SEVERITY_LOW;
        return MASQ_OK;
    case OPT_REASON:
        return parse_reasons(value, &config->triage.reasons);
    case OPT_HOST:
        config->triage.host_glob = value;
        return MASQ_OK;
    case OPT_TOP:
        MASQ_TRY(parse_unsigned("--top", value, UINT64_MAX, &number));
        if (number == 0) {
            masq_error("--top: expected a whole number from 1, got '%s'", value);
            return MASQ_ERR_USAGE;
        }
        config->triage.top = number;
        return MASQ_OK;
    case OPT_COLOR:
        MASQ_TRY(parse_choice("--color", value, colors, 3, &options->color));
        return MASQ_OK;
    case OPT_FORMAT:
        MASQ_TRY(parse_choice("--format", value, formats, 5, &choice_index));
        options->format = (masq_format)choice_index;
        options->format_given = true;
        return MASQ_OK;
    case OPT_OUTPUT:
        options->output_path = value;
        return MASQ_OK;
    case OPT_SEED:
        MASQ_TRY(parse_unsigned("--seed", value, UINT64_MAX, &number));
        config->seed = number;
        return MASQ_OK;
    case OPT_THREADS:
        MASQ_TRY(parse_unsigned("--threads", value, 256, &number));
        config->threads = (int)number;
        return MASQ_OK;
    case OPT_PUBLISH:
        MASQ_TRY(parse_choice("--publish", value, apis, 2, &choice_index));
        publish->api = choice_index == 0 ? MASQ_PUBLISH_LOGS_INGESTION : MASQ_PUBLISH_DATA_COLLECTOR;
        return MASQ_OK;
    case OPT_INGESTION_ENDPOINT:
        publish->ingestion_endpoint = value;
        return MASQ_OK;
    case OPT_DCR_ID:
        publish->dcr_id = value;
        return MASQ_OK;
    case OPT_STREAM:
        publish->stream = value;
        return MASQ_OK;
    case OPT_TOKEN_AUDIENCE:
        publish->token_audience = value;
        return MASQ_OK;
    case OPT_WORKSPACE_ID:
        publish->workspace_id = value;
        return MASQ_OK;
    case OPT_WORKSPACE_KEY_FILE:
        publish->workspace_key_file = value;
        return MASQ_OK;
    case OPT_ENDPOINT:
        publish->endpoint = value;
        return MASQ_OK;
    case OPT_SPOOL:
        publish->spool_dir = value;
        return MASQ_OK;
    case OPT_PUBLISH_TIMEOUT:
        return parse_seconds("--publish-timeout", value, 0.05, &publish->timeout_seconds);
    case OPT_PUBLISH_RETRIES:
        MASQ_TRY(parse_unsigned("--publish-retries", value, 20, &number));
        publish->retries = (int)number;
        return MASQ_OK;
    case OPT_PUBLISH_BACKOFF:
        return parse_seconds("--publish-backoff", value, 0.0, &publish->backoff_seconds);
    case OPT_PUBLISH_MAX_WAIT:
        return parse_seconds("--publish-max-wait", value, 0.0, &publish->max_wait_seconds);
    case OPT_BATCH_BYTES:
        MASQ_TRY(parse_unsigned("--batch-bytes", value, MASQ_PUBLISH_DATA_COLLECTOR_MAX_BYTES,
                                &number));
        publish->batch_bytes = (size_t)number;
        return MASQ_OK;
    default:
        masq_error("option %d: no parser for its value", (int)id);
        return MASQ_ERR_INTERNAL;
    }
}

/* A flag. true: parsing stops here (--help, --version). */
static bool take_flag(masq_option_id id, masq_options *options)
{
    switch (id) {
    case OPT_DEMO:
        options->config.demo = true;
        break;
    case OPT_STRICT:
        options->config.strict = true;
        break;
    case OPT_ALLOW_EMPTY:
        options->allow_empty = true;
        break;
    case OPT_FULL:
        options->config.table.full = true;
        break;
    case OPT_NO_BACKGROUND:
        options->background = false;
        break;
    case OPT_MANAGED_IDENTITY:
        options->publish.managed_identity = true;
        options->config.workspace.managed_identity = true;
        break;
    case OPT_PUBLISH_DEMO:
        options->publish.publish_demo = true;
        break;
    case OPT_DRY_RUN:
        options->publish.dry_run = true;
        break;
    case OPT_WEIGHTS:
        options->weights = true;
        break;
    case OPT_QUIET:
        options->verbosity = 0;
        break;
    case OPT_VERBOSE:
        options->verbosity++;
        break;
    case OPT_HELP:
        options->help = true;
        return true;
    case OPT_VERSION:
        options->command = MASQ_COMMAND_VERSION;
        return true;
    default:
        break;
    }
    return false;
}

/* What follows the options: paths, a command's name, or nothing. */
static masq_status take_operands(masq_options *options, const masq_command_spec *spec,
                                 char **words, size_t count)
{
    masq_config *config = &options->config;
    if (spec->operands == MASQ_OPERANDS_PATHS) {
        config->paths = (const char *const *)words;
        config->path_count = count;
        return MASQ_OK;
    }
    if (spec->operands == MASQ_OPERANDS_COMMAND && count == 1) {
        const masq_command_spec *about = masq_command_named(words[0]);
        if (about == NULL)
            return masq_unknown_command(words[0]);
        options->help_about = about->command;
        return MASQ_OK;
    }
    if (count > 0) {
        masq_error("unexpected argument '%s' (try 'masq %s --help')",
                   words[spec->operands == MASQ_OPERANDS_COMMAND ? 1 : 0], spec->name);
        return MASQ_ERR_USAGE;
    }
    return MASQ_OK;
}

masq_status masq_options_parse(int argc, char **argv, masq_options *options)
{
    memset(options, 0, sizeof *options);
    masq_config_defaults(&options->config);
    masq_publish_config_defaults(&options->publish);
    options->verbosity = 1;
    options->background = true;
    options->command = MASQ_COMMAND_HELP;
    options->help_about = MASQ_COMMAND_HELP;
    options->retain_days = 90;
    int first = 1;
    const char *command_word = NULL; /* as typed, for messages */
    if (argc >= 2 && argv[1][0] != '-') {
        const masq_command_spec *named = masq_command_named(argv[1]);
        if (named == NULL)
            return masq_unknown_command(argv[1]);
        options->command = named->command;
        command_word = named->name;
        first = 2;
    } else if (argc >= 2 && strcmp(argv[1], "--version") == 0) {
        options->command = MASQ_COMMAND_VERSION;
        return MASQ_OK;
    } else if (argc >= 2 && strcmp(argv[1], "--help") != 0 && strcmp(argv[1], "-h") != 0) {
        masq_error("a command comes first: masq scan|demo|merge|baseline|query|devices|publish|help "
                   "(try 'masq --help')");
        return MASQ_ERR_USAGE;
    }
    const masq_command_spec *spec = masq_command_spec_of(options->command);

    struct option longs[64 + 1];
    char shorts[32];
    _Static_assert(sizeof longs / sizeof *longs > 64, "room for the option table");
    if (masq_option_count > 64) {
        masq_error("the option table outgrew the parser");
        return MASQ_ERR_INTERNAL;
    }
    getopt_tables(longs, shorts, sizeof shorts);
    optind = first;
    opterr = 0;
    int value;
    while ((value = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
        const char *word = argv[optind - 1];
        if (value == ':') {
            masq_error("%s needs a value", word);
            return MASQ_ERR_USAGE;
        }
        const masq_option_spec *option = option_of(value);
        if (value == '?' || option == NULL) {
            masq_unknown_option(word, command_word, options->command,
                                optopt != 0 ? option_of(optopt) : NULL, optopt);
            return MASQ_ERR_USAGE;
        }
        if (!(option->commands & MASQ_IN(options->command))) {
            char takers[160];
            commands_taking(option->commands, takers, sizeof takers);
            char typed[40];
            if (option->short_name)
                snprintf(typed, sizeof typed, "--%s (-%c)", option->long_name, option->short_name);
            else
                snprintf(typed, sizeof typed, "--%s", option->long_name);
            masq_error("%s is not an option of masq %s (%s take%s it; try 'masq %s --help')",
                       typed, spec->name, takers, strstr(takers, " and ") ? "" : "s", spec->name);
            return MASQ_ERR_USAGE;
        }
        if (option->kind == MASQ_OPTION_VALUE)
            MASQ_TRY(take_value(option->id, optarg, options));
        else if (take_flag(option->id, options))
            return MASQ_OK;
    }
    MASQ_TRY(take_operands(options, spec, argv + optind, (size_t)(argc - optind)));
    masq_config *config = &options->config;
    /* Publishing's credentials and dry run serve reading a container URL too. */
    config->blob.managed_identity = options->publish.managed_identity;
    config->blob.dry_run = options->publish.dry_run;
    if (options->command == MASQ_COMMAND_SCAN && config->path_count == 0 && !config->demo &&
        config->workspace.id == NULL) {
        masq_error("masq scan needs input: PATH ..., '-' for stdin, --workspace ID or --demo");
        return MASQ_ERR_USAGE;
    }
    if (options->command == MASQ_COMMAND_QUERY && config->workspace.id == NULL) {
        masq_error("masq query needs --workspace ID: the query is for that workspace");
        return MASQ_ERR_USAGE;
    }
    if (config->workspace.id != NULL && config->baseline_path != NULL) {
        masq_error("--workspace reads one table of the window: not with --baseline (yet)");
        return MASQ_ERR_USAGE;
    }
    if (options->command == MASQ_COMMAND_BASELINE &&
        (config->path_count != 2 || (strcmp(config->paths[0], "show") != 0 &&
                                     strcmp(config->paths[0], "prune") != 0 &&
                                     strcmp(config->paths[0], "export") != 0))) {
        masq_error("usage: masq baseline show|prune|export FILE (try 'masq baseline --help')");
        return MASQ_ERR_USAGE;
    }
    if (options->command == MASQ_COMMAND_SCAN && config->baseline_path != NULL &&
        config->schema == MASQ_SCHEMA_NAMES) {
        masq_error("--baseline keeps events by day: a name table (--schema names) has no days");
        return MASQ_ERR_USAGE;
    }
    if (options->command == MASQ_COMMAND_MERGE && config->path_count == 0) {
        masq_error("masq merge needs name tables (or event files) to combine");
        return MASQ_ERR_USAGE;
    }
    if (options->last_given && (options->since_given || config->until_ms != MASQ_TIME_NONE)) {
        masq_error("--last is a window up to now: give it alone, or --since/--until");
        return MASQ_ERR_USAGE;
    }
    if (config->until_ms != MASQ_TIME_NONE && config->since_ms != MASQ_TIME_NONE &&
        config->until_ms <= config->since_ms) {
        masq_error("--until must come after --since");
        return MASQ_ERR_USAGE;
    }
    return MASQ_OK;
}
