#include "name_table.h"

#include <stdlib.h>
#include <string.h>

#include "../util/memory.h"
#include "folder_path.h"

static uint64_t hash_bytes(const char *text, size_t length)
{
    uint64_t hash = 0xcbf29ce484222325ull; /* FNV-1a */
    for (size_t i = 0; i < length; i++) {
        hash ^= (unsigned char)text[i];
        hash *= 0x100000001b3ull;
    }
    return hash ^ (hash >> 29);
}

void masq_name_table_init(masq_name_table *table)
{
    memset(table, 0, sizeof *table);
}

static void text_set_free(masq_text_set *set)
{
    free(set->entries); /* the strings belong to the table's pool */
}

void masq_name_table_free(masq_name_table *table)
{
    for (size_t i = 0; i < table->count; i++) {
        free(table->names[i].text);
        text_set_free(&table->names[i].paths);
        text_set_free(&table->names[i].computers);
        text_set_free(&table->names[i].originals);
        text_set_free(&table->names[i].folders);
    }
    free(table->names);
    free(table->slots);
    masq_string_pool_free(&table->strings);
    masq_name_table_init(table);
}

static size_t find_slot(const masq_name_table *table, const char *text, size_t length)
{
    size_t mask = table->slot_count - 1;
    size_t slot = (size_t)hash_bytes(text, length) & mask;
    for (;;) {
        uint32_t entry = table->slots[slot];
        if (entry == 0)
            return slot;
        const masq_name *name = &table->names[entry - 1];
        if (name->length == length && memcmp(name->text, text, length) == 0)
            return slot;
        slot = (slot + 1) & mask;
    }
}

static int rehash(masq_name_table *table, size_t slot_count)
{
    uint32_t *slots = calloc(slot_count, sizeof *slots);
    if (slots == NULL)
        return -1;
    free(table->slots);
    table->slots = slots;
    table->slot_count = slot_count;
    for (size_t i = 0; i < table->count; i++) {
        size_t slot = find_slot(table, table->names[i].text, table->names[i].length);
        table->slots[slot] = (uint32_t)(i + 1);
    }
    return 0;
}

long masq_name_table_find(const masq_name_table *table, const char *text, size_t length)
{
    if (table->slot_count == 0)
        return -1;
    uint32_t entry = table->slots[find_slot(table, text, length)];
    return entry == 0 ? -1 : (long)entry - 1;
}

void masq_text_set_order(const masq_text_set *set, uint32_t *order)
{
    /* Insertion sort: at most MASQ_CONTEXT_LIMIT entries. */
    const masq_text_entry *e = set->entries;
    for (uint32_t i = 0; i < set->count; i++) {
        uint32_t j = i;
        while (j > 0 && (e[order[j - 1]].count < e[i].count ||
                         (e[order[j - 1]].count == e[i].count &&
                          strcmp(e[order[j - 1]].text, e[i].text) > 0))) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = i;
    }
}

static uint32_t text_hash(const char *text)
{
    uint32_t hash = 2166136261u; /* FNV-1a */
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        hash = (hash ^ *p) * 16777619u;
    return hash;
}

static void find_largest(masq_text_set *set)
{
    set->largest = 0;
    for (uint32_t i = 1; i < set->count; i++)
        if (strcmp(set->entries[i].text, set->entries[set->largest].text) > 0)
            set->largest = i;
}

masq_status masq_text_set_add(masq_name_table *table, masq_text_set *set, const char *text,
                              uint64_t count)
{
    if (text == NULL || text[0] == '\0' || count == 0)
        return MASQ_OK;
    uint32_t hash = text_hash(text);
    for (uint32_t i = 0; i < set->count; i++)
        if (set->entries[i].hash == hash && strcmp(set->entries[i].text, text) == 0) {
            set->entries[i].count += count;
            return MASQ_OK;
        }
    uint32_t slot = set->count;
    if (set->count == MASQ_CONTEXT_LIMIT) {
        /* Full: keep the smallest values. A value once passed over never
         * comes back, so kept counts are exact, and the set of a merge of
         * tables is the set of one run over all their events. */
        slot = set->largest;
        if (strcmp(text, set->entries[slot].text) > 0) {
            set->more += count;
            return MASQ_OK;
        }
    } else if (set->count == set->capacity) {
        uint32_t capacity = set->capacity ? set->capacity * 2 : 1;
        if (capacity > MASQ_CONTEXT_LIMIT)
            capacity = MASQ_CONTEXT_LIMIT;
        masq_text_entry *grown = realloc(set->entries, capacity * sizeof *grown);
        if (grown == NULL)
            return MASQ_ERR_NOMEM;
        set->entries = grown;
        set->capacity = capacity;
    }
    const char *copy = masq_string_pool_intern(&table->strings, text, hash);
    if (copy == NULL)
        return MASQ_ERR_NOMEM;
    if (slot < set->count) {
        set->more += set->entries[slot].count;
    } else {
        set->count++;
    }
    set->entries[slot] = (masq_text_entry){copy, count, hash};
    if (set->count == MASQ_CONTEXT_LIMIT)
        find_largest(set);
    return MASQ_OK;
}

static masq_status intern(masq_name_table *table, const char *text, size_t length, size_t *index)
{
    if ((table->count + 1) * 2 > table->slot_count) {
        if (rehash(table, table->slot_count ? table->slot_count * 2 : 1024) != 0)
            return MASQ_ERR_NOMEM;
    }
    size_t slot = find_slot(table, text, length);
    if (table->slots[slot] != 0) {
        *index = table->slots[slot] - 1;
        return MASQ_OK;
    }
    if (table->count >= UINT32_MAX - 1)
        return MASQ_ERR_NOMEM;
    if (masq_grow((void **)&table->names, &table->capacity, table->count + 1,
                  sizeof *table->names) != 0)
        return MASQ_ERR_NOMEM;
    masq_name *name = &table->names[table->count];
    memset(name, 0, sizeof *name);
    name->text = masq_strndup(text, length);
    if (name->text == NULL)
        return MASQ_ERR_NOMEM;
    name->length = length;
    name->first_seen_ms = MASQ_TIME_NONE;
    name->last_seen_ms = MASQ_TIME_NONE;
    table->slots[slot] = (uint32_t)(table->count + 1);
    *index = table->count++;
    return MASQ_OK;
}

masq_status masq_name_table_intern(masq_name_table *table, const char *text, size_t length,
                                   size_t *index)
{
    return intern(table, text, length, index);
}

static masq_status merge_set(masq_name_table *table, masq_text_set *dst, const masq_text_set *src)
{
    for (uint32_t i = 0; i < src->count; i++)
        MASQ_TRY(masq_text_set_add(table, dst, src->entries[i].text, src->entries[i].count));
    dst->more += src->more;
    return MASQ_OK;
}

masq_status masq_name_table_merge(masq_name_table *dst, const masq_name_table *src)
{
    for (size_t i = 0; i < src->count; i++) {
        const masq_name *from = &src->names[i];
        size_t index;
        MASQ_TRY(intern(dst, from->text, from->length, &index));
        masq_name *to = &dst->names[index];
        to->user_count += from->user_count;
        to->demo_count += from->demo_count;
        MASQ_TRY(merge_set(dst, &to->paths, &from->paths));
        MASQ_TRY(merge_set(dst, &to->computers, &from->computers));
        MASQ_TRY(merge_set(dst, &to->originals, &from->originals));
        MASQ_TRY(merge_set(dst, &to->folders, &from->folders));
        if (from->first_seen_ms != MASQ_TIME_NONE &&
            (to->first_seen_ms == MASQ_TIME_NONE || from->first_seen_ms < to->first_seen_ms))
            to->first_seen_ms = from->first_seen_ms;
        if (from->last_seen_ms != MASQ_TIME_NONE &&
            (to->last_seen_ms == MASQ_TIME_NONE || from->last_seen_ms > to->last_seen_ms))
            to->last_seen_ms = from->last_seen_ms;
    }
    return MASQ_OK;
}

static int compare_name_bytes(const void *a, const void *b)
{
    const masq_name *x = a, *y = b;
    size_t n = x->length < y->length ? x->length : y->length;
    int order = memcmp(x->text, y->text, n);
    return order ? order : (x->length > y->length) - (x->length < y->length);
}

masq_status masq_name_table_sort(masq_name_table *table)
{
    if (table->count > 1)
        qsort(table->names, table->count, sizeof *table->names, compare_name_bytes);
    return table->slot_count == 0 || rehash(table, table->slot_count) == 0 ? MASQ_OK
                                                                           : MASQ_ERR_NOMEM;
}

masq_status masq_name_table_add(masq_name_table *table, const masq_sighting *sighting)
{
    size_t index;
    MASQ_TRY(intern(table, sighting->process, sighting->process_length, &index));
    masq_name *name = &table->names[index];
    if (sighting->demo)
        name->demo_count++;
    else
        name->user_count++;
    MASQ_TRY(masq_text_set_add(table, &name->paths, sighting->path, 1));
    MASQ_TRY(masq_text_set_add(table, &name->computers, sighting->computer, 1));
    MASQ_TRY(masq_text_set_add(table, &name->originals, sighting->original, 1));
    if (sighting->path != NULL) {
        char folder[1024];
        masq_folder_of(sighting->path, folder, sizeof folder);
        MASQ_TRY(masq_text_set_add(table, &name->folders, folder, 1));
    }
    if (sighting->time_ms != MASQ_TIME_NONE) {
        if (name->first_seen_ms == MASQ_TIME_NONE || sighting->time_ms < name->first_seen_ms)
            name->first_seen_ms = sighting->time_ms;
        if (name->last_seen_ms == MASQ_TIME_NONE || sighting->time_ms > name->last_seen_ms)
            name->last_seen_ms = sighting->time_ms;
    }
    return MASQ_OK;
}
