/* Interned process names with their counts and context. Memory grows with the
 * number of distinct names, never with the number of events. */
#ifndef MASQ_NAME_TABLE_H
#define MASQ_NAME_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/status.h"
#include "string_pool.h"

/* How many distinct paths and computers are kept per name for the report;
 * further distinct values are only counted. */
#define MASQ_CONTEXT_LIMIT 16

#define MASQ_TIME_NONE INT64_MIN

/* Distinct strings with how often each was seen: the MASQ_CONTEXT_LIMIT
 * smallest (by byte order, so that tables merge exactly) are kept with exact
 * counts; `more` counts the sightings of the rest. */
typedef struct masq_text_entry {
    const char *text; /* in the table's string pool */
    uint64_t count;
    uint32_t hash; /* of text: most lookups end without a strcmp */
} masq_text_entry;

/* The entries grow as values come (most names have one or two paths), up to
 * MASQ_CONTEXT_LIMIT. */
typedef struct masq_text_set {
    masq_text_entry *entries;
    uint32_t count;
    uint32_t capacity;
    uint32_t largest; /* index of the largest text, once full */
    uint64_t more;
} masq_text_set;

typedef struct masq_name {
    char *text;    /* lower-cased process name, UTF-8, NUL-terminated */
    size_t length; /* bytes */
    uint64_t user_count;
    uint64_t demo_count;
    masq_text_set paths;     /* NewProcessName as written, case kept */
    masq_text_set computers;
    masq_text_set originals; /* PE original file names (Sysmon, Defender), lower-cased */
    masq_text_set folders;   /* the paths' folders, normalized (names/folder_path.h): few
                                per name, so a folder a binary should not run from is kept
                                even when its spellings of paths are many */
    int64_t first_seen_ms; /* MASQ_TIME_NONE when no event had a time */
    int64_t last_seen_ms;
} masq_name;

/* One process-creation event as the name table needs it. `process` is already
 * lower-cased; the other fields may be NULL. */
typedef struct masq_sighting {
    const char *process;
    size_t process_length;
    const char *path;
    const char *computer;
    const char *original; /* lower-cased PE original file name, or NULL */
    int64_t time_ms; /* MASQ_TIME_NONE when unknown */
    bool demo;
} masq_sighting;

typedef struct masq_name_table {
    masq_name *names;
    size_t count;
    size_t capacity;
    uint32_t *slots; /* open addressing: index + 1 into names, 0 = empty */
    size_t slot_count;
    masq_string_pool strings; /* the context sets' strings */
} masq_name_table;

void masq_name_table_init(masq_name_table *table);
void masq_name_table_free(masq_name_table *table);

/* Count one event for its name, interning the name on first sight. */
masq_status masq_name_table_add(masq_name_table *table, const masq_sighting *sighting);

/* The set's entries most seen first, then by value (order has room for
 * MASQ_CONTEXT_LIMIT indexes): the same order whatever the order of events. */
void masq_text_set_order(const masq_text_set *set, uint32_t *order);

/* Count a value `count` more times in a set of one of the table's names
 * (NULL or "" values are ignored). */
masq_status masq_text_set_add(masq_name_table *table, masq_text_set *set, const char *text,
                              uint64_t count);

/* Intern a name without counting an event (an anchor the data may lack). */
masq_status masq_name_table_intern(masq_name_table *table, const char *text, size_t length,
                                   size_t *index);

/* Add every name of src to dst: counts summed, context sets merged (their
 * smallest values kept, so the result does not depend on the split). */
masq_status masq_name_table_merge(masq_name_table *dst, const masq_name_table *src);

/* Put the names in byte order of their text, so that a name's index (and so
 * every order and choice made by index downstream) does not depend on the
 * order in which parallel readers interned them. */
masq_status masq_name_table_sort(masq_name_table *table);

/* The index of a name, or -1 if it was never seen. */
long masq_name_table_find(const masq_name_table *table, const char *text, size_t length);

static inline uint64_t masq_name_total(const masq_name *name)
{
    return name->user_count + name->demo_count;
}

#endif
