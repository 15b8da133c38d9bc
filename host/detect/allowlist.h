/* Benign near-pairs: real binaries one or two edits apart (taskhost and
 * taskhostw, tracert and tracerpt). --allow FILE adds lines "a.exe<TAB>b.exe". */
#ifndef MASQ_ALLOWLIST_H
#define MASQ_ALLOWLIST_H

#include <stdbool.h>
#include <stddef.h>

#include "../util/status.h"

typedef struct masq_allowlist {
    char **pairs; /* 2 * count names */
    size_t count;
    size_t capacity;
} masq_allowlist;

masq_status masq_allowlist_init(masq_allowlist *list);
masq_status masq_allowlist_load(masq_allowlist *list, const char *path);
void masq_allowlist_free(masq_allowlist *list);

/* Is the unordered pair allowed? */
bool masq_allowlist_has(const masq_allowlist *list, const char *a, const char *b);

#endif
