/* What a scan is asked and what it finds: the configuration, the anomalies
 * with their evidence, the summary. The stages that make and read results
 * (detect, report, publish) see this header; the library's public face,
 * masq.h, adds the calls. */
#ifndef MASQ_RESULT_H
#define MASQ_RESULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "detect/reasons.h"
#include "ingest/ingest.h"
#include "ingest/workspace_query.h"
#include "match/match.h"
#include "names/name_table.h"
#include "util/status.h"
#include "util/version.h"

typedef enum masq_profile {
    MASQ_PROFILE_DEFAULT = 0, /* for now the notebook's rules; detection beyond them comes next */
    MASQ_PROFILE_NOTEBOOK,    /* exactly the Sentinel notebook's results */
} masq_profile;

typedef enum masq_format {
    MASQ_FORMAT_TABLE = 0,
    MASQ_FORMAT_JSON,
    MASQ_FORMAT_NDJSON,
    MASQ_FORMAT_CSV,
    MASQ_FORMAT_HTML, /* one self-contained page (report/html_report.h) */
} masq_format;

/* The same values as masq_match_backend. */
typedef enum masq_backend {
    MASQ_BACKEND_AUTO = MASQ_MATCH_AUTO,     /* an OpenCL GPU if one works, else the CPU */
    MASQ_BACKEND_CPU = MASQ_MATCH_CPU,
    MASQ_BACKEND_OPENCL = MASQ_MATCH_OPENCL, /* any OpenCL device, CPU ones included */
} masq_backend;

/* Triage: which findings are reported (and published). A finding is one
 * suspicious name with the normal names it imitates (detect/findings.h). */
typedef struct masq_triage {
    int min_severity;       /* --min-severity: pairs below it are left out (0: all) */
    uint32_t reasons;       /* --reason LIST: pairs with none of these reasons are left out (0: all) */
    const char *host_glob;  /* --host GLOB: pairs no evidence host of which matches (lower-cased) */
    uint64_t top;           /* --top N: the first N findings in report order (0: all) */
} masq_triage;

/* How the table is drawn (report/report_table.c). */
typedef enum masq_color {
    MASQ_COLOR_NEVER = 0,
    MASQ_COLOR_ALWAYS,
} masq_color;

typedef struct masq_table_style {
    int columns;     /* fit this many columns (<= 0: 80) */
    bool full;       /* --full: no cell is cut */
    masq_color color;/* severity in colour (the CLI decides: a terminal, --color, NO_COLOR) */
} masq_table_style;

typedef struct masq_config {
    masq_profile profile;
    masq_schema schema;          /* auto: told apart row by row */
    const char *known_path;      /* --known FILE: more names to protect (default profile) */
    const char *allow_path;      /* --allow FILE: more benign near-pairs (default profile) */
    const char *suppress_path;   /* --suppress FILE: rules that silence findings, counted */
    const char *emit_names_path; /* --emit-names FILE: write the name table there */
    uint32_t shard_index;        /* --shard K/N: only anomalies whose suspicious name is in */
    uint32_t shard_count;        /* slice K of N (0 or 1: no sharding) */
    int64_t since_ms;            /* --since: events before are skipped (MASQ_TIME_NONE: none) */
    int64_t until_ms;            /* --until: events at or after are skipped */
    masq_progress_sink progress; /* reading progress (the CLI draws it on a terminal) */
    void *progress_context;
    double frequent_threshold;   /* percent_rank >= this: frequent (0.8) */
    double infrequent_threshold; /* percent_rank < this: infrequent (0.2) */
    double similarity_threshold; /* score > this: anomaly (0.85) */
    masq_backend backend;
    const char *device;          /* OpenCL device spec (NULL: $MASQ_DEVICE or the first GPU) */
    masq_opencl_tuning tuning;   /* 0 fields: from the device table */
    int threads;                 /* <= 0: one per CPU */
    const char *const *paths;    /* files, folders, '-', export container URLs */
    size_t path_count;
    masq_workspace_source workspace; /* --workspace: the name table from Log Analytics too */
    masq_blob_options blob;      /* how container URLs are read (ingest/blob_options.h) */
    bool demo;                   /* mix in the notebook's synthetic events */
    uint64_t seed;
    bool strict;                 /* any bad line is fatal */
    const char *baseline_path;   /* --baseline FILE: the fleet's history (NULL: none) */
    int baseline_days;           /* --baseline-days: the days ranked together (30) */
    double baseline_decay;       /* --baseline-decay: a day's weight per day of age (0.95) */
    double baseline_wait;        /* --baseline-wait: seconds to wait for another run (60) */
    masq_triage triage;          /* applied after --suppress, to every format and to publishing */
    masq_table_style table;
} masq_config;

typedef enum masq_source {
    MASQ_SOURCE_USER = 0,
    MASQ_SOURCE_DEMO,
} masq_source;

typedef struct masq_anomaly {
    const masq_name *normal;     /* the imitated name as seen in the events; NULL if unseen */
    const char *normal_text;     /* the imitated name ("" when there is none) */
    const masq_name *suspicious; /* the suspicious name */
    float score;                 /* AnomalyScore: the notebook's for look-alikes */
    uint32_t distance;           /* true Damerau-Levenshtein distance of the compared names */
    masq_source source;          /* demo unless both names come from the user's events */
    uint32_t reasons;            /* masq_reason bits (detect/reasons.h) */
    masq_severity severity;
    char *detail;                /* owned: the unexpected folder, the displayed name...; or NULL */
    /* The evidence: the offending sightings themselves. All of the suspicious
     * name's for look-alikes and tricks; those in the wrong folders; those
     * claiming the original file name. */
    const masq_evidence *evidence;   /* the table's, or evidence_owned */
    masq_evidence *evidence_owned;   /* owned: several folders' evidence merged */
    uint64_t evidence_count;         /* how many sightings */
    const char *claimed_original;    /* renamed: the original file name they claim */
    const char *folders[MASQ_CONTEXT_LIMIT]; /* wrong folder: the folders flagged */
    uint32_t folder_count;
    /* With --baseline, what the fleet's history says of the suspicious name. */
    int64_t first_seen_in_fleet_ms; /* its first sighting in the history or this run */
    signed char new_in_fleet;       /* 1: the history never saw it; -1: no baseline */
    signed char new_on_host;        /* 1: none of its hosts ran it before; 0: one did;
                                       -1: no baseline, or the history kept too few hosts */
} masq_anomaly;

/* What --baseline did in a scan. */
typedef struct masq_baseline_summary {
    bool used;                /* --baseline was given */
    bool ranked;              /* the tiers came from it (the default profile) */
    int32_t newest_day;       /* the window's last day (days since 1970; MASQ_DAY_NONE unranked) */
    uint32_t window_days;     /* --baseline-days */
    uint32_t history_days;    /* days of the window the store had besides the run's */
    uint32_t recorded_days;   /* the run's days written to the store */
    uint32_t partial_days;    /* the run's days the store holds more of: the store's kept */
    uint32_t future_days;     /* the run's days after tomorrow: scanned, never kept */
    uint64_t undated;         /* sightings without a time, or in a future day: kept in no day */
    uint64_t history_anchors; /* names frequent in the window the run lacks, anchored */
    double decay;
} masq_baseline_summary;

typedef struct masq_summary {
    masq_ingest_stats ingest;
    uint64_t names;
    uint64_t frequent;
    uint64_t infrequent;
    uint64_t learned_anchors; /* default profile: names anchored by the folders they run from */
    uint64_t suppressed; /* findings taken out by --suppress rules (result->suppressions) */
    uint64_t triaged_findings; /* findings the triage options left out (none of their pairs kept) */
    uint64_t triaged_pairs;    /* pairs the triage options left out */
    uint64_t pairs;      /* the frequent x infrequent matrix */
    uint64_t candidates; /* pairs whose distance was computed */
    uint64_t verified;   /* pairs that needed the exact distance */
    int threads;
    uint64_t launches;   /* OpenCL kernel launches */
    uint64_t overflows;  /* launches re-run because their candidates overflowed */
    char backend[16];
    char device[320];
    double seconds_ingest, seconds_tier, seconds_match; /* tier includes packing */
    masq_baseline_summary baseline;
} masq_summary;

/* A --suppress rule that silenced findings: its line in the file, how many. */
typedef struct masq_suppression_use {
    unsigned line;
    uint64_t findings;
} masq_suppression_use;

typedef struct masq_result {
    masq_config config;
    masq_summary summary;
    masq_name_table names;   /* the events' names, as ingest counted them */
    masq_name_table unseen;  /* names of the knowledge base the events lack: what the
                                normal_text of findings imitating them points at */
    masq_anomaly *anomalies; /* by score (highest first), then names */
    size_t anomaly_count;
    size_t anomaly_capacity;
    masq_suppression_use *suppressions; /* the rules that silenced findings, in file order */
    size_t suppression_count;
} masq_result;

/* "default" or "notebook". */
const char *masq_profile_name(masq_profile profile);

/* Free what one anomaly owns (its detail, its merged evidence). */
void masq_anomaly_free(masq_anomaly *anomaly);

/* Free what a result owns (its names and anomalies). */
void masq_result_free(masq_result *result);

#endif
