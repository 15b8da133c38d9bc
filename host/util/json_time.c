#include "json_time.h"

#include "time_iso.h"

void masq_json_add_time(cJSON *object, const char *key, int64_t milliseconds)
{
    if (milliseconds == INT64_MIN) {
        cJSON_AddNullToObject(object, key);
        return;
    }
    char text[40];
    masq_time_format(milliseconds, text, sizeof text);
    cJSON_AddStringToObject(object, key, text);
}
