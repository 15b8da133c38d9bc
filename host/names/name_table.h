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

/* The sensor that logged a sighting: the pivot back to its events queries
 * that sensor's table (report/pivot.c). */
enum {
    MASQ_SENSOR_SECURITY_EVENT = 1u << 0, /* SecurityEvent 4688 */
    MASQ_SENSOR_SYSMON = 1u << 1,         /* Sysmon event 1 (the Event table) */
    MASQ_SENSOR_DEFENDER = 1u << 2,       /* DeviceProcessEvents */
};

struct masq_evidence;

/* Distinct strings with how often each was seen: the MASQ_CONTEXT_LIMIT
 * smallest by (rank, bytes) are kept with exact counts, so that tables merge
 * exactly; `more` counts the sightings of the rest. A rank puts the values a
 * finding may rest on (a folder users can write to) before the others. */
typedef struct masq_text_entry {
    const char *text; /* in the table's string pool */
    uint64_t count;
    uint32_t hash; /* of text: most lookups end without a strcmp */
    uint32_t rank; /* smaller is kept first */
    uint64_t prefix; /* masq_text_prefix of text: most orderings end without a strcmp */
    struct masq_evidence *evidence; /* owned, for sets that keep it (folders, originals) */
} masq_text_entry;

/* The entries grow as values come (most names have one or two paths), up to
 * MASQ_CONTEXT_LIMIT. */
typedef struct masq_text_set {
    masq_text_entry *entries;
    uint32_t count;
    uint32_t capacity;
    uint32_t largest; /* index of the last entry in (rank, bytes) order, once full */
    uint64_t signature; /* bit (hash % 64) of each kept value: most misses end here */
    bool with_evidence; /* each entry keeps the evidence of its sightings */
    bool ranked;        /* values ranked by masq_folder_rank (the folders) */
    uint64_t more;
} masq_text_set;

/* The sightings behind one value of a name: those in one folder, or those
 * claiming one original file name. What a finding shows as its evidence. */
typedef struct masq_evidence {
    int64_t first_seen_ms; /* MASQ_TIME_NONE when no sighting had a time */
    int64_t last_seen_ms;
    uint32_t sensors; /* MASQ_SENSOR_* bits */
    masq_text_set paths;
    masq_text_set computers;
    masq_text_set users;
    masq_text_set parents;
} masq_evidence;

typedef struct masq_name {
    char *text;    /* lower-cased process name, UTF-8, NUL-terminated */
    size_t length; /* bytes */
    uint64_t user_count;
    uint64_t demo_count;
    masq_evidence all;       /* every sighting of the name: paths (NewProcessName as
                                written, case kept), computers, users, parents */
    masq_text_set originals; /* PE original file names (Sysmon, Defender), lower-cased,
                                each with its sightings' evidence */
    masq_text_set sha256s;   /* the images' SHA-256 (Sysmon's Hashes, Defender's SHA256),
                                lower-case hex, with how many sightings had each */
    masq_text_set folders;   /* the paths' folders, normalized (names/folder_path.h),
                                ranked (masq_folder_rank), each with its evidence: a
                                folder a binary should not run from is kept even when
                                its spellings of paths are many. While every sighting
                                of the name is in one folder, that folder's entry has
                                no evidence of its own (NULL): it is `all`. Read it
                                through masq_folder_evidence. */
} masq_name;

/* One process-creation event as the name table needs it. `process` is already
 * lower-cased; the other fields may be NULL. */
typedef struct masq_sighting {
    const char *process;
    size_t process_length;
    const char *path;
    const char *computer;
    const char *original; /* lower-cased PE original file name, or NULL */
    const char *user;     /* the account that started it, or NULL */
    const char *parent;   /* the parent process's path, or NULL */
    int64_t time_ms; /* MASQ_TIME_NONE when unknown */
    uint32_t sensor; /* one MASQ_SENSOR_* bit, or 0 */
    bool demo;
    const char *sha256; /* the image's SHA-256, 64 lower-case hex digits, or NULL */
    /* Set by masq_sighting_prepare: a reader hashes a sighting and finds its
     * folder before it takes the shared table's lock, so that the time under
     * the lock is only the lookups. Left zero, the table works them out. */
    const char *folder; /* masq_folder_of(path) */
    bool prepared;
    uint64_t process_hash; /* as the name index hashes it */
    uint32_t path_hash, computer_hash, original_hash, user_hash, parent_hash, sha256_hash,
        folder_hash; /* masq_text_hash of each */
} masq_sighting;

/* Fill a sighting's folder (into folder, of size bytes) and hashes. */
void masq_sighting_prepare(masq_sighting *sighting, char *folder, size_t size);

typedef struct masq_name_table {
    masq_name *names;
    size_t count;
    size_t capacity;
    uint32_t *slots; /* open addressing: index + 1 into names, 0 = empty */
    size_t slot_count;
    masq_string_pool strings; /* the context sets' strings */
} masq_name_table;

/* Ask the memory for what a later masq_name_table_add of a prepared sighting
 * (its process_hash) will read. The table is larger than the caches and a
 * sighting lands on a random name, so an add mostly waits for memory; a batch
 * of adds asks a few sightings ahead, in steps, each step reading what the one
 * before brought in: 0 the index slot, 1 the name, 2 its sets' entries. Only a
 * hint: the adds and their results are the same without it. */
void masq_name_table_prefetch(const masq_name_table *table, uint64_t process_hash, int step);

void masq_name_table_init(masq_name_table *table);
void masq_name_table_free(masq_name_table *table);

/* Count one event for its name, interning the name on first sight; *index
 * (when not NULL) gets the name's index. */
masq_status masq_name_table_add(masq_name_table *table, const masq_sighting *sighting,
                                size_t *index);

/* Count n sightings alike but for their times, the first at sighting->time_ms
 * and the last at last_ms (a row of a summarized query): the same table as n
 * calls of masq_name_table_add. */
masq_status masq_name_table_add_many(masq_name_table *table, const masq_sighting *sighting,
                                     uint64_t n, int64_t last_ms, size_t *index);

/* Take one sighting of name `index` out of its counts again (a twin: the same
 * process start logged by another sensor): the name's count and those of its
 * path, computer and folder (by their masq_text_hash) drop by one, never to 0. */
masq_status masq_name_table_uncount(masq_name_table *table, size_t index, uint32_t path_hash,
                                    uint32_t computer_hash, uint32_t folder_hash);

/* The 32-bit hash the sets and the string pool keep of their values. */
uint32_t masq_text_hash(const char *text);

/* The first 8 bytes of text as a big-endian number (zeros past its end):
 * two texts whose prefixes differ are in the order of their prefixes. */
uint64_t masq_text_prefix(const char *text);

/* The set's entries most seen first, then by value (order has room for
 * MASQ_CONTEXT_LIMIT indexes): the same order whatever the order of events. */
void masq_text_set_order(const masq_text_set *set, uint32_t *order);

/* Count a value `count` more times in a set of one of the table's names
 * (NULL or "" values are ignored), ranked by rank_of (NULL: all rank 0; it
 * is asked only for values the set does not hold yet). With evidence (sets
 * that keep it), *evidence is the entry's, or NULL when the value was not kept. */
masq_status masq_text_set_add(masq_name_table *table, masq_text_set *set, const char *text,
                              unsigned (*rank_of)(const char *), uint64_t count,
                              masq_evidence **evidence);

/* The evidence of a name's folder k: its own, or the name's while that is
 * the name's only folder and holds every sighting. */
const masq_evidence *masq_folder_evidence(const masq_name *name, uint32_t k);

/* Give a name's sole folder evidence of its own, a copy of the name's, if it
 * shares the name's: before anything adds to the name other than
 * masq_name_table_add (a row of a names table, a merge). */
masq_status masq_name_settle_folder(masq_name_table *table, masq_name *name);

/* Fold one evidence into another: times widened, sensors joined, sets merged. */
masq_status masq_evidence_merge(masq_name_table *table, masq_evidence *into,
                                const masq_evidence *from);

void masq_evidence_init(masq_evidence *evidence);
void masq_evidence_free(masq_evidence *evidence);

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
