/* The run's days into the store: each dated day's rows replace what the
 * store had of that day (re-running a day changes nothing), in the run's
 * transaction. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#include "../names/name_table_io.h"
#include "baseline_store.h"

#define FORGET 5
static const char *const forget_sql[FORGET] = {
    "DELETE FROM names WHERE day = ?1", "DELETE FROM hosts WHERE day = ?1",
    "DELETE FROM folders WHERE day = ?1", "DELETE FROM day_rows WHERE day = ?1",
    "DELETE FROM days WHERE day = ?1"};

typedef struct writers {
    sqlite3_stmt *forget[FORGET];
    sqlite3_stmt *day, *name, *host, *folder, *run_day, *rows;
} writers;

static void writers_free(writers *w)
{
    for (int i = 0; i < FORGET; i++)
        sqlite3_finalize(w->forget[i]);
    sqlite3_finalize(w->rows);
    sqlite3_finalize(w->day);
    sqlite3_finalize(w->name);
    sqlite3_finalize(w->host);
    sqlite3_finalize(w->folder);
    sqlite3_finalize(w->run_day);
}

static masq_status writers_open(masq_baseline *b, writers *w)
{
    memset(w, 0, sizeof *w);
    for (int i = 0; i < FORGET; i++)
        MASQ_TRY(masq_baseline_prepare(b, forget_sql[i], &w->forget[i]));
    MASQ_TRY(masq_baseline_prepare(b, "INSERT INTO day_rows VALUES (?1, ?2)", &w->rows));
    MASQ_TRY(masq_baseline_prepare(b, "INSERT INTO days VALUES (?1, ?2, ?3, ?4)", &w->day));
    MASQ_TRY(masq_baseline_prepare(b, "INSERT INTO names VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
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
    sqlite3_clear_bindings(statement); /* nothing points at the caller's buffers after */
    return code == SQLITE_DONE ? MASQ_OK : masq_baseline_failed(b, code, "updating the store");
}

static void bind_time(sqlite3_stmt *statement, int column, int64_t ms)
{
    if (ms == MASQ_TIME_NONE)
        sqlite3_bind_null(statement, column);
    else
        sqlite3_bind_int64(statement, column, ms);
}

/* The day's rows, deflated as they are written. */
typedef struct packer {
    z_stream z;
    unsigned char *out;
    size_t capacity;
    bool open;
} packer;

static masq_status pack(packer *p, const char *text, size_t length, bool finish)
{
    p->z.next_in = (Bytef *)text;
    p->z.avail_in = (uInt)length;
    for (;;) {
        if (p->z.total_out + 65536 > p->capacity) {
            size_t capacity = p->capacity ? 2 * p->capacity : 1 << 20;
            unsigned char *grown = realloc(p->out, capacity);
            if (grown == NULL)
                return MASQ_ERR_NOMEM;
            p->out = grown;
            p->capacity = capacity;
        }
        p->z.next_out = p->out + p->z.total_out;
        size_t room = p->capacity - p->z.total_out;
        p->z.avail_out = room > 0x40000000u ? 0x40000000u : (uInt)room;
        int code = deflate(&p->z, finish ? Z_FINISH : Z_NO_FLUSH);
        if (code == Z_STREAM_END || (!finish && p->z.avail_in == 0 && p->z.avail_out > 0))
            return MASQ_OK;
        if (code != Z_OK && code != Z_BUF_ERROR)
            return MASQ_ERR_NOMEM;
    }
}

static masq_status record_name(masq_baseline *b, writers *w, int32_t day, const masq_name *name,
                               packer *rows)
{
    char *row = masq_name_row_text(name, true);
    if (row == NULL)
        return MASQ_ERR_NOMEM;
    masq_status status = pack(rows, row, strlen(row), false);
    free(row);
    if (status == MASQ_OK)
        status = pack(rows, "\n", 1, false);
    sqlite3_int64 name_id;
    if (status == MASQ_OK)
        status = masq_baseline_text_id(b, name->text, true, &name_id);
    if (status != MASQ_OK)
        return status;
    sqlite3_stmt *s = w->name;
    sqlite3_bind_int64(s, 1, name_id);
    sqlite3_bind_int(s, 2, day);
    sqlite3_bind_int64(s, 3, (sqlite3_int64)masq_name_total(name));
    sqlite3_bind_int64(s, 4, (sqlite3_int64)name->user_count);
    bind_time(s, 5, name->all.first_seen_ms);
    bind_time(s, 6, name->all.last_seen_ms);
    sqlite3_bind_int(s, 7, name->all.computers.more == 0);
    sqlite3_bind_int(s, 8, name->folders.more == 0);
    status = step(b, s);
    for (uint32_t k = 0; k < name->all.computers.count && status == MASQ_OK; k++) {
        char *computer = masq_baseline_host_key(name->all.computers.entries[k].text);
        sqlite3_int64 host_id;
        status = computer ? masq_baseline_text_id(b, computer, true, &host_id) : MASQ_ERR_NOMEM;
        free(computer);
        if (status != MASQ_OK)
            break;
        sqlite3_bind_int64(w->host, 1, name_id);
        sqlite3_bind_int64(w->host, 2, host_id);
        sqlite3_bind_int(w->host, 3, day);
        status = step(b, w->host);
    }
    for (uint32_t k = 0; k < name->folders.count && status == MASQ_OK; k++) {
        sqlite3_int64 folder_id;
        status = masq_baseline_text_id(b, name->folders.entries[k].text, true, &folder_id);
        if (status != MASQ_OK)
            break;
        sqlite3_bind_int64(w->folder, 1, name_id);
        sqlite3_bind_int64(w->folder, 2, folder_id);
        sqlite3_bind_int(w->folder, 3, day);
        status = step(b, w->folder);
    }
    return status;
}

static masq_status record_day(masq_baseline *b, writers *w, const masq_day_table *day)
{
    for (int i = 0; i < FORGET; i++) {
        sqlite3_bind_int(w->forget[i], 1, day->day);
        MASQ_TRY(step(b, w->forget[i]));
    }
    packer rows = {0};
    rows.open = deflateInit(&rows.z, 6) == Z_OK;
    masq_status status = rows.open ? MASQ_OK : MASQ_ERR_NOMEM;
    uint64_t names = 0, sightings = 0;
    for (size_t i = 0; i < day->table.count && status == MASQ_OK; i++) { /* sorted by name */
        const masq_name *name = &day->table.names[i];
        if (masq_name_total(name) == 0)
            continue;
        names++;
        sightings += masq_name_total(name);
        status = record_name(b, w, day->day, name, &rows);
    }
    if (status == MASQ_OK)
        status = pack(&rows, "", 0, true);
    if (status == MASQ_OK) {
        sqlite3_bind_int(w->rows, 1, day->day);
        sqlite3_bind_blob64(w->rows, 2, rows.out, rows.z.total_out, SQLITE_STATIC);
        status = step(b, w->rows);
    }
    if (rows.open)
        deflateEnd(&rows.z);
    free(rows.out);
    if (status != MASQ_OK)
        return status;
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

/* How many sightings the store holds of a day (0: none). */
static masq_status stored_sightings(masq_baseline *b, int32_t day, sqlite3_int64 *sightings)
{
    sqlite3_stmt *s;
    MASQ_TRY(masq_baseline_prepare(b, "SELECT sightings FROM days WHERE day = ?1", &s));
    sqlite3_bind_int(s, 1, day);
    int code = sqlite3_step(s);
    *sightings = code == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
    sqlite3_finalize(s);
    return code == SQLITE_ROW || code == SQLITE_DONE ? MASQ_OK
                                                     : masq_baseline_failed(b, code, "reading the days");
}

masq_status masq_baseline_record(masq_baseline *b, masq_day_tables *run)
{
    int32_t tomorrow = masq_day_of((int64_t)time(NULL) * 1000) + 1;
    writers w;
    masq_status status = writers_open(b, &w);
    for (size_t i = 0; i < run->count && status == MASQ_OK; i++) {
        masq_day_table *day = run->days[i];
        if (day->day == MASQ_DAY_NONE)
            continue;
        if (day->day > tomorrow) {
            day->fate = MASQ_DAY_FUTURE;
            continue;
        }
        sqlite3_int64 stored;
        status = stored_sightings(b, day->day, &stored);
        if (status == MASQ_OK && (uint64_t)stored > masq_day_sightings(day)) {
            day->fate = MASQ_DAY_PARTIAL;
            continue;
        }
        if (status == MASQ_OK)
            status = record_day(b, &w, day);
        day->fate = MASQ_DAY_RECORDED;
    }
    writers_free(&w);
    return status;
}
