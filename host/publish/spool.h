/* The spool: a write-ahead log of batches, checked, never trusted. The
 * folder, its runs and listing in spool_dir.c; one batch file (checked,
 * written, read, removed, split) in spool_entry.c. */
#ifndef MASQ_SPOOL_H
#define MASQ_SPOOL_H

#include <stdbool.h>
#include <stddef.h>

#include "../util/status.h"
#include "publish_target.h"

/* The spool folder, opened without following a symlink; every name in it is
 * opened relative to fd. */
typedef struct masq_spool {
    char path[4096];
    int fd; /* -1: the folder does not exist (nothing spooled) */
} masq_spool;

/* Open the folder (created 0700 with its parents when create). Refused
 * (MASQ_ERR_USAGE, reason logged) when it is a symlink, not the user's, or
 * writable by group or others. Temporary names left by a crashed masq
 * (unlocked, a minute old) are removed. */
masq_status masq_spool_open_dir(const char *dir, bool create, masq_spool *spool);
void masq_spool_close_dir(masq_spool *spool);

/* A run's batches are written as one unit: into a locked staging folder,
 * each file synced, then the folder renamed into view in one step. Before
 * the commit, `masq publish` sees none of them; after it, all. */
typedef struct masq_spool_run {
    char name[96]; /* STAMP-RANDOM: committed as run-NAME */
    int fd;
    size_t batches;
    bool committed;
} masq_spool_run;

masq_status masq_spool_run_begin(masq_spool *spool, masq_spool_run *run);
masq_status masq_spool_run_add(masq_spool *spool, masq_spool_run *run,
                               const masq_publish_target *target, const char *body,
                               size_t body_size, size_t records);
masq_status masq_spool_run_commit(masq_spool *spool, masq_spool_run *run);
/* Remove an uncommitted run (nothing of it was sent). */
void masq_spool_run_abort(masq_spool *spool, masq_spool_run *run);

typedef struct masq_spool_counts {
    size_t refused;   /* unsafe folders (symlinks, another owner, writable by others) */
    size_t set_aside; /* batches of one record too large for the service */
} masq_spool_counts;

/* The batch files (names relative to the folder), sorted: runs and files by
 * their creation time, the batches of a run in order. only_run: one run's
 * (its masq_spool_run name). */
masq_status masq_spool_list(masq_spool *spool, const char *only_run, char ***names,
                            size_t *count, masq_spool_counts *counts);

typedef struct masq_spool_entry {
    char *path;  /* for messages: the folder's path and name */
    char *name;  /* relative to the spool folder */
    char *base;  /* its name in dir_fd */
    int dir_fd;  /* the folder holding it */
    int fd;      /* locked (flock) while the entry is open */
    masq_publish_target target; /* what the file names: checked, never trusted */
    char *body;
    size_t body_size;
    size_t records;
} masq_spool_entry;

typedef enum masq_spool_open_result {
    MASQ_SPOOL_OPENED,
    MASQ_SPOOL_SKIPPED, /* gone, or being sent by another masq */
    MASQ_SPOOL_REFUSED, /* unsafe (symlink, owner, mode, links) or damaged: logged, not read */
} masq_spool_open_result;

/* Check, open, lock and read one batch file. */
masq_spool_open_result masq_spool_open(masq_spool *spool, const char *name,
                                       masq_spool_entry *entry);

/* Remove an acknowledged entry's file (while still locked), sync the
 * removal, and close it. */
masq_status masq_spool_remove(masq_spool_entry *entry);

/* Remove the run folder holding name once it is empty (its last batch was
 * delivered); nothing when name is not in a run folder or others remain. */
void masq_spool_remove_empty_run(masq_spool *spool, const char *name);

/* Replace a batch by its two halves (written and synced first, then the
 * whole removed); names receive the halves' names (free them). The entry
 * stays open: close it. */
masq_status masq_spool_split(masq_spool_entry *entry, const char *left, size_t left_size,
                             size_t left_records, const char *right, size_t right_size,
                             size_t right_records, char *names[2]);

/* Rename a batch the service will never take to NAME.too-large, which
 * `masq publish` does not send; path receives the new path. */
masq_status masq_spool_set_aside(masq_spool_entry *entry, char *path, size_t path_size);
void masq_spool_close(masq_spool_entry *entry);

#endif
