/* What the baseline's files share: the open store. Internal to baseline/. */
#ifndef MASQ_BASELINE_STORE_H
#define MASQ_BASELINE_STORE_H

#include <sqlite3.h>

#include "baseline.h"

/* The file's marks: SQLite's application_id ('masq') and user_version. */
#define MASQ_BASELINE_APPLICATION_ID 0x6d617371
#define MASQ_BASELINE_SCHEMA_VERSION 1

struct masq_baseline {
    sqlite3 *db;
    char *path;
    bool in_transaction;
    sqlite3_stmt *name_history, *ran_on, *ran_from; /* the lookups, prepared on first use */
    sqlite3_stmt *text_find, *text_add;
    struct text_cache *texts; /* text -> id, of the texts this run used */
};

/* A computer as the store keeps it: lower-cased (Windows compares host names
 * without case), by ICU beyond ASCII; NULL when out of memory. */
char *masq_baseline_host_key(const char *computer);

/* The id of a text (a process name, a computer, a folder) in the store's
 * texts; with add, a new text gets one, else *id is 0 for a text the store
 * never had. */
masq_status masq_baseline_text_id(masq_baseline *baseline, const char *text, bool add,
                                  sqlite3_int64 *id);

/* The SQLite error of a failed step, told once with the store's path. */
masq_status masq_baseline_failed(masq_baseline *baseline, int code, const char *doing);

/* Prepare a statement (MASQ_ERR_INTERNAL with a message when it cannot be). */
masq_status masq_baseline_prepare(masq_baseline *baseline, const char *sql, sqlite3_stmt **statement);

/* Run SQL that returns no rows. */
masq_status masq_baseline_exec(masq_baseline *baseline, const char *sql);

#endif
