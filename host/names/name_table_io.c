#include "name_table_io.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "../util/json_time.h"
#include "../util/time_iso.h"
#include "../util/log.h"
#include "folder_path.h"
#include "unicode.h"

static const char *const sensor_names[] = {"SecurityEvent", "Sysmon", "DeviceProcessEvents"};

static cJSON *sensors_json(uint32_t sensors)
{
    cJSON *array = cJSON_CreateArray();
    for (unsigned bit = 0; array && bit < 3; bit++)
        if (sensors & (1u << bit))
            cJSON_AddItemToArray(array, cJSON_CreateString(sensor_names[bit]));
    return array;
}

static cJSON *evidence_fields(cJSON *object, const masq_evidence *evidence, bool lean);

/* A set as [{KEY: value, "Count": n, ...evidence}], most seen first; lean:
 * without the entries' evidence. An entry without evidence of its own has
 * `shared` (a name's sole folder: the name's), when not NULL. */
static cJSON *set_json(const masq_text_set *set, const char *key, bool lean,
                       const masq_evidence *shared)
{
    uint32_t order[MASQ_CONTEXT_LIMIT];
    masq_text_set_order(set, order);
    cJSON *array = cJSON_CreateArray();
    for (uint32_t i = 0; array && i < set->count; i++) {
        const masq_text_entry *entry = &set->entries[order[i]];
        cJSON *item = cJSON_CreateObject();
        cJSON_AddStringToObject(item, key, entry->text);
        cJSON_AddNumberToObject(item, "Count", (double)entry->count);
        const masq_evidence *evidence = entry->evidence != NULL ? entry->evidence : shared;
        if (evidence != NULL && !lean)
            evidence_fields(item, evidence, false);
        cJSON_AddItemToArray(array, item);
    }
    return array;
}

/* The context of some sightings; the sets' `more` where values were left out.
 * Lean: sensors, computers and times only. */
static cJSON *evidence_fields(cJSON *object, const masq_evidence *e, bool lean)
{
    cJSON_AddItemToObject(object, "Sensors", sensors_json(e->sensors));
    if (!lean)
        cJSON_AddItemToObject(object, "Paths", set_json(&e->paths, "Path", false, NULL));
    cJSON_AddItemToObject(object, "Computers", set_json(&e->computers, "Computer", false, NULL));
    if (e->computers.more > 0)
        cJSON_AddNumberToObject(object, "MoreComputerSightings", (double)e->computers.more);
    if (!lean) {
        cJSON_AddItemToObject(object, "Users", set_json(&e->users, "User", false, NULL));
        cJSON_AddItemToObject(object, "Parents", set_json(&e->parents, "Parent", false, NULL));
    }
    masq_json_add_time(object, "FirstSeen", e->first_seen_ms);
    masq_json_add_time(object, "LastSeen", e->last_seen_ms);
    return object;
}

char *masq_name_row_text(const masq_name *name, bool lean)
{
    cJSON *row = cJSON_CreateObject();
    if (row == NULL)
        return NULL;
    cJSON_AddStringToObject(row, "Process", name->text);
    cJSON_AddNumberToObject(row, "Count", (double)masq_name_total(name));
    cJSON_AddNumberToObject(row, "UserCount", (double)name->user_count);
    cJSON_AddNumberToObject(row, "DemoCount", (double)name->demo_count);
    evidence_fields(row, &name->all, lean);
    cJSON_AddItemToObject(row, "Originals", set_json(&name->originals, "OriginalFileName", lean, NULL));
    cJSON_AddItemToObject(row, "Folders", set_json(&name->folders, "Folder", lean, &name->all));
    if (name->sha256s.count > 0)
        cJSON_AddItemToObject(row, "SHA256s", set_json(&name->sha256s, "SHA256", lean, NULL));
    char *text = cJSON_PrintUnformatted(row);
    cJSON_Delete(row);
    return text;
}

static masq_status write_row(const masq_name *name, FILE *out)
{
    char *text = masq_name_row_text(name, false);
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

/* Counts are whole numbers a double holds exactly (up to 2^53). A table
 * whose counts passed that (2^53 events of one name) is refused, never read
 * rounded or wrapped. */
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

static masq_status add_evidence(masq_name_table *table, masq_evidence *evidence, const cJSON *row);

static masq_status add_set(masq_name_table *table, masq_text_set *set, const cJSON *array,
                           const char *key, bool ranked)
{
    const cJSON *item;
    cJSON_ArrayForEach(item, array)
    {
        const cJSON *value = cJSON_GetObjectItemCaseSensitive(item, key);
        if (!cJSON_IsString(value))
            continue;
        if (!is_count(cJSON_GetObjectItemCaseSensitive(item, "Count")))
            return MASQ_ERR_INPUT;
        masq_evidence *evidence;
        MASQ_TRY(masq_text_set_add(table, set, value->valuestring, ranked ? masq_folder_rank : NULL,
                                   count_of(item, "Count"), &evidence));
        if (evidence != NULL)
            MASQ_TRY(add_evidence(table, evidence, item));
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

static masq_status add_evidence(masq_name_table *table, masq_evidence *evidence, const cJSON *row)
{
    const cJSON *sensor;
    cJSON_ArrayForEach(sensor, cJSON_GetObjectItemCaseSensitive(row, "Sensors"))
        for (unsigned bit = 0; bit < 3; bit++)
            if (cJSON_IsString(sensor) && strcmp(sensor->valuestring, sensor_names[bit]) == 0)
                evidence->sensors |= 1u << bit;
    MASQ_TRY(add_set(table, &evidence->paths, cJSON_GetObjectItemCaseSensitive(row, "Paths"),
                     "Path", false));
    MASQ_TRY(add_set(table, &evidence->computers,
                     cJSON_GetObjectItemCaseSensitive(row, "Computers"), "Computer", false));
    uint64_t more = count_of(row, "MoreComputerSightings");
    evidence->computers.more =
        evidence->computers.more > UINT64_MAX - more ? UINT64_MAX : evidence->computers.more + more;
    MASQ_TRY(add_set(table, &evidence->users, cJSON_GetObjectItemCaseSensitive(row, "Users"),
                     "User", false));
    MASQ_TRY(add_set(table, &evidence->parents, cJSON_GetObjectItemCaseSensitive(row, "Parents"),
                     "Parent", false));
    widen(&evidence->first_seen_ms, &evidence->last_seen_ms, row);
    return MASQ_OK;
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
    MASQ_TRY(masq_name_settle_folder(table, name)); /* the row's sightings may lie elsewhere */
    uint64_t user = count_of(row, "UserCount"), demo = count_of(row, "DemoCount");
    if (user + demo != (uint64_t)count->valuedouble) {
        user = (uint64_t)count->valuedouble; /* a table without the split: all the user's */
        demo = 0;
    }
    uint64_t total = masq_name_total(name);
    if (total > 9007199254740992ull - user - demo) {
        /* The sum would pass what a table holds exactly: refuse, never wrap. */
        masq_error("the counts of %s add up past 2^53 events; the row is refused", process->valuestring);
        return MASQ_ERR_INPUT;
    }
    name->user_count += user;
    name->demo_count += demo;
    MASQ_TRY(add_evidence(table, &name->all, row));
    MASQ_TRY(add_set(table, &name->originals, cJSON_GetObjectItemCaseSensitive(row, "Originals"),
                     "OriginalFileName", false));
    MASQ_TRY(add_set(table, &name->sha256s, cJSON_GetObjectItemCaseSensitive(row, "SHA256s"),
                     "SHA256", false));
    return add_set(table, &name->folders, cJSON_GetObjectItemCaseSensitive(row, "Folders"),
                   "Folder", true);
}
