#include "name_table_io.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "../util/json_time.h"
#include "../util/time_iso.h"
#include "unicode.h"

static cJSON *set_json(const masq_text_set *set, const char *key)
{
    uint32_t order[MASQ_CONTEXT_LIMIT];
    masq_text_set_order(set, order);
    cJSON *array = cJSON_CreateArray();
    for (uint32_t i = 0; array && i < set->count; i++) {
        cJSON *item = cJSON_CreateObject();
        cJSON_AddStringToObject(item, key, set->entries[order[i]].text);
        cJSON_AddNumberToObject(item, "Count", (double)set->entries[order[i]].count);
        cJSON_AddItemToArray(array, item);
    }
    return array;
}

static masq_status write_row(const masq_name *name, FILE *out)
{
    cJSON *row = cJSON_CreateObject();
    if (row == NULL)
        return MASQ_ERR_NOMEM;
    cJSON_AddStringToObject(row, "Process", name->text);
    cJSON_AddNumberToObject(row, "Count", (double)masq_name_total(name));
    cJSON_AddNumberToObject(row, "UserCount", (double)name->user_count);
    cJSON_AddNumberToObject(row, "DemoCount", (double)name->demo_count);
    cJSON_AddItemToObject(row, "Paths", set_json(&name->paths, "Path"));
    cJSON_AddItemToObject(row, "Computers", set_json(&name->computers, "Computer"));
    cJSON_AddItemToObject(row, "Originals", set_json(&name->originals, "OriginalFileName"));
    cJSON_AddItemToObject(row, "Folders", set_json(&name->folders, "Folder"));
    masq_json_add_time(row, "FirstSeen", name->first_seen_ms);
    masq_json_add_time(row, "LastSeen", name->last_seen_ms);
    char *text = cJSON_PrintUnformatted(row);
    cJSON_Delete(row);
    if (text == NULL)
        return MASQ_ERR_NOMEM;
    int failed = fputs(text, out) < 0 || fputc('\n', out) < 0;
    free(text);
    return failed ? MASQ_ERR_OUTPUT : MASQ_OK;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp((*(const masq_name *const *)a)->text, (*(const masq_name *const *)b)->text);
}

masq_status masq_name_table_write(const masq_name_table *table, FILE *out)
{
    /* By name, so that tables of the same events are the same bytes. */
    const masq_name **order = malloc((table->count ? table->count : 1) * sizeof *order);
    if (order == NULL)
        return MASQ_ERR_NOMEM;
    size_t count = 0;
    for (size_t i = 0; i < table->count; i++)
        if (masq_name_total(&table->names[i]) > 0) /* not known names the data lacks */
            order[count++] = &table->names[i];
    qsort(order, count, sizeof *order, compare_names);
    masq_status status = MASQ_OK;
    for (size_t k = 0; k < count && status == MASQ_OK; k++)
        status = write_row(order[k], out);
    free(order);
    if (status == MASQ_OK && fflush(out) != 0)
        status = MASQ_ERR_OUTPUT;
    return status;
}

/* Counts are whole numbers a double holds exactly (up to 2^53). */
static bool is_count(const cJSON *item)
{
    return cJSON_IsNumber(item) && item->valuedouble >= 0 && item->valuedouble <= 9007199254740992.0 &&
           item->valuedouble == (double)(uint64_t)item->valuedouble;
}

static uint64_t count_of(const cJSON *object, const char *key)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(object, key);
    return is_count(item) ? (uint64_t)item->valuedouble : 0;
}

static masq_status add_set(masq_name_table *table, masq_text_set *set, const cJSON *array,
                           const char *key)
{
    const cJSON *item;
    cJSON_ArrayForEach(item, array)
    {
        const cJSON *value = cJSON_GetObjectItemCaseSensitive(item, key);
        if (cJSON_IsString(value))
            MASQ_TRY(masq_text_set_add(table, set, value->valuestring, count_of(item, "Count")));
    }
    return MASQ_OK;
}

static void widen(int64_t *first, int64_t *last, const cJSON *row)
{
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(row, "FirstSeen");
    const cJSON *l = cJSON_GetObjectItemCaseSensitive(row, "LastSeen");
    int64_t ms;
    if (cJSON_IsString(f) && masq_time_parse(f->valuestring, &ms) == 0 &&
        (*first == MASQ_TIME_NONE || ms < *first))
        *first = ms;
    if (cJSON_IsString(l) && masq_time_parse(l->valuestring, &ms) == 0 &&
        (*last == MASQ_TIME_NONE || ms > *last))
        *last = ms;
}

masq_status masq_name_table_add_row(masq_name_table *table, const cJSON *row)
{
    const cJSON *process = cJSON_GetObjectItemCaseSensitive(row, "Process");
    const cJSON *count = cJSON_GetObjectItemCaseSensitive(row, "Count");
    if (!cJSON_IsString(process) || !is_count(count) ||
        masq_unicode_decode(process->valuestring, strlen(process->valuestring), NULL) < 0)
        return MASQ_ERR_INPUT;
    size_t index;
    MASQ_TRY(masq_name_table_intern(table, process->valuestring, strlen(process->valuestring), &index));
    masq_name *name = &table->names[index];
    uint64_t user = count_of(row, "UserCount"), demo = count_of(row, "DemoCount");
    if (user + demo != (uint64_t)count->valuedouble) {
        user = (uint64_t)count->valuedouble; /* a table without the split: all the user's */
        demo = 0;
    }
    name->user_count += user;
    name->demo_count += demo;
    MASQ_TRY(add_set(table, &name->paths, cJSON_GetObjectItemCaseSensitive(row, "Paths"), "Path"));
    MASQ_TRY(add_set(table, &name->computers, cJSON_GetObjectItemCaseSensitive(row, "Computers"),
                     "Computer"));
    MASQ_TRY(add_set(table, &name->originals, cJSON_GetObjectItemCaseSensitive(row, "Originals"),
                     "OriginalFileName"));
    MASQ_TRY(add_set(table, &name->folders, cJSON_GetObjectItemCaseSensitive(row, "Folders"),
                     "Folder"));
    widen(&name->first_seen_ms, &name->last_seen_ms, row);
    return MASQ_OK;
}
