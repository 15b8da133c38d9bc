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
        long computed = masq_dl_exact(scratch, a, a_length, b, b_length);
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
