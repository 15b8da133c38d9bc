/* Globs over names, folders and host names: '*' matches any run of
 * characters inside one folder name (never '\' or '/'), '**' any run at all
 * ('**\' may also match nothing: "\tools\**\" matches "\tools\" itself).
 * Bytes compare exactly: callers lower-case both sides first. */
#ifndef MASQ_GLOB_H
#define MASQ_GLOB_H

#include <stdbool.h>

bool masq_glob_match(const char *pattern, const char *text);

#endif
