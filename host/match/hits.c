#include "hits.h"

#include <stdlib.h>
#include <string.h>

#include "../util/memory.h"
#include "score.h"

masq_status masq_hits_add(masq_hits *hits, uint32_t frequent, uint32_t infrequent,
                          uint32_t distance, uint32_t longer_length, double threshold)
{
    float score = masq_score(distance, longer_length);
    if (!masq_score_passes(score, threshold))
        return MASQ_ERR_INTERNAL; /* the distance table and the rule disagree */
    masq_hit hit = {frequent, infrequent, distance, score};
    return MASQ_PUSH(*hits, hit) == 0 ? MASQ_OK : MASQ_ERR_NOMEM;
}

static int compare_hit(const void *a, const void *b)
{
    const masq_hit *x = a, *y = b;
    if (x->frequent != y->frequent)
        return (x->frequent > y->frequent) - (x->frequent < y->frequent);
    return (x->infrequent > y->infrequent) - (x->infrequent < y->infrequent);
}

void masq_hits_sort(masq_hits *hits)
{
    if (hits->count > 1)
        qsort(hits->items, hits->count, sizeof *hits->items, compare_hit);
}

void masq_hits_free(masq_hits *hits)
{
    free(hits->items);
    memset(hits, 0, sizeof *hits);
}

