/* The baseline: weeks of the fleet's name tables, one set of rows per data
 * day, in an SQLite file (--baseline FILE), so that a daily scan ranks names
 * by their history and tells what is new. The stage's face; the store's
 * schema is in baseline_store.c. */
#ifndef MASQ_BASELINE_H
#define MASQ_BASELINE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "../names/day_tables.h"
#include "../names/name_table.h"
#include "../util/status.h"

typedef struct masq_baseline masq_baseline;

/* Open a store (with create, a missing file is made on the first write). A
 * file that is not a masq baseline, is damaged or is a newer masq's is refused
 * here with a message (MASQ_ERR_INPUT), and never written. */
masq_status masq_baseline_open(const char *path, double wait_seconds, bool create,
                               masq_baseline **baseline);

/* Hold the store for this run: a write transaction (write), which another run
 * waits for up to wait_seconds and then gives up with a message, or a read
 * one. A new store gets its schema here. Nothing is changed until
 * masq_baseline_commit; closing without it leaves the store as it was. */
masq_status masq_baseline_begin(masq_baseline *baseline, bool write);
masq_status masq_baseline_commit(masq_baseline *baseline);
void masq_baseline_close(masq_baseline *baseline);

/* What became of a day of the run (masq_day_table.fate). */
typedef enum masq_day_fate {
    MASQ_DAY_NOT_KEPT = 0,  /* undated sightings, or not recorded yet */
    MASQ_DAY_RECORDED = 1,  /* kept, replacing what the store had of that day */
    MASQ_DAY_PARTIAL = 2,   /* the store holds more sightings of that day than the run (a
                               straggler, a window cut at midnight): the store's kept */
    MASQ_DAY_FUTURE = 3,    /* after tomorrow by this machine's clock: a wrong or hostile
                               time; scanned, never kept */
} masq_day_fate;

/* Keep the run's dated days, each replacing what the store had of that day,
 * unless it is PARTIAL or FUTURE (each day's fate is set); later lookups see
 * the other days only (the history). */
masq_status masq_baseline_record(masq_baseline *baseline, masq_day_tables *run);

/* The weighted counts of a scan: for each name of the run (by index in
 * run_names) and each name of the history's window the run lacks (extra),
 *   weight = sum over the days d of the window, oldest first, of
 *            decay ^ (newest - d) * count on d
 * where the window is the `days` days up to the newest day the run recorded
 * (the store's newest when it recorded none), the run's recorded days counted
 * from the run, its PARTIAL days from the store, and its undated and FUTURE
 * sightings at age 0. */
typedef struct masq_baseline_weights {
    int32_t newest;          /* the window's last day (MASQ_DAY_NONE: no day at all) */
    uint32_t history_days;   /* days of the window the history had (not the run's) */
    double *run;             /* per name of run_names */
    masq_name_table extra;   /* the window's names the run lacks, interned without counts */
    double *extra_weight;    /* per name of extra */
} masq_baseline_weights;

masq_status masq_baseline_weigh(masq_baseline *baseline, const masq_day_tables *run,
                                const masq_name_table *run_names, int days, double decay,
                                masq_baseline_weights *weights);
void masq_baseline_weights_free(masq_baseline_weights *weights);

/* What the history (every day of the store but the run's) knows of a name. */
typedef struct masq_name_history {
    bool seen;              /* on some day of the history */
    int64_t first_seen_ms;  /* its first sighting there (MASQ_TIME_NONE: unknown) */
    bool hosts_complete;    /* every host it ran on is kept (no day had more than kept) */
    bool folders_complete;  /* every folder it ran from is kept */
} masq_name_history;

masq_status masq_baseline_name(masq_baseline *baseline, const char *process,
                               masq_name_history *history);

/* Did the history see the name on this computer (compared case-insensitively)
 * / run from this (normalized) folder? */
masq_status masq_baseline_ran_on(masq_baseline *baseline, const char *process,
                                 const char *computer, bool *ran);
masq_status masq_baseline_ran_from(masq_baseline *baseline, const char *process,
                                   const char *folder, bool *ran);

/* masq baseline show|prune|export. */
masq_status masq_baseline_show(masq_baseline *baseline, FILE *out);
/* Drop the days older than the newest day's last retain_days; *dropped gets how many. */
masq_status masq_baseline_prune(masq_baseline *baseline, int retain_days, uint64_t *dropped);
/* After a commit: rewrite the file without its free pages (SQLite's VACUUM). */
masq_status masq_baseline_compact(masq_baseline *baseline);
/* The merged history as a name table (--schema names, masq merge). */
masq_status masq_baseline_export(masq_baseline *baseline, FILE *out);

#endif
