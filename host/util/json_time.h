/* Times in JSON output: ISO 8601 UTC text, or null when unknown. */
#ifndef MASQ_JSON_TIME_H
#define MASQ_JSON_TIME_H

#include <cjson/cJSON.h>
#include <stdint.h>

/* Add key: "YYYY-MM-DDTHH:MM:SS.mmmZ", or null for MASQ_TIME_NONE (INT64_MIN). */
void masq_json_add_time(cJSON *object, const char *key, int64_t milliseconds);

#endif
