/* Name tables on disk: the aggregated names of a run as JSON lines, one
 * object a name, so that runs over parts of a fleet (or a Spark job) combine
 * into the same anomalies as one run over all the events:
 *   {"Process": "svchost.exe", "Count": 123, "UserCount": 123, "DemoCount": 0,
 *    "Paths": [{"Path": "...", "Count": 120}], "Computers": [{"Computer": "...",
 *    "Count": 3}], "Originals": [{"OriginalFileName": "...", "Count": 1}],
 *    "Folders": [{"Folder": "\\windows\\system32\\", "Count": 120}],
 *    "FirstSeen": "2024-06-03T00:00:01.000Z", "LastSeen": ...} */
#ifndef MASQ_NAME_TABLE_IO_H
#define MASQ_NAME_TABLE_IO_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdio.h>

#include "name_table.h"

/* Write every name that was seen (known names interned without events are
 * left out). MASQ_ERR_OUTPUT when writing fails. */
masq_status masq_name_table_write(const masq_name_table *table, FILE *out);

/* One name's row as JSON text (malloc'd; NULL when out of memory). Lean:
 * counts, computers, folders, original names, hashes, first and last seen,
 * without the paths, users, parents and the evidence of each folder. */
char *masq_name_row_text(const masq_name *name, bool lean);

/* Add one table row to the table, summing counts with what is there.
 * MASQ_ERR_INPUT when the row is not a name-table row (nothing is added). */
masq_status masq_name_table_add_row(masq_name_table *table, const cJSON *row);

#endif
