#include "verify.h"

masq_status masq_verify_candidate(masq_dl_scratch *scratch, const uint32_t *a, uint32_t a_length,
                                  const uint32_t *b, uint32_t b_length, uint32_t osa, int32_t k,
                                  bool *keep, uint32_t *distance, uint64_t *verified)
{
    *keep = false;
    if (!masq_osa_may_pass(osa, k))
        return MASQ_OK;
    uint32_t exact = osa;
    if (osa > 2) {
        /* DL <= OSA, and only DL <= k matters: the band of the smaller. */
        uint32_t bound = osa < (uint32_t)k ? osa : (uint32_t)k;
        long computed = masq_dl_exact_bounded(scratch, a, a_length, b, b_length, bound);
        if (computed < 0)
            return MASQ_ERR_NOMEM;
        (*verified)++;
        exact = (uint32_t)computed;
    }
    if ((int64_t)exact > k)
        return MASQ_OK;
    *keep = true;
    *distance = exact;
    return MASQ_OK;
}

masq_status masq_compare_pair(masq_osa_pattern *pattern, masq_dl_scratch *scratch,
                              const masq_join *join, const masq_view *f, const masq_view *i,
                              const masq_threshold *threshold, masq_hits *hits, uint64_t *scored,
                              uint64_t *verified)
{
    if (!masq_join_compares(join, f, i))
        return MASQ_OK;
    uint32_t longer = f->length > i->length ? f->length : i->length;
    int32_t k = masq_threshold_k(threshold, longer);
    if (masq_bag_bound_exceeds(f, i, k))
        return MASQ_OK;
    (*scored)++;
    uint32_t osa = masq_osa_distance(pattern, i->symbols, i->length);
    bool keep;
    uint32_t distance;
    MASQ_TRY(masq_verify_candidate(scratch, f->symbols, f->length, i->symbols, i->length, osa, k,
                                   &keep, &distance, verified));
    if (!keep)
        return MASQ_OK;
    return masq_hits_add(hits, f->item, i->item, distance, longer, threshold->similarity);
}
