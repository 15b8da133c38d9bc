/* A row as the schemas read it: either a cJSON object (CSV rows, and JSON
 * lines the fast scanner passes on) or the few fields the fast scanner pulled
 * out of a JSON line (json_fields.h). Both answer alike. */
#ifndef MASQ_ROW_H
#define MASQ_ROW_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "json_fields.h"

typedef struct masq_row {
    const cJSON *json;              /* a parsed object, or NULL */
    const masq_json_fields *fields; /* or the scanned fields */
    const char *line;               /* the raw JSON text (NULL for CSV rows) */
    size_t length;
} masq_row;

/* The string value of a field's top-level key (the first occurrence), or
 * NULL when absent or not a string. */
const char *masq_row_string(const masq_row *row, masq_field field);

/* Is EventID this id: the string itself, or a JSON number whose text is
 * exactly it (4688 matches, 4688.0 does not, as the notebook's string schema
 * reads it)? */
bool masq_row_event_id_is(const masq_row *row, const char *id);

#endif
