#include "log.h"

#include <stdio.h>
#include <string.h>

#include "escape.h"

static masq_log_sink log_sink;
static void *log_context;
static masq_log_level log_max_level = MASQ_LOG_WARN;

void masq_log_set_sink(masq_log_sink sink, void *context, masq_log_level max_level)
{
    log_sink = sink;
    log_context = context;
    log_max_level = max_level;
}

int masq_log_enabled(masq_log_level level)
{
    return log_sink != NULL && level <= log_max_level;
}

void masq_log(masq_log_level level, const char *format, ...)
{
    if (!masq_log_enabled(level))
        return;
    char message[8192], escaped[4 * 8192 + 1];
    va_list args;
    va_start(args, format);
    vsnprintf(message, sizeof message, format, args);
    va_end(args);
    /* Messages carry file names, names and paths from the input: nothing in
     * them may steer the terminal. A message whose format has a line break
     * (a compiler log) keeps its line breaks; no other does. */
    masq_escape(message, strlen(message), strchr(format, '\n') != NULL, escaped, sizeof escaped);
    log_sink(level, escaped, log_context);
}
