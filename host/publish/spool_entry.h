/* One batch file of the spool (spool_entry.c): its names, its checks, and
 * its writing, shared with the spool folder's runs (spool_dir.c). spool.h is
 * the spool's face. */
#ifndef MASQ_SPOOL_ENTRY_H
#define MASQ_SPOOL_ENTRY_H

#include <stddef.h>
#include <string.h>
#include <sys/stat.h>

#include "../util/status.h"
#include "publish_target.h"

#define SPOOL_SUFFIX ".spool"
#define SET_ASIDE_SUFFIX ".too-large"
#define STAGING_PREFIX ".run-"
#define RUN_PREFIX "run-"
#define PART_PREFIX ".part-"
#define LEGACY_TEMPORARY_PREFIX ".writing-"

static inline int masq_spool_has_suffix(const char *name, const char *suffix)
{
    size_t length = strlen(name), size = strlen(suffix);
    return length > size && strcmp(name + length - size, suffix) == 0;
}

static inline int masq_spool_has_prefix(const char *name, const char *prefix)
{
    return strncmp(name, prefix, strlen(prefix)) == 0;
}

/* Unpredictable letters for a new name, as mkstemp's XXXXXX: count letters
 * (at most 32) and a NUL into out. */
void masq_spool_random_letters(char *out, size_t count);

/* Only the user's own folders and files, writable by nobody else: 0, or -1
 * with why in why. */
int masq_spool_safe_stat(const struct stat *info, mode_t type, char *why, size_t size);

/* Write a batch as batch-PREFIX-RANDOM.spool in dir_fd (temporary name,
 * sync, rename); final receives the name. The directory itself is synced by
 * the caller. where: the folder's path, for messages. */
masq_status masq_spool_write_batch(int dir_fd, const char *where, const char *prefix,
                                   const masq_publish_target *target, const char *body,
                                   size_t body_size, size_t records, char *final,
                                   size_t final_size);

#endif
