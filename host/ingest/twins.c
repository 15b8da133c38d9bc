#include "twins.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "../names/folder_path.h"
#include "../util/memory.h"

masq_status masq_twins_init(masq_twins *twins)
{
    memset(twins, 0, sizeof *twins);
    return pthread_mutex_init(&twins->lock, NULL) == 0 ? MASQ_OK : MASQ_ERR_NOMEM;
}

void masq_twins_free(masq_twins *twins)
{
    free(twins->items);
    pthread_mutex_destroy(&twins->lock);
    twins->items = NULL;
    twins->count = twins->capacity = 0;
}

/* FNV-1a over ASCII-lower-cased bytes, the host and the path apart. */
static uint64_t folded_hash(uint64_t hash, const char *text)
{
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        hash ^= (unsigned char)tolower(*p);
        hash *= 0x100000001b3ull;
    }
    return hash;
}

masq_status masq_twins_add(masq_twins *twins, const masq_sighting *s, uint32_t table,
                           size_t index)
{
    if (s->computer == NULL || s->computer[0] == '\0' || s->path == NULL || s->path[0] == '\0' ||
        s->time_ms == MASQ_TIME_NONE || s->sensor == 0)
        return MASQ_OK;
    uint64_t key = folded_hash(0xcbf29ce484222325ull, s->computer);
    key = folded_hash(key ^ 0xff, s->path);
    char folder[1024];
    masq_folder_of(s->path, folder, sizeof folder);
    masq_twin_record record = {key, s->time_ms, table, (uint32_t)index, s->sensor,
                               masq_text_hash(s->path), masq_text_hash(s->computer),
                               masq_text_hash(folder)};
    pthread_mutex_lock(&twins->lock);
    int failed = MASQ_PUSH(*twins, record);
    pthread_mutex_unlock(&twins->lock);
    return failed ? MASQ_ERR_NOMEM : MASQ_OK;
}

/* Host and path, time, sensor; the name index last only to make the order
 * total: records tied on the rest are of one sensor, so which comes first
 * changes neither which twins are found nor whose counts drop. */
static int compare_record(const void *x, const void *y)
{
    const masq_twin_record *a = x, *b = y;
    if (a->key != b->key)
        return a->key < b->key ? -1 : 1;
    if (a->time_ms != b->time_ms)
        return a->time_ms < b->time_ms ? -1 : 1;
    if (a->sensor != b->sensor)
        return a->sensor < b->sensor ? -1 : 1;
    if (a->table != b->table)
        return a->table < b->table ? -1 : 1;
    return (a->name > b->name) - (a->name < b->name);
}

masq_status masq_twins_apply(masq_twins *twins, masq_name_table *const *tables, uint64_t *found)
{
    *found = 0;
    if (twins->count > 1)
        qsort(twins->items, twins->count, sizeof *twins->items, compare_record);
    /* A start: the first record of a group, then each later record of the same
     * host and path within the window whose sensor the start has not had yet. */
    masq_status status = MASQ_OK;
    size_t i = 0;
    while (i < twins->count && status == MASQ_OK) {
        const masq_twin_record *first = &twins->items[i];
        uint32_t sensors = first->sensor;
        size_t j = i + 1;
        for (; j < twins->count; j++) {
            const masq_twin_record *r = &twins->items[j];
            if (r->key != first->key || r->time_ms - first->time_ms > MASQ_TWIN_WINDOW_MS ||
                (sensors & r->sensor))
                break;
            sensors |= r->sensor;
            status = masq_name_table_uncount(tables[r->table], r->name, r->path_hash, r->computer_hash,
                                             r->folder_hash);
            if (status != MASQ_OK)
                break;
            (*found)++;
        }
        i = j;
    }
    return status;
}
