#include "ingest_event.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../names/unicode.h"
#include "../util/time_iso.h"
#include "bad_input.h"
#include "ingest_shared.h"
#include "twins.h"

const char *masq_path_file_name(const char *path)
{
    const char *name = path;
    for (const char *p = path; *p; p++)
        if (*p == '\\' || *p == '/')
            name = p + 1;
    return name;
}

/* The SHA-256 in Sysmon's Hashes ("MD5=...,SHA256=...,IMPHASH=...") or a
 * bare one (Defender's SHA256 column), lower-cased into out (65 bytes); false
 * when there is none of 64 hex digits. */
static bool sha256_of(const char *hashes, char out[65])
{
    if (hashes == NULL)
        return false;
    const char *digits = hashes;
    for (const char *p = hashes; *p; p++)
        if ((p == hashes || p[-1] == ',') && strncasecmp(p, "SHA256=", 7) == 0)
            digits = p + 7;
    size_t n = 0;
    for (; n < 64 && isxdigit((unsigned char)digits[n]); n++)
        out[n] = (char)tolower((unsigned char)digits[n]);
    out[n] = '\0';
    return n == 64 && (digits[64] == '\0' || digits[64] == ',');
}

masq_status masq_ingest_event(masq_ingest *ingest, const masq_event *event)
{
    return masq_ingest_events(ingest, event, 1, NULL);
}

masq_status masq_ingest_events(masq_ingest *ingest, const masq_event *event, uint64_t n,
                               const char *last_time)
{
    /* TimeGenerated, read once: timed when it is there and readable. */
    int64_t when = MASQ_TIME_NONE;
    bool timed = event->time_generated != NULL && masq_time_parse(event->time_generated, &when) == 0;
    bool unreadable_time = event->time_generated != NULL && !timed;
    /* DOMAIN\\user, as SecurityEvent's Account writes it, whatever the log. */
    char user[512];
    const char *who = event->user;
    if (who != NULL && event->user_domain != NULL && event->user_domain[0] != '\0' &&
        strchr(who, '\\') == NULL) {
        snprintf(user, sizeof user, "%s\\%s", event->user_domain, who);
        who = user;
    }
    if (event->origin_id != NULL && timed) {
        /* The row's id and time, and what masq reads of it: a retried copy
         * is the same in all, and two rows that differ are both counted,
         * whichever is read first. */
        bool seen = false;
        const char *read[] = {event->process, event->new_process_name, event->computer, who,
                              event->parent, event->original_file_name, event->hashes};
        uint64_t key = masq_dedup_key(event->origin_id, when, read, sizeof read / sizeof *read);
        MASQ_TRY(ingest->shared ? masq_ingest_shared_dedup(ingest->shared, key, when, &seen)
                                : masq_dedup_check(&ingest->dedup, key, when, &seen));
        if (seen) {
            ingest->stats.duplicates++;
            return MASQ_OK;
        }
    }
    if (ingest->since_ms != MASQ_TIME_NONE || ingest->until_ms != MASQ_TIME_NONE) {
        if (!timed || (ingest->since_ms != MASQ_TIME_NONE && when < ingest->since_ms) ||
            (ingest->until_ms != MASQ_TIME_NONE && when >= ingest->until_ms)) {
            ingest->stats.outside_window += n;
            if (unreadable_time)
                ingest->stats.unreadable_times += n;
            return MASQ_OK;
        }
    }
    const char *process = event->process;
    if (process == NULL && event->new_process_name != NULL)
        process = masq_path_file_name(event->new_process_name);
    if (process == NULL) {
        ingest->stats.unnamed_events += n;
        return MASQ_OK;
    }
    char lowered_here[256]; /* most names: no allocation */
    char *lowered;
    size_t lowered_length;
    masq_unicode_result result = masq_unicode_lower_into(
        process, strlen(process), lowered_here, sizeof lowered_here, &lowered, &lowered_length);
    if (result == MASQ_UNICODE_NOMEM)
        return MASQ_ERR_NOMEM;
    if (result == MASQ_UNICODE_INVALID)
        return masq_ingest_bad_line(ingest, "process name is not valid UTF-8");
    if (event->new_process_name != NULL &&
        masq_unicode_decode(event->new_process_name, strlen(event->new_process_name), NULL) < 0) {
        if (lowered != lowered_here)
            free(lowered);
        return masq_ingest_bad_line(ingest, "NewProcessName is not valid UTF-8");
    }
    /* The PE original file name, compared case-insensitively; Sysmon reports
     * some binaries by their language resource ("PowerShell.EXE.MUI"), and
     * writes "?" or "-" when it could not read the version resource: no
     * original name, as an empty one. */
    char *original = NULL;
    size_t original_length = 0;
    const char *claimed = event->original_file_name;
    if (claimed != NULL && (strcmp(claimed, "?") == 0 || strcmp(claimed, "-") == 0))
        claimed = NULL;
    if (claimed != NULL && claimed[0] != '\0') {
        result = masq_unicode_lower(claimed, strlen(claimed), &original, &original_length);
        if (result == MASQ_UNICODE_NOMEM) {
            if (lowered != lowered_here)
                free(lowered);
            return MASQ_ERR_NOMEM;
        }
        if (result == MASQ_UNICODE_OK && original_length > 4 &&
            strcmp(original + original_length - 4, ".mui") == 0)
            original[original_length - 4] = '\0';
    }
    char sha256[65];
    masq_sighting sighting = {.process = lowered,
                              .process_length = lowered_length,
                              .path = event->new_process_name,
                              .computer = event->computer,
                              .original = original,
                              .user = who,
                              .parent = event->parent,
                              .time_ms = timed ? when : MASQ_TIME_NONE,
                              .sensor = event->sensor,
                              .demo = event->demo,
                              .sha256 = sha256_of(event->hashes, sha256) ? sha256 : NULL};
    char folder[1024];
    masq_sighting_prepare(&sighting, folder, sizeof folder); /* here, not under a lock */
    if (unreadable_time)
        ingest->stats.unreadable_times += n;
    masq_status status;
    if (n != 1) {
        /* Rows already summarized (a query's answer): one row, n sightings. */
        int64_t last = sighting.time_ms;
        if (last_time != NULL && timed &&
            (masq_time_parse(last_time, &last) != 0 || last < sighting.time_ms))
            last = sighting.time_ms; /* never a last sighting before the first */
        status = masq_name_table_add_many(ingest->names, &sighting, n, last, NULL);
    } else if (ingest->shared) {
        status = masq_ingest_batch_add(ingest, &sighting);
    } else {
        status = masq_ingest_count(ingest, &sighting);
    }
    if (lowered != lowered_here)
        free(lowered);
    free(original);
    if (status == MASQ_OK) {
        ingest->stats.events += n;
        if (event->demo)
            ingest->stats.demo_events += n;
    }
    return status;
}
