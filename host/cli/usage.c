#include "options.h"

static const char general_usage[] =
    "usage: masq COMMAND [options]\n"
    "\n"
    "Find masquerading process names (svch0st.exe beside svchost.exe) in Windows\n"
    "process-creation events, the way Microsoft Sentinel's Masquerading Process\n"
    "Name notebook does, exactly and fast.\n"
    "\n"
    "commands:\n"
    "  scan [options] [PATH ...]   find look-alike process names in events\n"
    "  demo [--seed N]             write the demo events as JSON lines\n"
    "  merge -o OUT TABLE ...      combine name tables from several runs\n"
    "  devices                     list OpenCL platforms and devices\n"
    "  publish --spool DIR         send spooled batches to Microsoft Sentinel\n"
    "  help [COMMAND]              show this text, or a command's\n"
    "\n"
    "  --version                   print the version\n"
    "\n"
    "Try: masq scan --demo\n"
    "Run 'masq COMMAND --help' for a command's options.\n";

static const char scan_usage[] =
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
    "'-' for stdin. Files may be gzip-compressed.\n"
    "\n"
    "options:\n"
    "  --profile notebook|default     semantics (default: default)\n"
    "                                 notebook: exactly the Sentinel notebook's results\n"
    "                                 default: also known system names of any length,\n"
    "                                 other or no extensions, homoglyphs, bidi and\n"
    "                                 invisible characters, trailing spaces and dots,\n"
    "                                 double extensions, known names in the wrong\n"
    "                                 folder, renamed binaries (Sysmon, Defender)\n"
    "  --known FILE                   more names to protect (default profile): lines\n"
    "                                 'name<TAB>\\folder\\;\\other\\folder\\'\n"
    "  --allow FILE                   more benign near-pairs: lines 'a.exe<TAB>b.exe'\n"
    "  --schema auto|securityevent|sysmon|mde|csv|names\n"
    "                                 input schema (default: auto, row by row:\n"
    "                                 SecurityEvent 4688, Sysmon event 1, Defender\n"
    "                                 DeviceProcessEvents; .csv files are query\n"
    "                                 exports). The notebook profile reads\n"
    "                                 SecurityEvent 4688 rows only.\n"
    "  --frequent-threshold F         percent_rank >= F is frequent (0.8)\n"
    "  --infrequent-threshold F       percent_rank < F is infrequent (0.2)\n"
    "  --similarity-threshold F       report pairs scoring > F (0.85)\n"
    "  --backend auto|cpu|opencl      compute backend (default: auto, an OpenCL GPU\n"
    "                                 if one builds the kernel and passes its\n"
    "                                 self-test, else the CPU; opencl: any OpenCL\n"
    "                                 device, CPU ones included, or exit 2)\n"
    "  --device SPEC                  OpenCL device: index (see masq devices), 'cpu',\n"
    "                                 'gpu' or a name substring (default: $MASQ_DEVICE)\n"
    "  --threads N                    CPU threads (default: one per CPU)\n"
    "  --format table|json|ndjson|csv output format (default: from the -o name,\n"
    "                                 .json .ndjson/.jsonl .csv .txt; else table on\n"
    "                                 a terminal, json otherwise)\n"
    "  -o, --output FILE              write results to FILE (default: stdout), through\n"
    "                                 a temporary file: a failed or interrupted run\n"
    "                                 leaves the previous FILE as it was\n"
    "  --demo                         mix in the notebook's synthetic events; with no\n"
    "                                 PATH, into a built-in day of a small fleet\n"
    "  --seed N                       seed of the demo events (1)\n"
    "  --strict                       any malformed line, damaged or skipped file is\n"
    "                                 fatal\n"
    "  --allow-empty                  no process-creation event read is a result\n"
    "                                 (exit 0), not an error (exit 1)\n"
    "  --since TIME, --until TIME     only events in [since, until) by TimeGenerated\n"
    "                                 (2024-06-03T10:00:00Z or 2024-06-03)\n"
    "  --emit-names FILE              also write the name table (counts, paths,\n"
    "                                 computers, first and last seen) as JSON lines;\n"
    "                                 --schema names reads such tables back\n"
    "  --shard K/N                    report only slice K (0-based) of N: anomalies\n"
    "                                 are split by suspicious name, and the N slices\n"
    "                                 together give the unsharded result\n"
    "  -q, --quiet                    errors only on stderr\n"
    "  -v, --verbose                  more detail on stderr (twice: debug)\n"
    "  -h, --help                     this text\n"
    "\n"
    "publishing to Microsoft Sentinel (docs/sentinel.md; results are written first):\n"
    "  --publish logs-ingestion|data-collector\n"
    "                                 send the anomalies to Log Analytics\n"
    "  --ingestion-endpoint URL       logs-ingestion: the DCR's or a DCE's endpoint\n"
    "  --dcr-id ID                    logs-ingestion: the DCR's immutable id (dcr-...)\n"
    "  --stream NAME                  logs-ingestion: the DCR stream\n"
    "                                 (Custom-MasqueradingProcessNameResult)\n"
    "  --managed-identity             logs-ingestion: a token from the managed\n"
    "                                 identity (IMDS), not AZURE_CLIENT_SECRET\n"
    "  --token-audience URL           https://monitor.azure.com (.us, .cn: other clouds)\n"
    "  --workspace-id ID              data-collector: the workspace id\n"
    "  --workspace-key-file FILE      data-collector: the key, in a file of mode 0600\n"
    "                                 (default: $MASQ_WORKSPACE_KEY)\n"
    "  --endpoint URL                 data-collector: instead of\n"
    "                                 https://ID.ods.opinsights.azure.com (other clouds)\n"
    "  --spool DIR                    batches not delivered go here (default:\n"
    "                                 $XDG_STATE_HOME/masq/spool, ~/.local/state/...)\n"
    "  --publish-demo                 publish anomalies of the demo events too\n"
    "  --dry-run                      print the requests, secrets redacted, to stderr\n"
    "  --publish-timeout SECONDS      per request (30)\n"
    "  --publish-retries N            on 429, 5xx, timeouts, resets (5)\n"
    "  --publish-backoff SECONDS      first wait between tries, doubled each time,\n"
    "                                 with jitter; Retry-After wins (1)\n"
    "  --batch-bytes N                smaller batches than the API's limit\n"
    "\n"
    "OpenCL tuning (default: a table by device; results never depend on them):\n"
    "  --work-group-size N            work-items per group\n"
    "  --frequent-per-group N         frequent names whose tables a group holds\n"
    "  --tile-size N                  infrequent names per tile\n"
    "  --candidate-capacity N         candidates a launch returns before re-running\n"
    "\n"
    "environment: MASQ_DEVICE (as --device), MASQ_KERNEL_DIR (load kernels from a\n"
    "folder instead of the built-in copy); for publishing AZURE_TENANT_ID,\n"
    "AZURE_CLIENT_ID, AZURE_CLIENT_SECRET, AZURE_AUTHORITY_HOST, MASQ_WORKSPACE_KEY.\n"
    "\n"
    "score (the notebook's calcDist): if both names contain '.', and the text after\n"
    "the last '.' is equal, it is dropped from both; score = 1 - d / max(len1, len2)\n"
    "with d the true Damerau-Levenshtein distance over code points, rounded to\n"
    "float32. A name with no '.' scores 0.\n"
    "\n"
    "exit status: 0 success (with or without anomalies), 1 bad usage or input,\n"
    "2 internal or device failure, 3 publishing failed.\n";

static const char demo_usage[] =
    "usage: masq demo [--seed N] [--no-background]\n"
    "\n"
    "Writes the demo events to stdout as SecurityEvent JSON lines: the built-in\n"
    "day of a small fleet, then the Sentinel notebook's synthetic events (its 40\n"
    "normal names 20 times each, one-letter variants of them, scvhost.exe and\n"
    "svch0st.exe). The same seed gives the same bytes. 'masq scan FILE' on the\n"
    "output finds what 'masq scan --demo' finds.\n"
    "\n"
    "  --seed N           seed (1)\n"
    "  --no-background    only the notebook's synthetic events\n";

static const char publish_usage[] =
    "usage: masq publish [--spool DIR] [--dry-run] [--managed-identity] [options]\n"
    "\n"
    "Sends the batches that 'masq scan --publish ...' could not deliver and kept\n"
    "in the spool folder, each to the API, DCR or workspace it was meant for.\n"
    "A delivered batch's file is removed at once, so it is never sent twice;\n"
    "what still fails stays, and masq exits 3.\n"
    "\n"
    "  --spool DIR                 the spool folder (default:\n"
    "                              $XDG_STATE_HOME/masq/spool or\n"
    "                              ~/.local/state/masq/spool)\n"
    "  --dry-run                   print the requests (secrets redacted) to stdout\n"
    "  --managed-identity          Logs Ingestion tokens from the managed identity\n"
    "  --token-audience URL        https://monitor.azure.com (other clouds differ)\n"
    "  --workspace-key-file FILE   Data Collector key (default: $MASQ_WORKSPACE_KEY)\n"
    "  --publish-timeout SECONDS   per request (30)\n"
    "  --publish-retries N         (5)\n"
    "  --publish-backoff SECONDS   (1)\n"
    "\n"
    "Credentials come from the environment only: AZURE_TENANT_ID, AZURE_CLIENT_ID,\n"
    "AZURE_CLIENT_SECRET (AZURE_AUTHORITY_HOST for other clouds), MASQ_WORKSPACE_KEY.\n"
    "\n"
    "exit status: 0 all sent, 1 bad usage, 3 some batches remain.\n";

static const char devices_usage[] =
    "usage: masq devices\n"
    "\n"
    "Lists the OpenCL platforms and devices masq can use, with the index that\n"
    "--device takes. Exits 2 when there is no OpenCL platform.\n";

static const char merge_usage[] =
    "usage: masq merge [-o OUT] TABLE ...\n"
    "\n"
    "Combines name tables (written by 'masq scan --emit-names', or by the Spark job\n"
    "in tools/spark/) from several runs or machines into one, summing counts and\n"
    "joining paths, computers and first/last sightings. 'masq scan --schema names'\n"
    "on the result gives the anomalies of one run over all the events.\n"
    "\n"
    "  -o, --output FILE   write the table there (default: stdout)\n";

void masq_usage_print(FILE *out, masq_command command)
{
    switch (command) {
    case MASQ_COMMAND_MERGE:
        fputs(merge_usage, out);
        break;
    case MASQ_COMMAND_SCAN:
        fputs(scan_usage, out);
        break;
    case MASQ_COMMAND_DEMO:
        fputs(demo_usage, out);
        break;
    case MASQ_COMMAND_DEVICES:
        fputs(devices_usage, out);
        break;
    case MASQ_COMMAND_PUBLISH:
        fputs(publish_usage, out);
        break;
    default:
        fputs(general_usage, out);
        break;
    }
}
