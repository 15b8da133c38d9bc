/* What the matrix kernel (kernels/match.cl) and its host side share: the
 * records passed between them, the sizes, and the pair filters. Compiled by
 * the host C compiler (host/match/) and by the OpenCL compiler in front of
 * the kernel, so that both sides read one definition. Keep it to what C11 and
 * OpenCL C 1.2 share; the host asserts the layouts (offsetof). */
#ifndef MASQ_MATCH_SHARED_H
#define MASQ_MATCH_SHARED_H

#ifdef __OPENCL_VERSION__
#define MASQ_U32 uint
#define MASQ_I32 int
#define MASQ_U64 ulong
#define MASQ_POPCOUNT64(x) ((int)popcount(x))
#else
#include <stdint.h>
#define MASQ_U32 uint32_t
#define MASQ_I32 int32_t
#define MASQ_U64 uint64_t
#define MASQ_POPCOUNT64(x) __builtin_popcountll(x)
#endif

/* Bits of a device pattern word (the kernel's MASQ_WORD is a uint). */
#define MASQ_DEVICE_WORD_BITS 32
/* Patterns of up to this many symbols take the one-word kernel. */
#define MASQ_SHORT_PATTERN MASQ_DEVICE_WORD_BITS
/* Words of the multi-word kernel; longer frequent names are compared on the host. */
#define MASQ_LONG_WORDS 9
#define MASQ_DEVICE_MAX_PATTERN 260 /* <= MASQ_LONG_WORDS * MASQ_DEVICE_WORD_BITS */

/* A tile: frequent names [frequent_first, +frequent_count) against infrequent
 * names [infrequent_first, +infrequent_count). */
typedef struct masq_tile {
    MASQ_U32 frequent_first;
    MASQ_U32 frequent_count;
    MASQ_U32 infrequent_first;
    MASQ_U32 infrequent_count;
} masq_tile;

/* How names' symbols lie in the device's one symbol buffer (build option
 * MASQ_LAYOUT; the host picks one per device, MASQ_DEVICE_LAYOUT overrides):
 *   offsets  each name's symbols one after another: symbol p at [offset + p]
 *            (stride 1);
 *   rows     fixed-width rows by width class, interleaved: a class holds the
 *            names of lengths (width / 2, width] (the first, [0, 32]) of one
 *            side, symbol p of its name n at [base + p * stride + n], stride
 *            its name count rounded up to MASQ_ROW_ALIGN. Neighbouring
 *            work-items take neighbouring names, so at step p they read
 *            neighbouring words (coalesced on a GPU). */
#define MASQ_LAYOUT_OFFSETS 0
#define MASQ_LAYOUT_ROWS 1
/* Width of the first row class in symbols; each next class doubles it (32,
 * 64, then the multi-word classes 128, 256, ...: at most twice a name's
 * length in padding). */
#define MASQ_ROW_WIDTH_FIRST 32
/* Names per class are rounded up to this, so every row starts aligned. */
#define MASQ_ROW_ALIGN 32

/* A name as the kernel sees it: where its symbol 0 is, its length, its
 * extension group, the distance between its symbols (1 in the offsets
 * layout); its symbol bits are in a separate array. */
typedef struct masq_device_view {
    MASQ_U32 offset;
    MASQ_U32 length;
    MASQ_I32 group;
    MASQ_U32 stride;
} masq_device_view;

/* Where symbol p of a name lies in the symbol buffer, in either layout. */
static inline MASQ_U32 masq_symbol_index(MASQ_U32 offset, MASQ_U32 stride, MASQ_U32 p)
{
    return offset + p * stride;
}

/* A pair whose OSA distance leaves a hit possible, for the host to verify. */
typedef struct masq_candidate {
    MASQ_U32 frequent;   /* index into the frequent views */
    MASQ_U32 infrequent; /* index into the infrequent views */
    MASQ_U32 osa;        /* its OSA distance */
    MASQ_U32 unused;
} masq_candidate;

/* The pair filters, in the order both sides apply them. */

/* Does the join compare names of these extension groups at all? (same_group:
 * stems of equal extensions; otherwise whole names of different ones) */
static inline int masq_groups_compared(int same_group, MASQ_I32 a, MASQ_I32 b)
{
    return same_group ? a == b : a != b;
}

/* Can lengths a and b pass with at most k edits? The length difference is a
 * lower bound on the distance. */
static inline int masq_lengths_within(MASQ_I32 k, MASQ_U32 a, MASQ_U32 b)
{
    MASQ_U32 diff = a > b ? a - b : b - a;
    return k >= 0 && diff <= (MASQ_U32)k;
}

/* Symbols one side has that the other lacks must each be edited: true when
 * that bound alone exceeds k (bit symbol % 64 of each symbol). */
static inline int masq_bags_exceed(MASQ_U64 a, MASQ_U64 b, MASQ_I32 k)
{
    return MASQ_POPCOUNT64(a & ~b) > k || MASQ_POPCOUNT64(b & ~a) > k;
}

/* OSA >= DL >= ceil(2 OSA / 3): a pair may pass only when ceil(2 OSA / 3) <= k. */
static inline int masq_osa_may_pass(MASQ_U32 osa, MASQ_I32 k)
{
    return (2 * (long)osa + 2) / 3 <= k;
}

#endif
