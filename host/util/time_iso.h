/* ISO 8601 UTC timestamps as Log Analytics writes them
 * ("2019-12-05T01:49:49.292Z", "2021-06-01T00:00:00.0000000Z", offsets). */
#ifndef MASQ_TIME_ISO_H
#define MASQ_TIME_ISO_H

#include <stddef.h>
#include <stdint.h>

/* Milliseconds since the Unix epoch; returns 0 on success, -1 if the text is
 * not such a timestamp. The Sentinel portal's display format of its CSV
 * exports ("6/3/2024, 3:28:10.590 PM", UTC) is read too, and Hayabusa's
 * ("2016-08-19 08:06:57.658 +09:00"). */
int masq_time_parse(const char *text, int64_t *milliseconds);

/* "YYYY-MM-DDTHH:MM:SS.mmmZ" into out (at least 25 bytes). */
void masq_time_format(int64_t milliseconds, char *out, size_t size);

#endif
