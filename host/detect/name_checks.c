/* The checks of one name at a time: homoglyph skeletons of anchors, Unicode
 * tricks, known names in the wrong folder, renamed binaries. */
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

/* The order that picks one imitated name among several candidates: the
 * higher score, then a known name before an unknown one, then the higher
 * count, then the name's bytes. True when candidate a comes before b. */
static bool better_anchor(const detector *d, size_t a, float a_score, size_t b, float b_score)
{
    if (a_score != b_score)
        return a_score > b_score;
    bool a_known = d->known_of[a] != NULL, b_known = d->known_of[b] != NULL;
    if (a_known != b_known)
        return a_known;
    const masq_name *x = &d->result->names.names[a], *y = &d->result->names.names[b];
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
    skeleton_entry *anchors = malloc((names->count ? names->count : 1) * sizeof *anchors);
    size_t count = 0;
    masq_status status = anchors ? MASQ_OK : MASQ_ERR_NOMEM;
    for (size_t i = 0; i < names->count && status == MASQ_OK; i++) {
        if (!is_anchor(d, i))
            continue;
        char *text = masq_skeleton_of(skeleton, names->names[i].text, names->names[i].length);
        if (text != NULL)
            anchors[count++] = (skeleton_entry){text, i};
    }
    if (count > 1)
        qsort(anchors, count, sizeof *anchors, compare_skeleton);
    for (size_t i = 0; i < d->seen_names && status == MASQ_OK; i++) {
        if (is_anchor(d, i) || !in_shard(d, i))
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
        found = first;
        float best_score = pair_score(names->names[first->name].text, names->names[i].text);
        for (skeleton_entry *e = first + 1; e <= last; e++) {
            float score = pair_score(names->names[e->name].text, names->names[i].text);
            if (better_anchor(d, e->name, score, found->name, best_score)) {
                found = e;
                best_score = score;
            }
        }
        const masq_name *normal = &names->names[found->name];
        if (masq_allowlist_has(&d->allow, normal->text, names->names[i].text))
            continue;
        masq_anomaly a = {.normal = found->name < d->seen_names ? normal : NULL,
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
            long found = masq_name_table_find(names, tricks.cleaned, strlen(tricks.cleaned));
            if (found >= 0 && (size_t)found != i && is_anchor(d, (size_t)found)) {
                normal = (size_t)found < d->seen_names ? &names->names[found] : NULL;
                normal_text = names->names[found].text;
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

/* The first path of a folder's sightings, for the analyst; the folder itself
 * when none was kept. */
static const char *path_in(const masq_evidence *evidence, const char *folder)
{
    uint32_t order[MASQ_CONTEXT_LIMIT];
    masq_text_set_order(&evidence->paths, order);
    return evidence->paths.count ? evidence->paths.entries[order[0]].text : folder;
}

/* Known names in folders they never live in (T1036.005). The folders are
 * counted per name at ingest, each with the evidence of its sightings, and
 * folders users can write to are kept first, so a name's wrong folder is
 * there however many other folders and spellings of paths it has. */
masq_status masq_detect_wrong_folders(detector *d)
{
    masq_name_table *names = &d->result->names;
    masq_status status = MASQ_OK;
    for (size_t i = 0; i < d->seen_names && status == MASQ_OK; i++) {
        const masq_known_name *known = d->known_of[i];
        if (known == NULL || known->folder_count == 0 || !in_shard(d, i))
            continue;
        const masq_text_set *folders = &names->names[i].folders;
        uint32_t order[MASQ_CONTEXT_LIMIT];
        masq_text_set_order(folders, order);
        masq_anomaly a = {.normal = &names->names[i],
                          .normal_text = names->names[i].text,
                          .suspicious = &names->names[i],
                          .score = 1.0f,
                          .reasons = MASQ_REASON_WRONG_FOLDER,
                          .severity = MASQ_SEVERITY_HIGH};
        char *detail = NULL;
        size_t detail_length = 0;
        for (uint32_t k = 0; k < folders->count && status == MASQ_OK; k++) {
            const masq_text_entry *entry = &folders->entries[order[k]];
            if (entry->text[0] == '\0' || masq_folder_expected(known, entry->text))
                continue;
            const char *shown = path_in(entry->evidence, entry->text);
            char *grown = realloc(detail, detail_length + strlen(shown) + 3);
            if (grown == NULL) {
                status = MASQ_ERR_NOMEM;
                break;
            }
            detail = grown;
            detail_length += (size_t)sprintf(detail + detail_length, "%s%s",
                                             detail_length ? "; " : "", shown);
            a.folders[a.folder_count++] = entry->text;
            a.evidence_count += entry->count;
            if (a.evidence == NULL) {
                a.evidence = entry->evidence;
            } else { /* several wrong folders: their evidence together */
                if (a.evidence_owned == NULL) {
                    a.evidence_owned = malloc(sizeof *a.evidence_owned);
                    if (a.evidence_owned == NULL) {
                        status = MASQ_ERR_NOMEM;
                        break;
                    }
                    masq_evidence_init(a.evidence_owned);
                    status = masq_evidence_merge(names, a.evidence_owned, a.evidence);
                    a.evidence = a.evidence_owned;
                }
                if (status == MASQ_OK)
                    status = masq_evidence_merge(names, a.evidence_owned, entry->evidence);
            }
        }
        a.detail = detail;
        if (status != MASQ_OK || detail == NULL) {
            free(detail);
            if (a.evidence_owned) {
                masq_evidence_free(a.evidence_owned);
                free(a.evidence_owned);
            }
            continue;
        }
        a.source = source_of(a.normal, a.suspicious);
        status = masq_anomaly_add(d->result, &a);
    }
    return status;
}

static bool same_stem(const char *a, const char *b)
{
    const char *da = strrchr(a, '.'), *db = strrchr(b, '.');
    size_t la = da ? (size_t)(da - a) : strlen(a), lb = db ? (size_t)(db - b) : strlen(b);
    return la == lb && memcmp(a, b, la) == 0;
}

/* The PE original file name says another binary (T1036.003): a known binary
 * running under another name, or a known name carried by another binary. */
masq_status masq_detect_renamed(detector *d)
{
    masq_name_table *names = &d->result->names;
    masq_status status = MASQ_OK;
    for (size_t i = 0; i < d->seen_names && status == MASQ_OK; i++) {
        if (!in_shard(d, i))
            continue;
        const masq_text_set *originals = &names->names[i].originals;
        const masq_known_name *self = d->known_of[i];
        for (uint32_t o = 0; o < originals->count && status == MASQ_OK; o++) {
            const char *original = originals->entries[o].text;
            if (same_stem(original, names->names[i].text))
                continue;
            const masq_known_name *claimed = masq_known_names_find(d->known, original);
            bool expected = false;
            for (size_t k = 0; self && k < self->original_count; k++)
                expected |= strcmp(self->originals[k], original) == 0;
            if (claimed == NULL && (self == NULL || expected))
                continue;
            long found = masq_name_table_find(names, original, strlen(original));
            size_t size = strlen(original) + 32;
            masq_anomaly a = {.normal = found >= 0 && (size_t)found < d->seen_names ? &names->names[found] : NULL,
                              .normal_text = claimed ? original : names->names[i].text,
                              .suspicious = &names->names[i],
                              .reasons = MASQ_REASON_RENAMED,
                              .severity = MASQ_SEVERITY_HIGH,
                              .detail = malloc(size)};
            if (claimed == NULL)
                a.normal = &names->names[i];
            if (a.detail)
                snprintf(a.detail, size, "original file name %s", original);
            a.claimed_original = original;
            a.evidence = originals->entries[o].evidence;
            a.evidence_count = originals->entries[o].count;
            a.source = source_of(a.normal, a.suspicious);
            status = masq_anomaly_add(d->result, &a);
        }
    }
    return status;
}
