/* Diagnostics. The library never writes to stdout; it reports through this
 * sink, which the CLI points at stderr with a verbosity level. */
#ifndef MASQ_LOG_H
#define MASQ_LOG_H

#include <stdarg.h>

typedef enum masq_log_level {
    MASQ_LOG_ERROR = 0,
    MASQ_LOG_WARN = 1,
    MASQ_LOG_INFO = 2,
    MASQ_LOG_DEBUG = 3,
} masq_log_level;

typedef void (*masq_log_sink)(masq_log_level level, const char *message, void *context);

/* Route messages at or below max_level to sink (NULL: discard everything). */
void masq_log_set_sink(masq_log_sink sink, void *context, masq_log_level max_level);

/* True when a message at this level would be delivered (skip costly formatting otherwise). */
int masq_log_enabled(masq_log_level level);

void masq_log(masq_log_level level, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

#define masq_error(...) masq_log(MASQ_LOG_ERROR, __VA_ARGS__)
#define masq_warn(...) masq_log(MASQ_LOG_WARN, __VA_ARGS__)
#define masq_info(...) masq_log(MASQ_LOG_INFO, __VA_ARGS__)
#define masq_debug(...) masq_log(MASQ_LOG_DEBUG, __VA_ARGS__)

#endif
