/* The spool: batches not delivered, one file each, for `masq publish --spool
 * DIR` to send later. A file is a line of JSON naming the target (never a
 * credential) and then the batch's body, byte for byte as it would have been
 * sent. Files are written whole (temporary name, fsync, rename) and are
 * locked while being sent, so two senders never send one batch; the file of
 * an acknowledged batch is removed before the next batch is sent. */
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

#include <cjson/cJSON.h>

#include "../util/log.h"
#include "../util/time_iso.h"
#include "publish_internal.h"

#define SPOOL_FORMAT "masq-spool-1"
#define SPOOL_SUFFIX ".spool"

static masq_status make_folders(const char *dir)
{
    char path[4096];
    if (snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path)
        return MASQ_ERR_PUBLISH;
    for (char *p = path + 1;; p++) {
        if (*p == '/' || *p == '\0') {
            char saved = *p;
            *p = '\0';
            if (mkdir(path, 0700) != 0 && errno != EEXIST) {
                masq_error("cannot create the spool folder %s: %s", path, strerror(errno));
                return MASQ_ERR_PUBLISH;
            }
            *p = saved;
            if (saved == '\0')
                break;
        }
    }
    return MASQ_OK;
}

static int write_all(int fd, const char *data, size_t size)
{
    while (size > 0) {
        ssize_t wrote = write(fd, data, size);
        if (wrote < 0 && errno == EINTR)
            continue;
        if (wrote <= 0)
            return -1;
        data += wrote;
        size -= (size_t)wrote;
    }
    return 0;
}

static cJSON *target_json(const masq_publish_target *target, size_t records)
{
    cJSON *meta = cJSON_CreateObject();
    if (meta == NULL)
        return NULL;
    cJSON_AddStringToObject(meta, "format", SPOOL_FORMAT);
    if (target->api == MASQ_PUBLISH_LOGS_INGESTION) {
        cJSON_AddStringToObject(meta, "api", "logs-ingestion");
        cJSON_AddStringToObject(meta, "ingestion_endpoint", target->endpoint);
        cJSON_AddStringToObject(meta, "dcr_id", target->dcr_id);
        cJSON_AddStringToObject(meta, "stream", target->stream);
    } else {
        cJSON_AddStringToObject(meta, "api", "data-collector");
        cJSON_AddStringToObject(meta, "workspace_id", target->workspace_id);
        if (target->endpoint != NULL)
            cJSON_AddStringToObject(meta, "endpoint", target->endpoint);
        cJSON_AddStringToObject(meta, "log_type", target->log_type);
    }
    cJSON_AddNumberToObject(meta, "records", (double)records);
    char created[40];
    masq_time_format(masq_publish_wall_ms(), created, sizeof created);
    cJSON_AddStringToObject(meta, "created", created);
    return meta;
}

masq_status masq_spool_write(const char *dir, const masq_publish_target *target, const char *body,
                             size_t body_size, size_t records, char *path, size_t path_size)
{
    static unsigned sequence;
    MASQ_TRY(make_folders(dir));
    cJSON *meta = target_json(target, records);
    char *line = meta ? cJSON_PrintUnformatted(meta) : NULL;
    cJSON_Delete(meta);
    if (line == NULL)
        return MASQ_ERR_NOMEM;
    /* The name sorts by creation time, so `masq publish` keeps the order. */
    int64_t now = masq_publish_wall_ms();
    time_t seconds = (time_t)(now / 1000);
    struct tm utc;
    gmtime_r(&seconds, &utc);
    char stamp[32], temporary[4200];
    strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%S", &utc);
    snprintf(path, path_size, "%s/batch-%s.%03dZ-%ld-%04u" SPOOL_SUFFIX, dir, stamp,
             (int)(now % 1000), (long)getpid(), sequence++);
    snprintf(temporary, sizeof temporary, "%s/.writing-%ld-%u", dir, (long)getpid(), sequence);
    int fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    masq_status status = MASQ_ERR_PUBLISH;
    if (fd < 0) {
        masq_error("cannot write in the spool folder %s: %s", dir, strerror(errno));
    } else {
        int failed = write_all(fd, line, strlen(line)) || write_all(fd, "\n", 1) ||
                     write_all(fd, body, body_size) || write_all(fd, "\n", 1) || fsync(fd) != 0;
        failed |= close(fd) != 0;
        if (!failed && rename(temporary, path) == 0) {
            int dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            if (dir_fd >= 0) {
                fsync(dir_fd); /* the rename itself survives a crash */
                close(dir_fd);
            }
            status = MASQ_OK;
        } else {
            masq_error("cannot write the spool file %s: %s", path, strerror(errno));
            unlink(temporary);
        }
    }
    free(line);
    return status;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

masq_status masq_spool_list(const char *dir, char ***paths, size_t *count)
{
    *paths = NULL;
    *count = 0;
    DIR *folder = opendir(dir);
    if (folder == NULL) {
        if (errno == ENOENT)
            return MASQ_OK;
        masq_error("cannot read the spool folder %s: %s", dir, strerror(errno));
        return MASQ_ERR_PUBLISH;
    }
    size_t capacity = 0;
    masq_status status = MASQ_OK;
    struct dirent *entry;
    while ((entry = readdir(folder)) != NULL) {
        size_t length = strlen(entry->d_name);
        size_t suffix = sizeof SPOOL_SUFFIX - 1;
        if (entry->d_name[0] == '.' || length <= suffix ||
            strcmp(entry->d_name + length - suffix, SPOOL_SUFFIX) != 0)
            continue;
        if (*count == capacity) {
            capacity = capacity ? capacity * 2 : 16;
            char **grown = realloc(*paths, capacity * sizeof *grown);
            if (grown == NULL) {
                status = MASQ_ERR_NOMEM;
                break;
            }
            *paths = grown;
        }
        size_t size = strlen(dir) + length + 2;
        char *path = malloc(size);
        if (path == NULL) {
            status = MASQ_ERR_NOMEM;
            break;
        }
        snprintf(path, size, "%s/%s", dir, entry->d_name);
        (*paths)[(*count)++] = path;
    }
    closedir(folder);
    if (*count > 1)
        qsort(*paths, *count, sizeof **paths, compare_names);
    return status;
}

static char *string_field(const cJSON *meta, const char *name)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(meta, name);
    return cJSON_IsString(item) ? strdup(item->valuestring) : NULL;
}

static int parse_entry(const char *path, char *text, size_t size, masq_spool_entry *entry)
{
    char *newline = memchr(text, '\n', size);
    if (newline == NULL)
        return -1;
    *newline = '\0';
    cJSON *meta = cJSON_Parse(text);
    const cJSON *format = cJSON_GetObjectItemCaseSensitive(meta, "format");
    const cJSON *api = cJSON_GetObjectItemCaseSensitive(meta, "api");
    const cJSON *records = cJSON_GetObjectItemCaseSensitive(meta, "records");
    int ok = cJSON_IsString(format) && strcmp(format->valuestring, SPOOL_FORMAT) == 0 &&
             cJSON_IsString(api) && cJSON_IsNumber(records);
    masq_publish_target *target = &entry->target;
    if (ok && strcmp(api->valuestring, "logs-ingestion") == 0) {
        target->api = MASQ_PUBLISH_LOGS_INGESTION;
        target->endpoint = string_field(meta, "ingestion_endpoint");
        target->dcr_id = string_field(meta, "dcr_id");
        target->stream = string_field(meta, "stream");
        ok = target->endpoint && target->dcr_id && target->stream;
    } else if (ok && strcmp(api->valuestring, "data-collector") == 0) {
        target->api = MASQ_PUBLISH_DATA_COLLECTOR;
        target->workspace_id = string_field(meta, "workspace_id");
        target->endpoint = string_field(meta, "endpoint"); /* may be absent */
        target->log_type = string_field(meta, "log_type");
        ok = target->workspace_id && target->log_type;
    } else {
        ok = 0;
    }
    if (ok)
        entry->records = (size_t)records->valuedouble;
    cJSON_Delete(meta);
    char *body = newline + 1;
    size_t body_size = size - (size_t)(body - text);
    if (body_size > 0 && body[body_size - 1] == '\n')
        body_size--;
    if (!ok || body_size < 2 || body[0] != '[' || body[body_size - 1] != ']') {
        masq_error("%s is not a masq spool file, or it is damaged; left as it is", path);
        return -1;
    }
    entry->body = malloc(body_size + 1);
    if (entry->body == NULL)
        return -1;
    memcpy(entry->body, body, body_size);
    entry->body[body_size] = '\0';
    entry->body_size = body_size;
    return 0;
}

int masq_spool_open(const char *path, masq_spool_entry *entry)
{
    memset(entry, 0, sizeof *entry);
    entry->fd = -1;
    int fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return errno == ENOENT ? 0 : (masq_error("cannot open %s: %s", path, strerror(errno)), -1);
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        close(fd);
        masq_info("%s is being sent by another masq; skipped", path);
        return 0;
    }
    /* Another sender may have sent and removed it between our open and lock. */
    struct stat opened, named;
    if (fstat(fd, &opened) != 0 || stat(path, &named) != 0 || opened.st_ino != named.st_ino ||
        opened.st_dev != named.st_dev) {
        close(fd);
        return 0;
    }
    if (opened.st_size <= 0 || opened.st_size > 64L * 1024 * 1024) {
        masq_error("%s has an unexpected size; left as it is", path);
        close(fd);
        return -1;
    }
    size_t size = (size_t)opened.st_size;
    char *text = malloc(size + 1);
    ssize_t got = text ? pread(fd, text, size, 0) : -1;
    if (got != (ssize_t)size) {
        masq_error("cannot read %s", path);
        free(text);
        close(fd);
        return -1;
    }
    text[size] = '\0';
    entry->path = strdup(path);
    entry->fd = fd;
    int parsed = entry->path ? parse_entry(path, text, size, entry) : -1;
    free(text);
    if (parsed != 0) {
        masq_spool_close(entry);
        return -1;
    }
    return 1;
}

masq_status masq_spool_remove(masq_spool_entry *entry)
{
    masq_status status = MASQ_OK;
    if (unlink(entry->path) != 0) {
        masq_error("the batch in %s was delivered, but its file cannot be removed (%s): "
                   "remove it before the next 'masq publish', or it is sent twice",
                   entry->path, strerror(errno));
        status = MASQ_ERR_PUBLISH;
    }
    masq_spool_close(entry);
    return status;
}

void masq_spool_close(masq_spool_entry *entry)
{
    if (entry->fd >= 0)
        close(entry->fd); /* releases the lock */
    masq_publish_target_free(&entry->target);
    free(entry->body);
    free(entry->path);
    memset(entry, 0, sizeof *entry);
    entry->fd = -1;
}
