/* The JSON field scanner against cJSON: whatever line the scanner accepts,
 * cJSON reads as an object with the same fields (strings equal, numbers of
 * the same value, other kinds alike), and the rows the schemas read answer
 * alike (EventID, the string fields) on both paths. A line holding \u0000 is
 * never accepted by the scanner (both paths report it as malformed). */
#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "ingest/json_fields.h"
#include "ingest/row.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *line = (const char *)data;
    char *scratch = malloc(size + MASQ_FIELD_COUNT + 1);
    if (scratch == NULL)
        return 0;
    masq_json_fields fields = {.scratch = scratch};
    bool nul = masq_json_has_escaped_nul(line, size);
    bool scanned = masq_json_fields_scan(line, size, &fields);
    FUZZ_CHECK(!(nul && scanned), "the scanner accepted a line with \\u0000");
    if (!scanned) {
        free(scratch);
        return 0;
    }
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(line, size, &end, 0);
    FUZZ_CHECK(root != NULL && cJSON_IsObject(root), "cJSON rejects a line the scanner accepted");
    while (end < line + size && (*end == ' ' || *end == '\t' || *end == '\r' || *end == '\n'))
        end++;
    FUZZ_CHECK(end == line + size, "cJSON stops before the end of a line the scanner accepted");

    /* Field by field: the first top-level occurrence of each key. */
    bool seen[MASQ_FIELD_COUNT] = {false};
    int present = 0;
    for (const cJSON *child = root->child; child != NULL; child = child->next) {
        int f = masq_field_of(child->string);
        if (f < 0 || seen[f])
            continue;
        seen[f] = true;
        present++;
        masq_field_kind kind = fields.kinds[f];
        if (cJSON_IsString(child)) {
            FUZZ_CHECK(kind == MASQ_FIELD_STRING && strcmp(fields.values[f], child->valuestring) == 0,
                       "string field %s differs", child->string);
        } else if (cJSON_IsNumber(child)) {
            FUZZ_CHECK(kind == MASQ_FIELD_NUMBER, "number field %s differs in kind", child->string);
            double value = strtod(fields.values[f], NULL);
            FUZZ_CHECK(value == child->valuedouble || (value != value && child->valuedouble != child->valuedouble),
                       "number field %s: %s vs %.17g", child->string, fields.values[f], child->valuedouble);
        } else {
            FUZZ_CHECK(kind == MASQ_FIELD_OTHER, "field %s differs in kind", child->string);
        }
    }
    int scanned_present = 0;
    for (int f = 0; f < MASQ_FIELD_COUNT; f++)
        scanned_present += fields.kinds[f] != MASQ_FIELD_ABSENT;
    FUZZ_CHECK(scanned_present == present, "the scanner found %d fields, cJSON %d", scanned_present,
               present);

    /* The rows the schemas read. */
    masq_row fast = {NULL, &fields, line, size}, slow = {root, NULL, line, size};
    static const char *const ids[] = {"4688", "1", "0"};
    for (size_t i = 0; i < sizeof ids / sizeof *ids; i++)
        FUZZ_CHECK(masq_row_event_id_is(&fast, ids[i]) == masq_row_event_id_is(&slow, ids[i]),
                   "EventID %s read differently", ids[i]);
    for (int f = 0; f < MASQ_FIELD_COUNT; f++) {
        const char *a = masq_row_string(&fast, (masq_field)f),
                   *b = masq_row_string(&slow, (masq_field)f);
        FUZZ_CHECK((a == NULL) == (b == NULL) && (a == NULL || strcmp(a, b) == 0),
                   "%s read differently", masq_field_name((masq_field)f));
    }
    cJSON_Delete(root);
    free(scratch);
    return 0;
}
