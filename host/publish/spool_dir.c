/* The spool: a write-ahead log of batches. Every batch of a run is on disk
 * before the first one is sent, and a batch's file is removed only when the
 * service has acknowledged it, so a crash at any point leaves exactly the
 * batches not yet acknowledged (plus, at most, the one whose answer was
 * lost) for `masq publish` to send.
 *
 * Layout, inside the spool folder (0700, the user's, never a symlink):
 *   .run-STAMP-RANDOM/        a run being written (locked by its writer)
 *   run-STAMP-RANDOM/         a committed run: renamed from .run-... in one
 *                             step once every batch in it is synced
 *     batch-NNNNNN-RANDOM.spool       one batch (0600)
 *     .part-RANDOM                    a half of a split batch being written
 *   batch-...spool            a batch spooled by masq before write-ahead runs
 *   *.too-large               a batch set aside: one record the service
 *                             refuses as too large (never sent again)
 * A file is a line of JSON naming the target (never a credential), then the
 * batch's body, byte for byte. Every name is opened relative to the folder's
 * descriptor, without following symlinks, and checked (owner, mode, type)
 * before it is read. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../util/log.h"
#include "spool.h"
#include "spool_entry.h"
#include "../azure/azure_http.h"

/* An unlocked temporary name this old is left over from a crash. (Younger
 * ones may be a writer between creating the name and locking it.) */
#define STALE_SECONDS 60

static masq_status make_parents(const char *dir)
{
    char path[4096];
    if (snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path)
        return MASQ_ERR_PUBLISH;
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(path, 0700) != 0 && errno != EEXIST) {
            masq_error("cannot create the spool folder %s: %s", path, strerror(errno));
            return MASQ_ERR_PUBLISH;
        }
        *p = '/';
    }
    if (mkdir(path, 0700) != 0 && errno != EEXIST) {
        masq_error("cannot create the spool folder %s: %s", path, strerror(errno));
        return MASQ_ERR_PUBLISH;
    }
    return MASQ_OK;
}

static void clean_stale(masq_spool *spool);

masq_status masq_spool_open_dir(const char *dir, bool create, masq_spool *spool)
{
    memset(spool, 0, sizeof *spool);
    spool->fd = -1;
    size_t length = strlen(dir);
    while (length > 1 && dir[length - 1] == '/')
        length--;
    if (length == 0 || length >= sizeof spool->path) {
        masq_error("the spool folder's name is empty or too long");
        return MASQ_ERR_USAGE;
    }
    memcpy(spool->path, dir, length);
    spool->path[length] = '\0';
    if (create)
        MASQ_TRY(make_parents(spool->path));
    /* O_NOFOLLOW: a spool folder replaced by a symlink is refused, not followed. */
    int fd = open(spool->path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT && !create)
            return MASQ_OK; /* nothing spooled yet */
        masq_error("cannot open the spool folder %s: %s", spool->path,
                   errno == ELOOP || errno == ENOTDIR ? "it is a symbolic link or not a folder"
                                                      : strerror(errno));
        return MASQ_ERR_USAGE;
    }
    struct stat info;
    char why[96];
    if (fstat(fd, &info) != 0 || masq_spool_safe_stat(&info, S_IFDIR, why, sizeof why) != 0) {
        masq_error("the spool folder %s is %s: refused (it must be yours and writable only by "
                   "you; chmod 700 %s)",
                   spool->path, why, spool->path);
        close(fd);
        return MASQ_ERR_USAGE;
    }
    spool->fd = fd;
    clean_stale(spool);
    return MASQ_OK;
}

void masq_spool_close_dir(masq_spool *spool)
{
    if (spool->fd >= 0)
        close(spool->fd);
    spool->fd = -1;
}

/* A temporary name that no writer holds (no lock) and that has not changed
 * for a while. */
static int unlocked_and_old(int fd)
{
    struct stat info;
    if (fstat(fd, &info) != 0 || time(NULL) - info.st_mtime < STALE_SECONDS)
        return 0;
    return flock(fd, LOCK_EX | LOCK_NB) == 0;
}

/* Remove the regular files of a folder and then the folder. */
static void remove_folder(int parent, const char *name, int fd)
{
    int copy = dup(fd);
    DIR *folder = copy >= 0 ? fdopendir(copy) : NULL;
    if (folder == NULL) {
        if (copy >= 0)
            close(copy);
        return;
    }
    struct dirent *item;
    while ((item = readdir(folder)) != NULL) {
        struct stat info;
        if (item->d_name[0] == '.' && (item->d_name[1] == '\0' || strcmp(item->d_name, "..") == 0))
            continue;
        if (fstatat(fd, item->d_name, &info, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISDIR(info.st_mode))
            unlinkat(fd, item->d_name, 0);
    }
    closedir(folder);
    unlinkat(parent, name, AT_REMOVEDIR);
}

static void clean_entry(int parent, const char *spool_path, const char *name, bool folder)
{
    int fd = openat(parent, name,
                    (folder ? O_RDONLY | O_DIRECTORY : O_RDONLY | O_NONBLOCK) | O_NOFOLLOW |
                        O_CLOEXEC);
    struct stat info;
    char why[96];
    if (fd < 0)
        return;
    if (fstat(fd, &info) == 0 &&
        masq_spool_safe_stat(&info, folder ? S_IFDIR : S_IFREG, why, sizeof why) == 0 &&
        unlocked_and_old(fd)) {
        masq_info("removing %s/%s, left over from a masq that stopped while writing it",
                  spool_path, name);
        if (folder)
            remove_folder(parent, name, fd);
        else
            unlinkat(parent, name, 0);
    }
    close(fd);
}

static void clean_stale(masq_spool *spool)
{
    int copy = dup(spool->fd);
    DIR *folder = copy >= 0 ? fdopendir(copy) : NULL;
    if (folder == NULL) {
        if (copy >= 0)
            close(copy);
        return;
    }
    struct dirent *item;
    while ((item = readdir(folder)) != NULL) {
        if (masq_spool_has_prefix(item->d_name, STAGING_PREFIX))
            clean_entry(spool->fd, spool->path, item->d_name, true);
        else if (masq_spool_has_prefix(item->d_name, LEGACY_TEMPORARY_PREFIX))
            clean_entry(spool->fd, spool->path, item->d_name, false);
    }
    closedir(folder);
}

/* ---- runs ----------------------------------------------------------------- */

masq_status masq_spool_run_begin(masq_spool *spool, masq_spool_run *run)
{
    memset(run, 0, sizeof *run);
    run->fd = -1;
    int64_t now = masq_clock_wall_ms();
    time_t seconds = (time_t)(now / 1000);
    struct tm utc;
    gmtime_r(&seconds, &utc);
    char stamp[32], letters[16];
    /* Names sort by creation time, so `masq publish` keeps the order of runs. */
    strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%S", &utc);
    for (int tries = 0; tries < 100; tries++) {
        masq_spool_random_letters(letters, 8);
        snprintf(run->name, sizeof run->name, "%s.%03dZ-%s", stamp, (int)(now % 1000), letters);
        char staging[sizeof run->name + 8];
        snprintf(staging, sizeof staging, STAGING_PREFIX "%s", run->name);
        if (mkdirat(spool->fd, staging, 0700) == 0) {
            run->fd = openat(spool->fd, staging, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (run->fd >= 0 && flock(run->fd, LOCK_EX) == 0)
                return MASQ_OK;
            break;
        }
        if (errno != EEXIST)
            break;
    }
    masq_error("cannot write in the spool folder %s: %s", spool->path, strerror(errno));
    if (run->fd >= 0)
        close(run->fd);
    run->fd = -1;
    return MASQ_ERR_PUBLISH;
}

masq_status masq_spool_run_add(masq_spool *spool, masq_spool_run *run,
                               const masq_publish_target *target, const char *body,
                               size_t body_size, size_t records)
{
    char prefix[32];
    /* The sequence keeps the batches of a run in order. */
    snprintf(prefix, sizeof prefix, "%06zu", ++run->batches);
    char final[256];
    return masq_spool_write_batch(run->fd, spool->path, prefix, target, body, body_size, records, final,
                       sizeof final);
}

masq_status masq_spool_run_commit(masq_spool *spool, masq_spool_run *run)
{
    char staging[sizeof run->name + 8], committed[sizeof run->name + 8];
    snprintf(staging, sizeof staging, STAGING_PREFIX "%s", run->name);
    snprintf(committed, sizeof committed, RUN_PREFIX "%s", run->name);
    /* Every file first, then the one rename that makes the run visible to
     * `masq publish`, then the folder that holds the rename. */
    if (fsync(run->fd) != 0 || renameat(spool->fd, staging, spool->fd, committed) != 0 ||
        fsync(spool->fd) != 0) {
        masq_error("cannot commit the batches to the spool folder %s: %s", spool->path,
                   strerror(errno));
        return MASQ_ERR_PUBLISH;
    }
    close(run->fd); /* releases the writer's lock */
    run->fd = -1;
    run->committed = true;
    return MASQ_OK;
}

void masq_spool_run_abort(masq_spool *spool, masq_spool_run *run)
{
    if (run->fd >= 0 && !run->committed) {
        char staging[sizeof run->name + 8];
        snprintf(staging, sizeof staging, STAGING_PREFIX "%s", run->name);
        remove_folder(spool->fd, staging, run->fd);
    }
    if (run->fd >= 0)
        close(run->fd);
    run->fd = -1;
}

/* ---- listing -------------------------------------------------------------- */

typedef struct name_list {
    char **items;
    size_t count, capacity;
} name_list;

static int add_name(name_list *list, const char *folder, const char *name)
{
    if (list->count == list->capacity) {
        size_t capacity = list->capacity ? list->capacity * 2 : 16;
        char **grown = realloc(list->items, capacity * sizeof *grown);
        if (grown == NULL)
            return -1;
        list->items = grown;
        list->capacity = capacity;
    }
    size_t size = (folder ? strlen(folder) + 1 : 0) + strlen(name) + 1;
    char *copy = malloc(size);
    if (copy == NULL)
        return -1;
    snprintf(copy, size, "%s%s%s", folder ? folder : "", folder ? "/" : "", name);
    list->items[list->count++] = copy;
    return 0;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The batches of one committed run folder; an empty one is removed. A run
 * folder that is a symlink, not the user's or writable by others is refused. */
static int list_run(masq_spool *spool, const char *run, name_list *list, masq_spool_counts *counts)
{
    int fd = openat(spool->fd, run, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    struct stat info;
    char why[96];
    if (fd < 0 || fstat(fd, &info) != 0 || masq_spool_safe_stat(&info, S_IFDIR, why, sizeof why) != 0) {
        masq_error("%s/%s is %s: not read, not sent (remove it)", spool->path, run,
                   fd < 0 ? "a symbolic link or unreadable" : why);
        counts->refused++;
        if (fd >= 0)
            close(fd);
        return 0;
    }
    int copy = dup(fd);
    DIR *folder = copy >= 0 ? fdopendir(copy) : NULL;
    if (folder == NULL) {
        if (copy >= 0)
            close(copy);
        close(fd);
        return -1;
    }
    size_t found = 0;
    int failed = 0;
    struct dirent *item;
    while ((item = readdir(folder)) != NULL && !failed) {
        if (strcmp(item->d_name, ".") == 0 || strcmp(item->d_name, "..") == 0)
            continue;
        found++;
        if (masq_spool_has_prefix(item->d_name, PART_PREFIX))
            clean_entry(fd, spool->path, item->d_name, false);
        else if (masq_spool_has_suffix(item->d_name, SET_ASIDE_SUFFIX))
            counts->set_aside++;
        else if (item->d_name[0] != '.' && masq_spool_has_suffix(item->d_name, SPOOL_SUFFIX))
            failed = add_name(list, run, item->d_name);
    }
    closedir(folder);
    if (found == 0)
        unlinkat(spool->fd, run, AT_REMOVEDIR); /* all its batches were delivered */
    close(fd);
    return failed;
}

masq_status masq_spool_list(masq_spool *spool, const char *only_run, char ***names,
                            size_t *count, masq_spool_counts *counts)
{
    *names = NULL;
    *count = 0;
    memset(counts, 0, sizeof *counts);
    if (spool->fd < 0)
        return MASQ_OK; /* no folder: nothing spooled */
    name_list list = {0};
    masq_status status = MASQ_OK;
    if (only_run != NULL) {
        char run[128];
        snprintf(run, sizeof run, RUN_PREFIX "%s", only_run);
        if (list_run(spool, run, &list, counts) != 0)
            status = MASQ_ERR_NOMEM;
    } else {
        int copy = dup(spool->fd);
        DIR *folder = copy >= 0 ? fdopendir(copy) : NULL;
        if (folder == NULL) {
            if (copy >= 0)
                close(copy);
            masq_error("cannot read the spool folder %s: %s", spool->path, strerror(errno));
            return MASQ_ERR_PUBLISH;
        }
        rewinddir(folder);
        struct dirent *item;
        while ((item = readdir(folder)) != NULL && status == MASQ_OK) {
            const char *name = item->d_name;
            if (name[0] == '.')
                continue;
            if (masq_spool_has_prefix(name, RUN_PREFIX)) {
                if (list_run(spool, name, &list, counts) != 0)
                    status = MASQ_ERR_NOMEM;
            } else if (masq_spool_has_suffix(name, SET_ASIDE_SUFFIX)) {
                counts->set_aside++;
            } else if (masq_spool_has_suffix(name, SPOOL_SUFFIX)) {
                if (add_name(&list, NULL, name) != 0)
                    status = MASQ_ERR_NOMEM;
            }
        }
        closedir(folder);
    }
    if (status != MASQ_OK) {
        for (size_t i = 0; i < list.count; i++)
            free(list.items[i]);
        free(list.items);
        return status;
    }
    /* Legacy files (batch-STAMP...) and runs (run-STAMP...) each sort by time. */
    if (list.count > 1)
        qsort(list.items, list.count, sizeof *list.items, compare_names);
    *names = list.items;
    *count = list.count;
    return MASQ_OK;
}

void masq_spool_remove_empty_run(masq_spool *spool, const char *name)
{
    const char *slash = strchr(name, '/');
    if (slash == NULL || !masq_spool_has_prefix(name, RUN_PREFIX) || slash - name >= 256)
        return;
    char folder[256];
    snprintf(folder, sizeof folder, "%.*s", (int)(slash - name), name);
    /* Fails (ENOTEMPTY) while any batch of the run, or a half being split, is there. */
    if (unlinkat(spool->fd, folder, AT_REMOVEDIR) == 0)
        fsync(spool->fd);
}
