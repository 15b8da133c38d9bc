/* What the detection files share: the detector of one scan (its inputs,
 * the known names and allowlist, which names are known), small questions
 * about a name. Internal to detect/. */
#ifndef MASQ_DETECTOR_H
#define MASQ_DETECTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../baseline/baseline.h"
#include "../match/match.h"
#include "../result.h"
#include "../tier/percent_rank.h"
#include "allowlist.h"
#include "known_names.h"

typedef struct detector {
    const masq_config *config;
    const masq_tier *tiers;
    const bool *in_shard;       /* per seen name */
    masq_matcher *matcher;
    masq_result *result;
    size_t seen_names;          /* ids below: the events' names (result->names); at or past:
                                   listed names the events lack (result->unseen) */
    masq_known_names *known;
    masq_allowlist allow;
    const masq_known_name **known_of; /* per name id */
    masq_baseline *baseline;    /* --baseline in the default profile, or NULL */
    double *unseen_weight;      /* per unseen name: a history anchor's weighted count, or 0 */
    const double *seen_weight;  /* --baseline: per seen name, its weighted count, or NULL */
    masq_status baseline_status; /* the first failed lookup of the store */
} detector;

/* Name `id` of the detection: the events' first, then the unseen listed ones. */
static inline masq_name *name_at(const detector *d, size_t id)
{
    return id < d->seen_names ? &d->result->names.names[id]
                              : &d->result->unseen.names[id - d->seen_names];
}

/* How many names detection knows: the events' and the unseen listed ones. */
static inline size_t name_count(const detector *d)
{
    return d->seen_names + d->result->unseen.count;
}

/* The name as the events saw it, or NULL for an unseen listed one (a
 * finding's `normal`). */
static inline const masq_name *seen_name(const detector *d, size_t id)
{
    return id < d->seen_names ? &d->result->names.names[id] : NULL;
}

/* The id of a name in either table, or -1. */
static inline long find_name(const detector *d, const char *text)
{
    long id = masq_name_table_find(&d->result->names, text, strlen(text));
    if (id >= 0)
        return id;
    id = masq_name_table_find(&d->result->unseen, text, strlen(text));
    return id >= 0 ? (long)d->seen_names + id : -1;
}

/* With --shard K/N, this run reports only anomalies whose suspicious name
 * falls in slice K: the slices partition the anomalies. */
static inline bool in_shard(const detector *d, size_t name)
{
    return name < d->seen_names && d->in_shard[name];
}

static inline bool tier_has(const detector *d, size_t name, masq_tier tier)
{
    return name < d->seen_names && (d->tiers[name] & tier);
}

/* How often a name ran: the events' count; with --baseline its weighted count
 * over the window, also for a name the run lacks that the baseline anchors. */
static inline uint64_t times_run(const detector *d, size_t id)
{
    if (id < d->seen_names)
        return d->seen_weight ? (uint64_t)d->seen_weight[id]
                              : masq_name_total(&d->result->names.names[id]);
    return d->unseen_weight ? (uint64_t)d->unseen_weight[id - d->seen_names] : 0;
}

static inline masq_source source_of(const masq_name *normal, const masq_name *suspicious)
{
    bool user = suspicious->user_count > 0 && (normal == NULL || normal->user_count > 0);
    return user ? MASQ_SOURCE_USER : MASQ_SOURCE_DEMO;
}

/* A name of the knowledge base (built in or --known), not a learned one. */
static inline bool is_listed(const detector *d, size_t name)
{
    return d->known_of[name] != NULL && d->known_of[name]->origin == MASQ_KNOWN_LISTED;
}

static inline bool is_anchor(const detector *d, size_t name)
{
    return d->known_of[name] != NULL || tier_has(d, name, MASQ_TIER_FREQUENT);
}

#endif
