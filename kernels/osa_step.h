/* One column step of Hyyrö's bit-parallel optimal string alignment (OSA)
 * distance, for a pattern of at most one machine word. Shared by the CPU path
 * (host/match/osa_bitparallel.c) and, later, the OpenCL kernel: keep it free
 * of host-only types. MASQ_WORD is the word type (uint64_t on the host). */
#ifndef MASQ_OSA_STEP_H
#define MASQ_OSA_STEP_H

#ifndef MASQ_WORD
#include <stdint.h>
#define MASQ_WORD uint64_t
#endif

typedef struct masq_osa_word_state {
    MASQ_WORD vp;      /* vertical +1 deltas */
    MASQ_WORD vn;      /* vertical -1 deltas */
    MASQ_WORD d0;      /* diagonal zero deltas of the previous column */
    MASQ_WORD pm_prev; /* match mask of the previous text character */
} masq_osa_word_state;

/* Advance by one text character whose match mask in the pattern is pm.
 * last is the bit of the pattern's last row. Returns the change (-1, 0, +1)
 * of the distance between the whole pattern and the text read so far. */
static inline int masq_osa_word_step(masq_osa_word_state *s, MASQ_WORD pm, MASQ_WORD last)
{
    /* Transposition: row i can be reached diagonally from two columns back
     * when p[i-1] = t[j] and p[i] = t[j-1]. */
    MASQ_WORD tr = (((~s->d0) & pm) << 1) & s->pm_prev;
    MASQ_WORD d0 = (((pm & s->vp) + s->vp) ^ s->vp) | pm | s->vn | tr;
    MASQ_WORD hp = s->vn | ~(d0 | s->vp);
    MASQ_WORD hn = d0 & s->vp;
    int delta = ((hp & last) != 0) - ((hn & last) != 0);
    MASQ_WORD x = (hp << 1) | 1;
    s->vn = x & d0;
    s->vp = (hn << 1) | ~(x | d0);
    s->d0 = d0;
    s->pm_prev = pm;
    return delta;
}

#endif
