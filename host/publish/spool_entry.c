/* One batch file of the spool: a line of JSON naming the target (never a
 * credential), then the batch's body, byte for byte. Written under a
 * temporary name, synced, then renamed; opened relative to its folder's
 * descriptor without following symlinks, and checked (owner, mode, type,
 * links, size) before it is read. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <openssl/rand.h>

#include "../util/log.h"
#include "../util/time_iso.h"
#include "spool.h"
#include "spool_entry.h"
#include "../azure/azure_http.h"

#define SPOOL_FORMAT "masq-spool-1"
#define MAX_FILE_BYTES (64L * 1024 * 1024)

/* Unpredictable letters for a new name, as mkstemp's XXXXXX. */
void masq_spool_random_letters(char *out, size_t count)
{
    static const char letters[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    unsigned char bytes[32];
    if (count > sizeof bytes)
        count = sizeof bytes;
    if (RAND_bytes(bytes, (int)count) != 1) {
        uint64_t x = (uint64_t)masq_clock_wall_ms() ^ ((uint64_t)getpid() << 20);
        for (size_t i = 0; i < count; i++) {
            x = x * 6364136223846793005ull + 1442695040888963407ull;
            bytes[i] = (unsigned char)(x >> 33);
        }
    }
    for (size_t i = 0; i < count; i++)
        out[i] = letters[bytes[i] % (sizeof letters - 1)];
    out[count] = '\0';
}

/* Only the user's own folders and files, writable by nobody else. */
int masq_spool_safe_stat(const struct stat *info, mode_t type, char *why, size_t size)
{
    if ((info->st_mode & S_IFMT) != type) {
        snprintf(why, size, "%s", S_ISLNK(info->st_mode) ? "a symbolic link" : "of the wrong type");
        return -1;
    }
    if (info->st_uid != geteuid()) {
        snprintf(why, size, "owned by user %ld, not by you", (long)info->st_uid);
        return -1;
    }
    if ((info->st_mode & 022) != 0) {
        snprintf(why, size, "writable by others (mode %04o)", (unsigned)(info->st_mode & 07777));
        return -1;
    }
    return 0;
}

/* ---- writing -------------------------------------------------------------- */

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
    masq_time_format(masq_clock_wall_ms(), created, sizeof created);
    cJSON_AddStringToObject(meta, "created", created);
    return meta;
}

/* A new file in dir_fd under a fresh unpredictable temporary name, locked,
 * holding the target line and the body, synced. */
static int write_temporary(int dir_fd, const masq_publish_target *target, const char *body,
                           size_t body_size, size_t records, char *name, size_t name_size)
{
    cJSON *meta = target_json(target, records);
    char *line = meta ? cJSON_PrintUnformatted(meta) : NULL;
    cJSON_Delete(meta);
    if (line == NULL)
        return -1;
    int fd = -1;
    for (int tries = 0; tries < 100 && fd < 0; tries++) {
        char letters[16];
        masq_spool_random_letters(letters, 12);
        snprintf(name, name_size, PART_PREFIX "%s", letters);
        fd = openat(dir_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0 && errno != EEXIST)
            break;
    }
    if (fd < 0) {
        free(line);
        return -1;
    }
    flock(fd, LOCK_EX); /* a cleaner leaves a locked temporary name alone */
    int failed = write_all(fd, line, strlen(line)) || write_all(fd, "\n", 1) ||
                 write_all(fd, body, body_size) || write_all(fd, "\n", 1) || fsync(fd) != 0;
    free(line);
    if (failed) {
        int saved = errno;
        unlinkat(dir_fd, name, 0);
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

/* Write a batch as batch-PREFIX-RANDOM.spool in dir_fd (temporary name,
 * sync, rename); final receives the name. The directory itself is synced by
 * the caller. */
masq_status masq_spool_write_batch(int dir_fd, const char *where, const char *prefix,
                               const masq_publish_target *target, const char *body,
                               size_t body_size, size_t records, char *final, size_t final_size)
{
    char temporary[64], letters[16];
    int fd = write_temporary(dir_fd, target, body, body_size, records, temporary, sizeof temporary);
    if (fd < 0) {
        masq_error("cannot write a batch in the spool folder %s: %s", where, strerror(errno));
        return MASQ_ERR_PUBLISH;
    }
    masq_status status = MASQ_ERR_PUBLISH;
    for (int tries = 0; tries < 100; tries++) {
        masq_spool_random_letters(letters, 6);
        snprintf(final, final_size, "batch-%s-%s" SPOOL_SUFFIX, prefix, letters);
        struct stat info;
        if (fstatat(dir_fd, final, &info, AT_SYMLINK_NOFOLLOW) == 0)
            continue; /* rename would replace it */
        if (renameat(dir_fd, temporary, dir_fd, final) == 0)
            status = MASQ_OK;
        break;
    }
    if (status != MASQ_OK) {
        masq_error("cannot write a batch in the spool folder %s: %s", where, strerror(errno));
        unlinkat(dir_fd, temporary, 0);
    }
    close(fd);
    return status;
}

/* ---- reading -------------------------------------------------------------- */

static char *string_field(const cJSON *meta, const char *name)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(meta, name);
    return cJSON_IsString(item) ? strdup(item->valuestring) : NULL;
}

static int parse_entry(char *text, size_t size, masq_spool_entry *entry)
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
             cJSON_IsString(api) && cJSON_IsNumber(records) && records->valuedouble >= 1 &&
             records->valuedouble < 1e9;
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
    if (!ok || body_size < 2 || body[0] != '[' || body[body_size - 1] != ']')
        return -1;
    entry->body = malloc(body_size + 1);
    if (entry->body == NULL)
        return -1;
    memcpy(entry->body, body, body_size);
    entry->body[body_size] = '\0';
    entry->body_size = body_size;
    return 0;
}

static masq_spool_open_result refuse(masq_spool_entry *entry, const char *why)
{
    masq_error("%s is %s: not read, not sent (remove it)", entry->path, why);
    masq_spool_close(entry);
    return MASQ_SPOOL_REFUSED;
}

masq_spool_open_result masq_spool_open(masq_spool *spool, const char *name,
                                       masq_spool_entry *entry)
{
    memset(entry, 0, sizeof *entry);
    entry->fd = entry->dir_fd = -1;
    size_t size = strlen(spool->path) + strlen(name) + 2;
    entry->path = malloc(size);
    const char *slash = strrchr(name, '/');
    entry->base = strdup(slash ? slash + 1 : name);
    entry->name = strdup(name);
    if (entry->path == NULL || entry->base == NULL || entry->name == NULL) {
        masq_spool_close(entry);
        return MASQ_SPOOL_REFUSED;
    }
    snprintf(entry->path, size, "%s/%s", spool->path, name);
    struct stat info;
    char why[96];
    if (slash != NULL) {
        char folder[256];
        snprintf(folder, sizeof folder, "%.*s", (int)(slash - name), name);
        entry->dir_fd = openat(spool->fd, folder, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (entry->dir_fd < 0) {
            if (errno != ENOENT)
                return refuse(entry, "in a folder that is a symbolic link or unreadable");
            masq_spool_close(entry);
            return MASQ_SPOOL_SKIPPED; /* delivered and removed by another masq */
        }
        if (fstat(entry->dir_fd, &info) != 0 || masq_spool_safe_stat(&info, S_IFDIR, why, sizeof why) != 0)
            return refuse(entry, "in a folder that is not safe");
    } else {
        entry->dir_fd = dup(spool->fd);
    }
    /* Type, owner and mode before opening (no FIFO or device is ever opened)... */
    if (fstatat(entry->dir_fd, entry->base, &info, AT_SYMLINK_NOFOLLOW) != 0) {
        masq_spool_close(entry);
        return MASQ_SPOOL_SKIPPED;
    }
    if (masq_spool_safe_stat(&info, S_IFREG, why, sizeof why) != 0)
        return refuse(entry, why);
    int fd = openat(entry->dir_fd, entry->base, O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) {
            masq_spool_close(entry);
            return MASQ_SPOOL_SKIPPED;
        }
        return refuse(entry, errno == ELOOP ? "a symbolic link" : "unreadable");
    }
    entry->fd = fd;
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        masq_info("%s is being sent by another masq; skipped", entry->path);
        masq_spool_close(entry);
        return MASQ_SPOOL_SKIPPED;
    }
    /* ...and again on what was opened: it is the same file, still named so
     * (another sender may have delivered and removed it before our lock). */
    struct stat opened;
    if (fstat(fd, &opened) != 0 || fstatat(entry->dir_fd, entry->base, &info,
                                           AT_SYMLINK_NOFOLLOW) != 0 ||
        opened.st_ino != info.st_ino || opened.st_dev != info.st_dev) {
        masq_spool_close(entry);
        return MASQ_SPOOL_SKIPPED;
    }
    if (masq_spool_safe_stat(&opened, S_IFREG, why, sizeof why) != 0)
        return refuse(entry, why);
    if (opened.st_nlink != 1)
        return refuse(entry, "a file with other names (hard links)");
    if (opened.st_size <= 0 || opened.st_size > MAX_FILE_BYTES)
        return refuse(entry, "of an unexpected size");
    size_t length = (size_t)opened.st_size;
    char *text = malloc(length + 1);
    ssize_t got = text ? pread(fd, text, length, 0) : -1;
    if (got != (ssize_t)length) {
        free(text);
        return refuse(entry, "unreadable");
    }
    text[length] = '\0';
    int parsed = parse_entry(text, length, entry);
    free(text);
    if (parsed != 0)
        return refuse(entry, "not a masq spool file, or damaged");
    return MASQ_SPOOL_OPENED;
}

masq_status masq_spool_remove(masq_spool_entry *entry)
{
    masq_status status = MASQ_OK;
    /* Removed and the removal synced before the next batch goes: a crash
     * after this point never sends it again. */
    if (unlinkat(entry->dir_fd, entry->base, 0) != 0 || fsync(entry->dir_fd) != 0) {
        masq_error("the batch in %s was delivered, but its file cannot be removed (%s): "
                   "remove it before the next 'masq publish', or it is sent twice",
                   entry->path, strerror(errno));
        status = MASQ_ERR_PUBLISH;
    }
    masq_spool_close(entry);
    return status;
}

masq_status masq_spool_split(masq_spool_entry *entry, const char *left, size_t left_size,
                             size_t left_records, const char *right, size_t right_size,
                             size_t right_records, char *names[2])
{
    names[0] = names[1] = NULL;
    /* The halves sort where the batch was: its name without the suffix, then 1 and 2. */
    char prefix[2][200], final[2][256];
    size_t stem = strlen(entry->base) - strlen(SPOOL_SUFFIX);
    const char *start = masq_spool_has_prefix(entry->base, "batch-") ? entry->base + 6 : entry->base;
    stem -= (size_t)(start - entry->base);
    if (stem > 150) {
        masq_error("%s: split too many times", entry->path);
        return MASQ_ERR_PUBLISH;
    }
    snprintf(prefix[0], sizeof prefix[0], "%.*s.1", (int)stem, start);
    snprintf(prefix[1], sizeof prefix[1], "%.*s.2", (int)stem, start);
    const char *bodies[2] = {left, right};
    size_t sizes[2] = {left_size, right_size}, records[2] = {left_records, right_records};
    int written = 0;
    for (int i = 0; i < 2; i++) {
        if (masq_spool_write_batch(entry->dir_fd, entry->path, prefix[i], &entry->target, bodies[i],
                        sizes[i], records[i], final[i], sizeof final[i]) != MASQ_OK)
            break;
        written++;
    }
    if (written < 2 || fsync(entry->dir_fd) != 0) {
        if (written > 0)
            unlinkat(entry->dir_fd, final[0], 0);
        masq_error("%s: cannot write its halves; it stays as it is", entry->path);
        return MASQ_ERR_PUBLISH;
    }
    /* The halves are on disk; now the whole goes. (A crash between the two
     * steps leaves both, and their records are sent twice.) */
    if (unlinkat(entry->dir_fd, entry->base, 0) != 0 || fsync(entry->dir_fd) != 0) {
        masq_error("%s: split, but it cannot be removed (%s): remove it, or its records are "
                   "sent twice",
                   entry->path, strerror(errno));
        return MASQ_ERR_PUBLISH;
    }
    /* The new names, relative to the spool folder, for the caller to send. */
    size_t folder = strlen(entry->name) - strlen(entry->base);
    for (int i = 0; i < 2; i++) {
        size_t size = folder + strlen(final[i]) + 1;
        names[i] = malloc(size);
        if (names[i] != NULL)
            snprintf(names[i], size, "%.*s%s", (int)folder, entry->name, final[i]);
    }
    return names[0] && names[1] ? MASQ_OK : MASQ_ERR_NOMEM;
}

masq_status masq_spool_set_aside(masq_spool_entry *entry, char *path, size_t path_size)
{
    char name[300];
    size_t stem = strlen(entry->base) - strlen(SPOOL_SUFFIX);
    snprintf(name, sizeof name, "%.*s" SET_ASIDE_SUFFIX, (int)stem, entry->base);
    size_t dir = strlen(entry->path) - strlen(entry->base);
    snprintf(path, path_size, "%.*s%s", (int)dir, entry->path, name);
    if (renameat(entry->dir_fd, entry->base, entry->dir_fd, name) != 0 ||
        fsync(entry->dir_fd) != 0) {
        masq_error("cannot set %s aside: %s", entry->path, strerror(errno));
        return MASQ_ERR_PUBLISH;
    }
    return MASQ_OK;
}

void masq_spool_close(masq_spool_entry *entry)
{
    if (entry->fd >= 0)
        close(entry->fd); /* releases the lock */
    if (entry->dir_fd >= 0)
        close(entry->dir_fd);
    masq_publish_target_free(&entry->target);
    free(entry->body);
    free(entry->path);
    free(entry->base);
    free(entry->name);
    memset(entry, 0, sizeof *entry);
    entry->fd = entry->dir_fd = -1;
}
