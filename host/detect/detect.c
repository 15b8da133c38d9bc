/* Detection: the profiles. The notebook profile keeps the notebook's rule
 * exactly (frequent x infrequent look-alikes); the default profile adds
 * anchors (the knowledge base, and the names the fleet runs from the
 * system's and installed programs' folders) and the checks of one name at a
 * time. Both end with the --suppress rules (detect/suppressions.h). */
#include <stdlib.h>
#include <string.h>
#include "anomaly_list.h"
#include "detect.h"
#include "detector.h"
#include "folders.h"
#include "history_facts.h"
#include "lookalikes.h"
#include "name_checks.h"
#include "triage.h"

/* Words many vendors name a program of theirs (Opera's and a game's
 * launcher.exe, every product's installer.exe): run from an installed
 * program's folder they say nothing of where another program of the same
 * name belongs, so they are not learned from there. */
static bool generic_name(const char *name)
{
    static const char *const words[] = {
        "agent", "app", "autoupdate", "bootstrapper", "client", "crashhandler", "crashreporter",
        "daemon", "elevate", "helper", "host", "install", "installer", "launcher", "loader",
        "main", "monitor", "notification_helper", "patch", "report", "reporter", "run", "server",
        "service", "setup", "start", "tool", "tray", "uninst", "uninstall", "unins000", "update",
        "updater", "upgrade", "worker", NULL};
    size_t stem = strcspn(name, ".");
    for (const char *const *w = words; *w; w++)
        if (strlen(*w) == stem && strncmp(name, *w, stem) == 0)
            return true;
    return false;
}

/* Names the data runs from folders of Windows or of installed programs,
 * that the knowledge base lacks, become anchors: learned. */
static masq_status learn_anchors(detector *d)
{
    masq_name_table *names = &d->result->names;
    /* Decided first, added after: adding moves the entries the lookups read. */
    unsigned char *origin = calloc(d->seen_names ? d->seen_names : 1, 1);
    if (origin == NULL)
        return MASQ_ERR_NOMEM;
    for (size_t i = 0; i < d->seen_names; i++) {
        if (masq_known_names_find(d->known, names->names[i].text) != NULL)
            continue;
        const masq_text_set *folders = &names->names[i].folders;
        for (uint32_t k = 0; k < folders->count && origin[i] != MASQ_KNOWN_SYSTEM; k++) {
            if (masq_folder_is_system(folders->entries[k].text))
                origin[i] = MASQ_KNOWN_SYSTEM;
            else if (masq_folder_is_vendor(folders->entries[k].text) && !generic_name(names->names[i].text))
                origin[i] = MASQ_KNOWN_VENDOR;
        }
    }
    masq_status status = MASQ_OK;
    for (size_t i = 0; i < d->seen_names && status == MASQ_OK; i++) {
        if (origin[i] == MASQ_KNOWN_LISTED)
            continue;
        status = masq_known_names_learn(d->known, names->names[i].text, (masq_known_origin)origin[i]);
        d->result->summary.learned_anchors += status == MASQ_OK;
    }
    free(origin);
    return status;
}

static masq_status detect_default(const masq_config *config, const masq_detect_input *input,
                                  detector *d)
{
    masq_result *result = d->result;
    masq_status status = MASQ_OK;
    if (config->known_path != NULL)
        status = masq_known_names_load(d->known, config->known_path);
    if (status == MASQ_OK)
        status = masq_allowlist_init(&d->allow);
    if (status == MASQ_OK && config->allow_path != NULL)
        status = masq_allowlist_load(&d->allow, config->allow_path);
    if (status == MASQ_OK)
        status = masq_known_names_index(d->known);
    if (status == MASQ_OK)
        status = learn_anchors(d);
    /* Names frequent in the baseline's window that this run lacks anchor
     * look-alikes as listed names the events lack do (result->unseen). */
    for (size_t k = 0; k < input->history_anchor_count && status == MASQ_OK; k++) {
        const char *name = input->history_anchors[k];
        size_t index;
        if (masq_known_names_find(d->known, name) != NULL) /* listed: the list says more */
            continue;
        status = masq_known_names_learn(d->known, name, MASQ_KNOWN_HISTORY);
        if (status == MASQ_OK)
            status = masq_name_table_intern(&result->unseen, name, strlen(name), &index);
        result->summary.baseline.history_anchors += status == MASQ_OK;
    }
    if (status == MASQ_OK)
        status = masq_known_names_index(d->known);
    /* Listed names the data lacks still anchor look-alikes: in a table of
     * their own, so that the events' stays as ingest counted it. */
    for (size_t k = 0; k < d->known->count && status == MASQ_OK; k++) {
        const char *name = d->known->items[k].name;
        size_t index;
        if (d->known->items[k].origin == MASQ_KNOWN_LISTED &&
            masq_name_table_find(&result->names, name, strlen(name)) < 0)
            status = masq_name_table_intern(&result->unseen, name, strlen(name), &index);
    }
    /* The history anchors' weighted counts, for the rarity rule of learned anchors. */
    if (status == MASQ_OK && input->history_anchor_count > 0) {
        d->unseen_weight = calloc(result->unseen.count ? result->unseen.count : 1,
                                  sizeof *d->unseen_weight);
        if (d->unseen_weight == NULL)
            status = MASQ_ERR_NOMEM;
        for (size_t k = 0; status == MASQ_OK && k < input->history_anchor_count; k++) {
            const char *name = input->history_anchors[k];
            long index = masq_name_table_find(&result->unseen, name, strlen(name));
            if (index >= 0)
                d->unseen_weight[index] = input->history_anchor_weights[k];
        }
    }
    size_t count = name_count(d);
    if (status == MASQ_OK) {
        d->known_of = calloc(count ? count : 1, sizeof *d->known_of);
        if (d->known_of == NULL)
            status = MASQ_ERR_NOMEM;
    }
    for (size_t i = 0; status == MASQ_OK && i < count; i++)
        d->known_of[i] = masq_known_names_find(d->known, name_at(d, i)->text);
    if (status == MASQ_OK)
        status = masq_detect_lookalikes(d, true);
    if (status == MASQ_OK)
        status = masq_detect_known_lookalikes(d);
    if (status == MASQ_OK)
        status = masq_detect_homoglyphs(d);
    if (status == MASQ_OK)
        status = masq_detect_unicode_tricks(d);
    if (status == MASQ_OK)
        status = masq_detect_wrong_folders(d);
    if (status == MASQ_OK)
        status = masq_detect_lookalike_folders(d);
    if (status == MASQ_OK)
        status = masq_detect_renamed(d);
    if (status == MASQ_OK && d->baseline != NULL)
        status = masq_detect_new_folders(d);
    return status;
}

masq_status masq_detect(const masq_config *config, const masq_detect_input *input,
                        masq_result *result)
{
    detector d = {.config = config, .tiers = input->tiers, .in_shard = input->in_shard,
                  .matcher = input->matcher, .result = result, .seen_names = result->names.count,
                  .baseline = input->baseline, .seen_weight = input->weights};
    masq_known_names known = {0};
    masq_status status = MASQ_OK;
    d.known = &known;
    if (config->profile == MASQ_PROFILE_NOTEBOOK) {
        d.known_of = calloc(d.seen_names ? d.seen_names : 1, sizeof *d.known_of);
        status = d.known_of ? masq_detect_lookalikes(&d, false) : MASQ_ERR_NOMEM;
    } else {
        status = masq_known_names_init(&known);
        if (status == MASQ_OK)
            status = detect_default(config, input, &d);
    }
    if (status == MASQ_OK)
        status = masq_anomalies_finish(result);
    if (status == MASQ_OK && d.baseline != NULL)
        status = masq_history_facts(d.baseline, result);
    if (status == MASQ_OK && input->suppressions != NULL)
        status = masq_suppressions_apply(input->suppressions, result);
    if (status == MASQ_OK)
        status = masq_triage_apply(&config->triage, result);
    free(d.known_of);
    free(d.unseen_weight);
    masq_allowlist_free(&d.allow);
    masq_known_names_free(&known);
    return status;
}
