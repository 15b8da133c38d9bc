#include "options.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "../util/log.h"
#include "../util/time_iso.h"

enum {
    OPT_PROFILE = 256,
    OPT_SCHEMA,
    OPT_FREQUENT,
    OPT_INFREQUENT,
    OPT_SIMILARITY,
    OPT_BACKEND,
    OPT_DEVICE,
    OPT_FORMAT,
    OPT_DEMO,
    OPT_SEED,
    OPT_STRICT,
    OPT_THREADS,
    OPT_NO_BACKGROUND,
    OPT_VERSION,
    OPT_WORK_GROUP,
    OPT_GROUP_NAMES,
    OPT_TILE,
    OPT_CAPACITY,
    OPT_KNOWN,
    OPT_ALLOW,
    OPT_EMIT_NAMES,
    OPT_SHARD,
    OPT_SINCE,
    OPT_UNTIL,
    OPT_PUBLISH,
    OPT_INGESTION_ENDPOINT,
    OPT_DCR_ID,
    OPT_STREAM,
    OPT_TOKEN_AUDIENCE,
    OPT_MANAGED_IDENTITY,
    OPT_WORKSPACE_ID,
    OPT_WORKSPACE_KEY_FILE,
    OPT_ENDPOINT,
    OPT_SPOOL,
    OPT_PUBLISH_DEMO,
    OPT_DRY_RUN,
    OPT_PUBLISH_TIMEOUT,
    OPT_PUBLISH_RETRIES,
    OPT_PUBLISH_BACKOFF,
    OPT_PUBLISH_MAX_WAIT,
    OPT_BATCH_BYTES,
    OPT_ALLOW_EMPTY,
};

static const struct option long_options[] = {
    {"profile", required_argument, NULL, OPT_PROFILE},
    {"schema", required_argument, NULL, OPT_SCHEMA},
    {"frequent-threshold", required_argument, NULL, OPT_FREQUENT},
    {"infrequent-threshold", required_argument, NULL, OPT_INFREQUENT},
    {"similarity-threshold", required_argument, NULL, OPT_SIMILARITY},
    {"backend", required_argument, NULL, OPT_BACKEND},
    {"device", required_argument, NULL, OPT_DEVICE},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"output", required_argument, NULL, 'o'},
    {"demo", no_argument, NULL, OPT_DEMO},
    {"seed", required_argument, NULL, OPT_SEED},
    {"strict", no_argument, NULL, OPT_STRICT},
    {"threads", required_argument, NULL, OPT_THREADS},
    {"no-background", no_argument, NULL, OPT_NO_BACKGROUND},
    {"quiet", no_argument, NULL, 'q'},
    {"verbose", no_argument, NULL, 'v'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, OPT_VERSION},
    {"work-group-size", required_argument, NULL, OPT_WORK_GROUP},
    {"frequent-per-group", required_argument, NULL, OPT_GROUP_NAMES},
    {"tile-size", required_argument, NULL, OPT_TILE},
    {"candidate-capacity", required_argument, NULL, OPT_CAPACITY},
    {"known", required_argument, NULL, OPT_KNOWN},
    {"allow", required_argument, NULL, OPT_ALLOW},
    {"emit-names", required_argument, NULL, OPT_EMIT_NAMES},
    {"shard", required_argument, NULL, OPT_SHARD},
    {"since", required_argument, NULL, OPT_SINCE},
    {"until", required_argument, NULL, OPT_UNTIL},
    {"publish", required_argument, NULL, OPT_PUBLISH},
    {"ingestion-endpoint", required_argument, NULL, OPT_INGESTION_ENDPOINT},
    {"dcr-id", required_argument, NULL, OPT_DCR_ID},
    {"stream", required_argument, NULL, OPT_STREAM},
    {"token-audience", required_argument, NULL, OPT_TOKEN_AUDIENCE},
    {"managed-identity", no_argument, NULL, OPT_MANAGED_IDENTITY},
    {"workspace-id", required_argument, NULL, OPT_WORKSPACE_ID},
    {"workspace-key-file", required_argument, NULL, OPT_WORKSPACE_KEY_FILE},
    {"endpoint", required_argument, NULL, OPT_ENDPOINT},
    {"spool", required_argument, NULL, OPT_SPOOL},
    {"publish-demo", no_argument, NULL, OPT_PUBLISH_DEMO},
    {"dry-run", no_argument, NULL, OPT_DRY_RUN},
    {"publish-timeout", required_argument, NULL, OPT_PUBLISH_TIMEOUT},
    {"publish-retries", required_argument, NULL, OPT_PUBLISH_RETRIES},
    {"publish-backoff", required_argument, NULL, OPT_PUBLISH_BACKOFF},
    {"publish-max-wait", required_argument, NULL, OPT_PUBLISH_MAX_WAIT},
    {"batch-bytes", required_argument, NULL, OPT_BATCH_BYTES},
    {"allow-empty", no_argument, NULL, OPT_ALLOW_EMPTY},
    {NULL, 0, NULL, 0},
};

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

static masq_status parse_command(const char *word, masq_command *command)
{
    static const char *const names[] = {"scan",    "demo",    "devices", "help",
                                        "version", "publish", "merge"};
    int index = choice(word, names, sizeof names / sizeof *names);
    if (index < 0) {
        masq_error("unknown command '%s' (try 'masq --help')", word);
        return MASQ_ERR_USAGE;
    }
    *command = (masq_command)index;
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
    int first = 1;
    if (argc >= 2 && argv[1][0] != '-') {
        MASQ_TRY(parse_command(argv[1], &options->command));
        first = 2;
    } else if (argc >= 2 && strcmp(argv[1], "--version") == 0) {
        options->command = MASQ_COMMAND_VERSION;
        return MASQ_OK;
    } else if (argc >= 2 && strcmp(argv[1], "--help") != 0 && strcmp(argv[1], "-h") != 0) {
        masq_error("a command comes first: masq scan|demo|devices|publish (try 'masq --help')");
        return MASQ_ERR_USAGE;
    }

    static const char *const profiles[] = {"default", "notebook"};
    static const char *const backends[] = {"auto", "cpu", "opencl"};
    static const char *const formats[] = {"table", "json", "ndjson", "csv"};
    static const char *const schemas[] = {"auto", "securityevent", "sysmon", "mde", "csv", "names"};
    masq_config *config = &options->config;
    optind = first;
    opterr = 0;
    int option, value;
    unsigned long long number;
    while ((option = getopt_long(argc, argv, ":o:qvh", long_options, NULL)) != -1) {
        const char *name = argv[optind - 1];
        switch (option) {
        case OPT_PROFILE:
            MASQ_TRY(parse_choice("--profile", optarg, profiles, 2, &value));
            config->profile = (masq_profile)value;
            break;
        case OPT_SCHEMA:
            MASQ_TRY(parse_choice("--schema", optarg, schemas, 6, &value));
            config->schema = (masq_schema)value;
            break;
        case OPT_FREQUENT:
            MASQ_TRY(parse_fraction("--frequent-threshold", optarg, &config->frequent_threshold));
            break;
        case OPT_INFREQUENT:
            MASQ_TRY(parse_fraction("--infrequent-threshold", optarg,
                                    &config->infrequent_threshold));
            break;
        case OPT_SIMILARITY:
            MASQ_TRY(parse_fraction("--similarity-threshold", optarg,
                                    &config->similarity_threshold));
            break;
        case OPT_BACKEND:
            MASQ_TRY(parse_choice("--backend", optarg, backends, 3, &value));
            config->backend = (masq_backend)value;
            break;
        case OPT_DEVICE:
            config->device = optarg;
            break;
        case OPT_KNOWN:
            config->known_path = optarg;
            break;
        case OPT_ALLOW:
            config->allow_path = optarg;
            break;
        case OPT_EMIT_NAMES:
            config->emit_names_path = optarg;
            break;
        case OPT_SHARD:
            MASQ_TRY(parse_shard(optarg, &config->shard_index, &config->shard_count));
            break;
        case OPT_SINCE:
            MASQ_TRY(parse_time("--since", optarg, &config->since_ms));
            break;
        case OPT_UNTIL:
            MASQ_TRY(parse_time("--until", optarg, &config->until_ms));
            break;
        case OPT_WORK_GROUP:
            MASQ_TRY(parse_unsigned("--work-group-size", optarg, 4096, &number));
            config->tuning.work_group_size = (uint32_t)number;
            break;
        case OPT_GROUP_NAMES:
            MASQ_TRY(parse_unsigned("--frequent-per-group", optarg, 1024, &number));
            config->tuning.frequent_per_group = (uint32_t)number;
            break;
        case OPT_TILE:
            MASQ_TRY(parse_unsigned("--tile-size", optarg, 1u << 24, &number));
            config->tuning.tile_infrequent = (uint32_t)number;
            break;
        case OPT_CAPACITY:
            MASQ_TRY(parse_unsigned("--candidate-capacity", optarg, 1u << 30, &number));
            config->tuning.candidate_capacity = (uint32_t)number;
            break;
        case OPT_FORMAT:
            MASQ_TRY(parse_choice("--format", optarg, formats, 4, &value));
            options->format = (masq_format)value;
            options->format_given = true;
            break;
        case 'o':
            options->output_path = optarg;
            break;
        case OPT_DEMO:
            config->demo = true;
            break;
        case OPT_SEED:
            MASQ_TRY(parse_unsigned("--seed", optarg, UINT64_MAX, &number));
            config->seed = number;
            break;
        case OPT_STRICT:
            config->strict = true;
            break;
        case OPT_ALLOW_EMPTY:
            options->allow_empty = true;
            break;
        case OPT_THREADS:
            MASQ_TRY(parse_unsigned("--threads", optarg, 256, &number));
            config->threads = (int)number;
            break;
        case OPT_NO_BACKGROUND:
            options->background = false;
            break;
        case OPT_PUBLISH: {
            static const char *const apis[] = {"logs-ingestion", "data-collector"};
            MASQ_TRY(parse_choice("--publish", optarg, apis, 2, &value));
            options->publish.api =
                value == 0 ? MASQ_PUBLISH_LOGS_INGESTION : MASQ_PUBLISH_DATA_COLLECTOR;
            break;
        }
        case OPT_INGESTION_ENDPOINT:
            options->publish.ingestion_endpoint = optarg;
            break;
        case OPT_DCR_ID:
            options->publish.dcr_id = optarg;
            break;
        case OPT_STREAM:
            options->publish.stream = optarg;
            break;
        case OPT_TOKEN_AUDIENCE:
            options->publish.token_audience = optarg;
            break;
        case OPT_MANAGED_IDENTITY:
            options->publish.managed_identity = true;
            break;
        case OPT_WORKSPACE_ID:
            options->publish.workspace_id = optarg;
            break;
        case OPT_WORKSPACE_KEY_FILE:
            options->publish.workspace_key_file = optarg;
            break;
        case OPT_ENDPOINT:
            options->publish.endpoint = optarg;
            break;
        case OPT_SPOOL:
            options->publish.spool_dir = optarg;
            break;
        case OPT_PUBLISH_DEMO:
            options->publish.publish_demo = true;
            break;
        case OPT_DRY_RUN:
            options->publish.dry_run = true;
            break;
        case OPT_PUBLISH_TIMEOUT:
            MASQ_TRY(parse_seconds("--publish-timeout", optarg, 0.05,
                                   &options->publish.timeout_seconds));
            break;
        case OPT_PUBLISH_RETRIES:
            MASQ_TRY(parse_unsigned("--publish-retries", optarg, 20, &number));
            options->publish.retries = (int)number;
            break;
        case OPT_PUBLISH_BACKOFF:
            MASQ_TRY(parse_seconds("--publish-backoff", optarg, 0.0,
                                   &options->publish.backoff_seconds));
            break;
        case OPT_PUBLISH_MAX_WAIT:
            MASQ_TRY(parse_seconds("--publish-max-wait", optarg, 0.0,
                                   &options->publish.max_wait_seconds));
            break;
        case OPT_BATCH_BYTES:
            MASQ_TRY(parse_unsigned("--batch-bytes", optarg,
                                    MASQ_PUBLISH_DATA_COLLECTOR_MAX_BYTES, &number));
            options->publish.batch_bytes = (size_t)number;
            break;
        case 'q':
            options->verbosity = 0;
            break;
        case 'v':
            options->verbosity++;
            break;
        case 'h':
            options->help = true;
            return MASQ_OK;
        case OPT_VERSION:
            options->command = MASQ_COMMAND_VERSION;
            return MASQ_OK;
        case ':':
            masq_error("%s needs a value", name);
            return MASQ_ERR_USAGE;
        default:
            masq_error("unknown option '%s' (try 'masq %s --help')", name,
                       first == 2 ? argv[1] : "");
            return MASQ_ERR_USAGE;
        }
    }
    config->paths = (const char *const *)(argv + optind);
    config->path_count = (size_t)(argc - optind);
    if (options->command == MASQ_COMMAND_SCAN && config->path_count == 0 && !config->demo) {
        masq_error("masq scan needs input: PATH ..., '-' for stdin, or --demo");
        return MASQ_ERR_USAGE;
    }
    if (options->command == MASQ_COMMAND_MERGE && config->path_count == 0) {
        masq_error("masq merge needs name tables (or event files) to combine");
        return MASQ_ERR_USAGE;
    }
    if (config->until_ms != MASQ_TIME_NONE && config->since_ms != MASQ_TIME_NONE &&
        config->until_ms <= config->since_ms) {
        masq_error("--until must come after --since");
        return MASQ_ERR_USAGE;
    }
    if (options->command != MASQ_COMMAND_SCAN && options->command != MASQ_COMMAND_MERGE &&
        config->path_count > 0) {
        masq_error("unexpected argument '%s'", config->paths[0]);
        return MASQ_ERR_USAGE;
    }
    return MASQ_OK;
}
