/* Suppressions a SOC can live with (--suppress FILE): rules read from a CSV
 * in the shape of a Microsoft Sentinel watchlist (a header row names the
 * columns; unknown columns, such as SearchKey or a justification, are left
 * alone), each scoped by any of
 *   PotentiallyMaliciousProcess  glob over the suspicious name
 *   NormalProcess                glob over the imitated name
 *   Reason                       reasons the finding may have ("wrong-folder;renamed")
 *   Folder                       folder glob (C:\Tools\*\ one folder, C:\Tools\** all below)
 *   Computer                     host glob (the full name or the part before the first dot)
 *   SHA256                       the image's hash
 *   Expires                      a date or time; the rule covers sightings before it
 * An empty cell means any. A rule covers a finding only when it covers every
 * sighting the finding rests on: all its hosts, all its folders, every
 * sighting hashed with that hash, its last sighting before the expiry (and so
 * a finding with no time is never covered by a rule that expires). Expiry is
 * held against the events, not the clock: the same input gives the same
 * bytes out on any day. */
#ifndef MASQ_SUPPRESSIONS_H
#define MASQ_SUPPRESSIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../result.h"

typedef struct masq_suppression {
    char *process;  /* lower-cased glob, or NULL: any */
    char *normal;
    char *folder;   /* normalized (names/folder_path.h) glob */
    char *computer;
    char *sha256;   /* lower-case hex */
    uint32_t reasons; /* masq_reason bits a covered finding may have; 0: any */
    int64_t expires_ms; /* MASQ_TIME_NONE: never */
    unsigned line;  /* in the file */
} masq_suppression;

typedef struct masq_suppressions {
    masq_suppression *rules;
    size_t count;
    size_t capacity;
} masq_suppressions;

/* Read the rules of a file; a malformed rule is an error with file:line. */
masq_status masq_suppressions_load(masq_suppressions *rules, const char *path);
void masq_suppressions_free(masq_suppressions *rules);

bool masq_suppression_covers(const masq_suppression *rule, const masq_anomaly *anomaly);

/* Take the covered findings out of the result, each counted for the first
 * rule (in file order) that covers it: summary.suppressed and
 * result->suppressions. */
masq_status masq_suppressions_apply(const masq_suppressions *rules, masq_result *result);

#endif
