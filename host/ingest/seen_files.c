#include "seen_files.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct masq_seen_entry {
    dev_t device;
    ino_t inode;
    char *path; /* NULL: empty slot */
} masq_seen_entry;

static size_t seen_slot(const masq_seen_set *set, dev_t device, ino_t inode)
{
    uint64_t h = ((uint64_t)device * 0x9E3779B97F4A7C15ull) ^ ((uint64_t)inode * 0xC2B2AE3D27D4EB4Full);
    h ^= h >> 29;
    size_t mask = set->capacity - 1, i = (size_t)h & mask;
    while (set->entries[i].path != NULL &&
           !(set->entries[i].device == device && set->entries[i].inode == inode))
        i = (i + 1) & mask;
    return i;
}

const char *masq_seen_add(masq_seen_set *set, dev_t device, ino_t inode, const char *path,
                          bool *failed)
{
    *failed = false;
    if (set->count * 2 >= set->capacity) {
        size_t capacity = set->capacity ? set->capacity * 2 : 64;
        masq_seen_entry *old = set->entries;
        size_t old_capacity = set->capacity;
        set->entries = calloc(capacity, sizeof *set->entries);
        if (set->entries == NULL) {
            set->entries = old;
            *failed = true;
            return NULL;
        }
        set->capacity = capacity;
        for (size_t i = 0; i < old_capacity; i++)
            if (old[i].path != NULL)
                set->entries[seen_slot(set, old[i].device, old[i].inode)] = old[i];
        free(old);
    }
    size_t i = seen_slot(set, device, inode);
    if (set->entries[i].path != NULL)
        return set->entries[i].path;
    char *copy = strdup(path);
    if (copy == NULL) {
        *failed = true;
        return NULL;
    }
    set->entries[i] = (masq_seen_entry){device, inode, copy};
    set->count++;
    return NULL;
}

void masq_seen_free(masq_seen_set *set)
{
    for (size_t i = 0; i < set->capacity; i++)
        free(set->entries[i].path);
    free(set->entries);
    memset(set, 0, sizeof *set);
}
