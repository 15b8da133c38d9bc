/* The knowledge base: the binaries attackers imitate or rename, the folders
 * each belongs in, the original file names each carries. Anchors of the
 * default profile even when rare or absent in the data. The built-in list is
 * host/detect/known_names.tsv, embedded at build time; --known FILE reads the
 * same format (its lines replace built-in entries of the same name). Names
 * the fleet itself runs from the system's or installed programs' folders are
 * learned as anchors too (masq_known_names_learn). */
#ifndef MASQ_KNOWN_NAMES_H
#define MASQ_KNOWN_NAMES_H

#include <stdbool.h>
#include <stddef.h>

#include "../util/status.h"

typedef enum masq_known_origin {
    MASQ_KNOWN_LISTED = 0,  /* the built-in list or --known */
    MASQ_KNOWN_SYSTEM = 1,  /* learned: the fleet runs it from a folder of Windows itself */
    MASQ_KNOWN_VENDOR = 2,  /* learned: the fleet runs it from \Program Files\ */
    MASQ_KNOWN_HISTORY = 3, /* learned: frequent in the baseline's days, absent from the run */
} masq_known_origin;

typedef struct masq_known_name {
    char *name;     /* lower-cased file name */
    char **folders; /* folder rules: lower-cased, no drive, ending in a separator; '*' globs */
    size_t folder_count;
    char **originals; /* PE original file names it legitimately carries besides its own */
    size_t original_count;
    masq_known_origin origin;
} masq_known_name;

typedef struct masq_known_names {
    masq_known_name *items;
    size_t count;
    size_t capacity;
    const masq_known_name **by_name; /* sorted by name, one per name (the last added wins) */
    size_t indexed;
    struct masq_known_original *by_original; /* listed entries' originals, sorted */
    size_t originals;
} masq_known_names;

/* The built-in list. */
masq_status masq_known_names_init(masq_known_names *known);

/* Add entries from a file; MASQ_ERR_INPUT with file:line on a bad line. */
masq_status masq_known_names_load(masq_known_names *known, const char *path);

/* One learned entry, without folder rules. */
masq_status masq_known_names_learn(masq_known_names *known, const char *name,
                                   masq_known_origin origin);

/* Sort for lookups; call after the last init/load/learn. */
masq_status masq_known_names_index(masq_known_names *known);

void masq_known_names_free(masq_known_names *known);

/* The entry for a lower-cased name, or NULL (needs masq_known_names_index). */
const masq_known_name *masq_known_names_find(const masq_known_names *known, const char *name);

/* The listed entry that carries this original file name: its own name or one of
 * its originals (psexec.c is psexec.exe's), or NULL. */
const masq_known_name *masq_known_names_claiming(const masq_known_names *known,
                                                 const char *original);

/* Does entry carry this original file name (its own stem's, or one listed)? */
bool masq_known_name_carries(const masq_known_name *entry, const char *original);

#endif
