#include "usage.h"

#include <stdbool.h>
#include <string.h>

static const char general_head[] =
    "usage: masq COMMAND [options]\n"
    "\n"
    "Find masquerading process names (svch0st.exe beside svchost.exe) in Windows\n"
    "process-creation events, the way Microsoft Sentinel's Masquerading Process\n"
    "Name notebook does, exactly and fast.\n"
    "\n"
    "commands:\n";

static const char general_tail[] =
    "\n"
    "Try: masq scan --demo\n"
    "Run 'masq COMMAND --help' (or 'masq help COMMAND') for a command's options.\n";

static const char scan_head[] =
    "usage: masq scan [options] [PATH ...]\n"
    "\n"
    "Reads Windows process-creation events (SecurityEvent 4688 rows as JSON lines,\n"
    "one object a line, as a Log Analytics data export writes them), counts events\n"
    "per lower-cased process name, ranks the counts with Spark's percent_rank, and\n"
    "compares every frequent name with every infrequent one by true\n"
    "Damerau-Levenshtein distance. Pairs scoring above the similarity threshold\n"
    "are reported with their paths, computers and first and last sightings.\n"
    "\n"
    "PATH is a file, a folder (read recursively: .json, .jsonl, .ndjson and the\n"
    "same with .gz, e.g. an export's y=YYYY/m=MM/d=DD/h=HH/m=mm/PT05M.json), or\n"
    "'-' for stdin. Files may be gzip-compressed. A PATH may also be the export\n"
    "container, https://ACCOUNT.blob.core.windows.net/am-securityevent[/PREFIX],\n"
    "read over HTTPS without copying it (docs/sentinel.md).\n";

static const char scan_tail[] =
    "\n"
    "environment: MASQ_DEVICE (as --device), MASQ_KERNEL_DIR (load kernels from a\n"
    "folder instead of the built-in copy); for publishing AZURE_TENANT_ID,\n"
    "AZURE_CLIENT_ID, AZURE_CLIENT_SECRET, AZURE_AUTHORITY_HOST, MASQ_WORKSPACE_KEY;\n"
    "for reading a container URL MASQ_STORAGE_SAS, or the same AZURE_* credentials.\n"
    "\n"
    "score (the notebook's calcDist): if both names contain '.', and the text after\n"
    "the last '.' is equal, it is dropped from both; score = 1 - d / max(len1, len2)\n"
    "with d the true Damerau-Levenshtein distance over code points, rounded to\n"
    "float32. A name with no '.' scores 0.\n"
    "\n"
    "exit status: 0 success (with or without anomalies), 1 bad usage or input,\n"
    "2 internal or device failure, 3 publishing failed.\n";

static const char demo_head[] =
    "usage: masq demo [--seed N] [--no-background]\n"
    "\n"
    "Writes the demo events to stdout as SecurityEvent JSON lines: the built-in\n"
    "day of a small fleet, then the Sentinel notebook's synthetic events (its 40\n"
    "normal names 20 times each, one-letter variants of them, scvhost.exe and\n"
    "svch0st.exe). The same seed gives the same bytes. 'masq scan FILE' on the\n"
    "output finds what 'masq scan --demo' finds.\n";

static const char publish_head[] =
    "usage: masq publish [--spool DIR] --publish logs-ingestion --ingestion-endpoint\n"
    "                    URL --dcr-id ID [--stream NAME] [options]\n"
    "       masq publish [--spool DIR] --publish data-collector --workspace-id ID\n"
    "                    [--endpoint URL] [options]\n"
    "\n"
    "Sends the batches that 'masq scan --publish ...' kept in the spool folder and\n"
    "that were not acknowledged (a failure, or a crash), to the target named here:\n"
    "a spool file's own target must equal it, or the file is left for another run.\n"
    "A delivered batch's file is removed at once, so it is never sent twice;\n"
    "what still fails stays, and masq exits 3.\n"
    "The Data Collector API was retired on 14 September 2026 (kept for\n"
    "workspaces that still take it).\n";

static const char publish_tail[] =
    "\n"
    "Credentials come from the environment only: AZURE_TENANT_ID, AZURE_CLIENT_ID,\n"
    "AZURE_CLIENT_SECRET (AZURE_AUTHORITY_HOST for other clouds), MASQ_WORKSPACE_KEY.\n"
    "\n"
    "exit status: 0 all sent, 1 bad usage, 3 some batches remain.\n";

static const char devices_head[] =
    "usage: masq devices\n"
    "\n"
    "Lists the OpenCL platforms and devices masq can use, with the index that\n"
    "--device takes. Exits 2 when there is no OpenCL platform.\n";

static const char merge_head[] =
    "usage: masq merge [-o OUT] TABLE ...\n"
    "\n"
    "Combines name tables (written by 'masq scan --emit-names', or by the Spark job\n"
    "in tools/spark/) from several runs or machines into one, summing counts and\n"
    "joining paths, computers and first/last sightings. 'masq scan --schema names'\n"
    "on the result gives the anomalies of one run over all the events.\n";

static const char baseline_head[] =
    "usage: masq baseline show [--weights] FILE\n"
    "       masq baseline prune [--retain-days N] FILE\n"
    "       masq baseline export [-o OUT] FILE\n"
    "\n"
    "A baseline is the SQLite store 'masq scan --baseline FILE' keeps: each data day's\n"
    "name table (counts, hosts, folders, original names, first and last seen).\n"
    "show: its days, names and size (--weights: each name's weighted count, rank\n"
    "and tier as a scan of its newest day would rank them). prune: drop the days\n"
    "older than the newest day's last N. export: the merged history as one name\n"
    "table, for --schema names, masq merge and the Spark job.\n";

static const char query_head[] =
    "usage: masq query --workspace ID [--profile P] [--since T] [--until T | --last D]\n"
    "\n"
    "Prints the KQL query 'masq scan --workspace ID' sends to the Logs Query API\n"
    "with the same options, for its first request (a window too large for one\n"
    "answer is split in halves, each with its own bounds): the process starts of\n"
    "the window summarized into rows of raw values, their counts and their first\n"
    "and last times. Run it in the portal to see what masq reads. Sends nothing.\n";

/* The prose around a command's options. */
static void texts_of(masq_command command, const char **head, const char **tail)
{
    *tail = NULL;
    switch (command) {
    case MASQ_COMMAND_SCAN:
        *head = scan_head, *tail = scan_tail;
        break;
    case MASQ_COMMAND_DEMO:
        *head = demo_head;
        break;
    case MASQ_COMMAND_MERGE:
        *head = merge_head;
        break;
    case MASQ_COMMAND_BASELINE:
        *head = baseline_head;
        break;
    case MASQ_COMMAND_DEVICES:
        *head = devices_head;
        break;
    case MASQ_COMMAND_QUERY:
        *head = query_head;
        break;
    case MASQ_COMMAND_PUBLISH:
        *head = publish_head, *tail = publish_tail;
        break;
    default:
        *head = general_head, *tail = general_tail;
        break;
    }
}

/* "-o, --output FILE" */
static void option_words(const masq_option_spec *option, char *out, size_t size)
{
    char value[80] = "";
    if (option->kind == MASQ_OPTION_VALUE)
        snprintf(value, sizeof value, " %s", option->value_name);
    if (option->short_name)
        snprintf(out, size, "-%c, --%s%s", option->short_name, option->long_name, value);
    else
        snprintf(out, size, "--%s%s", option->long_name, value);
}

enum { WIDEST_COLUMN = 33 }; /* help text from here; wider names on a line of their own */

static bool belongs(const masq_option_spec *option, masq_command command)
{
    return (option->commands & MASQ_IN(command)) != 0;
}

/* The column a command's help text starts at: past its longest option that fits. */
static int help_column(masq_command command)
{
    int column = 0;
    for (size_t i = 0; i < masq_option_count; i++) {
        char words[128];
        if (!belongs(&masq_option_table[i], command))
            continue;
        option_words(&masq_option_table[i], words, sizeof words);
        int need = 2 + (int)strlen(words) + 2; /* two spaces before the help... */
        if (need <= WIDEST_COLUMN + 1 && need > column)
            column = need; /* ...or one, at the widest */
    }
    return column == 0 || column > WIDEST_COLUMN ? WIDEST_COLUMN : column;
}

static void print_option(FILE *out, const masq_option_spec *option, masq_command command,
                         int column)
{
    char words[128];
    option_words(option, words, sizeof words);
    int used = fprintf(out, "  %s", words);
    if (used + 1 > column) {
        fputc('\n', out);
        used = 0;
    }
    const char *line = masq_option_help(option, command);
    while (*line) {
        size_t length = strcspn(line, "\n");
        fprintf(out, "%*s%.*s\n", column - used, "", (int)length, line);
        used = 0;
        line += length;
        if (*line == '\n')
            line++;
    }
}

static const char *heading(masq_option_group group, masq_command command)
{
    if (command == MASQ_COMMAND_SCAN && group == MASQ_GROUP_PUBLISH)
        return "publishing to Microsoft Sentinel (docs/sentinel.md; results are written first):";
    if (command == MASQ_COMMAND_SCAN && group == MASQ_GROUP_TUNING)
        return "OpenCL tuning (default: a table by device; results never depend on them):";
    return "options:";
}

static void print_options(FILE *out, masq_command command)
{
    /* scan keeps -q, -v, -h with its own options, before publishing and tuning */
    static const masq_option_group scan_order[] = {MASQ_GROUP_MAIN, MASQ_GROUP_COMMON,
                                                   MASQ_GROUP_PUBLISH, MASQ_GROUP_TUNING};
    static const masq_option_group other_order[] = {MASQ_GROUP_MAIN, MASQ_GROUP_PUBLISH,
                                                    MASQ_GROUP_TUNING, MASQ_GROUP_COMMON};
    const masq_option_group *order = command == MASQ_COMMAND_SCAN ? scan_order : other_order;
    int column = help_column(command);
    const char *last_heading = NULL;
    for (size_t g = 0; g < 4; g++)
        for (size_t i = 0; i < masq_option_count; i++) {
            const masq_option_spec *option = &masq_option_table[i];
            if (option->group != order[g] || !belongs(option, command))
                continue;
            const char *title = heading(option->group, command);
            if (title != last_heading)
                fprintf(out, "\n%s\n", title);
            last_heading = title;
            print_option(out, option, command, column);
        }
}

static void print_commands(FILE *out)
{
    for (size_t i = 0; i < masq_command_count; i++) {
        const masq_command_spec *c = &masq_commands[i];
        if (!c->listed)
            continue;
        char words[64];
        snprintf(words, sizeof words, "%s%s%s", c->name, c->synopsis[0] ? " " : "", c->synopsis);
        fprintf(out, "  %-26s  %s\n", words, c->summary);
    }
    const masq_option_spec *version = masq_option_by_long("version");
    fprintf(out, "\n  %-26s  %s\n", "--version", version ? version->help : "");
}

void masq_usage_print(FILE *out, masq_command command)
{
    const char *head, *tail;
    texts_of(command, &head, &tail);
    fputs(head, out);
    if (command == MASQ_COMMAND_HELP || command == MASQ_COMMAND_VERSION)
        print_commands(out);
    else
        print_options(out, command);
    if (tail)
        fputs(tail, out);
}
