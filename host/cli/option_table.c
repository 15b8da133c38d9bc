#include "option_table.h"

#include <string.h>

/* Commands in the order 'masq --help' lists them. */
const masq_command_spec masq_commands[] = {
    {MASQ_COMMAND_SCAN, "scan", "[options] [PATH ...]", "find look-alike process names in events",
     MASQ_OPERANDS_PATHS, 1},
    {MASQ_COMMAND_DEMO, "demo", "[--seed N]", "write the demo events as JSON lines",
     MASQ_OPERANDS_NONE, 1},
    {MASQ_COMMAND_MERGE, "merge", "-o OUT TABLE ...", "combine name tables from several runs",
     MASQ_OPERANDS_PATHS, 1},
    {MASQ_COMMAND_BASELINE, "baseline", "show|prune|export FILE",
     "what a --baseline store holds; retention; its history", MASQ_OPERANDS_PATHS, 1},
    {MASQ_COMMAND_QUERY, "query", "--workspace ID",
     "print the KQL query that scan --workspace sends", MASQ_OPERANDS_NONE, 1},
    {MASQ_COMMAND_DEVICES, "devices", "", "list OpenCL platforms and devices", MASQ_OPERANDS_NONE,
     1},
    {MASQ_COMMAND_PUBLISH, "publish", "--spool DIR ...",
     "send spooled batches to Microsoft Sentinel", MASQ_OPERANDS_NONE, 1},
    {MASQ_COMMAND_HELP, "help", "[COMMAND]", "show this text, or a command's",
     MASQ_OPERANDS_COMMAND, 1},
    {MASQ_COMMAND_VERSION, "version", "", "print the version", MASQ_OPERANDS_NONE, 0},
};
const size_t masq_command_count = sizeof masq_commands / sizeof *masq_commands;

const masq_command_spec *masq_command_named(const char *name)
{
    for (size_t i = 0; i < masq_command_count; i++)
        if (strcmp(masq_commands[i].name, name) == 0)
            return &masq_commands[i];
    return NULL;
}

const masq_command_spec *masq_command_spec_of(masq_command command)
{
    for (size_t i = 0; i < masq_command_count; i++)
        if (masq_commands[i].command == command)
            return &masq_commands[i];
    return &masq_commands[0];
}

#define F MASQ_OPTION_FLAG
#define V MASQ_OPTION_VALUE
#define R MASQ_OPTION_REPEATABLE
#define SCAN MASQ_IN_SCAN
#define WINDOWED (MASQ_IN_SCAN | MASQ_IN_QUERY)
#define PUBLISHING (MASQ_IN_SCAN | MASQ_IN_PUBLISH)
#define MAIN MASQ_GROUP_MAIN
#define PUB MASQ_GROUP_PUBLISH
#define TUNE MASQ_GROUP_TUNING
#define COMMON MASQ_GROUP_COMMON

/* Options a scan passes on to 'masq publish' unchanged, so that one set of
 * publishing options serves both commands; they do nothing there. */
static const char passed_on[] = "accepted as masq scan takes it, so that one\n"
                                "set of options serves both; no effect here";

const masq_option_spec masq_option_table[] = {
    {OPT_PROFILE, 0, "profile", V, WINDOWED, MAIN, "notebook|default",
     "semantics (default: default)\n"
     "notebook: exactly the Sentinel notebook's results\n"
     "default: also the knowledge base's names and\n"
     "names the fleet runs from system folders as\n"
     "anchors, other or no extensions, homoglyphs, bidi\n"
     "and invisible characters, trailing spaces and\n"
     "dots, double extensions, names in the wrong\n"
     "folder, look-alike folders, renamed binaries",
     0, NULL},
    {OPT_KNOWN, 0, "known", V, SCAN, MAIN, "FILE",
     "more names to protect (default profile): lines\n"
     "'name<TAB>\\folder\\;\\glob*\\<TAB>original;original'",
     0, NULL},
    {OPT_ALLOW, 0, "allow", V, SCAN, MAIN, "FILE",
     "more benign near-pairs: lines 'a.exe<TAB>b.exe'", 0, NULL},
    {OPT_SUPPRESS, 0, "suppress", V, SCAN, MAIN, "FILE",
     "silence the findings that rules in a CSV cover\n"
     "(a Sentinel watchlist export; columns\n"
     "PotentiallyMaliciousProcess, NormalProcess,\n"
     "Reason, Folder, Computer, SHA256, Expires);\n"
     "each suppressed finding is counted",
     0, NULL},
    {OPT_SCHEMA, 0, "schema", V, SCAN, MAIN, "auto|securityevent|sysmon|mde|csv|names|asim",
     "input schema (default: auto, row by row:\n"
     "SecurityEvent 4688, Sysmon event 1, Defender\n"
     "DeviceProcessEvents, ASIM process events;\n"
     ".csv files are query exports). The notebook\n"
     "profile reads SecurityEvent 4688 rows only.",
     0, NULL},
    {OPT_FREQUENT, 0, "frequent-threshold", V, SCAN, MAIN, "F",
     "percent_rank >= F is frequent (0.8)", 0, NULL},
    {OPT_INFREQUENT, 0, "infrequent-threshold", V, SCAN, MAIN, "F",
     "percent_rank < F is infrequent (0.2)", 0, NULL},
    {OPT_SIMILARITY, 0, "similarity-threshold", V, SCAN, MAIN, "F",
     "report pairs scoring > F (0.85)", 0, NULL},
    {OPT_BACKEND, 0, "backend", V, SCAN, MAIN, "auto|cpu|opencl",
     "compute backend (default: auto, an OpenCL GPU\n"
     "if one builds the kernel and passes its\n"
     "self-test, else the CPU; opencl: any OpenCL\n"
     "device, CPU ones included, or exit 2)",
     0, NULL},
    {OPT_DEVICE, 0, "device", V, SCAN, MAIN, "SPEC",
     "OpenCL device: index (see masq devices), 'cpu',\n"
     "'gpu' or a name substring (default: $MASQ_DEVICE)",
     0, NULL},
    {OPT_THREADS, 0, "threads", V, SCAN, MAIN, "N", "CPU threads (default: one per CPU)", 0,
     NULL},
    {OPT_MIN_SEVERITY, 0, "min-severity", V, SCAN, MAIN, "low|medium|high",
     "report (and publish) only findings of this\n"
     "severity or higher",
     0, NULL},
    {OPT_REASON, 0, "reason", V, SCAN, MAIN, "LIST",
     "only findings with one of these reasons, comma-\n"
     "separated: look-alike, extension, homoglyph, bidi,\n"
     "invisible, trailing, double-extension,\n"
     "wrong-folder, renamed, look-alike-folder,\n"
     "new-folder",
     0, NULL},
    {OPT_HOST, 0, "host", V, SCAN, MAIN, "GLOB",
     "only findings seen on a host the glob matches\n"
     "('ws-*', any case)",
     0, NULL},
    {OPT_TOP, 0, "top", V, SCAN, MAIN, "N",
     "only the first N findings in report order\n"
     "(severity, score, names); the summary counts\n"
     "what the triage options left out",
     0, NULL},
    {OPT_FORMAT, 0, "format", V, SCAN, MAIN, "table|json|ndjson|csv|html",
     "output format (default: from the -o name,\n"
     ".json .ndjson/.jsonl .csv .html .txt; else table on\n"
     "a terminal, json otherwise)",
     0, NULL},
    {OPT_OUTPUT, 'o', "output", V, SCAN | MASQ_IN_MERGE | MASQ_IN_BASELINE, MAIN, "FILE",
     "write results to FILE (default: stdout), through\n"
     "a temporary file: a failed or interrupted run\n"
     "leaves the previous FILE as it was",
     MASQ_IN_MERGE,
     "write the table there (default: stdout), through\n"
     "a temporary file, as masq scan does"},
    {OPT_FULL, 0, "full", F, SCAN, MAIN, NULL,
     "table: every cell whole, not cut to the width\n"
     "($COLUMNS, the terminal's, else 80)",
     0, NULL},
    {OPT_COLOR, 0, "color", V, SCAN, MAIN, "auto|always|never",
     "table: severity in colour (default: auto, on a\n"
     "terminal unless NO_COLOR is set)",
     0, NULL},
    {OPT_DEMO, 0, "demo", F, SCAN, MAIN, NULL,
     "mix in the notebook's synthetic events; with no\n"
     "PATH, into a built-in day of a small fleet",
     0, NULL},
    {OPT_SEED, 0, "seed", V, SCAN | MASQ_IN_DEMO, MAIN, "N", "seed of the demo events (1)",
     MASQ_IN_DEMO, "seed (1); the same seed gives the same bytes"},
    {OPT_NO_BACKGROUND, 0, "no-background", F, MASQ_IN_DEMO, MAIN, NULL,
     "only the notebook's synthetic events", 0, NULL},
    {OPT_STRICT, 0, "strict", F, SCAN, MAIN, NULL,
     "any malformed line, damaged or skipped file is\n"
     "fatal",
     0, NULL},
    {OPT_ALLOW_EMPTY, 0, "allow-empty", F, SCAN, MAIN, NULL,
     "no process-creation event read is a result\n"
     "(exit 0), not an error (exit 1)",
     0, NULL},
    {OPT_SINCE, 0, "since", V, WINDOWED, MAIN, "TIME",
     "only events at TIME or later by TimeGenerated\n"
     "(2024-06-03T10:00:00Z or 2024-06-03)",
     0, NULL},
    {OPT_UNTIL, 0, "until", V, WINDOWED, MAIN, "TIME",
     "only events before TIME: [since, until)", 0, NULL},
    {OPT_LAST, 0, "last", V, WINDOWED, MAIN, "DURATION",
     "only events of the last DURATION before now\n"
     "(1d, 12h, 30m, 2w): the notebook's window is\n"
     "--last 1d",
     0, NULL},
    {OPT_SAS_FILE, 0, "sas-file", V, SCAN, MAIN, "FILE",
     "a container URL's SAS (read, list), in a file\n"
     "of mode 0600 (default: $MASQ_STORAGE_SAS;\n"
     "without one, an Entra token for storage)",
     0, NULL},
    {OPT_EMIT_NAMES, 0, "emit-names", V, SCAN, MAIN, "FILE",
     "also write the name table (counts, paths,\n"
     "computers, first and last seen) as JSON lines;\n"
     "--schema names reads such tables back",
     0, NULL},
    {OPT_BASELINE, 0, "baseline", V, SCAN, MAIN, "FILE",
     "keep each data day's names in the SQLite store\n"
     "FILE (made if missing; a day re-run replaces\n"
     "its rows) and, in the default profile, rank\n"
     "names by the last --baseline-days of it and\n"
     "tell what is new in the fleet and on a host",
     0, NULL},
    {OPT_BASELINE_DAYS, 0, "baseline-days", V, SCAN | MASQ_IN_BASELINE, MAIN, "N",
     "days ranked together, the newest included (30)", 0, NULL},
    {OPT_BASELINE_DECAY, 0, "baseline-decay", V, SCAN | MASQ_IN_BASELINE, MAIN, "D",
     "weight of a day per day of age, 0 < D <= 1:\n"
     "a day k days old counts D^k (0.95; 1: none)",
     0, NULL},
    {OPT_BASELINE_WAIT, 0, "baseline-wait", V, SCAN | MASQ_IN_BASELINE, MAIN, "SECONDS",
     "wait this long for another run holding the\n"
     "store, then give up (60)",
     0, NULL},
    {OPT_RETAIN_DAYS, 0, "retain-days", V, MASQ_IN_BASELINE, MAIN, "N",
     "prune: keep the newest day's last N days (90)", 0, NULL},
    {OPT_WEIGHTS, 0, "weights", F, MASQ_IN_BASELINE, MAIN, NULL,
     "show: each name's weighted count, rank and tier\n"
     "as of the newest day, as JSON lines",
     0, NULL},
    {OPT_SHARD, 0, "shard", V, SCAN, MAIN, "K/N",
     "report only slice K (0-based) of N: anomalies\n"
     "are split by suspicious name, and the N slices\n"
     "together give the unsharded result",
     0, NULL},
    {OPT_WORKSPACE, 0, "workspace", V, WINDOWED, MAIN, "ID",
     "also read the names of a Log Analytics\n"
     "workspace (its id) through the Logs Query API:\n"
     "counted there by one KQL query (masq query\n"
     "prints it), for --since/--until or --last\n"
     "(default: the last day); needs Log Analytics\n"
     "Reader, AZURE_TENANT_ID, AZURE_CLIENT_ID and\n"
     "AZURE_CLIENT_SECRET or --managed-identity",
     MASQ_IN_QUERY, "the workspace id (a GUID)"},
    {OPT_QUERY_ENDPOINT, 0, "query-endpoint", V, SCAN, MAIN, "URL",
     "the Logs Query API (https://api.loganalytics.\n"
     "azure.com; other clouds)",
     0, NULL},
    {OPT_QUERY_MAX_ROWS, 0, "query-max-rows", V, WINDOWED, MAIN, "N",
     "rows one answer may hold before its window is\n"
     "split in two and asked again (499999, the most)",
     0, NULL},

    {OPT_PUBLISH, 0, "publish", V, PUBLISHING, PUB, "logs-ingestion|data-collector",
     "send the anomalies to Log Analytics; the Data\n"
     "Collector API was retired on 14 September 2026\n"
     "(kept for workspaces that still take it)",
     MASQ_IN_PUBLISH,
     "the API of the target; a spool file's own\n"
     "target must equal the one given here"},
    {OPT_INGESTION_ENDPOINT, 0, "ingestion-endpoint", V, PUBLISHING, PUB, "URL",
     "logs-ingestion: the DCR's or a DCE's endpoint", 0, NULL},
    {OPT_DCR_ID, 0, "dcr-id", V, PUBLISHING, PUB, "ID",
     "logs-ingestion: the DCR's immutable id (dcr-...)", 0, NULL},
    {OPT_STREAM, 0, "stream", V, PUBLISHING, PUB, "NAME",
     "logs-ingestion: the DCR stream\n"
     "(Custom-MasqueradingProcessNameResult)",
     0, NULL},
    {OPT_MANAGED_IDENTITY, 0, "managed-identity", F, PUBLISHING, PUB, NULL,
     "logs-ingestion, --workspace and container URLs:\n"
     "a token from the managed identity (IMDS), not\n"
     "AZURE_CLIENT_SECRET",
     MASQ_IN_PUBLISH,
     "logs-ingestion: a token from the managed\n"
     "identity (IMDS), not AZURE_CLIENT_SECRET"},
    {OPT_TOKEN_AUDIENCE, 0, "token-audience", V, PUBLISHING, PUB, "URL",
     "https://monitor.azure.com (.us, .cn: other clouds)", 0, NULL},
    {OPT_WORKSPACE_ID, 0, "workspace-id", V, PUBLISHING, PUB, "ID",
     "data-collector: the workspace id", 0, NULL},
    {OPT_WORKSPACE_KEY_FILE, 0, "workspace-key-file", V, PUBLISHING, PUB, "FILE",
     "data-collector: the key, in a file of mode 0600\n"
     "(default: $MASQ_WORKSPACE_KEY)",
     0, NULL},
    {OPT_ENDPOINT, 0, "endpoint", V, PUBLISHING, PUB, "URL",
     "data-collector: instead of\n"
     "https://ID.ods.opinsights.azure.com (other clouds)",
     0, NULL},
    {OPT_SPOOL, 0, "spool", V, PUBLISHING, PUB, "DIR",
     "every batch is kept here until acknowledged\n"
     "(yours, 0700; default: $XDG_STATE_HOME/masq/\n"
     "spool, ~/.local/state/masq/spool)",
     MASQ_IN_PUBLISH,
     "the spool folder (default:\n"
     "$XDG_STATE_HOME/masq/spool or\n"
     "~/.local/state/masq/spool)"},
    {OPT_PUBLISH_DEMO, 0, "publish-demo", F, PUBLISHING, PUB, NULL,
     "publish anomalies of the demo events too", MASQ_IN_PUBLISH, passed_on},
    {OPT_DRY_RUN, 0, "dry-run", F, PUBLISHING, PUB, NULL,
     "print the requests, secrets redacted, to stderr\n"
     "(with --workspace: its query, sending nothing;\n"
     "a container URL is still read: its requests\n"
     "are shown)", MASQ_IN_PUBLISH,
     "print the requests, secrets redacted, to stdout"},
    {OPT_PUBLISH_TIMEOUT, 0, "publish-timeout", V, PUBLISHING, PUB, "SECONDS",
     "per request (30)", 0, NULL},
    {OPT_PUBLISH_RETRIES, 0, "publish-retries", V, PUBLISHING, PUB, "N",
     "on 429, 5xx, timeouts, resets (5)", 0, NULL},
    {OPT_PUBLISH_BACKOFF, 0, "publish-backoff", V, PUBLISHING, PUB, "SECONDS",
     "first wait between tries, doubled each time,\n"
     "with jitter; Retry-After wins, up to 300 s (1)",
     0, NULL},
    {OPT_PUBLISH_MAX_WAIT, 0, "publish-max-wait", V, PUBLISHING, PUB, "SECONDS",
     "all waits of a run together, at most (900)", 0, NULL},
    {OPT_BATCH_BYTES, 0, "batch-bytes", V, PUBLISHING, PUB, "N",
     "smaller batches than the API's limit", MASQ_IN_PUBLISH, passed_on},

    {OPT_WORK_GROUP, 0, "work-group-size", V, SCAN, TUNE, "N", "work-items per group", 0, NULL},
    {OPT_GROUP_NAMES, 0, "frequent-per-group", V, SCAN, TUNE, "N",
     "frequent names whose tables a group holds", 0, NULL},
    {OPT_TILE, 0, "tile-size", V, SCAN, TUNE, "N", "infrequent names per tile", 0, NULL},
    {OPT_CAPACITY, 0, "candidate-capacity", V, SCAN, TUNE, "N",
     "candidates a launch returns before re-running", 0, NULL},

    {OPT_QUIET, 'q', "quiet", F, MASQ_IN_ALL, COMMON, NULL, "errors only on stderr", 0, NULL},
    {OPT_VERBOSE, 'v', "verbose", R, MASQ_IN_ALL, COMMON, NULL,
     "more detail on stderr (twice: debug)", 0, NULL},
    {OPT_HELP, 'h', "help", F, MASQ_IN_ALL, COMMON, NULL, "this text", 0, NULL},
    {OPT_VERSION, 0, "version", F, MASQ_IN_ALL, COMMON, NULL, "print the version", 0, NULL},
};
const size_t masq_option_count = sizeof masq_option_table / sizeof *masq_option_table;

const masq_option_spec *masq_option_by_long(const char *name)
{
    for (size_t i = 0; i < masq_option_count; i++)
        if (strcmp(masq_option_table[i].long_name, name) == 0)
            return &masq_option_table[i];
    return NULL;
}

const masq_option_spec *masq_option_by_short(int name)
{
    for (size_t i = 0; i < masq_option_count; i++)
        if (name != 0 && masq_option_table[i].short_name == name)
            return &masq_option_table[i];
    return NULL;
}

const char *masq_option_help(const masq_option_spec *option, masq_command command)
{
    return option->other_help && (option->other_commands & MASQ_IN(command)) ? option->other_help
                                                                             : option->help;
}
