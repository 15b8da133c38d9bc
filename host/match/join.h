/* A join: one of the two comparison plans that together cover the whole
 * frequent x infrequent matrix under the notebook's rule. Names without a '.'
 * score 0 and are left out; names with the same extension are compared by
 * their stems (plan "same extension"); names with different extensions are
 * compared whole (plan "different extensions"). Both backends work on joins. */
#ifndef MASQ_JOIN_H
#define MASQ_JOIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../kernels/match_shared.h"
#include "../util/status.h"
#include "pack.h"
#include "score.h"

/* What one side of a comparison looks at: a whole name or its stem. */
typedef struct masq_view {
    const uint32_t *symbols;
    uint32_t length;
    int32_t group;        /* extension id */
    uint32_t item;        /* index into the pack's set */
    uint64_t symbol_bits; /* bit (symbol % 64) of each symbol: a cheap bag filter */
    uint32_t stem_length; /* symbols before the extension: all of a stem, a whole name's stem */
} masq_view;

typedef struct masq_view_list {
    masq_view *items; /* sorted by length (stable) */
    size_t count;
    size_t capacity;
    size_t *by_length; /* views of length L are [by_length[L], by_length[L+1]) */
} masq_view_list;

typedef struct masq_join {
    masq_view_list frequent;
    masq_view_list infrequent;
    bool same_group; /* true: stems, equal extensions only; false: whole names, different ones */
    uint32_t max_length;
} masq_join;

masq_status masq_join_build(masq_join *join, const masq_pack *pack, bool same_group);
void masq_join_free(masq_join *join);

/* The pair filters on the host: kernels/match_shared.h holds them for both
 * backends. Can names of lengths a and b pass at all? */
static inline bool masq_lengths_can_pass(const masq_threshold *t, uint32_t a, uint32_t b)
{
    return masq_lengths_within(masq_threshold_k(t, a > b ? a : b), a, b);
}

/* Does the join compare this pair at all (its extension rule)? */
static inline bool masq_join_compares(const masq_join *join, const masq_view *f, const masq_view *i)
{
    return masq_groups_compared(join->same_group, f->group, i->group);
}

/* Symbols of one side that the other lacks must each be edited: true when
 * that bound alone exceeds k. */
static inline bool masq_bag_bound_exceeds(const masq_view *f, const masq_view *i, int32_t k)
{
    return masq_bags_exceed(f->symbol_bits, i->symbol_bits, k);
}

#endif
