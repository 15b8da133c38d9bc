/* Hyyrö's bit-parallel optimal string alignment (OSA) distance: one step per
 * text character. This header is compiled twice: by the host C compiler for
 * the CPU path (host/match/osa_bitparallel.c) and by the OpenCL compiler in
 * front of kernels/match.cl, so both backends run the same recurrence. Keep it
 * to what C11 and OpenCL C 1.2 share.
 *   MASQ_WORD       the bit-vector word (uint64_t on the host, uint on devices)
 *   MASQ_WORD_BITS  its width
 *   MASQ_PM_SPACE   address space of match masks (__local on devices) */
#ifndef MASQ_OSA_STEP_H
#define MASQ_OSA_STEP_H

#ifndef MASQ_WORD
#include <stdint.h>
#define MASQ_WORD uint64_t
#define MASQ_WORD_BITS 64
#endif
#ifndef MASQ_PM_SPACE
#define MASQ_PM_SPACE
#endif

typedef struct masq_osa_word_state {
    MASQ_WORD vp;      /* vertical +1 deltas */
    MASQ_WORD vn;      /* vertical -1 deltas */
    MASQ_WORD d0;      /* diagonal zero deltas of the previous column */
    MASQ_WORD pm_prev; /* match mask of the previous text character */
} masq_osa_word_state;

/* Advance by one text character whose match mask in the pattern is pm; last
 * is the bit of the pattern's last row. Returns the change (-1, 0, +1) of the
 * distance between the whole pattern and the text read so far. */
static inline int masq_osa_word_step(masq_osa_word_state *s, MASQ_WORD pm, MASQ_WORD last)
{
    /* Transposition: row i is reached diagonally from two columns back when
     * p[i-1] = t[j] and p[i] = t[j-1]. */
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

/* The same step over a pattern of `words` words (state[w] for word w, pm the
 * text character's masks, one per word). The horizontal deltas, the
 * transposition term and the HN bit fed into the addition carry from each word
 * into the next, as in Myers' block algorithm. last_shift is the bit of the
 * last row within the last word. */
static inline int masq_osa_words_step(masq_osa_word_state *state, const MASQ_PM_SPACE MASQ_WORD *pm,
                                      unsigned words, unsigned last_shift)
{
    MASQ_WORD hp_carry = 1, hn_carry = 0, tr_carry = 0;
    int delta = 0;
    for (unsigned w = 0; w < words; w++) {
        masq_osa_word_state *s = &state[w];
        MASQ_WORD pm_w = pm[w];
        MASQ_WORD tr_part = ~s->d0 & pm_w;
        MASQ_WORD tr = ((tr_part << 1) | tr_carry) & s->pm_prev;
        tr_carry = tr_part >> (MASQ_WORD_BITS - 1);
        MASQ_WORD x = pm_w | hn_carry;
        MASQ_WORD d0 = (((x & s->vp) + s->vp) ^ s->vp) | x | s->vn | tr;
        MASQ_WORD hp = s->vn | ~(d0 | s->vp);
        MASQ_WORD hn = d0 & s->vp;
        if (w == words - 1)
            delta = (int)((hp >> last_shift) & 1) - (int)((hn >> last_shift) & 1);
        MASQ_WORD hp_out = hp >> (MASQ_WORD_BITS - 1), hn_out = hn >> (MASQ_WORD_BITS - 1);
        hp = (hp << 1) | hp_carry;
        hn = (hn << 1) | hn_carry;
        hp_carry = hp_out;
        hn_carry = hn_out;
        s->vp = hn | ~(d0 | hp);
        s->vn = hp & d0;
        s->d0 = d0;
        s->pm_prev = pm_w;
    }
    return delta;
}

#endif
