/* A name's sole folder shares the name's evidence until a sighting lands
 * elsewhere (names/name_table.c). Held here to what keeping every folder's
 * evidence apart gives: seeded sightings of a few names over several folders
 * (and none: no path, an empty one, a bare file name), more computers than a
 * set keeps, with times and sensors; then
 *   - each kept folder's evidence (masq_folder_evidence) equals the name's
 *     evidence in a table of only that folder's sightings of the name;
 *   - the table read in another order, and read in two halves and merged
 *     (into a new table too), writes every name's row alike;
 *   - a names table's row added to a name whose sole folder shares its
 *     evidence leaves that folder's evidence as it was. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "names/folder_path.h"
#include "names/name_table.h"
#include "names/name_table_io.h"
#include "util/random.h"

#define SIGHTINGS 6000
#define NAMES 12

typedef struct sample {
    char process[32];
    char path[96];
    bool has_path;
    char computer[32];
    char user[32];
    char parent[64];
    int64_t time_ms;
    uint32_t sensor;
    char folder[96]; /* masq_folder_of(path), "" without one */
} sample;

static sample samples[SIGHTINGS];

static void make_samples(masq_random *random)
{
    static const char *const folders[] = {"C:\\Windows\\System32\\", "C:\\Users\\Public\\",
                                          "C:\\ProgramData\\x\\", "D:\\Tools\\", "C:\\Temp\\"};
    for (int i = 0; i < SIGHTINGS; i++) {
        sample *s = &samples[i];
        uint32_t name = masq_random_below(random, NAMES);
        snprintf(s->process, sizeof s->process, "tool%u.exe", name);
        /* Names 0-3 keep to one folder; the others stray now and then, and
         * some of their sightings have no folder. */
        uint32_t folder = name < 4 ? name % 5 : masq_random_below(random, 8) < 6 ? name % 5
                                                                                 : masq_random_below(random, 5);
        uint32_t shape = name < 4 ? 0 : masq_random_below(random, 40);
        s->has_path = shape != 1;
        if (shape == 2)
            s->path[0] = '\0';
        else if (shape == 3)
            snprintf(s->path, sizeof s->path, "%s", s->process);
        else
            snprintf(s->path, sizeof s->path, "%s%s", folders[folder], s->process);
        if (masq_random_below(random, 4) == 0) /* spellings of one path */
            s->path[0] = s->path[0] == 'C' ? 'c' : s->path[0];
        snprintf(s->computer, sizeof s->computer, "HOST-%02u", masq_random_below(random, 40));
        snprintf(s->user, sizeof s->user, "CONTOSO\\user%u", masq_random_below(random, 20));
        snprintf(s->parent, sizeof s->parent, "C:\\Windows\\parent%u.exe",
                 masq_random_below(random, 24));
        s->time_ms = 1717000000000 + (int64_t)masq_random_below(random, 86400000);
        s->sensor = 1u << masq_random_below(random, 3);
        if (s->has_path)
            masq_folder_of(s->path, s->folder, sizeof s->folder);
        else
            s->folder[0] = '\0';
    }
}

static void add(masq_name_table *table, const sample *s)
{
    masq_sighting sighting = {.process = s->process,
                              .process_length = strlen(s->process),
                              .path = s->has_path ? s->path : NULL,
                              .computer = s->computer,
                              .user = s->user,
                              .parent = s->parent,
                              .time_ms = s->time_ms,
                              .sensor = s->sensor};
    CHECK(masq_name_table_add(table, &sighting, NULL) == MASQ_OK, "add %s", s->process);
}

static const masq_name *find(const masq_name_table *table, const char *text)
{
    for (size_t i = 0; i < table->count; i++)
        if (strcmp(table->names[i].text, text) == 0)
            return &table->names[i];
    return NULL;
}

static bool same_set(const masq_text_set *a, const masq_text_set *b)
{
    if (a->count != b->count || a->more != b->more)
        return false;
    uint32_t order_a[MASQ_CONTEXT_LIMIT], order_b[MASQ_CONTEXT_LIMIT];
    masq_text_set_order(a, order_a);
    masq_text_set_order(b, order_b);
    for (uint32_t i = 0; i < a->count; i++) {
        const masq_text_entry *x = &a->entries[order_a[i]], *y = &b->entries[order_b[i]];
        if (strcmp(x->text, y->text) != 0 || x->count != y->count)
            return false;
    }
    return true;
}

static bool same_evidence(const masq_evidence *a, const masq_evidence *b)
{
    return a->first_seen_ms == b->first_seen_ms && a->last_seen_ms == b->last_seen_ms &&
           a->sensors == b->sensors && same_set(&a->paths, &b->paths) &&
           same_set(&a->computers, &b->computers) && same_set(&a->users, &b->users) &&
           same_set(&a->parents, &b->parents);
}

/* Each kept folder of every name against a table of that folder's sightings. */
static void check_folders(const masq_name_table *table)
{
    for (size_t i = 0; i < table->count; i++) {
        const masq_name *name = &table->names[i];
        CHECK(name->folders.count > 0, "%s: no folder", name->text);
        for (uint32_t k = 0; k < name->folders.count; k++) {
            const char *folder = name->folders.entries[k].text;
            masq_name_table alone;
            masq_name_table_init(&alone);
            for (int s = 0; s < SIGHTINGS; s++)
                if (strcmp(samples[s].process, name->text) == 0 && samples[s].has_path &&
                    strcmp(samples[s].folder, folder) == 0)
                    add(&alone, &samples[s]);
            const masq_name *only = find(&alone, name->text);
            CHECK(only != NULL && same_evidence(masq_folder_evidence(name, k), &only->all),
                  "%s: the evidence of folder %s is not that of its sightings", name->text,
                  folder);
            masq_name_table_free(&alone);
        }
    }
}

/* Every name's row, written, in the two tables alike. */
static void check_same_rows(const masq_name_table *a, const masq_name_table *b, const char *what)
{
    CHECK(a->count == b->count, "%s: %zu names against %zu", what, a->count, b->count);
    for (size_t i = 0; i < a->count; i++) {
        const masq_name *other = find(b, a->names[i].text);
        char *x = masq_name_row_text(&a->names[i], false);
        char *y = other ? masq_name_row_text(other, false) : NULL;
        CHECK(x != NULL && y != NULL && strcmp(x, y) == 0, "%s: %s differs:\n%s\n%s", what,
              a->names[i].text, x ? x : "(none)", y ? y : "(none)");
        free(x);
        free(y);
    }
}

/* A row of a names table (masq merge, --names) in another folder, added to
 * a name read from events: the first folder keeps only its own sightings. */
static void check_row_added(void)
{
    masq_name_table table;
    masq_name_table_init(&table);
    masq_sighting sighting = {.process = "tool.exe", .process_length = 8,
                              .path = "C:\\a\\tool.exe", .computer = "H1",
                              .time_ms = 1717000000000, .sensor = 1};
    CHECK(masq_name_table_add(&table, &sighting, NULL) == MASQ_OK, "add");
    cJSON *row = cJSON_Parse(
        "{\"Process\":\"tool.exe\",\"Count\":1,"
        "\"Paths\":[{\"Path\":\"D:\\\\b\\\\tool.exe\",\"Count\":1}],"
        "\"Computers\":[{\"Computer\":\"H2\",\"Count\":1}],"
        "\"Folders\":[{\"Folder\":\"\\\\b\\\\\",\"Count\":1,"
        "\"Paths\":[{\"Path\":\"D:\\\\b\\\\tool.exe\",\"Count\":1}],"
        "\"Computers\":[{\"Computer\":\"H2\",\"Count\":1}]}]}");
    CHECK(row != NULL && masq_name_table_add_row(&table, row) == MASQ_OK, "add the row");
    const masq_name *name = find(&table, "tool.exe");
    CHECK(name != NULL && name->folders.count == 2, "two folders");
    for (uint32_t k = 0; name != NULL && k < name->folders.count; k++) {
        const masq_evidence *e = masq_folder_evidence(name, k);
        bool first = strcmp(name->folders.entries[k].text, "\\a\\") == 0;
        CHECK(e->computers.count == 1 &&
                  strcmp(e->computers.entries[0].text, first ? "H1" : "H2") == 0,
              "folder %s: the computers of its own sightings only", name->folders.entries[k].text);
    }
    cJSON_Delete(row);
    masq_name_table_free(&table);
}

int main(void)
{
    check_row_added();
    masq_random random = {20261204};
    make_samples(&random);

    masq_name_table in_order, shuffled, halves, merged;
    masq_name_table_init(&in_order);
    masq_name_table_init(&shuffled);
    masq_name_table_init(&halves);
    masq_name_table_init(&merged);
    for (int s = 0; s < SIGHTINGS; s++)
        add(&in_order, &samples[s]);

    int order[SIGHTINGS];
    for (int s = 0; s < SIGHTINGS; s++)
        order[s] = s;
    for (int s = SIGHTINGS - 1; s > 0; s--) {
        int j = (int)masq_random_below(&random, (uint32_t)s + 1), t = order[s];
        order[s] = order[j];
        order[j] = t;
    }
    for (int s = 0; s < SIGHTINGS; s++)
        add(&shuffled, &samples[order[s]]);

    masq_name_table second;
    masq_name_table_init(&second);
    for (int s = 0; s < SIGHTINGS; s++)
        add(s % 3 == 0 ? &second : &halves, &samples[order[s]]);
    CHECK(masq_name_table_merge(&halves, &second) == MASQ_OK, "merge");
    CHECK(masq_name_table_merge(&merged, &halves) == MASQ_OK, "merge into a new table");

    /* The names that never stray keep their folder's evidence shared: what
     * is held to the oracle is the shared path, not only the settled one. */
    size_t shared = 0;
    for (size_t i = 0; i < in_order.count; i++)
        shared += in_order.names[i].folders.count == 1 &&
                  in_order.names[i].folders.entries[0].evidence == NULL;
    CHECK(shared >= 4, "only %zu names with a shared sole folder", shared);

    check_folders(&in_order);
    check_folders(&shuffled);
    check_folders(&halves);
    check_folders(&merged);
    check_same_rows(&in_order, &shuffled, "another order");
    check_same_rows(&in_order, &halves, "two halves merged");
    check_same_rows(&in_order, &merged, "merged into a new table");

    masq_name_table_free(&in_order);
    masq_name_table_free(&shuffled);
    masq_name_table_free(&halves);
    masq_name_table_free(&second);
    masq_name_table_free(&merged);
    return check_finish("folder_evidence");
}
