#include "day_tables.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int32_t masq_day_of(int64_t time_ms)
{
    if (time_ms == MASQ_TIME_NONE)
        return MASQ_DAY_NONE;
    int64_t day = time_ms / MASQ_DAY_MS;
    if (time_ms % MASQ_DAY_MS < 0) /* floor, not truncation, before 1970 */
        day--;
    return (int32_t)day;
}

void masq_day_format(int32_t day, char out[16])
{
    time_t seconds = (time_t)day * 86400;
    struct tm tm;
    if (day == MASQ_DAY_NONE || gmtime_r(&seconds, &tm) == NULL) {
        snprintf(out, 16, "undated");
        return;
    }
    snprintf(out, 16, "%04d-%02d-%02d", (tm.tm_year + 1900) % 10000, (tm.tm_mon + 1) % 100,
             tm.tm_mday % 100);
}

int masq_day_parse(const char *text, int32_t *day)
{
    int y, m, d, used = 0;
    if (sscanf(text, "%4d-%2d-%2d%n", &y, &m, &d, &used) != 3 || used != 10 || text[10] != '\0' ||
        m < 1 || m > 12 || d < 1 || d > 31)
        return -1;
    struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_hour = 12};
    time_t seconds = timegm(&tm);
    struct tm back;
    if (seconds == (time_t)-1 || gmtime_r(&seconds, &back) == NULL || back.tm_mday != d)
        return -1; /* 2024-02-30 */
    *day = (int32_t)(seconds / 86400);
    return 0;
}

void masq_day_tables_init(masq_day_tables *days)
{
    memset(days, 0, sizeof *days);
}

void masq_day_tables_free(masq_day_tables *days)
{
    for (size_t i = 0; i < days->count; i++) {
        masq_name_table_free(&days->days[i]->table);
        free(days->days[i]);
    }
    free(days->days);
    masq_day_tables_init(days);
}

masq_status masq_day_tables_for(masq_day_tables *days, int64_t time_ms, masq_name_table **table,
                                uint32_t *slot)
{
    int32_t day = masq_day_of(time_ms);
    /* Most reads hold a day or a few: the newest slot first, then the rest. */
    for (size_t i = days->count; i-- > 0;) {
        if (days->days[i]->day == day) {
            *table = &days->days[i]->table;
            if (slot != NULL)
                *slot = (uint32_t)i;
            return MASQ_OK;
        }
    }
    if (days->count == days->capacity) {
        size_t capacity = days->capacity ? 2 * days->capacity : 8;
        masq_day_table **grown = realloc(days->days, capacity * sizeof *grown);
        if (grown == NULL)
            return MASQ_ERR_NOMEM;
        days->days = grown;
        days->capacity = capacity;
    }
    masq_day_table *made = malloc(sizeof *made);
    if (made == NULL)
        return MASQ_ERR_NOMEM;
    made->day = day;
    made->fate = 0;
    masq_name_table_init(&made->table);
    days->days[days->count] = made;
    *table = &made->table;
    if (slot != NULL)
        *slot = (uint32_t)days->count;
    days->count++;
    return MASQ_OK;
}

uint64_t masq_day_sightings(const masq_day_table *day)
{
    uint64_t total = 0;
    for (size_t i = 0; i < day->table.count; i++)
        total += masq_name_total(&day->table.names[i]);
    return total;
}

static int compare_days(const void *a, const void *b)
{
    int32_t x = (*(masq_day_table *const *)a)->day, y = (*(masq_day_table *const *)b)->day;
    return (x > y) - (x < y);
}

masq_status masq_day_tables_sort(masq_day_tables *days)
{
    if (days->count > 1)
        qsort(days->days, days->count, sizeof *days->days, compare_days);
    for (size_t i = 0; i < days->count; i++)
        MASQ_TRY(masq_name_table_sort(&days->days[i]->table));
    return MASQ_OK;
}

masq_status masq_day_tables_merge(const masq_day_tables *days, masq_name_table *into)
{
    for (size_t i = 0; i < days->count; i++)
        MASQ_TRY(masq_name_table_merge(into, &days->days[i]->table));
    return MASQ_OK;
}
