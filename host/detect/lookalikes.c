/* The matrix look-alikes: one generic path for both matrices (frequent x
 * infrequent names, and known names x every other name), from the hits of
 * the scan's matcher to anomalies. */
#include <stdlib.h>
#include <string.h>

#include "../match/pack.h"
#include "../match/score.h"
#include "../names/unicode.h"
#include "anomaly_list.h"
#include "folders.h"
#include "lookalikes.h"

/* Known names' look-alikes: one edit counts for stems of at least this many
 * characters, whatever the similarity threshold (lsasss.exe, smsss.exe). */
#define SHORT_STEM 4
/* The threshold the known-name matrix runs at; its pairs are then kept when
 * the distance is at most max(1, the threshold's own allowance). */
#define KNOWN_MATCH_THRESHOLD 0.74
/* A look-alike of a learned anchor counts when it is started at most
 * 1/LEARNED_RARITY as often as the anchor, or on at most FEW_HOSTS hosts
 * and no more often than the anchor. */
#define LEARNED_RARITY 4
#define FEW_HOSTS 2

/* Run one matrix: names `frequent` x `infrequent` (name ids). */
static masq_status run_matrix(detector *d, bool stems, const size_t *frequent, size_t nf,
                              const size_t *infrequent, size_t ni, double threshold,
                              masq_pack *pack, masq_hits *hits)
{
    masq_pack_init(pack);
    pack->stems_always = stems;
    for (size_t i = 0; i < nf; i++)
        MASQ_TRY(masq_pack_add(pack, &pack->frequent, name_at(d, frequent[i])->text,
                               name_at(d, frequent[i])->length, (uint32_t)frequent[i]));
    for (size_t i = 0; i < ni; i++)
        MASQ_TRY(masq_pack_add(pack, &pack->infrequent, name_at(d, infrequent[i])->text,
                               name_at(d, infrequent[i])->length, (uint32_t)infrequent[i]));
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

/* Hosts a name was seen on (the kept ones: at most MASQ_CONTEXT_LIMIT, then one more). */
static uint64_t hosts_of(const masq_name *name)
{
    return name->all.computers.count + (name->all.computers.more > 0);
}

/* The rarity rule of learned anchors: far rarer than the name it imitates. */
static bool far_rarer(const detector *d, size_t suspicious_id, size_t anchor)
{
    const masq_name *suspicious = name_at(d, suspicious_id);
    uint64_t s = times_run(d, suspicious_id), a = times_run(d, anchor);
    return s <= a / LEARNED_RARITY || (hosts_of(suspicious) <= FEW_HOSTS && s <= a);
}

/* How many edits a known anchor's look-alike may be from it: the threshold's
 * allowance, at least one for stems of SHORT_STEM characters or more, and one
 * insertion into a shorter stem (cmd.exe, cmdd.exe) run from a folder users
 * can write to. */
static int32_t allowed_edits(const masq_threshold *threshold, const masq_name *normal,
                             const masq_name *suspicious)
{
    size_t stem = stem_length(normal->text);
    size_t other = stem_length(suspicious->text);
    size_t longer = stem > other ? stem : other;
    int32_t allowed = longer <= threshold->max_length ? masq_threshold_k(threshold, longer) : 0;
    if (allowed < 1 && stem >= SHORT_STEM)
        allowed = 1;
    if (allowed < 1 && stem >= 3 && other == stem + 1 && masq_name_runs_from_writable(suspicious))
        allowed = 1;
    return allowed;
}

/* Hits of a matrix into anomalies. known_anchors: the frequent side is the
 * known names, kept by the short-name rule; stems: the default profile's. */
static masq_status hits_to_anomalies(detector *d, const masq_pack *pack, const masq_hits *hits,
                                     bool stems, bool known_anchors)
{
    masq_threshold threshold;
    MASQ_TRY(masq_threshold_init(&threshold, d->config->similarity_threshold, pack->max_length));
    masq_status status = MASQ_OK;
    for (size_t h = 0; h < hits->count && status == MASQ_OK; h++) {
        const masq_hit *hit = &hits->items[h];
        size_t n = pack->frequent.items[hit->frequent].name;
        size_t s = pack->infrequent.items[hit->infrequent].name;
        const masq_name *normal = name_at(d, n), *suspicious = name_at(d, s);
        masq_anomaly a = {.normal = seen_name(d, n),
                          .normal_text = normal->text,
                          .suspicious = suspicious,
                          .score = hit->score,
                          .distance = hit->distance,
                          .source = source_of(seen_name(d, n), suspicious),
                          .reasons = MASQ_REASON_LOOKALIKE,
                          .severity = MASQ_SEVERITY_MEDIUM};
        if (stems) {
            if (masq_allowlist_has(&d->allow, normal->text, suspicious->text))
                continue;
            /* Two listed names are two genuine binaries (ssms.exe, smss.exe).
             * Learned ones are still compared here, as the notebook does: a
             * look-alike dropped into System32 is learned too. */
            if (is_listed(d, n) && is_listed(d, s))
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
                if ((int32_t)hit->distance > allowed_edits(&threshold, normal, suspicious))
                    continue;
                bool learned = !is_listed(d, n); /* the anchor side: listed or learned */
                if (learned && !far_rarer(d, s, n))
                    continue;
            }
            if (is_listed(d, n))
                a.severity = MASQ_SEVERITY_HIGH;
        }
        status = masq_anomaly_add(d->result, &a);
    }
    masq_threshold_free(&threshold);
    return status;
}

masq_status masq_detect_lookalikes(detector *d, bool stems)
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

/* Anchors (listed and learned) x every other name, stems against stems. */
masq_status masq_detect_known_lookalikes(detector *d)
{
    size_t total = name_count(d);
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
