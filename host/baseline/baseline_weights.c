/* The weighted counts of a scan over the window of days (baseline.h says
 * the formula). Every (name, day, count) of the window is gathered, put in
 * (name, day) order and summed oldest day first: the same additions in the
 * same order whatever the order rows were read in. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../util/log.h"
#include "../util/memory.h"
#include "baseline_store.h"

typedef struct contribution {
    uint32_t id; /* run names first, then extra */
    int32_t day;
    uint64_t count;
} contribution;

typedef struct contributions {
    contribution *items;
    size_t count;
    size_t capacity;
} contributions;

static int compare_contribution(const void *x, const void *y)
{
    const contribution *a = x, *b = y;
    if (a->id != b->id)
        return a->id < b->id ? -1 : 1;
    if (a->day != b->day)
        return a->day < b->day ? -1 : 1;
    return (a->count > b->count) - (a->count < b->count);
}

static masq_status newest_day(masq_baseline *b, const masq_day_tables *run, int32_t *newest)
{
    *newest = MASQ_DAY_NONE;
    for (size_t i = 0; i < run->count; i++)
        if (run->days[i]->fate == MASQ_DAY_RECORDED && run->days[i]->day > *newest)
            *newest = run->days[i]->day;
    if (*newest != MASQ_DAY_NONE)
        return MASQ_OK;
    sqlite3_stmt *s;
    MASQ_TRY(masq_baseline_prepare(b, "SELECT max(day) FROM days", &s));
    int code = sqlite3_step(s);
    if (code == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL)
        *newest = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    return code == SQLITE_ROW ? MASQ_OK : masq_baseline_failed(b, code, "reading the days");
}

/* The run's own sightings: its recorded days inside the window, its undated
 * and FUTURE ones at age 0; its PARTIAL days are the store's. */
static masq_status gather_run(const masq_day_tables *run, const masq_name_table *names,
                              int32_t lo, int32_t newest, contributions *all)
{
    for (size_t i = 0; i < run->count; i++) {
        const masq_day_table *day = run->days[i];
        bool dated = day->fate == MASQ_DAY_RECORDED;
        int32_t at = dated ? day->day : newest;
        if (day->fate == MASQ_DAY_PARTIAL || (dated && (day->day < lo || day->day > newest)))
            continue;
        for (size_t k = 0; k < day->table.count; k++) {
            const masq_name *name = &day->table.names[k];
            long id = masq_name_table_find(names, name->text, name->length);
            if (id < 0 || masq_name_total(name) == 0)
                continue;
            contribution c = {(uint32_t)id, at, masq_name_total(name)};
            if (MASQ_PUSH(*all, c))
                return MASQ_ERR_NOMEM;
        }
    }
    return MASQ_OK;
}

static masq_status gather_history(masq_baseline *b, const masq_name_table *names, int32_t lo,
                                  int32_t newest, masq_baseline_weights *w, contributions *all)
{
    /* One pass over the table in its own order (name, day): "+day" keeps
     * SQLite off the by-day index, whose lookups row by row cost ten times the
     * scan. A name's text is looked up once, when the rows reach it. */
    sqlite3_stmt *s, *text;
    MASQ_TRY(masq_baseline_prepare(b,
        "SELECT name, day, count FROM names WHERE +day BETWEEN ?1 AND ?2"
        " AND day NOT IN (SELECT day FROM temp.run_days)", &s));
    masq_status status = masq_baseline_prepare(b, "SELECT text FROM texts WHERE id = ?1", &text);
    if (status != MASQ_OK) {
        sqlite3_finalize(s);
        return status;
    }
    sqlite3_bind_int(s, 1, lo);
    sqlite3_bind_int(s, 2, newest);
    sqlite3_int64 current = 0;
    long id = -1;
    int code = SQLITE_DONE;
    while (status == MASQ_OK && (code = sqlite3_step(s)) == SQLITE_ROW) {
        sqlite3_int64 name = sqlite3_column_int64(s, 0);
        if (name != current) {
            current = name;
            sqlite3_bind_int64(text, 1, name);
            int found = sqlite3_step(text);
            const char *process = found == SQLITE_ROW ? (const char *)sqlite3_column_text(text, 0) : NULL;
            size_t length = process ? (size_t)sqlite3_column_bytes(text, 0) : 0;
            if (process == NULL) {
                masq_error("baseline %s: a name of day %d has no text: the store is damaged",
                           b->path, sqlite3_column_int(s, 1));
                status = MASQ_ERR_INPUT;
            } else if ((id = masq_name_table_find(names, process, length)) < 0) {
                size_t extra;
                status = masq_name_table_intern(&w->extra, process, length, &extra);
                id = (long)(names->count + extra);
            }
            sqlite3_reset(text);
        }
        contribution c = {(uint32_t)id, sqlite3_column_int(s, 1),
                          (uint64_t)sqlite3_column_int64(s, 2)};
        if (status == MASQ_OK && MASQ_PUSH(*all, c))
            status = MASQ_ERR_NOMEM;
    }
    sqlite3_finalize(s);
    sqlite3_finalize(text);
    if (status == MASQ_OK && code != SQLITE_DONE)
        status = masq_baseline_failed(b, code, "reading the history");
    if (status != MASQ_OK)
        return status;
    /* The days of the window the history had. */
    MASQ_TRY(masq_baseline_prepare(b,
        "SELECT count(*) FROM days WHERE day BETWEEN ?1 AND ?2"
        " AND day NOT IN (SELECT day FROM temp.run_days)", &s));
    sqlite3_bind_int(s, 1, lo);
    sqlite3_bind_int(s, 2, newest);
    code = sqlite3_step(s);
    w->history_days = code == SQLITE_ROW ? (uint32_t)sqlite3_column_int(s, 0) : 0;
    sqlite3_finalize(s);
    return code == SQLITE_ROW ? MASQ_OK : masq_baseline_failed(b, code, "reading the days");
}

masq_status masq_baseline_weigh(masq_baseline *b, const masq_day_tables *run,
                                const masq_name_table *names, int days, double decay,
                                masq_baseline_weights *w)
{
    memset(w, 0, sizeof *w);
    masq_name_table_init(&w->extra);
    MASQ_TRY(newest_day(b, run, &w->newest));
    int32_t newest = w->newest == MASQ_DAY_NONE ? 0 : w->newest;
    int32_t lo = newest - (days > 0 ? days : 1) + 1;
    contributions all = {0};
    masq_status status = gather_run(run, names, lo, newest, &all);
    if (status == MASQ_OK && w->newest != MASQ_DAY_NONE)
        status = gather_history(b, names, lo, newest, w, &all);
    size_t total = names->count + w->extra.count;
    double *sums = status == MASQ_OK ? calloc(total ? total : 1, sizeof *sums) : NULL;
    if (status == MASQ_OK && sums == NULL)
        status = MASQ_ERR_NOMEM;
    if (status == MASQ_OK) {
        if (all.count > 1)
            qsort(all.items, all.count, sizeof *all.items, compare_contribution);
        for (size_t i = 0; i < all.count; i++) {
            const contribution *c = &all.items[i];
            sums[c->id] += pow(decay, (double)(newest - c->day)) * (double)c->count;
        }
        w->run = sums;
        w->extra_weight = sums + names->count;
    } else {
        free(sums);
    }
    free(all.items);
    if (status != MASQ_OK)
        masq_baseline_weights_free(w);
    return status;
}

void masq_baseline_weights_free(masq_baseline_weights *w)
{
    free(w->run); /* extra_weight is its tail */
    w->run = w->extra_weight = NULL;
    masq_name_table_free(&w->extra);
}
