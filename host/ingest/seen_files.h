/* Files and folders seen, by device and inode: each read once. */
#ifndef MASQ_SEEN_FILES_H
#define MASQ_SEEN_FILES_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

typedef struct masq_seen_set {
    struct masq_seen_entry *entries;
    size_t count, capacity;
} masq_seen_set;

/* Add; returns the path first seen with this device and inode (not added
 * again), NULL when new, and sets *failed when out of memory. */
const char *masq_seen_add(masq_seen_set *set, dev_t device, ino_t inode, const char *path,
                          bool *failed);
void masq_seen_free(masq_seen_set *set);

#endif
