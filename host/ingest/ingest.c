#include "ingest.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <pthread.h>
#include <stdatomic.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../names/name_table_io.h"
#include "../names/unicode.h"
#include "../util/log.h"
#include "../util/memory.h"
#include "../util/time_iso.h"
#include "csv_row.h"
#include "input_sniff.h"
#include "line_reader.h"
#include "twins.h"


void masq_ingest_init(masq_ingest *ingest, masq_name_table *names, bool strict)
{
    memset(ingest, 0, sizeof *ingest);
    ingest->names = names;
    ingest->strict = strict;
    ingest->report_limit = 5;
    ingest->since_ms = MASQ_TIME_NONE;
    ingest->until_ms = MASQ_TIME_NONE;
    masq_dedup_init(&ingest->dedup);
}

void masq_ingest_free(masq_ingest *ingest)
{
    free(ingest->batch);
    ingest->batch = NULL;
    masq_dedup_free(&ingest->dedup);
    free(ingest->scratch);
    ingest->scratch = NULL;
    ingest->scratch_capacity = 0;
}

const char *masq_path_file_name(const char *path)
{
    const char *name = path;
    for (const char *p = path; *p; p++)
        if (*p == '\\' || *p == '/')
            name = p + 1;
    return name;
}

/* What the readers of a parallel read share: the next file, a stop flag, the
 * number of bad lines reported, and the de-duplication (under its lock). */
/* The de-duplication of a parallel read, in stripes by id so that readers
 * seldom wait for each other. */
#define DEDUP_STRIPES 32

typedef struct dedup_stripe {
    pthread_mutex_t lock;
    masq_dedup dedup;
} dedup_stripe;

typedef struct masq_ingest_shared {
    pthread_mutex_t lock;       /* the progress sink */
    pthread_mutex_t table_lock; /* the one name table all readers count into */
    dedup_stripe stripes[DEDUP_STRIPES];
    atomic_size_t next;
    atomic_bool stop;
    atomic_uint reported;
    int readers;
    uint64_t *reader_bytes; /* per reader: input bytes read (under the lock) */
    uint64_t *reader_events;
} masq_ingest_shared;

/* Progress of one reader: every 64k lines and at the end of each file. The
 * sink is called under the shared lock, with the readers' totals. */
static void report_progress(masq_ingest *ingest, uint64_t file_bytes, bool finished)
{
    if (ingest->progress == NULL)
        return;
    masq_progress progress = {ingest->progress_done + file_bytes, ingest->progress_total,
                              ingest->stats.events, finished};
    if (ingest->shared) {
        masq_ingest_shared *shared = ingest->shared;
        uint64_t own = ingest->progress_done + file_bytes;
        pthread_mutex_lock(&shared->lock);
        shared->reader_bytes[ingest->reader_index] = own;
        shared->reader_events[ingest->reader_index] = ingest->stats.events;
        progress.bytes_done = 0;
        progress.events = 0;
        for (int t = 0; t < shared->readers; t++) {
            progress.bytes_done += shared->reader_bytes[t];
            progress.events += shared->reader_events[t];
        }
        ingest->progress(&progress, ingest->progress_context);
        pthread_mutex_unlock(&shared->lock);
        return;
    }
    ingest->progress(&progress, ingest->progress_context);
}

/* Readers of a parallel read count into one shared table: each gathers its
 * events in a batch (strings copied into an arena) and adds the batch under
 * the table's lock, so the slow part, reading and parsing, runs in parallel
 * and memory holds one table, not one per reader. */
#define BATCH_EVENTS 4096
#define BATCH_BYTES ((size_t)1 << 20)

typedef struct batch_item {
    size_t process, path, computer, original, user, parent; /* arena offsets; SIZE_MAX: none */
    size_t process_length;
    int64_t time_ms;
    uint32_t sensor;
    bool demo;
} batch_item;

typedef struct masq_sighting_batch {
    batch_item items[BATCH_EVENTS];
    size_t count;
    char arena[BATCH_BYTES];
    size_t used;
} masq_sighting_batch;

static const char *at(const masq_sighting_batch *b, size_t offset)
{
    return offset == SIZE_MAX ? NULL : b->arena + offset;
}

static masq_status batch_flush(masq_ingest *ingest)
{
    masq_sighting_batch *b = ingest->batch;
    if (b == NULL || b->count == 0)
        return MASQ_OK;
    masq_status status = MASQ_OK;
    pthread_mutex_lock(&ingest->shared->table_lock);
    for (size_t i = 0; i < b->count && status == MASQ_OK; i++) {
        const batch_item *item = &b->items[i];
        masq_sighting s = {at(b, item->process), item->process_length, at(b, item->path),
                           at(b, item->computer), at(b, item->original), at(b, item->user),
                           at(b, item->parent), item->time_ms, item->sensor, item->demo};
        size_t index;
        status = masq_name_table_add(ingest->names, &s, &index);
        if (status == MASQ_OK && ingest->twins != NULL)
            status = masq_twins_add(ingest->twins, &s, index);
    }
    pthread_mutex_unlock(&ingest->shared->table_lock);
    b->count = 0;
    b->used = 0;
    return status;
}

static size_t copy_in(masq_sighting_batch *b, const char *text)
{
    if (text == NULL)
        return SIZE_MAX;
    size_t n = strlen(text) + 1, offset = b->used;
    memcpy(b->arena + offset, text, n);
    b->used += n;
    return offset;
}

static masq_status batch_add(masq_ingest *ingest, const masq_sighting *s)
{
    size_t need = s->process_length + 1 + (s->path ? strlen(s->path) + 1 : 0) +
                  (s->computer ? strlen(s->computer) + 1 : 0) +
                  (s->original ? strlen(s->original) + 1 : 0) +
                  (s->user ? strlen(s->user) + 1 : 0) + (s->parent ? strlen(s->parent) + 1 : 0);
    if (need > BATCH_BYTES / 2) { /* a huge row: straight in, under the lock */
        MASQ_TRY(batch_flush(ingest));
        pthread_mutex_lock(&ingest->shared->table_lock);
        size_t index;
        masq_status status = masq_name_table_add(ingest->names, s, &index);
        if (status == MASQ_OK && ingest->twins != NULL)
            status = masq_twins_add(ingest->twins, s, index);
        pthread_mutex_unlock(&ingest->shared->table_lock);
        return status;
    }
    if (ingest->batch == NULL) {
        ingest->batch = malloc(sizeof *ingest->batch);
        if (ingest->batch == NULL)
            return MASQ_ERR_NOMEM;
        ingest->batch->count = ingest->batch->used = 0;
    }
    masq_sighting_batch *b = ingest->batch;
    if (b->count == BATCH_EVENTS || b->used + need > BATCH_BYTES)
        MASQ_TRY(batch_flush(ingest));
    b->items[b->count++] = (batch_item){copy_in(b, s->process), copy_in(b, s->path),
                                        copy_in(b, s->computer), copy_in(b, s->original),
                                        copy_in(b, s->user), copy_in(b, s->parent),
                                        s->process_length, s->time_ms, s->sensor, s->demo};
    return MASQ_OK;
}

/* The line number in the whole file. A reader of a part of a file counts
 * the lines before its part only when it has a line to report. */
static uint64_t line_number(masq_ingest *ingest)
{
    if (ingest->line_base < 0) {
        int64_t base = 0;
        FILE *file = fopen(ingest->current_file, "rb");
        char buffer[1 << 16];
        uint64_t left = ingest->part_start;
        while (file && left > 0) {
            size_t want = left < sizeof buffer ? (size_t)left : sizeof buffer;
            size_t got = fread(buffer, 1, want, file);
            if (got == 0)
                break;
            for (size_t i = 0; i < got; i++)
                base += buffer[i] == '\n';
            left -= got;
        }
        if (file)
            fclose(file);
        ingest->line_base = base;
    }
    return (uint64_t)ingest->line_base + ingest->current_line;
}

/* A bad line: count it, report the first few with file:line. */
static masq_status bad_line(masq_ingest *ingest, const char *reason)
{
    ingest->stats.malformed_lines++;
    unsigned reported = ingest->shared ? atomic_fetch_add(&ingest->shared->reported, 1)
                                       : ingest->reported;
    if (reported < ingest->report_limit || ingest->strict) {
        ingest->reported++;
        masq_warn("%s:%llu: %s", ingest->current_file ? ingest->current_file : "(demo)",
                  (unsigned long long)line_number(ingest), reason);
    }
    return ingest->strict ? MASQ_ERR_INPUT : MASQ_OK;
}

masq_status masq_ingest_event(masq_ingest *ingest, const masq_event *event)
{
    if (event->origin_id != NULL && event->time_generated != NULL) {
        int64_t when;
        bool seen = false;
        if (masq_time_parse(event->time_generated, &when) == 0) {
            masq_status status;
            uint64_t key = masq_dedup_key(event->origin_id, when);
            if (ingest->shared) {
                dedup_stripe *d = &ingest->shared->stripes[(key >> 59) % DEDUP_STRIPES];
                pthread_mutex_lock(&d->lock);
                status = masq_dedup_check(&d->dedup, key, &seen);
                pthread_mutex_unlock(&d->lock);
            } else {
                status = masq_dedup_check(&ingest->dedup, key, &seen);
            }
            MASQ_TRY(status);
        }
        if (seen) {
            ingest->stats.duplicates++;
            return MASQ_OK;
        }
    }
    if (ingest->since_ms != MASQ_TIME_NONE || ingest->until_ms != MASQ_TIME_NONE) {
        int64_t when;
        if (event->time_generated == NULL || masq_time_parse(event->time_generated, &when) != 0 ||
            (ingest->since_ms != MASQ_TIME_NONE && when < ingest->since_ms) ||
            (ingest->until_ms != MASQ_TIME_NONE && when >= ingest->until_ms)) {
            ingest->stats.outside_window++;
            if (event->time_generated != NULL && masq_time_parse(event->time_generated, &when) != 0)
                ingest->stats.unreadable_times++;
            return MASQ_OK;
        }
    }
    const char *process = event->process;
    if (process == NULL && event->new_process_name != NULL)
        process = masq_path_file_name(event->new_process_name);
    if (process == NULL) {
        ingest->stats.unnamed_events++;
        return MASQ_OK;
    }
    char *lowered;
    size_t lowered_length;
    masq_unicode_result result =
        masq_unicode_lower(process, strlen(process), &lowered, &lowered_length);
    if (result == MASQ_UNICODE_NOMEM)
        return MASQ_ERR_NOMEM;
    if (result == MASQ_UNICODE_INVALID)
        return bad_line(ingest, "process name is not valid UTF-8");
    if (event->new_process_name != NULL &&
        masq_unicode_decode(event->new_process_name, strlen(event->new_process_name), NULL) < 0) {
        free(lowered);
        return bad_line(ingest, "NewProcessName is not valid UTF-8");
    }
    /* The PE original file name, compared case-insensitively; Sysmon reports
     * some binaries by their language resource ("PowerShell.EXE.MUI"). */
    char *original = NULL;
    size_t original_length = 0;
    if (event->original_file_name != NULL && event->original_file_name[0] != '\0') {
        result = masq_unicode_lower(event->original_file_name, strlen(event->original_file_name),
                                    &original, &original_length);
        if (result == MASQ_UNICODE_NOMEM) {
            free(lowered);
            return MASQ_ERR_NOMEM;
        }
        if (result == MASQ_UNICODE_OK && original_length > 4 &&
            strcmp(original + original_length - 4, ".mui") == 0)
            original[original_length - 4] = '\0';
    }
    /* DOMAIN\\user, as SecurityEvent's Account writes it, whatever the log. */
    char user[512];
    const char *who = event->user;
    if (who != NULL && event->user_domain != NULL && event->user_domain[0] != '\0' &&
        strchr(who, '\\') == NULL) {
        snprintf(user, sizeof user, "%s\\%s", event->user_domain, who);
        who = user;
    }
    masq_sighting sighting = {lowered, lowered_length, event->new_process_name, event->computer,
                              original, who, event->parent, MASQ_TIME_NONE, event->sensor,
                              event->demo};
    if (event->time_generated != NULL && masq_time_parse(event->time_generated, &sighting.time_ms) != 0)
        ingest->stats.unreadable_times++;
    masq_status status;
    if (ingest->shared) {
        status = batch_add(ingest, &sighting);
    } else {
        size_t index;
        status = masq_name_table_add(ingest->names, &sighting, &index);
        if (status == MASQ_OK && ingest->twins != NULL)
            status = masq_twins_add(ingest->twins, &sighting, index);
    }
    free(lowered);
    free(original);
    if (status == MASQ_OK) {
        ingest->stats.events++;
        if (event->demo)
            ingest->stats.demo_events++;
    }
    return status;
}

static bool is_blank(const char *line, size_t length)
{
    for (size_t i = 0; i < length; i++)
        if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
            return false;
    return true;
}

/* One row, from JSON or CSV: a process creation of the schema, or another row. */
static masq_status ingest_row(masq_ingest *ingest, const masq_row *row)
{
    if (ingest->schema == MASQ_SCHEMA_NAMES) {
        masq_status status = masq_name_table_add_row(ingest->names, row->json);
        if (status == MASQ_ERR_INPUT)
            return bad_line(ingest, "not a name-table row (Process and Count)");
        if (status == MASQ_OK)
            ingest->stats.events +=
                (uint64_t)cJSON_GetObjectItemCaseSensitive(row->json, "Count")->valuedouble;
        return status;
    }
    masq_event event;
    if (!masq_schema_read(row, ingest->schema, ingest->securityevent_only, &event)) {
        ingest->stats.other_events++;
        return MASQ_OK;
    }
    return masq_ingest_event(ingest, &event);
}

static masq_status ingest_json_line(masq_ingest *ingest, const char *line, size_t length)
{
    /* Most lines take the fast scanner; the rest (and name tables) cJSON. */
    if (ingest->schema != MASQ_SCHEMA_NAMES) {
        if (masq_grow((void **)&ingest->scratch, &ingest->scratch_capacity,
                      length + MASQ_FIELD_COUNT + 1, 1) != 0)
            return MASQ_ERR_NOMEM;
        masq_json_fields fields = {.scratch = ingest->scratch};
        if (masq_json_fields_scan(line, length, &fields)) {
            masq_row row = {NULL, &fields, line, length};
            return ingest_row(ingest, &row);
        }
    }
    if (masq_json_has_escaped_nul(line, length))
        return bad_line(ingest, "\\u0000 (NUL) in a JSON string");
    const char *end = NULL;
    cJSON *row = cJSON_ParseWithLengthOpts(line, length, &end, 0);
    if (row == NULL)
        return bad_line(ingest, "not valid JSON");
    while (end < line + length && (*end == ' ' || *end == '\t'))
        end++;
    masq_status status;
    if (end != line + length)
        status = bad_line(ingest, "unexpected data after the JSON value");
    else if (!cJSON_IsObject(row))
        status = bad_line(ingest, "not a JSON object");
    else
        status = ingest_row(ingest, &(masq_row){row, NULL, line, length});
    cJSON_Delete(row);
    return status;
}

static masq_status ingest_csv_line(masq_ingest *ingest, masq_csv *csv, const char *line,
                                   size_t length)
{
    cJSON *row;
    switch (masq_csv_line(csv, line, length, &row)) {
    case MASQ_CSV_ROW: {
        masq_status status = ingest_row(ingest, &(masq_row){row, NULL, NULL, 0});
        cJSON_Delete(row);
        return status;
    }
    case MASQ_CSV_MALFORMED:
        return bad_line(ingest, "CSV record with a different number of fields than the header");
    case MASQ_CSV_OPEN_QUOTE:
        return bad_line(ingest, "CSV quote still open after 64 lines: those lines are skipped");
    case MASQ_CSV_NOMEM:
        return MASQ_ERR_NOMEM;
    default:
        return MASQ_OK;
    }
}

static masq_status ingest_line(masq_ingest *ingest, masq_csv *csv, const char *line,
                               size_t length)
{
    if (is_blank(line, length) && (csv == NULL || csv->pending == NULL))
        return MASQ_OK;
    /* cJSON reads strings as C strings: a NUL would silently cut a name. */
    if (memchr(line, '\0', length) != NULL)
        return bad_line(ingest, "NUL byte in the line");
    return csv ? ingest_csv_line(ingest, csv, line, length) : ingest_json_line(ingest, line, length);
}

/* What one reader reads at a time: a whole file, or a part of a large plain
 * file (the lines that start in bytes [start, end)). */
typedef struct input {
    const char *path;
    uint64_t start;
    uint64_t end; /* UINT64_MAX: to the end */
    bool csv;     /* named .csv (any case), or a CSV header by its bytes */
    bool feed;    /* read through a feed (input_sniff.h): UTF-16, a JSON document, a stream */
    bool stream;  /* not a regular file: stdin, a FIFO, a device */
    masq_sniff sniff;
} input;

static bool ends_with_nocase(const char *text, const char *suffix)
{
    size_t n = strlen(text), m = strlen(suffix);
    return n >= m && strcasecmp(text + n - m, suffix) == 0;
}

/* A file that cannot be read, or is not a format masq reads: reported,
 * counted, and skipped (fatal under --strict). */
static masq_status skip_file(masq_ingest *ingest, const char *path, const char *why)
{
    ingest->stats.skipped_files++;
    masq_warn("%s: %s; skipped%s", strcmp(path, "-") == 0 ? "(stdin)" : path, why,
              ingest->strict ? "" : " (--strict makes it fatal)");
    return ingest->strict ? MASQ_ERR_INPUT : MASQ_OK;
}

static uint64_t item_bytes(const input *item)
{
    return item->end - item->start;
}

static masq_status ingest_input(masq_ingest *ingest, const input *item)
{
    const char *path = item->path;
    char error[1024], fed_path[32];
    masq_line_reader *reader;
    bool part = item->start > 0 || item->end != UINT64_MAX;
    masq_feed *feed = NULL;
    masq_sniff sniff = item->sniff;
    const char *open_path = path;
    masq_status status = MASQ_OK;
    if (item->feed) {
        status = masq_feed_open(&feed, path, item->stream, &sniff, fed_path, sizeof fed_path, error,
                                sizeof error);
        open_path = fed_path;
    }
    if (status == MASQ_OK)
        status = part ? masq_line_reader_open_range(&reader, open_path, item->start, item->end,
                                                    error, sizeof error)
                      : masq_line_reader_open(&reader, open_path, error, sizeof error);
    masq_feed_opened(feed);
    if (status != MASQ_OK) {
        masq_feed_close(feed, true, NULL, NULL, 0);
        return status == MASQ_ERR_INPUT ? skip_file(ingest, path, error) : status;
    }
    if (item->start == 0)
        ingest->stats.files++;
    ingest->current_file = strcmp(path, "-") == 0 ? "(stdin)" : path;
    ingest->current_line = 0;
    ingest->part_start = masq_line_reader_position(reader); /* its first line */
    ingest->line_base = item->start == 0 ? 0 : -1;
    masq_csv csv;
    masq_csv_init(&csv);
    bool is_csv = ingest->schema == MASQ_SCHEMA_CSV || item->csv || sniff.kind == MASQ_INPUT_CSV;
    for (;;) {
        const char *line;
        size_t length;
        masq_line_result result = masq_line_reader_next(reader, &line, &length);
        if (result == MASQ_LINE_END)
            break;
        ingest->current_line++;
        if ((ingest->current_line & 0xFFFF) == 0)
            report_progress(ingest,
                            part ? masq_line_reader_position(reader) - item->start
                                 : feed ? 0 : masq_line_reader_bytes(reader),
                            false);
        if (result == MASQ_LINE_READ_ERROR) {
            ingest->stats.damaged_files++;
            masq_warn("%s: reading stopped after line %llu: %s", ingest->current_file,
                      (unsigned long long)(line_number(ingest) - 1),
                      masq_line_reader_error(reader));
            if (ingest->strict)
                status = MASQ_ERR_INPUT;
            break;
        }
        ingest->stats.lines++;
        if (result == MASQ_LINE_TOO_LONG)
            status = bad_line(ingest, "line longer than 64 MiB");
        else
            status = ingest_line(ingest, is_csv ? &csv : NULL, line, length);
        if (status != MASQ_OK)
            break;
    }
    if (status == MASQ_OK && csv.pending != NULL)
        status = bad_line(ingest, "CSV file ends inside a quoted field");
    masq_csv_free(&csv);
    uint64_t bytes = part ? item_bytes(item) : feed ? 0 : masq_line_reader_bytes(reader);
    masq_line_reader_close(reader);
    if (feed != NULL && masq_feed_close(feed, status != MASQ_OK, &bytes, error, sizeof error) != 0 &&
        status == MASQ_OK) {
        ingest->stats.damaged_files++;
        masq_warn("%s: %s", ingest->current_file, error);
        if (ingest->strict)
            status = MASQ_ERR_INPUT;
    }
    ingest->stats.bytes += bytes;
    ingest->progress_done += bytes;
    report_progress(ingest, 0, false);
    ingest->current_file = NULL;
    return status;
}


static bool is_event_file(const char *name)
{
    static const char *const suffixes[] = {".json",    ".jsonl",    ".ndjson",    ".csv",
                                           ".json.gz", ".jsonl.gz", ".ndjson.gz", ".csv.gz"};
    for (size_t i = 0; i < sizeof suffixes / sizeof *suffixes; i++)
        if (ends_with_nocase(name, suffixes[i]))
            return true;
    return false;
}

typedef struct path_list {
    char **items;
    size_t count;
    size_t capacity;
} path_list;

/* A walk of the folders given: each folder and file once by device and inode
 * (symbolic link loops and second links are reported, not followed); only
 * regular files are read in folders (a FIFO or device there is skipped, and
 * read only when named on the command line). */
typedef struct walk {
    masq_ingest *ingest;
    masq_seen_set folders;
    masq_seen_set files;
    uint64_t evtx, xml, other; /* files of other names, not read */
} walk;

static masq_status collect_files(walk *w, const char *folder, path_list *files, int depth)
{
    if (depth > 64)
        return skip_file(w->ingest, folder, "folders nested too deep");
    DIR *dir = opendir(folder);
    if (dir == NULL) {
        char why[300];
        snprintf(why, sizeof why, "cannot read this folder: %s", strerror(errno));
        return skip_file(w->ingest, folder, why);
    }
    masq_status status = MASQ_OK;
    struct dirent *entry;
    while (status == MASQ_OK && (entry = readdir(dir)) != NULL) {
        if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
            continue;
        size_t size = strlen(folder) + strlen(entry->d_name) + 2;
        char *path = malloc(size);
        if (path == NULL) {
            status = MASQ_ERR_NOMEM;
            break;
        }
        snprintf(path, size, "%s/%s", folder, entry->d_name);
        struct stat info;
        if (stat(path, &info) != 0) {
            char why[300];
            snprintf(why, sizeof why, "cannot read: %s", strerror(errno));
            status = skip_file(w->ingest, path, why);
            free(path);
            continue;
        }
        if (S_ISDIR(info.st_mode)) {
            bool failed;
            const char *first = masq_seen_add(&w->folders, info.st_dev, info.st_ino, path, &failed);
            if (failed)
                status = MASQ_ERR_NOMEM;
            else if (first != NULL)
                masq_warn("%s is the folder %s again (a symbolic link loop, or a second link): "
                          "read once",
                          path, first);
            else
                status = collect_files(w, path, files, depth + 1);
            free(path);
        } else if (!S_ISREG(info.st_mode)) {
            status = skip_file(w->ingest, path,
                               "not a regular file (a FIFO, device or socket): in folders only "
                               "regular files are read; name it on the command line to read it");
            free(path);
        } else if (is_event_file(entry->d_name)) {
            if (MASQ_PUSH(*files, path) != 0) {
                free(path);
                status = MASQ_ERR_NOMEM;
            }
        } else {
            if (ends_with_nocase(entry->d_name, ".evtx"))
                w->evtx++;
            else if (ends_with_nocase(entry->d_name, ".xml"))
                w->xml++;
            else
                w->other++;
            masq_debug("skipping %s (not a .json, .jsonl, .ndjson or .csv file)", path);
            free(path);
        }
    }
    closedir(dir);
    return status;
}

static int compare_paths(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Is this file new to the walk? A second name for one already taken is
 * reported and dropped. */
static bool first_sight(walk *w, const char *path, masq_status *status)
{
    struct stat info;
    if (stat(path, &info) != 0)
        return true;
    bool failed;
    const char *first = masq_seen_add(&w->files, info.st_dev, info.st_ino, path, &failed);
    if (failed)
        *status = MASQ_ERR_NOMEM;
    if (first != NULL)
        masq_warn("%s is the same file as %s: read once", path, first);
    return first == NULL && !failed;
}

/* The files of a folder, sorted (the export's y=/m=/d=/h= order). */
static masq_status add_folder(walk *w, path_list *inputs, const char *folder)
{
    path_list files = {0};
    w->evtx = w->xml = w->other = 0;
    struct stat info;
    bool failed = false;
    const char *first = stat(folder, &info) == 0
                            ? masq_seen_add(&w->folders, info.st_dev, info.st_ino, folder, &failed)
                            : NULL;
    if (first != NULL) {
        masq_warn("%s is the folder %s again: read once", folder, first);
        return MASQ_OK;
    }
    masq_status status = failed ? MASQ_ERR_NOMEM : collect_files(w, folder, &files, 0);
    if (status == MASQ_OK) {
        if (files.count > 1)
            qsort(files.items, files.count, sizeof *files.items, compare_paths);
        if (w->evtx > 0)
            masq_warn("%s: %llu .evtx file%s not read: %s", folder, (unsigned long long)w->evtx,
                      w->evtx == 1 ? "" : "s", masq_sniff_refusal(MASQ_INPUT_EVTX));
        if (w->xml > 0)
            masq_warn("%s: %llu .xml file%s not read: %s", folder, (unsigned long long)w->xml,
                      w->xml == 1 ? "" : "s", masq_sniff_refusal(MASQ_INPUT_XML));
        if (files.count == 0)
            masq_warn("%s: no .json, .jsonl, .ndjson or .csv files in this folder%s", folder,
                      w->other > 0 ? " (files of other names are read only when named on the "
                                     "command line)"
                                   : "");
    }
    for (size_t i = 0; i < files.count; i++) {
        if (status == MASQ_OK && first_sight(w, files.items[i], &status) &&
            MASQ_PUSH(*inputs, files.items[i]) == 0)
            continue;
        free(files.items[i]);
        if (status == MASQ_OK && errno == ENOMEM)
            status = MASQ_ERR_NOMEM;
    }
    free(files.items);
    return status;
}

typedef struct input_list {
    input *items;
    size_t count;
    size_t capacity;
} input_list;

typedef struct reader {
    masq_ingest ingest;
    const input_list *inputs;
    masq_status status;
} reader;

static void *reader_run(void *argument)
{
    reader *r = argument;
    masq_ingest_shared *shared = r->ingest.shared;
    while (!atomic_load(&shared->stop)) {
        size_t i = atomic_fetch_add(&shared->next, 1);
        if (i >= r->inputs->count)
            break;
        r->status = ingest_input(&r->ingest, &r->inputs->items[i]);
        if (r->status != MASQ_OK)
            atomic_store(&shared->stop, true);
    }
    masq_status flushed = batch_flush(&r->ingest);
    if (r->status == MASQ_OK)
        r->status = flushed;
    return NULL;
}

static void add_stats(masq_ingest_stats *to, const masq_ingest_stats *from)
{
    to->files += from->files;
    to->bytes += from->bytes;
    to->lines += from->lines;
    to->events += from->events;
    to->demo_events += from->demo_events;
    to->other_events += from->other_events;
    to->unnamed_events += from->unnamed_events;
    to->outside_window += from->outside_window;
    to->duplicates += from->duplicates;
    to->malformed_lines += from->malformed_lines;
    to->damaged_files += from->damaged_files;
    to->skipped_files += from->skipped_files;
    to->unreadable_times += from->unreadable_times;
}

static masq_ingest_shared *shared_open(int readers)
{
    masq_ingest_shared *shared = calloc(1, sizeof *shared);
    if (shared == NULL)
        return NULL;
    shared->readers = readers;
    shared->reader_bytes = calloc((size_t)readers, sizeof *shared->reader_bytes);
    shared->reader_events = calloc((size_t)readers, sizeof *shared->reader_events);
    if (shared->reader_bytes == NULL || shared->reader_events == NULL) {
        free(shared->reader_bytes);
        free(shared->reader_events);
        free(shared);
        return NULL;
    }
    pthread_mutex_init(&shared->lock, NULL);
    pthread_mutex_init(&shared->table_lock, NULL);
    for (int s = 0; s < DEDUP_STRIPES; s++) {
        pthread_mutex_init(&shared->stripes[s].lock, NULL);
        masq_dedup_init(&shared->stripes[s].dedup);
    }
    atomic_init(&shared->next, 0);
    atomic_init(&shared->stop, false);
    atomic_init(&shared->reported, 0);
    return shared;
}

static void shared_close(masq_ingest_shared *shared)
{
    for (int s = 0; s < DEDUP_STRIPES; s++) {
        pthread_mutex_destroy(&shared->stripes[s].lock);
        masq_dedup_free(&shared->stripes[s].dedup);
    }
    pthread_mutex_destroy(&shared->lock);
    pthread_mutex_destroy(&shared->table_lock);
    free(shared->reader_bytes);
    free(shared->reader_events);
    free(shared);
}

static masq_status read_parallel(masq_ingest *ingest, const input_list *inputs, int threads)
{
    masq_ingest_shared *shared = shared_open(threads);
    reader *readers = calloc((size_t)threads, sizeof *readers);
    pthread_t *ids = calloc((size_t)threads, sizeof *ids);
    masq_status status = shared && readers && ids ? MASQ_OK : MASQ_ERR_NOMEM;
    if (shared)
        atomic_store(&shared->reported, ingest->reported);
    /* A reader whose thread cannot be created leaves its share to the others;
     * when none can be, the calling thread reads everything. */
    bool *ran = calloc((size_t)threads, sizeof *ran);
    if (ran == NULL)
        status = MASQ_ERR_NOMEM;
    int initialized = 0, started = 0;
    for (int t = 0; t < threads && status == MASQ_OK; t++) {
        reader *r = &readers[t];
        initialized++;
        masq_ingest_init(&r->ingest, ingest->names, ingest->strict);
        r->ingest.schema = ingest->schema;
        r->ingest.securityevent_only = ingest->securityevent_only;
        r->ingest.since_ms = ingest->since_ms;
        r->ingest.until_ms = ingest->until_ms;
        r->ingest.twins = ingest->twins;
        r->ingest.report_limit = ingest->report_limit;
        r->ingest.shared = shared;
        r->ingest.reader_index = t;
        r->ingest.progress = ingest->progress;
        r->ingest.progress_context = ingest->progress_context;
        r->ingest.progress_total = ingest->progress_total;
        r->inputs = inputs;
        if (pthread_create(&ids[t], NULL, reader_run, r) == 0) {
            ran[t] = true;
            started++;
        }
    }
    if (status == MASQ_OK && started == 0 && initialized > 0) {
        masq_warn("cannot start reader threads: reading in one thread");
        reader_run(&readers[0]);
    }
    for (int t = 0; t < initialized; t++)
        if (ran[t])
            pthread_join(ids[t], NULL);
    for (int t = 0; t < initialized; t++) {
        reader *r = &readers[t];
        if (ran[t] || (started == 0 && t == 0)) {
            if (status == MASQ_OK && r->status != MASQ_OK)
                status = r->status;
            add_stats(&ingest->stats, &r->ingest.stats);
            ingest->reported += r->ingest.reported;
        }
        masq_ingest_free(&r->ingest);
    }
    free(ran);
    free(readers);
    free(ids);
    if (shared)
        shared_close(shared);
    return status;
}

/* Large plain JSON-lines files are read in parts by several readers; gzip
 * and CSV files (a header, quoted line breaks) are read whole. */
#define PART_BYTES ((uint64_t)32 << 20)

static bool is_gzip(const char *path)
{
    unsigned char magic[2] = {0, 0};
    FILE *file = fopen(path, "rb");
    if (file == NULL)
        return false;
    size_t got = fread(magic, 1, 2, file);
    fclose(file);
    return got == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
}

/* The first line start at or after offset: one past the first '\n' at or
 * after offset - 1, or size when there is none. */
static uint64_t line_start_after(int fd, uint64_t offset, uint64_t size)
{
    char buffer[1 << 16];
    uint64_t at = offset - 1;
    while (at < size) {
        ssize_t got = pread(fd, buffer, sizeof buffer, (off_t)at);
        if (got <= 0)
            return size;
        char *newline = memchr(buffer, '\n', (size_t)got);
        if (newline != NULL)
            return at + (uint64_t)(newline - buffer) + 1;
        at += (uint64_t)got;
    }
    return size;
}

/* How a file is read is told by its bytes (input_sniff.h): JSON lines, CSV
 * (named .csv in any case, or by its header), UTF-16 and JSON documents
 * through a feed; EVTX and XML refused with the next step. Streams (stdin, a
 * FIFO, a device named on the command line) go through a bounded feed. */
static masq_status add_input(input_list *items, const char *path, masq_ingest *ingest,
                             uint64_t *total)
{
    struct stat info;
    bool is_stdin = strcmp(path, "-") == 0;
    bool known = is_stdin ? fstat(STDIN_FILENO, &info) == 0 : stat(path, &info) == 0;
    input whole = {.path = path, .start = 0, .end = UINT64_MAX};
    whole.csv = ends_with_nocase(path, ".csv") || ends_with_nocase(path, ".csv.gz");
    if (is_stdin || !known || !S_ISREG(info.st_mode)) {
        whole.feed = whole.stream = true;
        return MASQ_PUSH(*items, whole) != 0 ? MASQ_ERR_NOMEM : MASQ_OK;
    }
    char error[300];
    if (masq_sniff_file(path, &whole.sniff, error, sizeof error) != 0)
        return skip_file(ingest, path, error);
    masq_input_kind kind = whole.sniff.kind;
    if (kind == MASQ_INPUT_EVTX || kind == MASQ_INPUT_XML)
        return skip_file(ingest, path, masq_sniff_refusal(kind));
    if (kind == MASQ_INPUT_CSV && !whole.csv && ingest->schema != MASQ_SCHEMA_CSV)
        masq_info("%s: read as CSV (its first line is a CSV header)", path);
    if (kind == MASQ_INPUT_DOCUMENT)
        masq_info("%s: a JSON document, read whole%s", path, whole.sniff.utf16 ? " (UTF-16)" : "");
    else if (whole.sniff.utf16)
        masq_info("%s: UTF-16 text, read as UTF-8", path);
    whole.csv = whole.csv || kind == MASQ_INPUT_CSV;
    whole.feed = kind == MASQ_INPUT_DOCUMENT || whole.sniff.utf16;
    uint64_t size = (uint64_t)info.st_size;
    *total += size;
    bool split = ingest->threads > 1 && size > 2 * PART_BYTES && ingest->schema != MASQ_SCHEMA_CSV &&
                 !whole.csv && !whole.feed && !is_gzip(path);
    if (!split)
        return MASQ_PUSH(*items, whole) != 0 ? MASQ_ERR_NOMEM : MASQ_OK;
    /* Parts end where a line starts, found here once: no line is read by two
     * readers (a part's reader used to read on to the end of its last line,
     * however long). Each byte is looked at once at most. */
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    uint64_t start = 0;
    while (start < size) {
        uint64_t end = size;
        if (fd >= 0 && size - start > PART_BYTES + PART_BYTES / 2)
            end = line_start_after(fd, start + PART_BYTES, size);
        input item = {.path = path, .start = start, .end = end};
        if (MASQ_PUSH(*items, item) != 0) {
            if (fd >= 0)
                close(fd);
            return MASQ_ERR_NOMEM;
        }
        start = end;
    }
    if (fd >= 0)
        close(fd);
    return MASQ_OK;
}

masq_status masq_ingest_paths(masq_ingest *ingest, const char *const *paths, size_t count)
{
    /* Check every path before reading any: a typo fails at once. */
    for (size_t i = 0; i < count; i++) {
        struct stat info;
        if (strcmp(paths[i], "-") != 0 && stat(paths[i], &info) != 0) {
            masq_error("cannot read %s: %s", paths[i], strerror(errno));
            return MASQ_ERR_INPUT;
        }
    }
    path_list inputs = {0};
    bool stdin_read = false;
    masq_status status = MASQ_OK;
    walk w = {.ingest = ingest};
    for (size_t i = 0; i < count && status == MASQ_OK; i++) {
        struct stat info;
        if (strcmp(paths[i], "-") == 0) {
            stdin_read = true;
        } else if (stat(paths[i], &info) == 0 && S_ISDIR(info.st_mode)) {
            status = add_folder(&w, &inputs, paths[i]);
            continue;
        } else if (!first_sight(&w, paths[i], &status)) {
            continue;
        }
        char *copy = strdup(paths[i]);
        if (copy == NULL || MASQ_PUSH(inputs, copy) != 0) {
            free(copy);
            status = MASQ_ERR_NOMEM;
        }
    }
    masq_seen_free(&w.folders);
    masq_seen_free(&w.files);
    input_list items = {0};
    for (size_t i = 0; i < inputs.count && status == MASQ_OK; i++)
        status = add_input(&items, inputs.items[i], ingest, &ingest->progress_total);
    /* Name tables are small and their rows go straight into the table: one reader. */
    int threads = ingest->schema == MASQ_SCHEMA_NAMES ? 1 : ingest->threads;
    if (threads > (int)items.count)
        threads = (int)items.count;
    if (status == MASQ_OK && threads > 1 && !stdin_read) {
        status = read_parallel(ingest, &items, threads);
    } else {
        for (size_t i = 0; i < items.count && status == MASQ_OK; i++)
            status = ingest_input(ingest, &items.items[i]);
    }
    free(items.items);
    for (size_t i = 0; i < inputs.count; i++)
        free(inputs.items[i]);
    free(inputs.items);
    if (ingest->progress) {
        masq_progress done = {ingest->progress_total, ingest->progress_total, ingest->stats.events, true};
        ingest->progress(&done, ingest->progress_context);
    }
    return status;
}
