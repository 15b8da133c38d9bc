/* Small user lists (--known, --allow, --suppress): one entry a line, '#'
 * comments and blank lines skipped, a UTF-8 byte order mark on the first line
 * skipped, ASCII lower-cased (file names compare without case). A line over
 * 4 KiB is an error, never read as two. */
#ifndef MASQ_LIST_FILE_H
#define MASQ_LIST_FILE_H

#include "status.h"

/* Called with each entry line (lower-cased, without its line end) and its
 * 1-based number; a status other than MASQ_OK stops the reading. */
typedef masq_status (*masq_list_entry)(char *line, unsigned number, void *context);

/* MASQ_ERR_INPUT (reported) when the file cannot be read. */
masq_status masq_list_file_read(const char *path, masq_list_entry each, void *context);

#endif
