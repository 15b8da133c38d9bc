#include "known_names.h"

#include <stdlib.h>
#include <string.h>

#include "../util/log.h"
#include "../util/list_file.h"
#include "../util/memory.h"

/* host/detect/known_names.tsv, embedded by cmake/embed_kernels.cmake. */
extern const char masq_data_known_names_tsv[];

static const char *const macros[][2] = {
    {"@system", "\\windows\\system32\\;\\windows\\syswow64\\;\\windows\\winsxs\\*\\"},
    {"@dotnet", "\\windows\\microsoft.net\\framework\\v*\\;\\windows\\microsoft.net\\framework64\\v*\\"},
};

/* A lower-cased copy of text[0, length) (names and folders compare without
 * ASCII case), or NULL. */
static char *lower_copy(const char *text, size_t length)
{
    char *copy = masq_strndup(text, length);
    for (char *p = copy; p && *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p + 32);
    return copy;
}

static masq_status push_item(char ***items, size_t *count, size_t *capacity, const char *text,
                             size_t length)
{
    char *item = lower_copy(text, length);
    if (item == NULL)
        return MASQ_ERR_NOMEM;
    if (masq_grow((void **)items, capacity, *count + 1, sizeof **items) != 0) {
        free(item);
        return MASQ_ERR_NOMEM;
    }
    (*items)[(*count)++] = item;
    return MASQ_OK;
}

/* ';'-separated items of text[0, length) (macros expanded) onto *items. */
static masq_status split_list(const char *text, size_t length, char ***items, size_t *count)
{
    size_t capacity = *count;
    const char *end = text + length;
    while (text < end) {
        const char *stop = memchr(text, ';', (size_t)(end - text));
        size_t n = stop ? (size_t)(stop - text) : (size_t)(end - text);
        bool expanded = false;
        for (size_t m = 0; m < sizeof macros / sizeof *macros && !expanded; m++) {
            if (n == strlen(macros[m][0]) && memcmp(text, macros[m][0], n) == 0) {
                MASQ_TRY(split_list(macros[m][1], strlen(macros[m][1]), items, count));
                capacity = *count;
                expanded = true;
            }
        }
        if (!expanded && n > 0)
            MASQ_TRY(push_item(items, count, &capacity, text, n));
        text += n + (stop != NULL);
    }
    return MASQ_OK;
}

static void free_entry(masq_known_name *e)
{
    for (size_t f = 0; f < e->folder_count; f++)
        free(e->folders[f]);
    for (size_t o = 0; o < e->original_count; o++)
        free(e->originals[o]);
    free(e->folders);
    free(e->originals);
    free(e->name);
}

static masq_status add(masq_known_names *known, const char *name, size_t name_length,
                       masq_known_origin origin, masq_known_name **added)
{
    masq_known_name entry = {.origin = origin};
    entry.name = lower_copy(name, name_length);
    if (entry.name == NULL || MASQ_PUSH(*known, entry) != 0) {
        free(entry.name);
        return MASQ_ERR_NOMEM;
    }
    *added = &known->items[known->count - 1];
    return MASQ_OK;
}

/* One line "name<TAB>folders<TAB>originals" (the last two optional); false
 * when it is not one. */
static masq_status add_line(masq_known_names *known, const char *line, size_t length, bool *valid)
{
    const char *tab = memchr(line, '\t', length);
    size_t name_length = tab ? (size_t)(tab - line) : length;
    *valid = name_length > 0 && memchr(line, '\\', name_length) == NULL &&
             memchr(line, '/', name_length) == NULL;
    if (!*valid)
        return MASQ_OK;
    masq_known_name *e;
    MASQ_TRY(add(known, line, name_length, MASQ_KNOWN_LISTED, &e));
    if (tab == NULL)
        return MASQ_OK;
    const char *folders = tab + 1, *end = line + length;
    const char *tab2 = memchr(folders, '\t', (size_t)(end - folders));
    MASQ_TRY(split_list(folders, (size_t)((tab2 ? tab2 : end) - folders), &e->folders, &e->folder_count));
    if (tab2 != NULL) {
        const char *originals = tab2 + 1;
        const char *tab3 = memchr(originals, '\t', (size_t)(end - originals));
        MASQ_TRY(split_list(originals, (size_t)((tab3 ? tab3 : end) - originals), &e->originals,
                            &e->original_count));
    }
    return MASQ_OK;
}

masq_status masq_known_names_init(masq_known_names *known)
{
    memset(known, 0, sizeof *known);
    unsigned number = 0;
    for (const char *line = masq_data_known_names_tsv; *line;) {
        size_t length = strcspn(line, "\n");
        number++;
        if (length > 0 && line[0] != '#') {
            bool valid;
            MASQ_TRY(add_line(known, line, length, &valid));
            if (!valid) { /* a build-time mistake in the shipped list */
                masq_error("known_names.tsv:%u: expected 'name<TAB>folders<TAB>originals'", number);
                return MASQ_ERR_INPUT;
            }
        }
        line += length + (line[length] == '\n');
    }
    return MASQ_OK;
}

typedef struct load_context {
    masq_known_names *known;
    const char *path;
} load_context;

static masq_status load_line(char *line, unsigned number, void *context)
{
    load_context *c = context;
    bool valid;
    MASQ_TRY(add_line(c->known, line, strlen(line), &valid));
    if (!valid) {
        masq_error("%s:%u: expected 'name<TAB>folders<TAB>originals'", c->path, number);
        return MASQ_ERR_INPUT;
    }
    return MASQ_OK;
}

masq_status masq_known_names_load(masq_known_names *known, const char *path)
{
    load_context context = {known, path};
    return masq_list_file_read(path, load_line, &context);
}

masq_status masq_known_names_learn(masq_known_names *known, const char *name,
                                   masq_known_origin origin)
{
    masq_known_name *e;
    return add(known, name, strlen(name), origin, &e);
}

typedef struct masq_known_original {
    const char *original;
    const masq_known_name *entry;
} masq_known_original;

static int compare_originals(const void *a, const void *b)
{
    const masq_known_original *x = a, *y = b;
    int order = strcmp(x->original, y->original);
    if (order != 0)
        return order;
    return strcmp(x->entry->name, y->entry->name);
}

static int compare_entries(const void *a, const void *b)
{
    const masq_known_name *x = *(const masq_known_name *const *)a;
    const masq_known_name *y = *(const masq_known_name *const *)b;
    int order = strcmp(x->name, y->name);
    if (order != 0)
        return order;
    return x < y ? -1 : x > y; /* items are one array: the position */
}

masq_status masq_known_names_index(masq_known_names *known)
{
    free(known->by_name);
    known->by_name = malloc((known->count ? known->count : 1) * sizeof *known->by_name);
    if (known->by_name == NULL)
        return MASQ_ERR_NOMEM;
    for (size_t i = 0; i < known->count; i++)
        known->by_name[i] = &known->items[i];
    if (known->count > 1)
        qsort(known->by_name, known->count, sizeof *known->by_name, compare_entries);
    /* One entry a name: the last added. */
    size_t kept = 0;
    for (size_t i = 0; i < known->count; i++) {
        if (kept > 0 && strcmp(known->by_name[kept - 1]->name, known->by_name[i]->name) == 0)
            kept--;
        known->by_name[kept++] = known->by_name[i];
    }
    known->indexed = kept;

    size_t total = 0;
    for (size_t i = 0; i < kept; i++)
        total += known->by_name[i]->origin == MASQ_KNOWN_LISTED ? known->by_name[i]->original_count : 0;
    free(known->by_original);
    known->by_original = malloc((total ? total : 1) * sizeof *known->by_original);
    if (known->by_original == NULL)
        return MASQ_ERR_NOMEM;
    known->originals = 0;
    for (size_t i = 0; i < kept; i++) {
        const masq_known_name *e = known->by_name[i];
        for (size_t o = 0; e->origin == MASQ_KNOWN_LISTED && o < e->original_count; o++)
            known->by_original[known->originals++] = (masq_known_original){e->originals[o], e};
    }
    if (known->originals > 1)
        qsort(known->by_original, known->originals, sizeof *known->by_original, compare_originals);
    return MASQ_OK;
}

void masq_known_names_free(masq_known_names *known)
{
    for (size_t i = 0; i < known->count; i++)
        free_entry(&known->items[i]);
    free(known->items);
    free(known->by_name);
    free(known->by_original);
    memset(known, 0, sizeof *known);
}

static int compare_key(const void *key, const void *entry)
{
    return strcmp(key, (*(const masq_known_name *const *)entry)->name);
}

const masq_known_name *masq_known_names_find(const masq_known_names *known, const char *name)
{
    if (known->indexed == 0)
        return NULL;
    const masq_known_name *const *found =
        bsearch(name, known->by_name, known->indexed, sizeof *known->by_name, compare_key);
    return found ? *found : NULL;
}

const masq_known_name *masq_known_names_claiming(const masq_known_names *known,
                                                 const char *original)
{
    const masq_known_name *named = masq_known_names_find(known, original);
    if (named != NULL && named->origin == MASQ_KNOWN_LISTED)
        return named;
    /* The first by name among the entries carrying it. */
    size_t low = 0, high = known->originals;
    while (low < high) {
        size_t middle = low + (high - low) / 2;
        if (strcmp(known->by_original[middle].original, original) < 0)
            low = middle + 1;
        else
            high = middle;
    }
    if (low < known->originals && strcmp(known->by_original[low].original, original) == 0)
        return known->by_original[low].entry;
    return NULL;
}

bool masq_known_name_carries(const masq_known_name *entry, const char *original)
{
    for (size_t k = 0; k < entry->original_count; k++)
        if (strcmp(entry->originals[k], original) == 0)
            return true;
    return false;
}
