/* masq baseline show | prune | export: what a store holds, retention, and
 * its history as one name table. */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "../names/name_table_io.h"
#include "../util/log.h"
#include "baseline_store.h"

static masq_status single_int(masq_baseline *b, const char *sql, sqlite3_int64 *value)
{
    sqlite3_stmt *s;
    MASQ_TRY(masq_baseline_prepare(b, sql, &s));
    int code = sqlite3_step(s);
    *value = code == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
    sqlite3_finalize(s);
    return code == SQLITE_ROW ? MASQ_OK : masq_baseline_failed(b, code, "reading the store");
}

masq_status masq_baseline_show(masq_baseline *b, FILE *out)
{
    sqlite3_int64 days, names, pages, page_size;
    MASQ_TRY(single_int(b, "SELECT count(*) FROM days", &days));
    MASQ_TRY(single_int(b, "SELECT count(DISTINCT name) FROM names", &names));
    MASQ_TRY(single_int(b, "PRAGMA page_count", &pages));
    MASQ_TRY(single_int(b, "PRAGMA page_size", &page_size));
    fprintf(out, "schema %d, %lld day%s, %lld distinct name%s, %lld bytes\n",
            MASQ_BASELINE_SCHEMA_VERSION, (long long)days, days == 1 ? "" : "s", (long long)names,
            names == 1 ? "" : "s", (long long)(pages * page_size));
    sqlite3_stmt *s;
    MASQ_TRY(masq_baseline_prepare(b, "SELECT date, names, sightings FROM days ORDER BY day", &s));
    if (days > 0)
        fprintf(out, "%-10s  %10s  %12s\n", "day", "names", "sightings");
    int code;
    while ((code = sqlite3_step(s)) == SQLITE_ROW)
        fprintf(out, "%-10s  %10lld  %12lld\n", (const char *)sqlite3_column_text(s, 0),
                (long long)sqlite3_column_int64(s, 1), (long long)sqlite3_column_int64(s, 2));
    sqlite3_finalize(s);
    if (code != SQLITE_DONE)
        return masq_baseline_failed(b, code, "reading the days");
    return ferror(out) ? MASQ_ERR_OUTPUT : MASQ_OK;
}

masq_status masq_baseline_prune(masq_baseline *b, int retain_days, uint64_t *dropped)
{
    *dropped = 0;
    sqlite3_int64 newest, days;
    MASQ_TRY(single_int(b, "SELECT count(*) FROM days", &days));
    if (days == 0)
        return MASQ_OK;
    MASQ_TRY(single_int(b, "SELECT max(day) FROM days", &newest));
    sqlite3_int64 keep_from = newest - (retain_days > 0 ? retain_days : 1) + 1;
    static const char *const tables[] = {"names", "hosts", "folders", "day_rows", "days"};
    for (int i = 0; i < 5; i++) {
        char sql[96];
        snprintf(sql, sizeof sql, "DELETE FROM %s WHERE day < ?1", tables[i]);
        sqlite3_stmt *s;
        MASQ_TRY(masq_baseline_prepare(b, sql, &s));
        sqlite3_bind_int64(s, 1, keep_from);
        int code = sqlite3_step(s);
        if (i == 4)
            *dropped = (uint64_t)sqlite3_changes(b->db);
        sqlite3_finalize(s);
        if (code != SQLITE_DONE)
            return masq_baseline_failed(b, code, "pruning the store");
    }
    /* The texts no day uses any longer. */
    return masq_baseline_exec(b, "DELETE FROM texts WHERE id NOT IN (SELECT name FROM names"
                                 " UNION SELECT host FROM hosts UNION SELECT folder FROM folders)");
}

masq_status masq_baseline_compact(masq_baseline *b)
{
    return masq_baseline_exec(b, "VACUUM");
}

/* One day's rows into the table: inflated, line by line. */
static masq_status add_day(masq_baseline *b, masq_name_table *table, int day, const void *packed,
                           size_t packed_length)
{
    z_stream z = {0};
    if (inflateInit(&z) != Z_OK)
        return MASQ_ERR_NOMEM;
    size_t capacity = 1 << 20, used = 0;
    char *text = malloc(capacity);
    masq_status status = text ? MASQ_OK : MASQ_ERR_NOMEM;
    z.next_in = (Bytef *)packed;
    z.avail_in = (uInt)packed_length;
    int code = Z_OK;
    while (status == MASQ_OK && code != Z_STREAM_END) {
        if (used + 65536 > capacity) {
            char *grown = realloc(text, capacity * 2);
            if (grown == NULL) {
                status = MASQ_ERR_NOMEM;
                break;
            }
            text = grown;
            capacity *= 2;
        }
        z.next_out = (Bytef *)text + used;
        size_t room = capacity - used - 1;
        z.avail_out = room > 0x40000000u ? 0x40000000u : (uInt)room;
        code = inflate(&z, Z_NO_FLUSH);
        used = z.total_out;
        if (code != Z_OK && code != Z_STREAM_END) {
            masq_error("baseline %s: the rows of day %d cannot be read: the store is damaged",
                       b->path, day);
            status = MASQ_ERR_INPUT;
        }
    }
    inflateEnd(&z);
    for (char *line = text; status == MASQ_OK && line < text + used;) {
        char *end = memchr(line, '\n', (size_t)(text + used - line));
        if (end == NULL)
            end = text + used;
        *end = '\0';
        cJSON *row = cJSON_Parse(line);
        status = row ? masq_name_table_add_row(table, row) : MASQ_ERR_INPUT;
        cJSON_Delete(row);
        if (status == MASQ_ERR_INPUT)
            masq_error("baseline %s: a row of day %d is not a name-table row: the store is damaged",
                       b->path, day);
        line = end + 1;
    }
    free(text);
    return status;
}

masq_status masq_baseline_export(masq_baseline *b, FILE *out)
{
    masq_name_table table;
    masq_name_table_init(&table);
    sqlite3_stmt *s;
    masq_status status = masq_baseline_prepare(b, "SELECT day, rows FROM day_rows ORDER BY day", &s);
    int code = SQLITE_DONE;
    while (status == MASQ_OK && (code = sqlite3_step(s)) == SQLITE_ROW)
        status = add_day(b, &table, sqlite3_column_int(s, 0), sqlite3_column_blob(s, 1),
                         (size_t)sqlite3_column_bytes(s, 1));
    if (s != NULL)
        sqlite3_finalize(s);
    if (status == MASQ_OK && code != SQLITE_DONE)
        status = masq_baseline_failed(b, code, "reading the store");
    if (status == MASQ_OK)
        status = masq_name_table_write(&table, out);
    masq_name_table_free(&table);
    return status;
}
