#include "join.h"

#include <stdlib.h>
#include <string.h>

#include "../util/memory.h"

static masq_status build_views(const masq_pack *pack, const masq_packed_set *set, bool stems,
                               masq_view_list *out, uint32_t *max_length)
{
    for (size_t i = 0; i < set->count; i++) {
        const masq_packed_name *name = &set->items[i];
        if (name->extension == MASQ_NO_EXTENSION)
            continue; /* the notebook scores these 0.0: never a hit */
        masq_view v = {masq_pack_symbols(pack, name), stems ? name->stem_length : name->length,
                       name->extension, (uint32_t)i, 0, name->stem_length};
        for (uint32_t s = 0; s < v.length; s++)
            v.symbol_bits |= (uint64_t)1 << (v.symbols[s] % 64);
        if (v.length > *max_length)
            *max_length = v.length;
        if (MASQ_PUSH(*out, v) != 0)
            return MASQ_ERR_NOMEM;
    }
    return MASQ_OK;
}

/* A stable counting sort by length, keeping the offsets of each length. */
static masq_status sort_by_length(masq_view_list *list, uint32_t max_length)
{
    list->by_length = calloc((size_t)max_length + 2, sizeof *list->by_length);
    masq_view *sorted = malloc((list->count ? list->count : 1) * sizeof *sorted);
    if (list->by_length == NULL || sorted == NULL) {
        free(sorted);
        return MASQ_ERR_NOMEM;
    }
    size_t *offset = list->by_length;
    for (size_t i = 0; i < list->count; i++)
        offset[list->items[i].length + 1]++;
    for (uint32_t l = 0; l <= max_length; l++)
        offset[l + 1] += offset[l];
    for (size_t i = 0; i < list->count; i++)
        sorted[offset[list->items[i].length]++] = list->items[i];
    for (uint32_t l = max_length + 1; l > 0; l--)
        offset[l] = offset[l - 1];
    offset[0] = 0;
    free(list->items);
    list->items = sorted;
    list->capacity = list->count;
    return MASQ_OK;
}

masq_status masq_join_build(masq_join *join, const masq_pack *pack, bool same_group)
{
    memset(join, 0, sizeof *join);
    join->same_group = same_group;
    MASQ_TRY(build_views(pack, &pack->frequent, same_group, &join->frequent, &join->max_length));
    MASQ_TRY(build_views(pack, &pack->infrequent, same_group, &join->infrequent, &join->max_length));
    MASQ_TRY(sort_by_length(&join->frequent, join->max_length));
    return sort_by_length(&join->infrequent, join->max_length);
}

void masq_join_free(masq_join *join)
{
    free(join->frequent.items);
    free(join->frequent.by_length);
    free(join->infrequent.items);
    free(join->infrequent.by_length);
    memset(join, 0, sizeof *join);
}
