/* The command line as data: the commands, and every option once, with its kind,
 * the commands that take it, its value's name and its help text. options.c parses
 * through this table and usage.c prints from it. */
#ifndef MASQ_OPTION_TABLE_H
#define MASQ_OPTION_TABLE_H

#include <stddef.h>

typedef enum masq_command {
    MASQ_COMMAND_SCAN,
    MASQ_COMMAND_DEMO,
    MASQ_COMMAND_DEVICES,
    MASQ_COMMAND_HELP,
    MASQ_COMMAND_VERSION,
    MASQ_COMMAND_PUBLISH, /* send the spooled batches */
    MASQ_COMMAND_MERGE,   /* combine name tables */
    MASQ_COMMAND_BASELINE, /* show, prune or export a --baseline store */
    MASQ_COMMAND_QUERY,    /* print the KQL of scan --workspace */
} masq_command;

/* A set of commands, one bit each. */
#define MASQ_IN(command) (1u << (command))
#define MASQ_IN_SCAN MASQ_IN(MASQ_COMMAND_SCAN)
#define MASQ_IN_DEMO MASQ_IN(MASQ_COMMAND_DEMO)
#define MASQ_IN_DEVICES MASQ_IN(MASQ_COMMAND_DEVICES)
#define MASQ_IN_HELP MASQ_IN(MASQ_COMMAND_HELP)
#define MASQ_IN_VERSION MASQ_IN(MASQ_COMMAND_VERSION)
#define MASQ_IN_PUBLISH MASQ_IN(MASQ_COMMAND_PUBLISH)
#define MASQ_IN_MERGE MASQ_IN(MASQ_COMMAND_MERGE)
#define MASQ_IN_BASELINE MASQ_IN(MASQ_COMMAND_BASELINE)
#define MASQ_IN_QUERY MASQ_IN(MASQ_COMMAND_QUERY)
#define MASQ_IN_ALL 0x1ffu

/* What follows the options. */
typedef enum masq_operands {
    MASQ_OPERANDS_NONE,
    MASQ_OPERANDS_PATHS,   /* files, folders, '-' */
    MASQ_OPERANDS_COMMAND, /* help [COMMAND] */
} masq_operands;

typedef struct masq_command_spec {
    masq_command command;
    const char *name;     /* as typed */
    const char *synopsis; /* after the name, in 'masq --help' */
    const char *summary;  /* one line, in 'masq --help' and the completions */
    masq_operands operands;
    int listed;           /* shown in 'masq --help' among the commands */
} masq_command_spec;

extern const masq_command_spec masq_commands[];
extern const size_t masq_command_count;

/* NULL when no command has that name. */
const masq_command_spec *masq_command_named(const char *name);
const masq_command_spec *masq_command_spec_of(masq_command command);

typedef enum masq_option_kind {
    MASQ_OPTION_FLAG,       /* no value; given twice, still once */
    MASQ_OPTION_VALUE,      /* one value; given twice, the last counts */
    MASQ_OPTION_REPEATABLE, /* no value; each time counts (-v -v) */
} masq_option_kind;

/* Where an option is listed in a command's usage. */
typedef enum masq_option_group {
    MASQ_GROUP_MAIN,
    MASQ_GROUP_PUBLISH, /* publishing to Microsoft Sentinel */
    MASQ_GROUP_TUNING,  /* OpenCL tuning */
    MASQ_GROUP_COMMON,  /* -q, -v, -h, --version: every command */
} masq_option_group;

typedef enum masq_option_id {
    OPT_PROFILE,
    OPT_KNOWN,
    OPT_ALLOW,
    OPT_SUPPRESS,
    OPT_SCHEMA,
    OPT_FREQUENT,
    OPT_INFREQUENT,
    OPT_SIMILARITY,
    OPT_BACKEND,
    OPT_DEVICE,
    OPT_THREADS,
    OPT_FORMAT,
    OPT_OUTPUT,
    OPT_DEMO,
    OPT_SEED,
    OPT_NO_BACKGROUND,
    OPT_STRICT,
    OPT_ALLOW_EMPTY,
    OPT_SINCE,
    OPT_UNTIL,
    OPT_LAST,
    OPT_SAS_FILE,
    OPT_EMIT_NAMES,
    OPT_SHARD,
    OPT_WORKSPACE,
    OPT_QUERY_ENDPOINT,
    OPT_QUERY_MAX_ROWS,
    OPT_BASELINE,
    OPT_BASELINE_DAYS,
    OPT_BASELINE_DECAY,
    OPT_BASELINE_WAIT,
    OPT_RETAIN_DAYS,
    OPT_WEIGHTS,
    OPT_MIN_SEVERITY,
    OPT_REASON,
    OPT_HOST,
    OPT_TOP,
    OPT_FULL,
    OPT_COLOR,
    OPT_PUBLISH,
    OPT_INGESTION_ENDPOINT,
    OPT_DCR_ID,
    OPT_STREAM,
    OPT_MANAGED_IDENTITY,
    OPT_TOKEN_AUDIENCE,
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
    OPT_WORK_GROUP,
    OPT_GROUP_NAMES,
    OPT_TILE,
    OPT_CAPACITY,
    OPT_QUIET,
    OPT_VERBOSE,
    OPT_HELP,
    OPT_VERSION,
} masq_option_id;

typedef struct masq_option_spec {
    masq_option_id id;
    char short_name;        /* 'o', or 0 for a long name only */
    const char *long_name;  /* without the dashes */
    masq_option_kind kind;
    unsigned commands;      /* MASQ_IN_... */
    masq_option_group group;
    const char *value_name; /* MASQ_OPTION_VALUE: FILE, N, or the choices a|b */
    const char *help;       /* wrapped by hand, '\n' between lines: usage prints it from
                             * column 33, phrases tests look for kept on one line */
    unsigned other_commands; /* these read other_help instead of help */
    const char *other_help;
} masq_option_spec;

/* In the order usage lists them. */
extern const masq_option_spec masq_option_table[];
extern const size_t masq_option_count;

/* NULL when there is none. */
const masq_option_spec *masq_option_by_long(const char *name);
const masq_option_spec *masq_option_by_short(int name);

/* The help text a command shows for an option. */
const char *masq_option_help(const masq_option_spec *option, masq_command command);

#endif
