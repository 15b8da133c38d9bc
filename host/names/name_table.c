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
    for (uint32_t i = 0; i < set->count; i++)
        if (set->entries[i].evidence != NULL) {
            masq_evidence_free(set->entries[i].evidence);
            free(set->entries[i].evidence);
        }
    free(set->entries); /* the strings belong to the table's pool */
}

void masq_evidence_init(masq_evidence *evidence)
{
    memset(evidence, 0, sizeof *evidence);
    evidence->first_seen_ms = MASQ_TIME_NONE;
    evidence->last_seen_ms = MASQ_TIME_NONE;
}

void masq_evidence_free(masq_evidence *evidence)
{
    text_set_free(&evidence->paths);
    text_set_free(&evidence->computers);
    text_set_free(&evidence->users);
    text_set_free(&evidence->parents);
    masq_evidence_init(evidence);
}

void masq_name_table_free(masq_name_table *table)
{
    for (size_t i = 0; i < table->count; i++) {
        free(table->names[i].text);
        masq_evidence_free(&table->names[i].all);
        text_set_free(&table->names[i].originals);
        text_set_free(&table->names[i].sha256s);
        text_set_free(&table->names[i].folders);
    }
    free(table->names);
    free(table->slots);
    masq_string_pool_free(&table->strings);
    masq_name_table_init(table);
}

static size_t find_hashed(const masq_name_table *table, const char *text, size_t length,
                          uint64_t hash)
{
    size_t mask = table->slot_count - 1;
    size_t slot = (size_t)hash & mask;
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

static size_t find_slot(const masq_name_table *table, const char *text, size_t length)
{
    return find_hashed(table, text, length, hash_bytes(text, length));
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

uint64_t masq_text_prefix(const char *text)
{
    uint64_t prefix = 0;
    int i = 0;
    for (; i < 8 && text[i] != '\0'; i++)
        prefix = prefix << 8 | (unsigned char)text[i];
    return i == 0 ? 0 : prefix << (8 * (8 - i));
}

/* The order in which a full set keeps values: rank, then bytes (the prefixes
 * first, as strcmp would find them). */
static int kept_order(uint32_t rank_a, uint64_t prefix_a, const char *a, uint32_t rank_b,
                      uint64_t prefix_b, const char *b)
{
    if (rank_a != rank_b)
        return rank_a < rank_b ? -1 : 1;
    if (prefix_a != prefix_b)
        return prefix_a < prefix_b ? -1 : 1;
    return strcmp(a, b);
}

uint32_t masq_text_hash(const char *text)
{
    /* Eight bytes at a time, each word multiplied in and folded; the length
     * last. Only this process's tables keep these hashes. */
    size_t length = strlen(text), i = 0;
    uint64_t hash = 0xcbf29ce484222325ull;
    for (; i + 8 <= length; i += 8) {
        uint64_t word;
        memcpy(&word, text + i, 8);
        hash = (hash ^ word) * 0x9E3779B97F4A7C15ull;
        hash ^= hash >> 32;
    }
    uint64_t word = 0;
    memcpy(&word, text + i, length - i);
    hash = (hash ^ word ^ ((uint64_t)length << 56)) * 0x9E3779B97F4A7C15ull;
    hash ^= hash >> 29;
    return (uint32_t)(hash ^ (hash >> 32));
}

static void find_largest(masq_text_set *set)
{
    set->largest = 0;
    for (uint32_t i = 1; i < set->count; i++)
        if (kept_order(set->entries[i].rank, set->entries[i].prefix, set->entries[i].text,
                       set->entries[set->largest].rank, set->entries[set->largest].prefix,
                       set->entries[set->largest].text) > 0)
            set->largest = i;
}

static void entry_free(masq_text_entry *entry)
{
    if (entry->evidence != NULL) {
        masq_evidence_free(entry->evidence);
        free(entry->evidence);
        entry->evidence = NULL;
    }
}

/* A value on its way into several sets (a sighting's path goes to the name's
 * and to its folder's and original name's evidence): once one set has it,
 * its copy in the string pool is known, and the next sets compare pointers
 * (the pool holds one copy of each string), not bytes. */
typedef struct set_value {
    const char *text;
    uint32_t hash;
    const char *pooled; /* the pool's copy, or NULL while not known */
    bool shares_evidence; /* as the set's first entry: no evidence of its own (a name's
                             sole folder, whose evidence is the name's) */
} set_value;

/* masq_text_set_add with the value's masq_text_hash already known. */
static masq_status value_add(masq_name_table *table, masq_text_set *set, set_value *value,
                             unsigned (*rank_of)(const char *), uint64_t count,
                             masq_evidence **evidence)
{
    if (evidence != NULL)
        *evidence = NULL;
    const char *text = value->text;
    uint32_t hash = value->hash;
    if (text == NULL || text[0] == '\0' || count == 0)
        return MASQ_OK;
    for (uint32_t i = 0; (set->signature >> (hash & 63)) & 1 && i < set->count; i++)
        if (set->entries[i].hash == hash &&
            (value->pooled != NULL ? set->entries[i].text == value->pooled
                                   : strcmp(set->entries[i].text, text) == 0)) {
            value->pooled = set->entries[i].text;
            /* Saturating: a count past 2^64 stays at the top, never wraps. */
            uint64_t *c = &set->entries[i].count;
            *c = *c > UINT64_MAX - count ? UINT64_MAX : *c + count;
            if (evidence != NULL)
                *evidence = set->entries[i].evidence;
            return MASQ_OK;
        }
    uint32_t slot = set->count;
    uint32_t rank = rank_of ? rank_of(text) : 0;
    uint64_t prefix = masq_text_prefix(text);
    if (set->count == MASQ_CONTEXT_LIMIT) {
        /* Full: keep the first values in (rank, bytes) order. A value once
         * passed over never comes back, so kept counts are exact, and the set
         * of a merge of tables is the set of one run over all their events. */
        slot = set->largest;
        if (kept_order(rank, prefix, text, set->entries[slot].rank, set->entries[slot].prefix,
                       set->entries[slot].text) > 0) {
            set->more = set->more > UINT64_MAX - count ? UINT64_MAX : set->more + count;
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
    const char *copy =
        value->pooled != NULL ? value->pooled : masq_string_pool_intern(&table->strings, text, hash);
    if (copy == NULL)
        return MASQ_ERR_NOMEM;
    value->pooled = copy;
    masq_evidence *kept = NULL;
    if (set->with_evidence && !(value->shares_evidence && set->count == 0)) {
        kept = malloc(sizeof *kept);
        if (kept == NULL)
            return MASQ_ERR_NOMEM;
        masq_evidence_init(kept);
    }
    if (slot < set->count) {
        uint64_t evicted = set->entries[slot].count;
        set->more = set->more > UINT64_MAX - evicted ? UINT64_MAX : set->more + evicted;
        entry_free(&set->entries[slot]);
    } else {
        set->count++;
    }
    set->entries[slot] = (masq_text_entry){copy, count, hash, rank, prefix, kept};
    set->signature = 0;
    for (uint32_t i = 0; i < set->count; i++)
        set->signature |= 1ull << (set->entries[i].hash & 63);
    if (set->count == MASQ_CONTEXT_LIMIT)
        find_largest(set);
    if (evidence != NULL)
        *evidence = kept;
    return MASQ_OK;
}

static masq_status set_add(masq_name_table *table, masq_text_set *set, const char *text,
                           uint32_t hash, unsigned (*rank_of)(const char *), uint64_t count,
                           masq_evidence **evidence)
{
    set_value value = {text, hash, NULL, false};
    return value_add(table, set, &value, rank_of, count, evidence);
}

masq_status masq_text_set_add(masq_name_table *table, masq_text_set *set, const char *text,
                              unsigned (*rank_of)(const char *), uint64_t count,
                              masq_evidence **evidence)
{
    uint32_t hash = text != NULL ? masq_text_hash(text) : 0;
    return set_add(table, set, text, hash, rank_of, count, evidence);
}

static masq_status intern_hashed(masq_name_table *table, const char *text, size_t length,
                                 uint64_t hash, size_t *index, bool *created)
{
    *created = false;
    if ((table->count + 1) * 2 > table->slot_count) {
        if (rehash(table, table->slot_count ? table->slot_count * 2 : 1024) != 0)
            return MASQ_ERR_NOMEM;
    }
    size_t slot = find_hashed(table, text, length, hash);
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
    masq_evidence_init(&name->all);
    name->originals.with_evidence = true;
    name->folders.with_evidence = true;
    name->folders.ranked = true;
    table->slots[slot] = (uint32_t)(table->count + 1);
    *index = table->count++;
    *created = true;
    return MASQ_OK;
}

static masq_status intern(masq_name_table *table, const char *text, size_t length, size_t *index)
{
    bool created;
    return intern_hashed(table, text, length, hash_bytes(text, length), index, &created);
}

masq_status masq_name_table_intern(masq_name_table *table, const char *text, size_t length,
                                   size_t *index)
{
    return intern(table, text, length, index);
}

/* src's entries into dst; an entry of src without evidence of its own has
 * `shared` (a name's sole folder: the name's). */
static masq_status merge_set(masq_name_table *table, masq_text_set *dst, const masq_text_set *src,
                             const masq_evidence *shared)
{
    for (uint32_t i = 0; i < src->count; i++) {
        const masq_text_entry *from = &src->entries[i];
        const masq_evidence *from_evidence = from->evidence != NULL ? from->evidence : shared;
        masq_evidence *evidence;
        MASQ_TRY(set_add(table, dst, from->text, from->hash, dst->ranked ? masq_folder_rank : NULL,
                         from->count, &evidence));
        if (evidence != NULL && from_evidence != NULL)
            MASQ_TRY(masq_evidence_merge(table, evidence, from_evidence));
    }
    dst->more = dst->more > UINT64_MAX - src->more ? UINT64_MAX : dst->more + src->more;
    return MASQ_OK;
}

static void widen(int64_t *first, int64_t *last, int64_t from_first, int64_t from_last)
{
    if (from_first != MASQ_TIME_NONE && (*first == MASQ_TIME_NONE || from_first < *first))
        *first = from_first;
    if (from_last != MASQ_TIME_NONE && (*last == MASQ_TIME_NONE || from_last > *last))
        *last = from_last;
}

masq_status masq_evidence_merge(masq_name_table *table, masq_evidence *into,
                                const masq_evidence *from)
{
    widen(&into->first_seen_ms, &into->last_seen_ms, from->first_seen_ms, from->last_seen_ms);
    into->sensors |= from->sensors;
    MASQ_TRY(merge_set(table, &into->paths, &from->paths, NULL));
    MASQ_TRY(merge_set(table, &into->computers, &from->computers, NULL));
    MASQ_TRY(merge_set(table, &into->users, &from->users, NULL));
    return merge_set(table, &into->parents, &from->parents, NULL);
}

static uint64_t saturating_add(uint64_t a, uint64_t b)
{
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

const masq_evidence *masq_folder_evidence(const masq_name *name, uint32_t k)
{
    const masq_evidence *own = name->folders.entries[k].evidence;
    return own != NULL ? own : &name->all;
}

/* A name's sole folder given evidence of its own, a copy of the name's,
 * before a sighting lands elsewhere (or another table's are merged in). */
masq_status masq_name_settle_folder(masq_name_table *table, masq_name *name)
{
    if (name->folders.count == 0 || name->folders.entries[0].evidence != NULL)
        return MASQ_OK;
    masq_evidence *own = malloc(sizeof *own);
    if (own == NULL)
        return MASQ_ERR_NOMEM;
    masq_evidence_init(own);
    masq_status status = masq_evidence_merge(table, own, &name->all);
    if (status != MASQ_OK) {
        masq_evidence_free(own);
        free(own);
        return status;
    }
    name->folders.entries[0].evidence = own;
    return MASQ_OK;
}

masq_status masq_name_table_merge(masq_name_table *dst, const masq_name_table *src)
{
    for (size_t i = 0; i < src->count; i++) {
        const masq_name *from = &src->names[i];
        size_t index;
        MASQ_TRY(intern(dst, from->text, from->length, &index));
        masq_name *to = &dst->names[index];
        MASQ_TRY(masq_name_settle_folder(dst, to));
        to->user_count = saturating_add(to->user_count, from->user_count);
        to->demo_count = saturating_add(to->demo_count, from->demo_count);
        MASQ_TRY(masq_evidence_merge(dst, &to->all, &from->all));
        MASQ_TRY(merge_set(dst, &to->originals, &from->originals, NULL));
        MASQ_TRY(merge_set(dst, &to->sha256s, &from->sha256s, NULL));
        MASQ_TRY(merge_set(dst, &to->folders, &from->folders, &from->all));
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

/* The values of one sighting that go into an evidence. */
typedef struct evidence_values {
    set_value path, computer, user, parent;
} evidence_values;

/* n sightings into an evidence (the first at s->time_ms, the last at
 * last_ms): their times, sensor and context. */
static masq_status evidence_add(masq_name_table *table, masq_evidence *evidence,
                                const masq_sighting *s, evidence_values *v, uint64_t n,
                                int64_t last_ms)
{
    widen(&evidence->first_seen_ms, &evidence->last_seen_ms, s->time_ms, last_ms);
    evidence->sensors |= s->sensor;
    MASQ_TRY(value_add(table, &evidence->paths, &v->path, NULL, n, NULL));
    MASQ_TRY(value_add(table, &evidence->computers, &v->computer, NULL, n, NULL));
    MASQ_TRY(value_add(table, &evidence->users, &v->user, NULL, n, NULL));
    return value_add(table, &evidence->parents, &v->parent, NULL, n, NULL);
}

static uint32_t hash_or_0(const char *text)
{
    return text != NULL ? masq_text_hash(text) : 0;
}

void masq_sighting_prepare(masq_sighting *s, char *folder, size_t size)
{
    s->folder = NULL;
    if (s->path != NULL) {
        masq_folder_of(s->path, folder, size);
        s->folder = folder;
    }
    s->process_hash = hash_bytes(s->process, s->process_length);
    s->path_hash = hash_or_0(s->path);
    s->computer_hash = hash_or_0(s->computer);
    s->original_hash = hash_or_0(s->original);
    s->user_hash = hash_or_0(s->user);
    s->parent_hash = hash_or_0(s->parent);
    s->sha256_hash = hash_or_0(s->sha256);
    s->folder_hash = hash_or_0(s->folder);
    s->prepared = true;
}

/* One sighting less of a value, found by its hash; of the set's `more` when
 * the value was not kept. */
static void uncount(masq_text_set *set, uint32_t hash)
{
    for (uint32_t i = 0; i < set->count; i++)
        if (set->entries[i].hash == hash) {
            if (set->entries[i].count > 1)
                set->entries[i].count--;
            return;
        }
    if (set->more > 0)
        set->more--;
}

masq_status masq_name_table_uncount(masq_name_table *table, size_t index, uint32_t path_hash,
                                    uint32_t computer_hash, uint32_t folder_hash)
{
    if (index >= table->count)
        return MASQ_ERR_INTERNAL;
    masq_name *name = &table->names[index];
    if (name->user_count > 1)
        name->user_count--;
    else if (name->demo_count > 1)
        name->demo_count--;
    uncount(&name->all.paths, path_hash);
    uncount(&name->all.computers, computer_hash);
    for (uint32_t i = 0; i < name->folders.count; i++)
        if (name->folders.entries[i].hash == folder_hash) {
            masq_text_entry *folder = &name->folders.entries[i];
            if (folder->count > 1)
                folder->count--;
            if (folder->evidence != NULL) { /* else the name's: counted down above */
                uncount(&folder->evidence->paths, path_hash);
                uncount(&folder->evidence->computers, computer_hash);
            }
            return MASQ_OK;
        }
    if (name->folders.more > 0)
        name->folders.more--;
    return MASQ_OK;
}

masq_status masq_name_table_add_many(masq_name_table *table, const masq_sighting *unprepared,
                                     uint64_t n, int64_t last_ms, size_t *added)
{
    if (n == 0)
        return MASQ_OK;
    masq_sighting prepared;
    char folder[1024];
    const masq_sighting *sighting = unprepared;
    if (!unprepared->prepared) {
        prepared = *unprepared;
        masq_sighting_prepare(&prepared, folder, sizeof folder);
        sighting = &prepared;
    }
    size_t index;
    bool created;
    MASQ_TRY(intern_hashed(table, sighting->process, sighting->process_length,
                           sighting->process_hash, &index, &created));
    if (added != NULL)
        *added = index;
    masq_name *name = &table->names[index];
    /* Most names run from one folder: its evidence is the name's until a
     * sighting lands elsewhere, which settles it first (half the sets an
     * add updates). */
    const masq_text_set *folders = &name->folders;
    if (folders->count == 1 && folders->entries[0].evidence == NULL &&
        !(sighting->folder != NULL && folders->entries[0].hash == sighting->folder_hash &&
          strcmp(folders->entries[0].text, sighting->folder) == 0))
        MASQ_TRY(masq_name_settle_folder(table, name));
    if (sighting->demo)
        name->demo_count = saturating_add(name->demo_count, n);
    else
        name->user_count = saturating_add(name->user_count, n);
    evidence_values values = {{sighting->path, sighting->path_hash, NULL, false},
                              {sighting->computer, sighting->computer_hash, NULL, false},
                              {sighting->user, sighting->user_hash, NULL, false},
                              {sighting->parent, sighting->parent_hash, NULL, false}};
    MASQ_TRY(evidence_add(table, &name->all, sighting, &values, n, last_ms));
    masq_evidence *evidence;
    MASQ_TRY(set_add(table, &name->originals, sighting->original, sighting->original_hash, NULL,
                     n, &evidence));
    if (evidence != NULL)
        MASQ_TRY(evidence_add(table, evidence, sighting, &values, n, last_ms));
    MASQ_TRY(set_add(table, &name->sha256s, sighting->sha256, sighting->sha256_hash, NULL, n,
                     NULL));
    if (sighting->folder != NULL) {
        /* A new name's first folder shares the name's evidence. */
        set_value value = {sighting->folder, sighting->folder_hash, NULL, created};
        MASQ_TRY(value_add(table, &name->folders, &value, masq_folder_rank, n, &evidence));
        if (evidence != NULL)
            MASQ_TRY(evidence_add(table, evidence, sighting, &values, n, last_ms));
    }
    return MASQ_OK;
}

masq_status masq_name_table_add(masq_name_table *table, const masq_sighting *sighting,
                                size_t *added)
{
    return masq_name_table_add_many(table, sighting, 1, sighting->time_ms, added);
}
