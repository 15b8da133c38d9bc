/* The inputs of a read: the paths given checked, folders walked (each folder
 * and file once), every file sniffed and, when large and plain, cut into
 * parts that several readers read. */
#ifndef MASQ_INPUT_LIST_H
#define MASQ_INPUT_LIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/status.h"
#include "ingest_state.h"
#include "read_input.h"

typedef struct masq_path_list {
    char **items;
    size_t count;
    size_t capacity;
} masq_path_list;

typedef struct masq_input_list {
    masq_input *items;
    size_t count;
    size_t capacity;
} masq_input_list;

/* Check every path before reading any: a typo fails at once (MASQ_ERR_INPUT,
 * reported). */
masq_status masq_input_paths_check(const char *const *paths, size_t count);

/* The files to read, in order: a folder's files (.json, .jsonl, .ndjson,
 * .csv and their .gz) sorted, each file once by device and inode; '-' is
 * stdin (*stdin_read is set). The paths are copies: masq_path_list_free. */
masq_status masq_input_paths_walk(masq_ingest *ingest, const char *const *paths, size_t count,
                                  masq_path_list *inputs, bool *stdin_read);
void masq_path_list_free(masq_path_list *list);

/* Add one file (items point to path): sniffed, refused or cut into parts;
 * its size is added to *total. */
masq_status masq_input_list_add(masq_input_list *items, const char *path, masq_ingest *ingest,
                                uint64_t *total);

#endif
