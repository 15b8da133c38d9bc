#include "time_iso.h"

#include <stdio.h>

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static int digits(const char *text, int count, int *value)
{
    *value = 0;
    for (int i = 0; i < count; i++) {
        if (text[i] < '0' || text[i] > '9')
            return -1;
        *value = *value * 10 + (text[i] - '0');
    }
    return 0;
}

/* 1 or 2 digits; the count read, 0 when none. */
static int short_number(const char *text, int *value)
{
    if (text[0] < '0' || text[0] > '9')
        return 0;
    *value = text[0] - '0';
    if (text[1] < '0' || text[1] > '9')
        return 1;
    *value = *value * 10 + (text[1] - '0');
    return 2;
}

/* The Sentinel portal's CSV export writes "TimeGenerated [UTC]" as it shows
 * it: "6/3/2024, 3:28:10.590 PM" (month/day/year, 12-hour clock, UTC). */
static int parse_display(const char *text, int64_t *milliseconds)
{
    int month, day, year, hour, minute, second, n;
    const char *p = text;
    if (!(n = short_number(p, &month)) || p[n] != '/')
        return -1;
    p += n + 1;
    if (!(n = short_number(p, &day)) || p[n] != '/')
        return -1;
    p += n + 1;
    if (digits(p, 4, &year))
        return -1;
    p += 4;
    if (*p == ',')
        p++;
    if (*p != ' ')
        return -1;
    p++;
    if (!(n = short_number(p, &hour)) || p[n] != ':')
        return -1;
    p += n + 1;
    if (digits(p, 2, &minute) || p[2] != ':' || digits(p + 3, 2, &second))
        return -1;
    p += 5;
    int64_t fraction_ms = 0;
    if (*p == '.') {
        int scale = 100;
        p++;
        if (*p < '0' || *p > '9')
            return -1;
        while (*p >= '0' && *p <= '9') {
            fraction_ms += (*p - '0') * scale;
            scale /= 10;
            p++;
        }
    }
    if (*p != ' ' || (p[1] != 'A' && p[1] != 'P') || p[2] != 'M' || p[3] != '\0')
        return -1;
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour < 1 || hour > 12 || minute > 59 ||
        second > 60)
        return -1;
    hour = hour % 12 + (p[1] == 'P' ? 12 : 0);
    int64_t days = days_from_civil(year, (unsigned)month, (unsigned)day);
    *milliseconds = (days * 86400 + hour * 3600 + minute * 60 + second) * 1000 + fraction_ms;
    return 0;
}

int masq_time_parse(const char *text, int64_t *milliseconds)
{
    int year, month, day, hour, minute, second;
    if (text[0] >= '0' && text[0] <= '9' &&
        (text[1] == '/' || (text[1] >= '0' && text[1] <= '9' && text[2] == '/')))
        return parse_display(text, milliseconds);
    if (digits(text, 4, &year) || text[4] != '-' || digits(text + 5, 2, &month) ||
        text[7] != '-' || digits(text + 8, 2, &day) || (text[10] != 'T' && text[10] != ' ') ||
        digits(text + 11, 2, &hour) || text[13] != ':' || digits(text + 14, 2, &minute) ||
        text[16] != ':' || digits(text + 17, 2, &second))
        return -1;
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60)
        return -1;
    const char *p = text + 19;
    int64_t fraction_ms = 0;
    if (*p == '.') {
        int scale = 100;
        p++;
        if (*p < '0' || *p > '9')
            return -1;
        while (*p >= '0' && *p <= '9') {
            fraction_ms += (*p - '0') * scale;
            scale /= 10;
            p++;
        }
    }
    int64_t offset_minutes = 0;
    if (*p == ' ' && (p[1] == '+' || p[1] == '-'))
        p++; /* "2016-08-19 08:06:57.658 +09:00", as Hayabusa writes it */
    if (*p == 'Z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int oh, om;
        if (digits(p + 1, 2, &oh) || p[3] != ':' || digits(p + 4, 2, &om))
            return -1;
        offset_minutes = (*p == '-' ? -1 : 1) * (oh * 60 + om);
        p += 6;
    }
    if (*p != '\0')
        return -1;
    int64_t days = days_from_civil(year, (unsigned)month, (unsigned)day);
    int64_t seconds = days * 86400 + hour * 3600 + minute * 60 + second - offset_minutes * 60;
    *milliseconds = seconds * 1000 + fraction_ms;
    return 0;
}

void masq_time_format(int64_t milliseconds, char *out, size_t size)
{
    int64_t seconds = milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000;
    int64_t ms = milliseconds - seconds * 1000;
    int64_t days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400;
    int64_t rest = seconds - days * 86400;
    int64_t y;
    unsigned m, d;
    civil_from_days(days, &y, &m, &d);
    snprintf(out, size, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%03lldZ", (long long)y, m, d,
             (long long)(rest / 3600), (long long)(rest / 60 % 60), (long long)(rest % 60),
             (long long)ms);
}
