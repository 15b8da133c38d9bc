/* What the history (the store's days but the run's) knows of one name: the
 * questions detection asks of each finding. */
#include <stdlib.h>
#include <string.h>

#include "baseline_store.h"

static masq_status prepared(masq_baseline *b, sqlite3_stmt **statement, const char *sql)
{
    if (*statement != NULL) {
        sqlite3_reset(*statement);
        sqlite3_clear_bindings(*statement);
        return MASQ_OK;
    }
    return masq_baseline_prepare(b, sql, statement);
}

masq_status masq_baseline_name(masq_baseline *b, const char *process, masq_name_history *h)
{
    memset(h, 0, sizeof *h);
    h->first_seen_ms = MASQ_TIME_NONE;
    sqlite3_int64 id;
    MASQ_TRY(masq_baseline_text_id(b, process, false, &id));
    if (id == 0)
        return MASQ_OK; /* a name the store never had */
    MASQ_TRY(prepared(b, &b->name_history,
        "SELECT count(*), min(first_ms), min(hosts_complete), min(folders_complete) FROM names"
        " WHERE name = ?1 AND day NOT IN (SELECT day FROM temp.run_days)"));
    sqlite3_stmt *s = b->name_history;
    sqlite3_bind_int64(s, 1, id);
    int code = sqlite3_step(s);
    if (code != SQLITE_ROW)
        return masq_baseline_failed(b, code, "reading the history");
    h->seen = sqlite3_column_int64(s, 0) > 0;
    if (sqlite3_column_type(s, 1) != SQLITE_NULL)
        h->first_seen_ms = sqlite3_column_int64(s, 1);
    h->hosts_complete = h->seen && sqlite3_column_int(s, 2) == 1;
    h->folders_complete = h->seen && sqlite3_column_int(s, 3) == 1;
    sqlite3_reset(s);
    return MASQ_OK;
}

static masq_status exists(masq_baseline *b, sqlite3_stmt *s, const char *process,
                          const char *value, bool *found)
{
    sqlite3_int64 name, other;
    *found = false;
    MASQ_TRY(masq_baseline_text_id(b, process, false, &name));
    MASQ_TRY(masq_baseline_text_id(b, value, false, &other));
    if (name == 0 || other == 0)
        return MASQ_OK;
    sqlite3_bind_int64(s, 1, name);
    sqlite3_bind_int64(s, 2, other);
    int code = sqlite3_step(s);
    *found = code == SQLITE_ROW;
    sqlite3_reset(s);
    return code == SQLITE_ROW || code == SQLITE_DONE ? MASQ_OK
                                                     : masq_baseline_failed(b, code, "reading the history");
}

masq_status masq_baseline_ran_on(masq_baseline *b, const char *process, const char *computer,
                                 bool *ran)
{
    MASQ_TRY(prepared(b, &b->ran_on,
        "SELECT 1 FROM hosts WHERE name = ?1 AND host = ?2"
        " AND day NOT IN (SELECT day FROM temp.run_days) LIMIT 1"));
    char *key = masq_baseline_host_key(computer);
    if (key == NULL)
        return MASQ_ERR_NOMEM;
    masq_status status = exists(b, b->ran_on, process, key, ran);
    free(key);
    return status;
}

masq_status masq_baseline_ran_from(masq_baseline *b, const char *process, const char *folder,
                                   bool *ran)
{
    MASQ_TRY(prepared(b, &b->ran_from,
        "SELECT 1 FROM folders WHERE name = ?1 AND folder = ?2"
        " AND day NOT IN (SELECT day FROM temp.run_days) LIMIT 1"));
    return exists(b, b->ran_from, process, folder, ran);
}
