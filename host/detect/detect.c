/* Detection: the profiles. The notebook profile keeps the notebook's rule
 * exactly (frequent x infrequent look-alikes); the default profile adds
 * known system names as anchors and the checks of one name at a time. */
#include <stdlib.h>
#include <string.h>
#include "anomaly_list.h"
#include "detect.h"
#include "detector.h"
#include "lookalikes.h"
#include "name_checks.h"


masq_status masq_detect(const masq_config *config, const masq_detect_input *input,
                        masq_result *result)
{
    detector d = {.config = config, .tiers = input->tiers, .in_shard = input->in_shard,
                  .matcher = input->matcher, .result = result, .seen_names = result->names.count};
    bool notebook = config->profile == MASQ_PROFILE_NOTEBOOK;
    if (notebook) {
        masq_known_names none = {0};
        d.known = &none;
        d.known_of = calloc(d.seen_names ? d.seen_names : 1, sizeof *d.known_of);
        if (d.known_of == NULL)
            return MASQ_ERR_NOMEM;
        masq_status status = masq_detect_lookalikes(&d, false);
        free(d.known_of);
        return status == MASQ_OK ? masq_anomalies_finish(result) : status;
    }

    masq_known_names known;
    masq_status status = masq_known_names_init(&known);
    if (status == MASQ_OK && config->known_path != NULL)
        status = masq_known_names_load(&known, config->known_path);
    if (status == MASQ_OK)
        status = masq_allowlist_init(&d.allow);
    if (status == MASQ_OK && config->allow_path != NULL)
        status = masq_allowlist_load(&d.allow, config->allow_path);
    d.known = &known;
    /* Known names the data lacks still anchor look-alikes. */
    for (size_t k = 0; k < known.count && status == MASQ_OK; k++) {
        size_t index;
        status = masq_name_table_intern(&result->names, known.items[k].name,
                                        strlen(known.items[k].name), &index);
    }
    if (status == MASQ_OK) {
        d.known_of = calloc(result->names.count ? result->names.count : 1, sizeof *d.known_of);
        if (d.known_of == NULL)
            status = MASQ_ERR_NOMEM;
    }
    for (size_t i = 0; status == MASQ_OK && i < result->names.count; i++)
        d.known_of[i] = masq_known_names_find(&known, result->names.names[i].text);
    if (status == MASQ_OK)
        status = masq_detect_lookalikes(&d, true);
    if (status == MASQ_OK)
        status = masq_detect_known_lookalikes(&d);
    if (status == MASQ_OK)
        status = masq_detect_homoglyphs(&d);
    if (status == MASQ_OK)
        status = masq_detect_unicode_tricks(&d);
    if (status == MASQ_OK)
        status = masq_detect_wrong_folders(&d);
    if (status == MASQ_OK)
        status = masq_detect_renamed(&d);
    if (status == MASQ_OK)
        status = masq_anomalies_finish(result);
    free(d.known_of);
    masq_allowlist_free(&d.allow);
    masq_known_names_free(&known);
    return status;
}
