/* The store: one SQLite file. Its schema (version 1):
 *   days(day, date, names, sightings)    the data days it holds
 *   texts(id, text)                      each process name, computer (lower-cased)
 *                                        and folder once
 *   names(name, day, count, user_count, first_ms, last_ms,
 *         hosts_complete, folders_complete)
 *                                        per day and name: what ranking and the
 *                                        questions of a finding read
 *   day_rows(day, rows)                  per day: its name table, lean
 *                                        (name_table_io.h: no paths, users or
 *                                        parents), JSON lines in byte order of
 *                                        the names, zlib-compressed as one
 *   hosts(name, host, day)               the computers each name ran on
 *   folders(name, folder, day)           the folders each name ran from
 * A day's rows are replaced as a whole, in one transaction with the rest of
 * the run: SQLite's journal makes a killed run leave the store as it was. */
#include "baseline_store.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../names/unicode.h"
#include "../util/log.h"

static const char schema_sql[] =
    "CREATE TABLE days (day INTEGER PRIMARY KEY, date TEXT NOT NULL, names INTEGER NOT NULL,"
    " sightings INTEGER NOT NULL);"
    "CREATE TABLE texts (id INTEGER PRIMARY KEY, text TEXT NOT NULL UNIQUE);"
    "CREATE TABLE names (name INTEGER NOT NULL, day INTEGER NOT NULL, count INTEGER NOT NULL,"
    " user_count INTEGER NOT NULL, first_ms INTEGER, last_ms INTEGER,"
    " hosts_complete INTEGER NOT NULL, folders_complete INTEGER NOT NULL,"
    " PRIMARY KEY (name, day)) WITHOUT ROWID;"
    "CREATE TABLE day_rows (day INTEGER PRIMARY KEY, rows BLOB NOT NULL);"
    "CREATE INDEX names_by_day ON names (day);"
    "CREATE TABLE hosts (name INTEGER NOT NULL, host INTEGER NOT NULL, day INTEGER NOT NULL,"
    " PRIMARY KEY (name, host, day)) WITHOUT ROWID;"
    "CREATE INDEX hosts_by_day ON hosts (day);"
    "CREATE TABLE folders (name INTEGER NOT NULL, folder INTEGER NOT NULL, day INTEGER NOT NULL,"
    " PRIMARY KEY (name, folder, day)) WITHOUT ROWID;"
    "CREATE INDEX folders_by_day ON folders (day);";

/* The texts this run looked up or added, so that each costs SQLite once. */
typedef struct text_slot {
    char *text;
    sqlite3_int64 id;
} text_slot;

typedef struct text_cache {
    text_slot *slots;
    size_t count, capacity; /* capacity a power of two */
} text_cache;

static uint64_t text_hash(const char *text)
{
    uint64_t hash = 0xcbf29ce484222325ull;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        hash = (hash ^ *p) * 0x100000001b3ull;
    return hash;
}

static void cache_free(text_cache *cache)
{
    if (cache == NULL)
        return;
    for (size_t i = 0; i < cache->capacity; i++)
        free(cache->slots[i].text);
    free(cache->slots);
    free(cache);
}

static text_slot *cache_slot(text_cache *cache, const char *text)
{
    size_t mask = cache->capacity - 1;
    for (size_t i = text_hash(text) & mask;; i = (i + 1) & mask)
        if (cache->slots[i].text == NULL || strcmp(cache->slots[i].text, text) == 0)
            return &cache->slots[i];
}

static masq_status cache_put(text_cache *cache, const char *text, sqlite3_int64 id)
{
    if (2 * (cache->count + 1) > cache->capacity) {
        text_cache grown = {calloc(cache->capacity ? 2 * cache->capacity : 1024, sizeof *grown.slots),
                            0, cache->capacity ? 2 * cache->capacity : 1024};
        if (grown.slots == NULL)
            return MASQ_ERR_NOMEM;
        for (size_t i = 0; i < cache->capacity; i++)
            if (cache->slots[i].text != NULL) {
                *cache_slot(&grown, cache->slots[i].text) = cache->slots[i];
                grown.count++;
            }
        free(cache->slots);
        *cache = grown;
    }
    text_slot *slot = cache_slot(cache, text);
    if (slot->text == NULL) {
        slot->text = strdup(text);
        if (slot->text == NULL)
            return MASQ_ERR_NOMEM;
        cache->count++;
    }
    slot->id = id;
    return MASQ_OK;
}

char *masq_baseline_host_key(const char *computer)
{
    char *lowered;
    size_t length;
    masq_unicode_result result = masq_unicode_lower(computer, strlen(computer), &lowered, &length);
    if (result == MASQ_UNICODE_OK)
        return lowered;
    if (result == MASQ_UNICODE_NOMEM)
        return NULL;
    lowered = strdup(computer); /* not UTF-8: its ASCII letters alone */
    for (char *p = lowered; p && *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return lowered;
}

masq_status masq_baseline_text_id(masq_baseline *b, const char *text, bool add, sqlite3_int64 *id)
{
    if (b->texts == NULL && (b->texts = calloc(1, sizeof *b->texts)) == NULL)
        return MASQ_ERR_NOMEM;
    if (b->texts->capacity > 0) {
        text_slot *slot = cache_slot(b->texts, text);
        if (slot->text != NULL && (slot->id != 0 || !add)) {
            *id = slot->id;
            return MASQ_OK;
        }
    }
    if (b->text_find == NULL)
        MASQ_TRY(masq_baseline_prepare(b, "SELECT id FROM texts WHERE text = ?1", &b->text_find));
    sqlite3_bind_text(b->text_find, 1, text, -1, SQLITE_STATIC);
    int code = sqlite3_step(b->text_find);
    *id = code == SQLITE_ROW ? sqlite3_column_int64(b->text_find, 0) : 0;
    sqlite3_reset(b->text_find);
    if (code != SQLITE_ROW && code != SQLITE_DONE)
        return masq_baseline_failed(b, code, "reading the store");
    if (*id == 0 && add) {
        if (b->text_add == NULL)
            MASQ_TRY(masq_baseline_prepare(b, "INSERT INTO texts (text) VALUES (?1)", &b->text_add));
        sqlite3_bind_text(b->text_add, 1, text, -1, SQLITE_STATIC);
        code = sqlite3_step(b->text_add);
        sqlite3_reset(b->text_add);
        if (code != SQLITE_DONE)
            return masq_baseline_failed(b, code, "updating the store");
        *id = sqlite3_last_insert_rowid(b->db);
    }
    return cache_put(b->texts, text, *id);
}

masq_status masq_baseline_failed(masq_baseline *b, int code, const char *doing)
{
    int primary = code & 0xff;
    if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
        masq_error("baseline %s: in use by another run and not released in time (%s); "
                   "--baseline-wait SECONDS waits longer", b->path, doing);
        return MASQ_ERR_INPUT;
    }
    if (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB) {
        masq_error("baseline %s: the file is damaged or not a masq baseline (%s: %s); "
                   "it is left as it is", b->path, doing, sqlite3_errstr(code));
        return MASQ_ERR_INPUT;
    }
    if (primary == SQLITE_NOMEM)
        return MASQ_ERR_NOMEM;
    masq_error("baseline %s: %s: %s", b->path, doing,
               b->db ? sqlite3_errmsg(b->db) : sqlite3_errstr(code));
    return primary == SQLITE_FULL || primary == SQLITE_IOERR || primary == SQLITE_READONLY ||
                   primary == SQLITE_CANTOPEN
               ? MASQ_ERR_OUTPUT
               : MASQ_ERR_INPUT;
}

masq_status masq_baseline_prepare(masq_baseline *b, const char *sql, sqlite3_stmt **statement)
{
    int code = sqlite3_prepare_v2(b->db, sql, -1, statement, NULL);
    return code == SQLITE_OK ? MASQ_OK : masq_baseline_failed(b, code, "reading the store");
}

masq_status masq_baseline_exec(masq_baseline *b, const char *sql)
{
    int code = sqlite3_exec(b->db, sql, NULL, NULL, NULL);
    return code == SQLITE_OK ? MASQ_OK : masq_baseline_failed(b, code, "updating the store");
}

static masq_status pragma_int(masq_baseline *b, const char *sql, int *value)
{
    sqlite3_stmt *statement;
    MASQ_TRY(masq_baseline_prepare(b, sql, &statement));
    int code = sqlite3_step(statement);
    *value = code == SQLITE_ROW ? sqlite3_column_int(statement, 0) : 0;
    sqlite3_finalize(statement);
    return code == SQLITE_ROW || code == SQLITE_DONE ? MASQ_OK
                                                     : masq_baseline_failed(b, code, "opening");
}

/* A new file gets the schema (when make_new); an older masq's is upgraded in
 * place; another program's SQLite file, a newer masq's, or a damaged one is
 * refused. Without make_new, only read: nothing is written to a file refused. */
static masq_status check_schema(masq_baseline *b, bool make_new)
{
    int id, version, tables;
    MASQ_TRY(pragma_int(b, "PRAGMA application_id", &id));
    MASQ_TRY(pragma_int(b, "PRAGMA user_version", &version));
    MASQ_TRY(pragma_int(b, "SELECT count(*) FROM sqlite_schema", &tables));
    if (id == 0 && version == 0 && tables == 0) {
        if (!make_new)
            return MASQ_OK;
        MASQ_TRY(masq_baseline_exec(b, schema_sql));
        char marks[96];
        snprintf(marks, sizeof marks, "PRAGMA application_id = %d; PRAGMA user_version = %d;",
                 MASQ_BASELINE_APPLICATION_ID, MASQ_BASELINE_SCHEMA_VERSION);
        return masq_baseline_exec(b, marks);
    }
    if (id != MASQ_BASELINE_APPLICATION_ID) {
        masq_error("baseline %s: an SQLite file of another program, not a masq baseline; "
                   "it is left as it is", b->path);
        return MASQ_ERR_INPUT;
    }
    if (version > MASQ_BASELINE_SCHEMA_VERSION) {
        masq_error("baseline %s: made by a newer masq (schema %d; this one reads up to %d); "
                   "it is left as it is", b->path, version, MASQ_BASELINE_SCHEMA_VERSION);
        return MASQ_ERR_INPUT;
    }
    if (version < 1) {
        masq_error("baseline %s: a masq baseline with no schema version; it is left as it is",
                   b->path);
        return MASQ_ERR_INPUT;
    }
    /* Upgrades from older schemas go here, one version at a time, inside the
     * run's transaction (there is only version 1 so far). */
    return MASQ_OK;
}

masq_status masq_baseline_open(const char *path, double wait_seconds, bool create,
                               masq_baseline **out)
{
    *out = NULL;
    struct stat st;
    bool exists = stat(path, &st) == 0;
    if (!exists && !create) {
        masq_error("baseline %s: %s", path, strerror(errno));
        return MASQ_ERR_INPUT;
    }
    if (exists && !S_ISREG(st.st_mode)) {
        masq_error("baseline %s: not a regular file", path);
        return MASQ_ERR_INPUT;
    }
    masq_baseline *b = calloc(1, sizeof *b);
    if (b == NULL || (b->path = strdup(path)) == NULL) {
        free(b);
        return MASQ_ERR_NOMEM;
    }
    int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX;
    int code = sqlite3_open_v2(path, &b->db, flags, NULL);
    masq_status status = code == SQLITE_OK ? MASQ_OK : masq_baseline_failed(b, code, "opening");
    if (status == MASQ_OK) {
        sqlite3_extended_result_codes(b->db, 1);
        sqlite3_busy_timeout(b->db, wait_seconds > 0 ? (int)(wait_seconds * 1000) : 0);
        /* SQLite's default rollback journal, synced at each commit: a killed run
         * or a lost machine leaves the last committed store. */
        code = sqlite3_exec(b->db, "PRAGMA synchronous = FULL", NULL, NULL, NULL);
        status = code == SQLITE_OK ? MASQ_OK : masq_baseline_failed(b, code, "opening");
    }
    /* Told now, before a long read: a file that is not a masq baseline. */
    if (status == MASQ_OK)
        status = check_schema(b, false);
    if (status != MASQ_OK) {
        masq_baseline_close(b);
        return status;
    }
    *out = b;
    return MASQ_OK;
}

masq_status masq_baseline_begin(masq_baseline *b, bool write)
{
    int code = sqlite3_exec(b->db, write ? "BEGIN IMMEDIATE" : "BEGIN", NULL, NULL, NULL);
    if (code != SQLITE_OK)
        return masq_baseline_failed(b, code, "taking the store");
    b->in_transaction = true;
    MASQ_TRY(check_schema(b, write)); /* again: another run may have made it meanwhile */
    return masq_baseline_exec(b, "CREATE TEMP TABLE IF NOT EXISTS run_days (day INTEGER PRIMARY KEY)");
}

masq_status masq_baseline_commit(masq_baseline *b)
{
    if (!b->in_transaction)
        return MASQ_OK;
    int code = sqlite3_exec(b->db, "COMMIT", NULL, NULL, NULL);
    if (code != SQLITE_OK)
        return masq_baseline_failed(b, code, "saving the store");
    b->in_transaction = false;
    return MASQ_OK;
}

void masq_baseline_close(masq_baseline *b)
{
    if (b == NULL)
        return;
    if (b->in_transaction && b->db != NULL)
        sqlite3_exec(b->db, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_finalize(b->name_history);
    sqlite3_finalize(b->ran_on);
    sqlite3_finalize(b->ran_from);
    sqlite3_finalize(b->text_find);
    sqlite3_finalize(b->text_add);
    cache_free(b->texts);
    sqlite3_close(b->db);
    free(b->path);
    free(b);
}
