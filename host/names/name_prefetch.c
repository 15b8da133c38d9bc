/* masq_name_table_prefetch (name_table.h): what a batch's later adds will
 * read, asked of the memory a few sightings ahead. */
#include "name_table.h"

static void prefetch_set(const masq_text_set *set)
{
    /* Every line of the entries: a lookup scans their hashes. */
    const char *entries = (const char *)set->entries;
    for (size_t line = 0; line < set->count * sizeof *set->entries; line += 64)
        __builtin_prefetch(entries + line);
}

static void prefetch_evidence(const masq_evidence *evidence)
{
    prefetch_set(&evidence->paths);
    prefetch_set(&evidence->computers);
    prefetch_set(&evidence->users);
    prefetch_set(&evidence->parents);
}

void masq_name_table_prefetch(const masq_name_table *table, uint64_t process_hash, int step)
{
    if (table->slot_count == 0)
        return;
    const uint32_t *slot = &table->slots[(size_t)process_hash & (table->slot_count - 1)];
    if (step == 0) {
        __builtin_prefetch(slot);
        return;
    }
    if (*slot == 0)
        return; /* a new name */
    const masq_name *name = &table->names[*slot - 1];
    if (step == 1) {
        for (size_t line = 0; line < sizeof *name; line += 64)
            __builtin_prefetch((const char *)name + line);
        return;
    }
    __builtin_prefetch(name->text);
    prefetch_evidence(&name->all);
    prefetch_set(&name->originals);
    prefetch_set(&name->sha256s);
    prefetch_set(&name->folders);
}
