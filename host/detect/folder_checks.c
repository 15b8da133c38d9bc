/* The folder checks of one name at a time: a name where it does not belong
 * (T1036.005), and any name run from a folder made to look like the
 * system's. The folders are counted per name at ingest, each with the
 * evidence of its sightings, and folders users can write to are kept first,
 * so a name's wrong folder is there however many other folders and
 * spellings of paths it has. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anomaly_list.h"
#include "folders.h"
#include "name_checks.h"

/* The first path of a folder's sightings, for the analyst; the folder itself
 * when none was kept. */
static const char *path_in(const masq_evidence *evidence, const char *folder)
{
    uint32_t order[MASQ_CONTEXT_LIMIT];
    masq_text_set_order(&evidence->paths, order);
    return evidence->paths.count ? evidence->paths.entries[order[0]].text : folder;
}

/* Is this folder of the name a finding? note: what to add after its path. */
typedef bool (*folder_test)(detector *d, size_t name, const char *folder, char *note,
                            size_t size);

static bool wrong_folder(detector *d, size_t name, const char *folder, char *note, size_t size)
{
    const masq_known_name *known = d->known_of[name];
    note[0] = '\0';
    switch (known->origin) {
    case MASQ_KNOWN_LISTED:
        return !masq_folder_expected(known, folder);
    case MASQ_KNOWN_SYSTEM:
        return masq_folder_is_writable(folder);
    case MASQ_KNOWN_VENDOR:
        return masq_folder_is_staging(folder);
    case MASQ_KNOWN_HISTORY: /* the baseline knows where it ran: masq_detect_new_folders */
        return false;
    }
    return false;
}

static bool lookalike_folder(detector *d, size_t name, const char *folder, char *note,
                             size_t size)
{
    (void)d;
    (void)name;
    char imitated[64];
    if (!masq_folder_imitates_system(folder, imitated, sizeof imitated))
        return false;
    snprintf(note, size, " (imitates %s)", imitated);
    return true;
}

static masq_status append(char **detail, size_t *length, const char *path, const char *note)
{
    char *grown = realloc(*detail, *length + strlen(path) + strlen(note) + 3);
    if (grown == NULL)
        return MASQ_ERR_NOMEM;
    *detail = grown;
    *length += (size_t)sprintf(grown + *length, "%s%s%s", *length ? "; " : "", path, note);
    return MASQ_OK;
}

/* One finding for name i over the folders `test` flags, with their
 * evidence together; none when no folder is flagged. */
static masq_status flag_folders(detector *d, size_t i, folder_test test, uint32_t reason,
                                masq_severity severity)
{
    masq_name_table *names = &d->result->names;
    const masq_text_set *folders = &names->names[i].folders;
    uint32_t order[MASQ_CONTEXT_LIMIT];
    masq_text_set_order(folders, order);
    masq_anomaly a = {.normal = &names->names[i],
                      .normal_text = names->names[i].text,
                      .suspicious = &names->names[i],
                      .score = 1.0f,
                      .reasons = reason,
                      .severity = severity};
    char *detail = NULL;
    size_t detail_length = 0;
    masq_status status = MASQ_OK;
    for (uint32_t k = 0; k < folders->count && status == MASQ_OK; k++) {
        const masq_text_entry *entry = &folders->entries[order[k]];
        const masq_evidence *evidence = masq_folder_evidence(&names->names[i], order[k]);
        char note[96];
        if (entry->text[0] == '\0' || !test(d, i, entry->text, note, sizeof note))
            continue;
        status = append(&detail, &detail_length, path_in(evidence, entry->text), note);
        if (status != MASQ_OK)
            break;
        a.folders[a.folder_count++] = entry->text;
        a.evidence_count += entry->count;
        if (a.evidence == NULL && evidence != &names->names[i].all) {
            a.evidence = evidence;
            continue;
        }
        /* Several folders: their evidence together. The sole folder, whose
         * evidence is the name's: a copy, so that the finding rests on its
         * folder and not on the whole name (joined findings tell them apart
         * by pointer). */
        if (a.evidence_owned == NULL) {
            a.evidence_owned = malloc(sizeof *a.evidence_owned);
            if (a.evidence_owned == NULL) {
                status = MASQ_ERR_NOMEM;
                break;
            }
            masq_evidence_init(a.evidence_owned);
            if (a.evidence != NULL)
                status = masq_evidence_merge(names, a.evidence_owned, a.evidence);
            a.evidence = a.evidence_owned;
        }
        if (status == MASQ_OK)
            status = masq_evidence_merge(names, a.evidence_owned, evidence);
    }
    a.detail = detail;
    if (status != MASQ_OK || detail == NULL) {
        masq_anomaly_free(&a);
        return status;
    }
    a.source = source_of(a.normal, a.suspicious);
    return masq_anomaly_add(d->result, &a);
}

/* Names of the knowledge base in folders they never live in; learned
 * anchors run from folders any user can write to (those of installed
 * programs: from folders files are dropped in). */
masq_status masq_detect_wrong_folders(detector *d)
{
    masq_status status = MASQ_OK;
    for (size_t i = 0; i < d->seen_names && status == MASQ_OK; i++) {
        const masq_known_name *known = d->known_of[i];
        if (known == NULL || !in_shard(d, i) ||
            (known->origin == MASQ_KNOWN_LISTED && known->folder_count == 0))
            continue;
        masq_severity severity = known->origin == MASQ_KNOWN_VENDOR ? MASQ_SEVERITY_MEDIUM
                                                                    : MASQ_SEVERITY_HIGH;
        status = flag_folders(d, i, wrong_folder, MASQ_REASON_WRONG_FOLDER, severity);
    }
    return status;
}

/* --baseline: a folder the name's history never ran it from. Asked only of
 * names the history knows in full (no day kept too few folders), so a name
 * new to the fleet is told as such and not as new folders. */
static bool new_folder(detector *d, size_t name, const char *folder, char *note, size_t size)
{
    bool ran = true;
    masq_status status = masq_baseline_ran_from(d->baseline, name_at(d, name)->text, folder, &ran);
    if (status != MASQ_OK && d->baseline_status == MASQ_OK)
        d->baseline_status = status;
    snprintf(note, size, " (new for this name in the baseline)");
    return status == MASQ_OK && !ran;
}

/* Anchors (known names and the frequent ones) the fleet's history ran
 * from other folders only: a copy dropped beside the real one. */
masq_status masq_detect_new_folders(detector *d)
{
    masq_status status = MASQ_OK;
    for (size_t i = 0; i < d->seen_names && status == MASQ_OK; i++) {
        if (!is_anchor(d, i) || !in_shard(d, i))
            continue;
        masq_name_history history;
        status = masq_baseline_name(d->baseline, name_at(d, i)->text, &history);
        if (status != MASQ_OK || !history.seen || !history.folders_complete)
            continue;
        status = flag_folders(d, i, new_folder, MASQ_REASON_NEW_FOLDER, MASQ_SEVERITY_MEDIUM);
        if (status == MASQ_OK)
            status = d->baseline_status;
    }
    return status;
}

/* Any name run from \windows \system32\, \temp\system32\, \wind0ws\... */
masq_status masq_detect_lookalike_folders(detector *d)
{
    masq_status status = MASQ_OK;
    for (size_t i = 0; i < d->seen_names && status == MASQ_OK; i++)
        if (in_shard(d, i))
            status = flag_folders(d, i, lookalike_folder, MASQ_REASON_LOOKALIKE_FOLDER,
                                  MASQ_SEVERITY_HIGH);
    return status;
}
