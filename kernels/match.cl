/* The matrix kernel: OSA distances of frequent x infrequent names, tile by
 * tile. kernels/match_shared.h (the records, sizes and filters the host
 * shares) and kernels/osa_step.h are compiled in front of this file.
 *
 * A work-group takes one tile: up to MASQ_GROUP frequent names, whose match
 * tables it builds in local memory, and a run of infrequent names of
 * compatible lengths, which its work-items stream. Each pair that survives the
 * length and bag filters gets its OSA distance; pairs whose OSA leaves a hit
 * possible (ceil(2 OSA / 3) <= k) are appended through an atomic counter. The
 * host verifies them exactly; a launch whose candidates overflow is re-run.
 *
 * Build options: MASQ_ALPHABET (symbols; 0 is "in no frequent name", with an
 * empty mask), MASQ_GROUP (frequent names per group), MASQ_WORDS (words of
 * MASQ_WORD_BITS per pattern: 1 for names up to MASQ_SHORT_PATTERN symbols),
 * MASQ_LAYOUT (how names lie in `symbols`: MASQ_LAYOUT_OFFSETS or
 * MASQ_LAYOUT_ROWS, see match_shared.h). */

#ifndef MASQ_LAYOUT
#define MASQ_LAYOUT MASQ_LAYOUT_OFFSETS
#endif
#if MASQ_LAYOUT == MASQ_LAYOUT_ROWS
/* Symbol p of view v: work-items on neighbouring names read neighbouring words. */
#define MASQ_SYMBOL(v, p) symbols[masq_symbol_index((v).offset, (v).stride, (p))]
#else
#define MASQ_SYMBOL(v, p) symbols[(v).offset + (p)]
#endif

__kernel void masq_match_tiles(__global const masq_tile *tiles,
                               __global const ushort *symbols,
                               __global const masq_device_view *frequent,
                               __global const ulong *frequent_bits,
                               __global const masq_device_view *infrequent,
                               __global const ulong *infrequent_bits,
                               __global const int *max_distance,
                               uint same_group,
                               __global uint *candidate_count,
                               __global masq_candidate *candidates,
                               uint capacity)
{
    __local MASQ_WORD tables[MASQ_GROUP * MASQ_ALPHABET * MASQ_WORDS];
    const masq_tile tile = tiles[get_group_id(0)];
    const uint lid = get_local_id(0), lsize = get_local_size(0);

    for (uint x = lid; x < MASQ_GROUP * MASQ_ALPHABET * MASQ_WORDS; x += lsize)
        tables[x] = 0;
    barrier(CLK_LOCAL_MEM_FENCE);
    /* One work-item fills one name's table: no two write the same word. */
    for (uint f = lid; f < tile.frequent_count; f += lsize) {
        const masq_device_view fv = frequent[tile.frequent_first + f];
        __local MASQ_WORD *table = tables + f * MASQ_ALPHABET * MASQ_WORDS;
        for (uint p = 0; p < fv.length; p++)
            table[MASQ_SYMBOL(fv, p) * MASQ_WORDS + p / MASQ_WORD_BITS] |=
                (MASQ_WORD)1 << (p % MASQ_WORD_BITS);
    }
    barrier(CLK_LOCAL_MEM_FENCE);

    for (uint x = lid; x < tile.infrequent_count; x += lsize) {
        const uint ii = tile.infrequent_first + x;
        const masq_device_view iv = infrequent[ii];
        const ulong ibits = infrequent_bits[ii];
        for (uint f = 0; f < tile.frequent_count; f++) {
            const uint fi = tile.frequent_first + f;
            const masq_device_view fv = frequent[fi];
            if (!masq_groups_compared(same_group, fv.group, iv.group))
                continue;
            const int k = max_distance[max(fv.length, iv.length)];
            if (!masq_lengths_within(k, fv.length, iv.length) ||
                masq_bags_exceed(frequent_bits[fi], ibits, k))
                continue;
            __local const MASQ_WORD *table = tables + f * MASQ_ALPHABET * MASQ_WORDS;
            int osa = (int)fv.length;
            if (fv.length == 0) {
                osa = (int)iv.length;
            } else {
#if MASQ_WORDS == 1
                masq_osa_word_state s = {~(MASQ_WORD)0, 0, 0, 0};
                const MASQ_WORD last = (MASQ_WORD)1 << (fv.length - 1);
                for (uint j = 0; j < iv.length; j++)
                    osa += masq_osa_word_step(&s, table[MASQ_SYMBOL(iv, j)], last);
#else
                masq_osa_word_state s[MASQ_WORDS];
                const uint words = (fv.length + MASQ_WORD_BITS - 1) / MASQ_WORD_BITS;
                for (uint w = 0; w < words; w++) {
                    s[w].vp = ~(MASQ_WORD)0;
                    s[w].vn = 0;
                    s[w].d0 = 0;
                    s[w].pm_prev = 0;
                }
                for (uint j = 0; j < iv.length; j++)
                    osa += masq_osa_words_step(s, table + MASQ_SYMBOL(iv, j) * MASQ_WORDS, words,
                                               (fv.length - 1) % MASQ_WORD_BITS);
#endif
            }
            if (masq_osa_may_pass((uint)osa, k)) {
                const uint slot = atomic_inc(candidate_count);
                if (slot < capacity) {
                    candidates[slot].frequent = fi;
                    candidates[slot].infrequent = ii;
                    candidates[slot].osa = (uint)osa;
                    candidates[slot].unused = 0;
                }
            }
        }
    }
}
