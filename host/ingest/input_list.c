#include "input_list.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../util/log.h"
#include "../util/memory.h"
#include "bad_input.h"
#include "evtx_binxml.h"
#include "evtx_read.h"
#include "input_sniff.h"
#include "seen_files.h"

static bool ends_with_nocase(const char *text, const char *suffix)
{
    size_t n = strlen(text), m = strlen(suffix);
    return n >= m && strcasecmp(text + n - m, suffix) == 0;
}

static bool is_event_file(const char *name)
{
    static const char *const suffixes[] = {".json",    ".jsonl",    ".ndjson",    ".csv",  ".evtx",
                                           ".json.gz", ".jsonl.gz", ".ndjson.gz", ".csv.gz"};
    for (size_t i = 0; i < sizeof suffixes / sizeof *suffixes; i++)
        if (ends_with_nocase(name, suffixes[i]))
            return true;
    return false;
}

/* A walk of the folders given: each folder and file once by device and inode
 * (symbolic link loops and second links are reported, not followed); only
 * regular files are read in folders (a FIFO or device there is skipped, and
 * read only when named on the command line). */
typedef struct walk {
    masq_ingest *ingest;
    masq_seen_set folders;
    masq_seen_set files;
    uint64_t xml, other; /* files of other names, not read */
} walk;

static masq_status collect_files(walk *w, const char *folder, masq_path_list *files, int depth)
{
    if (depth > 64)
        return masq_ingest_skip_file(w->ingest, folder, "folders nested too deep");
    DIR *dir = opendir(folder);
    if (dir == NULL) {
        char why[300];
        snprintf(why, sizeof why, "cannot read this folder: %s", strerror(errno));
        return masq_ingest_skip_file(w->ingest, folder, why);
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
            status = masq_ingest_skip_file(w->ingest, path, why);
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
            status = masq_ingest_skip_file(
                w->ingest, path,
                "not a regular file (a FIFO, device or socket): in folders only "
                "regular files are read; name it on the command line to read it");
            free(path);
        } else if (is_event_file(entry->d_name)) {
            if (MASQ_PUSH(*files, path) != 0) {
                free(path);
                status = MASQ_ERR_NOMEM;
            }
        } else {
            if (ends_with_nocase(entry->d_name, ".xml"))
                w->xml++;
            else
                w->other++;
            masq_debug("skipping %s (not a .json, .jsonl, .ndjson, .csv or .evtx file)", path);
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
static masq_status add_folder(walk *w, masq_path_list *inputs, const char *folder)
{
    masq_path_list files = {0};
    w->xml = w->other = 0;
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

masq_status masq_input_paths_check(const char *const *paths, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        struct stat info;
        if (strcmp(paths[i], "-") != 0 && stat(paths[i], &info) != 0) {
            masq_error("cannot read %s: %s", paths[i], strerror(errno));
            return MASQ_ERR_INPUT;
        }
    }
    return MASQ_OK;
}

masq_status masq_input_paths_walk(masq_ingest *ingest, const char *const *paths, size_t count,
                                  masq_path_list *inputs, bool *stdin_read)
{
    masq_status status = MASQ_OK;
    walk w = {.ingest = ingest};
    for (size_t i = 0; i < count && status == MASQ_OK; i++) {
        struct stat info;
        if (strcmp(paths[i], "-") == 0) {
            *stdin_read = true;
        } else if (stat(paths[i], &info) == 0 && S_ISDIR(info.st_mode)) {
            status = add_folder(&w, inputs, paths[i]);
            continue;
        } else if (!first_sight(&w, paths[i], &status)) {
            continue;
        }
        char *copy = strdup(paths[i]);
        if (copy == NULL || MASQ_PUSH(*inputs, copy) != 0) {
            free(copy);
            status = MASQ_ERR_NOMEM;
        }
    }
    masq_seen_free(&w.folders);
    masq_seen_free(&w.files);
    return status;
}

void masq_path_list_free(masq_path_list *list)
{
    for (size_t i = 0; i < list->count; i++)
        free(list->items[i]);
    free(list->items);
    list->items = NULL;
    list->count = list->capacity = 0;
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

/* An EVTX file, in parts of whole chunks when several readers share it. */
static masq_status add_evtx(masq_input_list *items, const masq_input *whole, uint64_t size,
                            masq_ingest *ingest, uint64_t *total)
{
    *total += size;
    const uint64_t part = PART_BYTES / MASQ_EVTX_CHUNK_BYTES * MASQ_EVTX_CHUNK_BYTES;
    if (ingest->threads <= 1 || size <= 2 * PART_BYTES)
        return MASQ_PUSH(*items, *whole) != 0 ? MASQ_ERR_NOMEM : MASQ_OK;
    for (uint64_t start = 0; start < size;) {
        uint64_t end = start == 0 ? MASQ_EVTX_HEADER_BYTES + part : start + part;
        masq_input item = *whole;
        item.start = start;
        item.end = end >= size ? UINT64_MAX : end;
        if (MASQ_PUSH(*items, item) != 0)
            return MASQ_ERR_NOMEM;
        start = end;
    }
    return MASQ_OK;
}

/* How a file is read is told by its bytes (input_sniff.h): JSON lines, CSV
 * (named .csv in any case, or by its header), UTF-16 and JSON documents
 * through a feed; EVTX and XML refused with the next step. Streams (stdin, a
 * FIFO, a device named on the command line) go through a bounded feed. */
masq_status masq_input_list_add(masq_input_list *items, const char *path, masq_ingest *ingest,
                                uint64_t *total)
{
    struct stat info;
    bool is_stdin = strcmp(path, "-") == 0;
    bool known = is_stdin ? fstat(STDIN_FILENO, &info) == 0 : stat(path, &info) == 0;
    masq_input whole = {.path = path, .start = 0, .end = UINT64_MAX};
    whole.csv = ends_with_nocase(path, ".csv") || ends_with_nocase(path, ".csv.gz");
    if (is_stdin || !known || !S_ISREG(info.st_mode)) {
        whole.feed = whole.stream = true;
        return MASQ_PUSH(*items, whole) != 0 ? MASQ_ERR_NOMEM : MASQ_OK;
    }
    char error[300];
    if (masq_sniff_file(path, &whole.sniff, error, sizeof error) != 0)
        return masq_ingest_skip_file(ingest, path, error);
    masq_input_kind kind = whole.sniff.kind;
    if ((kind == MASQ_INPUT_EVTX && is_gzip(path)) || kind == MASQ_INPUT_XML)
        return masq_ingest_skip_file(ingest, path, masq_sniff_refusal(kind));
    if (kind == MASQ_INPUT_EVTX)
        return add_evtx(items, &whole, (uint64_t)info.st_size, ingest, total);
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
        masq_input item = {.path = path, .start = start, .end = end};
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
