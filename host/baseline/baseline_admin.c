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
    MASQ_TRY(single_int(b, "SELECT count(DISTINCT process) FROM names", &names));
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
    static const char *const tables[] = {"names", "hosts", "folders", "days"};
    for (int i = 0; i < 4; i++) {
        char sql[96];
        snprintf(sql, sizeof sql, "DELETE FROM %s WHERE day < ?1", tables[i]);
        sqlite3_stmt *s;
        MASQ_TRY(masq_baseline_prepare(b, sql, &s));
        sqlite3_bind_int64(s, 1, keep_from);
        int code = sqlite3_step(s);
        if (i == 3)
            *dropped = (uint64_t)sqlite3_changes(b->db);
        sqlite3_finalize(s);
        if (code != SQLITE_DONE)
            return masq_baseline_failed(b, code, "pruning the store");
    }
    return MASQ_OK;
}

/* A stored row back to JSON. */
static cJSON *unpack_row(const void *packed, int packed_length)
{
    uLongf length = (uLongf)packed_length * 8 + 1024;
    for (int tries = 0; tries < 6; tries++, length *= 4) {
        char *text = malloc(length + 1);
        if (text == NULL)
            return NULL;
        uLongf got = length;
        int code = uncompress((Bytef *)text, &got, packed, (uLong)packed_length);
        if (code == Z_OK) {
            text[got] = '\0';
            cJSON *row = cJSON_Parse(text);
            free(text);
            return row;
        }
        free(text);
        if (code != Z_BUF_ERROR)
            return NULL;
    }
    return NULL;
}

masq_status masq_baseline_export(masq_baseline *b, FILE *out)
{
    masq_name_table table;
    masq_name_table_init(&table);
    sqlite3_stmt *s;
    masq_status status = masq_baseline_prepare(b, "SELECT process, day, row FROM names ORDER BY process, day", &s);
    int code = SQLITE_DONE;
    while (status == MASQ_OK && (code = sqlite3_step(s)) == SQLITE_ROW) {
        cJSON *row = unpack_row(sqlite3_column_blob(s, 2), sqlite3_column_bytes(s, 2));
        if (row == NULL) {
            masq_error("baseline %s: the row of %s on day %d cannot be read: the store is damaged",
                       b->path, (const char *)sqlite3_column_text(s, 0), sqlite3_column_int(s, 1));
            status = MASQ_ERR_INPUT;
            break;
        }
        status = masq_name_table_add_row(&table, row);
        cJSON_Delete(row);
    }
    if (s != NULL)
        sqlite3_finalize(s);
    if (status == MASQ_OK && code != SQLITE_DONE)
        status = masq_baseline_failed(b, code, "reading the store");
    if (status == MASQ_OK)
        status = masq_name_table_write(&table, out);
    masq_name_table_free(&table);
    return status;
}
