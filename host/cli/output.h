/* Where results go. A file named by -o is written to a temporary file in the
 * same folder and renamed over it only when everything succeeded: a bad
 * input, a missing path, bad options, a failed write or Ctrl-C (SIGINT,
 * SIGTERM, SIGHUP) leave the previous file as it was. Outputs that are not
 * regular files (/dev/stdout, /dev/null, a FIFO) are written directly. */
#ifndef MASQ_OUTPUT_H
#define MASQ_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>

#include "../masq.h"

typedef struct masq_output {
    FILE *file;        /* stdout when no path */
    const char *path;  /* as given (NULL: stdout) */
    char *final_path;  /* where the file lands (symbolic links followed) */
    char *temp_path;   /* the temporary file; NULL when written directly */
} masq_output;

/* Refuse an output that is one of the inputs (the same device and inode,
 * '-' included) or a file a folder input reads (or would read in the next run:
 * a .json, .csv... inside it, existing or not): MASQ_ERR_USAGE, reported. */
/* Do two paths name one file: the same name, or one existing file (false
 * when either is NULL)? */
bool masq_same_file(const char *a, const char *b);

masq_status masq_output_check_inputs(const char *path, const char *const *inputs, size_t count);

/* The format an output's name asks for (.json, .ndjson, .jsonl, .csv, .html, .txt,
 * .table, any case; .gz is not written); false when the name says nothing. */
bool masq_output_format_of(const char *path, masq_format *format);

/* Open (path NULL: stdout). MASQ_ERR_OUTPUT, reported, when it cannot be written. */
masq_status masq_output_open(masq_output *output, const char *path);

/* Finish: flush, close and rename into place. MASQ_ERR_OUTPUT, reported, on failure
 * (the temporary file is removed, the previous file kept). */
masq_status masq_output_commit(masq_output *output);

/* Give up: the temporary file is removed, the previous file kept. */
void masq_output_abort(masq_output *output);

#endif
