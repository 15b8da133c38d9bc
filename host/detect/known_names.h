/* The binaries attackers imitate, with the folders they belong in: anchors of
 * the default profile even when rare or absent in the data. --known FILE adds
 * lines "name<TAB>folder;folder" (folders as "\windows\system32\", without a
 * drive; a name alone has no folder rule). */
#ifndef MASQ_KNOWN_NAMES_H
#define MASQ_KNOWN_NAMES_H

#include <stdbool.h>
#include <stddef.h>

#include "../util/status.h"

typedef struct masq_known_name {
    char *name;     /* lower-cased file name */
    char **folders; /* lower-cased folders without a drive, ending in a separator */
    size_t folder_count;
    char **originals; /* PE original file names it legitimately carries besides its own */
    size_t original_count;
} masq_known_name;

typedef struct masq_known_names {
    masq_known_name *items;
    size_t count;
    size_t capacity;
} masq_known_names;

/* The built-in list. */
masq_status masq_known_names_init(masq_known_names *known);

/* Add (or extend) entries from a file; MASQ_ERR_INPUT with file:line on a bad line. */
masq_status masq_known_names_load(masq_known_names *known, const char *path);

void masq_known_names_free(masq_known_names *known);

/* The entry for a lower-cased name, or NULL. */
const masq_known_name *masq_known_names_find(const masq_known_names *known, const char *name);

#endif
