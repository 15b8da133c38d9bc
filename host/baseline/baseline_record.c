/* The run's days into the store: each dated day's rows replace what the
 * store had of that day (re-running a day changes nothing), in the run's
 * transaction. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "../names/name_table_io.h"
#include "baseline_store.h"

static const char *const forget_sql[] = {
    "DELETE FROM names WHERE day = ?1", "DELETE FROM hosts WHERE day = ?1",
    "DELETE FROM folders WHERE day = ?1", "DELETE FROM days WHERE day = ?1"};

typedef struct writers {
    sqlite3_stmt *forget[4];
    sqlite3_stmt *day, *name, *host, *folder, *run_day;
} writers;

static void writers_free(writers *w)
{
    for (int i = 0; i < 4; i++)
        sqlite3_finalize(w->forget[i]);
    sqlite3_finalize(w->day);
    sqlite3_finalize(w->name);
    sqlite3_finalize(w->host);
    sqlite3_finalize(w->folder);
    sqlite3_finalize(w->run_day);
}

static masq_status writers_open(masq_baseline *b, writers *w)
{
    memset(w, 0, sizeof *w);
    for (int i = 0; i < 4; i++)
        MASQ_TRY(masq_baseline_prepare(b, forget_sql[i], &w->forget[i]));
    MASQ_TRY(masq_baseline_prepare(b, "INSERT INTO days VALUES (?1, ?2, ?3, ?4)", &w->day));
    MASQ_TRY(masq_baseline_prepare(b, "INSERT INTO names VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                                   &w->name));
    MASQ_TRY(masq_baseline_prepare(b, "INSERT OR IGNORE INTO hosts VALUES (?1, ?2, ?3)", &w->host));
    MASQ_TRY(masq_baseline_prepare(b, "INSERT OR IGNORE INTO folders VALUES (?1, ?2, ?3)",
                                   &w->folder));
    return masq_baseline_prepare(b, "INSERT OR IGNORE INTO temp.run_days VALUES (?1)", &w->run_day);
}

static masq_status step(masq_baseline *b, sqlite3_stmt *statement)
{
    int code = sqlite3_step(statement);
    sqlite3_reset(statement);
    return code == SQLITE_DONE ? MASQ_OK : masq_baseline_failed(b, code, "updating the store");
}

static void bind_time(sqlite3_stmt *statement, int column, int64_t ms)
{
    if (ms == MASQ_TIME_NONE)
        sqlite3_bind_null(statement, column);
    else
        sqlite3_bind_int64(statement, column, ms);
}

/* Computers are compared case-insensitively (Windows' names are). */
static char *lowered(const char *text)
{
    char *copy = strdup(text);
    for (char *p = copy; p && *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return copy;
}

static masq_status record_name(masq_baseline *b, writers *w, int32_t day, const masq_name *name)
{
    char *row = masq_name_row_text(name);
    if (row == NULL)
        return MASQ_ERR_NOMEM;
    uLong length = (uLong)strlen(row);
    uLongf packed_length = compressBound(length);
    unsigned char *packed = malloc(packed_length);
    int zcode = packed ? compress2(packed, &packed_length, (const Bytef *)row, length, 6) : Z_MEM_ERROR;
    free(row);
    if (zcode != Z_OK) {
        free(packed);
        return MASQ_ERR_NOMEM;
    }
    sqlite3_stmt *s = w->name;
    sqlite3_bind_text(s, 1, name->text, (int)name->length, SQLITE_STATIC);
    sqlite3_bind_int(s, 2, day);
    sqlite3_bind_int64(s, 3, (sqlite3_int64)masq_name_total(name));
    sqlite3_bind_int64(s, 4, (sqlite3_int64)name->user_count);
    bind_time(s, 5, name->all.first_seen_ms);
    bind_time(s, 6, name->all.last_seen_ms);
    sqlite3_bind_int(s, 7, name->all.computers.more == 0);
    sqlite3_bind_int(s, 8, name->folders.more == 0);
    sqlite3_bind_blob(s, 9, packed, (int)packed_length, free);
    masq_status status = step(b, s);
    for (uint32_t k = 0; k < name->all.computers.count && status == MASQ_OK; k++) {
        char *computer = lowered(name->all.computers.entries[k].text);
        if (computer == NULL)
            return MASQ_ERR_NOMEM;
        sqlite3_bind_text(w->host, 1, name->text, (int)name->length, SQLITE_STATIC);
        sqlite3_bind_text(w->host, 2, computer, -1, free);
        sqlite3_bind_int(w->host, 3, day);
        status = step(b, w->host);
    }
    for (uint32_t k = 0; k < name->folders.count && status == MASQ_OK; k++) {
        sqlite3_bind_text(w->folder, 1, name->text, (int)name->length, SQLITE_STATIC);
        sqlite3_bind_text(w->folder, 2, name->folders.entries[k].text, -1, SQLITE_STATIC);
        sqlite3_bind_int(w->folder, 3, day);
        status = step(b, w->folder);
    }
    return status;
}

static masq_status record_day(masq_baseline *b, writers *w, const masq_day_table *day)
{
    for (int i = 0; i < 4; i++) {
        sqlite3_bind_int(w->forget[i], 1, day->day);
        MASQ_TRY(step(b, w->forget[i]));
    }
    uint64_t names = 0, sightings = 0;
    for (size_t i = 0; i < day->table.count; i++) {
        const masq_name *name = &day->table.names[i];
        if (masq_name_total(name) == 0)
            continue;
        names++;
        sightings += masq_name_total(name);
        MASQ_TRY(record_name(b, w, day->day, name));
    }
    char date[16];
    masq_day_format(day->day, date);
    sqlite3_bind_int(w->day, 1, day->day);
    sqlite3_bind_text(w->day, 2, date, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(w->day, 3, (sqlite3_int64)names);
    sqlite3_bind_int64(w->day, 4, (sqlite3_int64)sightings);
    MASQ_TRY(step(b, w->day));
    sqlite3_bind_int(w->run_day, 1, day->day);
    return step(b, w->run_day);
}

masq_status masq_baseline_record(masq_baseline *b, const masq_day_tables *run)
{
    writers w;
    masq_status status = writers_open(b, &w);
    for (size_t i = 0; i < run->count && status == MASQ_OK; i++)
        if (run->days[i]->day != MASQ_DAY_NONE)
            status = record_day(b, &w, run->days[i]);
    writers_free(&w);
    return status;
}
