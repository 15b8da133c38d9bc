/* The state of a read: the counts it keeps (stats), its progress, and the
 * settings every part of the ingest stage reads (ingest.h is the stage's
 * face; this is what its files share). */
#ifndef MASQ_INGEST_STATE_H
#define MASQ_INGEST_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../names/name_table.h"
#include "../util/status.h"
#include "blob_options.h"
#include "event.h"
#include "dedup.h"
#include "schema.h"

typedef struct masq_ingest_stats {
    uint64_t files;
    uint64_t bytes;
    uint64_t lines;
    uint64_t events;          /* 4688 events counted */
    uint64_t demo_events;     /* of which synthetic */
    uint64_t other_events;    /* well-formed rows of other event ids */
    uint64_t unnamed_events;  /* 4688 rows with neither Process nor NewProcessName */
    uint64_t outside_window;  /* events outside --since/--until (or without a time then) */
    uint64_t duplicates;      /* rows the export wrote twice (same EventOriginId), skipped */
    uint64_t twins;           /* rows of a process start another sensor logged too, not counted */
    uint64_t malformed_lines; /* lines that are not a JSON object, invalid UTF-8, too long */
    uint64_t damaged_files;   /* files whose reading stopped early (truncated gzip...) */
    uint64_t skipped_files;   /* files not read: unreadable, EVTX, XML, binary, a loop... */
    uint64_t unreadable_times; /* events whose time masq cannot read */
    uint64_t evtx_records;          /* EVTX event records read */
    uint64_t evtx_malformed_records; /* EVTX records that could not be read */
    uint64_t evtx_damaged_chunks;   /* EVTX chunks with a bad signature or checksum */
} masq_ingest_stats;

/* Progress of a long read, for the CLI to show (on a terminal). */
typedef struct masq_progress {
    uint64_t bytes_done;  /* input bytes read so far (compressed bytes for .gz) */
    uint64_t bytes_total; /* of all the input files; 0 when unknown (stdin) */
    uint64_t events;      /* events counted so far */
    bool finished;
} masq_progress;

typedef void (*masq_progress_sink)(const masq_progress *progress, void *context);

typedef struct masq_ingest {
    masq_name_table *names;
    masq_ingest_stats stats;
    bool strict;             /* the first bad line or damaged file is an error */
    masq_schema schema;
    bool securityevent_only; /* the notebook profile: SecurityEvent 4688 rows only */
    int64_t since_ms;        /* events before this time are skipped (MASQ_TIME_NONE: no bound) */
    int64_t until_ms;        /* events at or after this time are skipped */
    masq_dedup dedup;
    struct masq_twins *twins; /* records starts to find twins (the default profile), or NULL */
    struct masq_day_tables *days; /* --baseline: sightings counted into their day's table
                                     instead of names, or NULL */
    char *scratch; /* the fast scanner's field values */
    size_t scratch_capacity;
    int threads;   /* files read in parallel (<= 1: one at a time) */
    const masq_blob_options *blob; /* how the export container is read (NULL: the defaults) */
    masq_progress_sink progress; /* called now and then during a read, or NULL */
    void *progress_context;
    uint64_t progress_total;     /* bytes of all input files */
    uint64_t progress_done;      /* bytes of the files this reader finished */
    int reader_index;
    struct masq_ingest_shared *shared; /* set on the workers of a parallel read */
    struct masq_sighting_batch *batch; /* a worker's events not yet in the shared table */
    unsigned report_limit;   /* bad lines reported individually */
    unsigned reported;
    const char *current_file;
    uint64_t current_line; /* within the part being read */
    uint64_t part_start;   /* byte where the first line of the part being read starts */
    int64_t line_base;     /* lines before the part (-1: not counted yet) */
} masq_ingest;

void masq_ingest_init(masq_ingest *ingest, masq_name_table *names, bool strict);
void masq_ingest_free(masq_ingest *ingest);

#endif
