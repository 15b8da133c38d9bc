#include "detect.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../match/dl_exact.h"
#include "../match/match.h"
#include "../match/pack.h"
#include "../match/score.h"
#include "../names/unicode.h"
#include "../util/log.h"
#include "../util/memory.h"
#include "allowlist.h"
#include "folders.h"
#include "known_names.h"
#include "skeleton.h"
#include "unicode_tricks.h"

/* Known names' look-alikes: one edit counts for stems of at least this many
 * characters, whatever the similarity threshold (lsasss.exe, smsss.exe). */
#define SHORT_STEM 4
/* The threshold the known-name matrix runs at; its pairs are then kept when
 * the distance is at most max(1, the threshold's own allowance). */
#define KNOWN_MATCH_THRESHOLD 0.74

typedef struct detector {
    const masq_config *config;
    const masq_tier *tiers;
    const bool *in_shard;       /* per seen name */
    masq_matcher *matcher;
    masq_result *result;
    size_t seen_names;          /* names at or past this index are known names the data lacks */
    masq_known_names *known;
    masq_allowlist allow;
    const masq_known_name **known_of; /* per name index */
} detector;

masq_status masq_anomaly_add(masq_result *result, const masq_anomaly *anomaly)
{
    if (masq_grow((void **)&result->anomalies, &result->anomaly_capacity,
                  result->anomaly_count + 1, sizeof *result->anomalies) != 0)
        return MASQ_ERR_NOMEM;
    masq_anomaly *added = &result->anomalies[result->anomaly_count++];
    *added = *anomaly;
    if (added->evidence == NULL) { /* the suspicious name itself: all its sightings */
        added->evidence = &added->suspicious->all;
        added->evidence_count = masq_name_total(added->suspicious);
    }
    return MASQ_OK;
}

/* With --shard K/N, this run reports only anomalies whose suspicious name
 * falls in slice K: the slices partition the anomalies. */
static bool in_shard(const detector *d, size_t name)
{
    return name < d->seen_names && d->in_shard[name];
}

static bool tier_has(const detector *d, size_t name, masq_tier tier)
{
    return name < d->seen_names && (d->tiers[name] & tier);
}

static masq_source source_of(const masq_name *normal, const masq_name *suspicious)
{
    bool user = suspicious->user_count > 0 && (normal == NULL || normal->user_count > 0);
    return user ? MASQ_SOURCE_USER : MASQ_SOURCE_DEMO;
}

/* Run one matrix: names `frequent` x `infrequent` (table indices). */
static masq_status run_matrix(detector *d, bool stems, const size_t *frequent, size_t nf,
                              const size_t *infrequent, size_t ni, double threshold,
                              masq_pack *pack, masq_hits *hits)
{
    const masq_name_table *names = &d->result->names;
    masq_pack_init(pack);
    pack->stems_always = stems;
    for (size_t i = 0; i < nf; i++)
        MASQ_TRY(masq_pack_add(pack, &pack->frequent, names->names[frequent[i]].text,
                               names->names[frequent[i]].length, (uint32_t)frequent[i]));
    for (size_t i = 0; i < ni; i++)
        MASQ_TRY(masq_pack_add(pack, &pack->infrequent, names->names[infrequent[i]].text,
                               names->names[infrequent[i]].length, (uint32_t)infrequent[i]));
    masq_match_stats stats;
    MASQ_TRY(masq_matcher_run(d->matcher, pack, threshold, hits, &stats));
    masq_summary *s = &d->result->summary;
    s->pairs += stats.pairs;
    s->candidates += stats.candidates;
    s->verified += stats.verified;
    s->launches += stats.launches;
    s->overflows += stats.overflows;
    s->threads = stats.threads;
    memcpy(s->backend, stats.backend, sizeof s->backend);
    memcpy(s->device, stats.device, sizeof s->device);
    return MASQ_OK;
}

static size_t stem_length(const char *name)
{
    const char *dot = strrchr(name, '.');
    long n = masq_unicode_decode(name, dot ? (size_t)(dot - name) : strlen(name), NULL);
    return n < 0 ? 0 : (size_t)n;
}

static bool executable_or_none(const char *name)
{
    static const char *const executable[] = {"exe", "com", "scr", "bat", "cmd", "pif", "cpl",
                                             "msi", "dll", "js", "vbs", "hta", "ps1", NULL};
    const char *dot = strrchr(name, '.');
    if (dot == NULL)
        return true;
    for (const char *const *e = executable; *e; e++)
        if (strcmp(dot + 1, *e) == 0)
            return true;
    return false;
}

/* Hits of a matrix into anomalies. known_anchors: the frequent side is the
 * known names, kept by the short-name rule; stems: the default profile's. */
static masq_status hits_to_anomalies(detector *d, const masq_pack *pack, const masq_hits *hits,
                                     bool stems, bool known_anchors)
{
    masq_name *names = d->result->names.names;
    masq_threshold threshold;
    MASQ_TRY(masq_threshold_init(&threshold, d->config->similarity_threshold, pack->max_length));
    masq_status status = MASQ_OK;
    for (size_t h = 0; h < hits->count && status == MASQ_OK; h++) {
        const masq_hit *hit = &hits->items[h];
        size_t n = pack->frequent.items[hit->frequent].name;
        size_t s = pack->infrequent.items[hit->infrequent].name;
        const masq_name *normal = &names[n], *suspicious = &names[s];
        masq_anomaly a = {.normal = n < d->seen_names ? normal : NULL,
                          .normal_text = normal->text,
                          .suspicious = suspicious,
                          .score = hit->score,
                          .distance = hit->distance,
                          .source = source_of(n < d->seen_names ? normal : NULL, suspicious),
                          .reasons = MASQ_REASON_LOOKALIKE,
                          .severity = MASQ_SEVERITY_MEDIUM};
        if (stems) {
            if (masq_allowlist_has(&d->allow, normal->text, suspicious->text))
                continue;
            /* A name without an extension (sshd, bash) is a Linux binary: only
             * names without one imitate it. */
            if (strchr(normal->text, '.') == NULL && strchr(suspicious->text, '.') != NULL)
                continue;
            if (hit->distance == 0) {
                /* The same stem: another or no extension (svchost.com, svchost). */
                if (!executable_or_none(suspicious->text))
                    continue;
                a.reasons = MASQ_REASON_EXTENSION;
            }
            if (known_anchors) {
                size_t stem = stem_length(normal->text);
                size_t other = stem_length(suspicious->text);
                size_t longer = stem > other ? stem : other;
                int32_t allowed = longer <= threshold.max_length ? masq_threshold_k(&threshold, longer) : 0;
                if (allowed < 1 && stem >= SHORT_STEM)
                    allowed = 1;
                if ((int32_t)hit->distance > allowed)
                    continue;
            }
            if (known_anchors || d->known_of[n] != NULL)
                a.severity = MASQ_SEVERITY_HIGH;
        }
        status = masq_anomaly_add(d->result, &a);
    }
    masq_threshold_free(&threshold);
    return status;
}

static masq_status lookalikes(detector *d, bool stems)
{
    size_t count = d->seen_names;
    size_t *frequent = malloc((count ? count : 1) * sizeof *frequent);
    size_t *infrequent = malloc((count ? count : 1) * sizeof *infrequent);
    if (frequent == NULL || infrequent == NULL) {
        free(frequent);
        free(infrequent);
        return MASQ_ERR_NOMEM;
    }
    size_t nf = 0, ni = 0;
    for (size_t i = 0; i < count; i++) {
        if (tier_has(d, i, MASQ_TIER_FREQUENT))
            frequent[nf++] = i;
        if (tier_has(d, i, MASQ_TIER_INFREQUENT) && in_shard(d, i))
            infrequent[ni++] = i;
    }
    d->result->summary.frequent = nf;
    d->result->summary.infrequent = ni;
    masq_pack pack;
    masq_hits hits = {0};
    masq_status status = run_matrix(d, stems, frequent, nf, infrequent, ni,
                                    d->config->similarity_threshold, &pack, &hits);
    if (status == MASQ_OK)
        status = hits_to_anomalies(d, &pack, &hits, stems, false);
    masq_hits_free(&hits);
    masq_pack_free(&pack);
    free(frequent);
    free(infrequent);
    return status;
}

/* Known names x every other name, stems against stems. */
static masq_status known_lookalikes(detector *d)
{
    size_t total = d->result->names.count;
    size_t *anchors = malloc((total ? total : 1) * sizeof *anchors);
    size_t *others = malloc((total ? total : 1) * sizeof *others);
    if (anchors == NULL || others == NULL) {
        free(anchors);
        free(others);
        return MASQ_ERR_NOMEM;
    }
    size_t na = 0, no = 0;
    for (size_t i = 0; i < total; i++) {
        if (d->known_of[i] != NULL)
            anchors[na++] = i;
        else if (in_shard(d, i))
            others[no++] = i;
    }
    double threshold = d->config->similarity_threshold < KNOWN_MATCH_THRESHOLD
                           ? d->config->similarity_threshold
                           : KNOWN_MATCH_THRESHOLD;
    masq_pack pack;
    masq_hits hits = {0};
    masq_status status = run_matrix(d, true, anchors, na, others, no, threshold, &pack, &hits);
    if (status == MASQ_OK)
        status = hits_to_anomalies(d, &pack, &hits, true, true);
    masq_hits_free(&hits);
    masq_pack_free(&pack);
    free(anchors);
    free(others);
    return status;
}

typedef struct skeleton_entry {
    char *skeleton;
    size_t name;
} skeleton_entry;

static int compare_skeleton(const void *a, const void *b)
{
    return strcmp(((const skeleton_entry *)a)->skeleton, ((const skeleton_entry *)b)->skeleton);
}

static bool is_anchor(const detector *d, size_t name)
{
    return d->known_of[name] != NULL || tier_has(d, name, MASQ_TIER_FREQUENT);
}

/* The plain similarity of two whole names (the notebook's score over the
 * true Damerau-Levenshtein distance); *distance gets the distance. 0 for
 * names too long to compare here. */
static float whole_score(const char *x_text, const char *y_text, uint32_t *distance)
{
    uint32_t x[1024], y[1024];
    long lx = masq_unicode_decode(x_text, strlen(x_text), NULL);
    long ly = masq_unicode_decode(y_text, strlen(y_text), NULL);
    if (lx < 0 || ly < 0 || lx >= 1024 || ly >= 1024)
        return 0.0f;
    masq_unicode_decode(x_text, strlen(x_text), x);
    masq_unicode_decode(y_text, strlen(y_text), y);
    uint32_t longer = (uint32_t)(lx > ly ? lx : ly);
    long d = masq_dl_codepoints(x, (size_t)lx, y, (size_t)ly, longer);
    if (d < 0)
        return 0.0f;
    if (distance)
        *distance = (uint32_t)d;
    return masq_score((uint32_t)d, longer);
}

static float pair_score(const char *normal, const char *suspicious)
{
    return whole_score(normal, suspicious, NULL);
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
static masq_status homoglyphs(detector *d)
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
static masq_status unicode_tricks(detector *d)
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
static masq_status wrong_folders(detector *d)
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
static masq_status renamed(detector *d)
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

/* One anomaly per (imitated, suspicious) pair: reasons joined, the highest
 * severity and the look-alike's score kept. */
static int compare_pair(const void *x, const void *y)
{
    const masq_anomaly *a = x, *b = y;
    int order = strcmp(a->suspicious->text, b->suspicious->text);
    return order ? order : strcmp(a->normal_text, b->normal_text);
}

/* The pair, then its findings in a fixed order, so that merged details read
 * the same whatever order the checks appended them in. */
static int compare_finding(const void *x, const void *y)
{
    const masq_anomaly *a = x, *b = y;
    int order = compare_pair(a, b);
    if (order)
        return order;
    if (a->reasons != b->reasons)
        return a->reasons < b->reasons ? -1 : 1;
    return strcmp(a->detail ? a->detail : "", b->detail ? b->detail : "");
}

static int compare_report_order(const void *x, const void *y)
{
    const masq_anomaly *a = x, *b = y;
    if (a->severity != b->severity)
        return a->severity < b->severity ? 1 : -1;
    if (a->score != b->score)
        return a->score < b->score ? 1 : -1;
    int order = strcmp(a->normal_text, b->normal_text);
    return order ? order : strcmp(a->suspicious->text, b->suspicious->text);
}

static char *join_details(char *a, char *b)
{
    if (a == NULL)
        return b;
    if (b == NULL)
        return a;
    char *joined = malloc(strlen(a) + strlen(b) + 3);
    if (joined)
        sprintf(joined, "%s; %s", a, b);
    free(a);
    free(b);
    return joined;
}

static void evidence_release(masq_anomaly *a)
{
    if (a->evidence_owned != NULL) {
        masq_evidence_free(a->evidence_owned);
        free(a->evidence_owned);
        a->evidence_owned = NULL;
    }
}

/* The evidence of two findings of one pair: all the name's sightings when
 * either rests on them; otherwise both together (a wrong folder and a
 * claimed original: sightings may be in both, so the count is at most the
 * sum, and never more than the name's). */
static masq_status join_evidence(masq_name_table *names, masq_anomaly *into, masq_anomaly *a)
{
    const masq_evidence *whole = &into->suspicious->all;
    if (into->evidence == whole || a->evidence == whole) {
        if (into->evidence != whole) {
            evidence_release(into);
            into->evidence = whole;
            into->evidence_count = masq_name_total(into->suspicious);
        }
        evidence_release(a);
        return MASQ_OK;
    }
    if (into->evidence_owned == NULL) {
        into->evidence_owned = malloc(sizeof *into->evidence_owned);
        if (into->evidence_owned == NULL)
            return MASQ_ERR_NOMEM;
        masq_evidence_init(into->evidence_owned);
        MASQ_TRY(masq_evidence_merge(names, into->evidence_owned, into->evidence));
        into->evidence = into->evidence_owned;
    }
    MASQ_TRY(masq_evidence_merge(names, into->evidence_owned, a->evidence));
    uint64_t total = masq_name_total(into->suspicious);
    into->evidence_count += a->evidence_count;
    if (into->evidence_count > total)
        into->evidence_count = total;
    for (uint32_t f = 0; f < a->folder_count && into->folder_count < MASQ_CONTEXT_LIMIT; f++)
        into->folders[into->folder_count++] = a->folders[f];
    if (into->claimed_original == NULL)
        into->claimed_original = a->claimed_original;
    evidence_release(a);
    return MASQ_OK;
}

static masq_status finish(masq_result *result)
{
    if (result->anomaly_count > 1)
        qsort(result->anomalies, result->anomaly_count, sizeof *result->anomalies, compare_finding);
    size_t kept = 0;
    for (size_t i = 0; i < result->anomaly_count; i++) {
        masq_anomaly *a = &result->anomalies[i];
        if (kept > 0 && compare_pair(&result->anomalies[kept - 1], a) == 0) {
            masq_anomaly *into = &result->anomalies[kept - 1];
            if ((a->reasons & (MASQ_REASON_LOOKALIKE | MASQ_REASON_EXTENSION)) &&
                !(into->reasons & (MASQ_REASON_LOOKALIKE | MASQ_REASON_EXTENSION))) {
                into->score = a->score;
                into->distance = a->distance;
            }
            into->reasons |= a->reasons;
            if (a->severity > into->severity)
                into->severity = a->severity;
            into->detail = join_details(into->detail, a->detail);
            MASQ_TRY(join_evidence(&result->names, into, a));
            continue;
        }
        result->anomalies[kept++] = *a;
    }
    result->anomaly_count = kept;
    for (size_t i = 0; i < kept; i++) {
        masq_anomaly *a = &result->anomalies[i];
        bool scored = a->reasons & (MASQ_REASON_LOOKALIKE | MASQ_REASON_EXTENSION | MASQ_REASON_WRONG_FOLDER);
        if (!scored && a->normal_text[0] != '\0') /* the plain similarity of the whole names */
            a->score = whole_score(a->normal_text, a->suspicious->text, &a->distance);
    }
    if (kept > 1)
        qsort(result->anomalies, kept, sizeof *result->anomalies, compare_report_order);
    return MASQ_OK;
}

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
        masq_status status = lookalikes(&d, false);
        free(d.known_of);
        return status == MASQ_OK ? finish(result) : status;
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
        status = lookalikes(&d, true);
    if (status == MASQ_OK)
        status = known_lookalikes(&d);
    if (status == MASQ_OK)
        status = homoglyphs(&d);
    if (status == MASQ_OK)
        status = unicode_tricks(&d);
    if (status == MASQ_OK)
        status = wrong_folders(&d);
    if (status == MASQ_OK)
        status = renamed(&d);
    if (status == MASQ_OK)
        status = finish(result);
    free(d.known_of);
    masq_allowlist_free(&d.allow);
    masq_known_names_free(&known);
    return status;
}
