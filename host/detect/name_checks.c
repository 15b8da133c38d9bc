/* The checks of one name at a time: homoglyph skeletons of anchors, Unicode
 * tricks, renamed binaries (the folder checks are in folder_checks.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anomaly_list.h"
#include "folders.h"
#include "name_checks.h"
#include "similarity.h"
#include "skeleton.h"
#include "unicode_tricks.h"

typedef struct skeleton_entry {
    char *skeleton;
    size_t name;
} skeleton_entry;

static int compare_skeleton(const void *a, const void *b)
{
    return strcmp(((const skeleton_entry *)a)->skeleton, ((const skeleton_entry *)b)->skeleton);
}

static float pair_score(const char *normal, const char *suspicious)
{
    return masq_whole_score(normal, suspicious, NULL);
}

/* 2 for a name of the knowledge base, 1 for a learned anchor, 0 otherwise. */
static int anchor_rank(const detector *d, size_t name)
{
    const masq_known_name *known = d->known_of[name];
    return known == NULL ? 0 : known->origin == MASQ_KNOWN_LISTED ? 2 : 1;
}

/* The order that picks one imitated name among several candidates: the
 * higher score, then a listed name before a learned one before any other,
 * then the higher count, then the name's bytes. True when candidate a comes
 * before b. */
static bool better_anchor(const detector *d, size_t a, float a_score, size_t b, float b_score)
{
    if (a_score != b_score)
        return a_score > b_score;
    int a_known = anchor_rank(d, a), b_known = anchor_rank(d, b);
    if (a_known != b_known)
        return a_known > b_known;
    const masq_name *x = name_at(d, a), *y = name_at(d, b);
    uint64_t cx = masq_name_total(x), cy = masq_name_total(y);
    if (cx != cy)
        return cx > cy;
    return strcmp(x->text, y->text) < 0;
}

/* Names whose confusable skeleton is an anchor's: svсhost.exe (Cyrillic с),
 * exp1orer.exe, rnsedge.exe. */
masq_status masq_detect_homoglyphs(detector *d)
{
    masq_skeleton *skeleton;
    MASQ_TRY(masq_skeleton_open(&skeleton));
    masq_name_table *names = &d->result->names;
    size_t all = name_count(d);
    skeleton_entry *anchors = malloc((all ? all : 1) * sizeof *anchors);
    size_t count = 0;
    masq_status status = anchors ? MASQ_OK : MASQ_ERR_NOMEM;
    for (size_t i = 0; i < all && status == MASQ_OK; i++) {
        if (!is_anchor(d, i))
            continue;
        char *text = masq_skeleton_of(skeleton, name_at(d, i)->text, name_at(d, i)->length);
        if (text != NULL)
            anchors[count++] = (skeleton_entry){text, i};
    }
    if (count > 1)
        qsort(anchors, count, sizeof *anchors, compare_skeleton);
    for (size_t i = 0; i < d->seen_names && status == MASQ_OK; i++) {
        /* A learned anchor may itself be a homoglyph dropped into System32. */
        if (is_listed(d, i) || tier_has(d, i, MASQ_TIER_FREQUENT) || !in_shard(d, i))
            continue;
        skeleton_entry key = {masq_skeleton_of(skeleton, names->names[i].text, names->names[i].length), 0};
        if (key.skeleton == NULL)
            continue;
        skeleton_entry *found = count ? bsearch(&key, anchors, count, sizeof *anchors, compare_skeleton) : NULL;
        free(key.skeleton);
        if (found == NULL)
            continue;
        /* Several anchors may share the skeleton: take the best by the
         * documented order, whichever bsearch landed on. */
        skeleton_entry *first = found, *last = found;
        while (first > anchors && compare_skeleton(first - 1, found) == 0)
            first--;
        while (last + 1 < anchors + count && compare_skeleton(last + 1, found) == 0)
            last++;
        found = NULL;
        float best_score = 0;
        for (skeleton_entry *e = first; e <= last; e++) {
            if (e->name == i)
                continue; /* a learned anchor is not its own homoglyph */
            float score = pair_score(name_at(d, e->name)->text, names->names[i].text);
            if (found == NULL || better_anchor(d, e->name, score, found->name, best_score)) {
                found = e;
                best_score = score;
            }
        }
        if (found == NULL)
            continue;
        const masq_name *normal = name_at(d, found->name);
        if (masq_allowlist_has(&d->allow, normal->text, names->names[i].text))
            continue;
        masq_anomaly a = {.normal = seen_name(d, found->name),
                          .normal_text = normal->text,
                          .suspicious = &names->names[i],
                          .reasons = MASQ_REASON_HOMOGLYPH,
                          .severity = MASQ_SEVERITY_HIGH};
        a.source = source_of(a.normal, a.suspicious);
        status = masq_anomaly_add(d->result, &a);
    }
    for (size_t i = 0; i < count; i++)
        free(anchors[i].skeleton);
    free(anchors);
    masq_skeleton_close(skeleton);
    return status;
}

/* Bidi controls, invisible characters, trailing spaces or dots, double
 * extensions: each name on its own. */
masq_status masq_detect_unicode_tricks(detector *d)
{
    masq_name_table *names = &d->result->names;
    masq_status status = MASQ_OK;
    for (size_t i = 0; i < d->seen_names && status == MASQ_OK; i++) {
        if (!in_shard(d, i))
            continue;
        masq_tricks tricks;
        status = masq_tricks_find(names->names[i].text, names->names[i].length, &tricks);
        if (status != MASQ_OK || tricks.reasons == 0)
            continue;
        /* The imitated name: what the trick hides, when that is a name we know. */
        const char *normal_text = "";
        const masq_name *normal = NULL;
        if (tricks.cleaned != NULL) {
            long found = find_name(d, tricks.cleaned);
            if (found >= 0 && (size_t)found != i && is_anchor(d, (size_t)found)) {
                normal = seen_name(d, (size_t)found);
                normal_text = name_at(d, (size_t)found)->text;
            }
        }
        masq_anomaly a = {.normal = normal,
                          .normal_text = normal_text,
                          .suspicious = &names->names[i],
                          .reasons = tricks.reasons,
                          .severity = tricks.reasons & (MASQ_REASON_BIDI | MASQ_REASON_INVISIBLE)
                                          ? MASQ_SEVERITY_HIGH
                                          : MASQ_SEVERITY_MEDIUM};
        a.source = source_of(normal, a.suspicious);
        if (tricks.displayed != NULL) {
            size_t size = strlen(tricks.displayed) + 32;
            a.detail = malloc(size);
            if (a.detail)
                snprintf(a.detail, size, "displayed as %s", tricks.displayed);
        }
        status = masq_anomaly_add(d->result, &a);
        masq_tricks_free(&tricks);
    }
    return status;
}

static bool same_stem(const char *a, const char *b)
{
    const char *da = strrchr(a, '.'), *db = strrchr(b, '.');
    size_t la = da ? (size_t)(da - a) : strlen(a), lb = db ? (size_t)(db - b) : strlen(b);
    return la == lb && memcmp(a, b, la) == 0;
}

static bool ends_with(const char *text, const char *end)
{
    size_t n = strlen(text), m = strlen(end);
    return n >= m && strcmp(text + n - m, end) == 0;
}

/* The PE original file name says another binary (T1036.003): a binary of
 * the knowledge base, or one the fleet runs under that name from a folder of
 * the system or of installed programs, running under another name; a listed
 * name carried by another binary; an .exe whose original is a .dll. */
masq_status masq_detect_renamed(detector *d)
{
    masq_name_table *names = &d->result->names;
    masq_status status = MASQ_OK;
    for (size_t i = 0; i < d->seen_names && status == MASQ_OK; i++) {
        if (!in_shard(d, i))
            continue;
        const masq_text_set *originals = &names->names[i].originals;
        const masq_known_name *self = d->known_of[i];
        bool self_listed = is_listed(d, i);
        for (uint32_t o = 0; o < originals->count && status == MASQ_OK; o++) {
            const char *original = originals->entries[o].text;
            if (same_stem(original, names->names[i].text) ||
                (self_listed && masq_known_name_carries(self, original)))
                continue;
            const masq_known_name *claimed = masq_known_names_claiming(d->known, original);
            const char *claimed_name = claimed ? claimed->name : NULL;
            if (claimed == NULL && (self == NULL || self->origin == MASQ_KNOWN_LISTED)) {
                const masq_known_name *fleet = masq_known_names_find(d->known, original);
                if (fleet != NULL && fleet->origin != MASQ_KNOWN_LISTED)
                    claimed_name = fleet->name; /* learned: the fleet runs it under that name */
            }
            /* Genuine binaries carry libraries' names too (MicrosoftEdgeUpdate.exe
             * is msedgeupdate.dll): only copies run from users' folders count. */
            bool library = claimed_name == NULL && ends_with(original, ".dll") &&
                           ends_with(names->names[i].text, ".exe") &&
                           masq_name_runs_from_writable(&names->names[i]);
            if (claimed_name == NULL && !library && !self_listed)
                continue;
            long found = claimed_name ? find_name(d, claimed_name) : -1;
            size_t size = strlen(original) + 48;
            masq_anomaly a = {.normal = found >= 0 ? seen_name(d, (size_t)found) : NULL,
                              /* the tables' copy: the knowledge base is gone once detection ends */
                              .normal_text = found >= 0 ? name_at(d, (size_t)found)->text
                                             : claimed_name ? original : names->names[i].text,
                              .suspicious = &names->names[i],
                              .reasons = MASQ_REASON_RENAMED,
                              .severity = library ? MASQ_SEVERITY_MEDIUM : MASQ_SEVERITY_HIGH,
                              .detail = malloc(size)};
            if (claimed_name == NULL)
                a.normal = &names->names[i];
            if (a.detail)
                snprintf(a.detail, size, library ? "original file name %s (a library)" : "original file name %s",
                         original);
            a.claimed_original = original;
            a.evidence = originals->entries[o].evidence;
            a.evidence_count = originals->entries[o].count;
            a.source = source_of(a.normal, a.suspicious);
            status = masq_anomaly_add(d->result, &a);
        }
    }
    return status;
}
