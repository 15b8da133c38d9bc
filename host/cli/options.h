/* The command line: masq scan | demo | devices | help, and their options. */
#ifndef MASQ_OPTIONS_H
#define MASQ_OPTIONS_H

#include <stdbool.h>

#include "../masq.h"
#include "../publish/publish.h"

typedef enum masq_command {
    MASQ_COMMAND_SCAN,
    MASQ_COMMAND_DEMO,
    MASQ_COMMAND_DEVICES,
    MASQ_COMMAND_HELP,
    MASQ_COMMAND_VERSION,
    MASQ_COMMAND_PUBLISH, /* send the spooled batches */
    MASQ_COMMAND_MERGE,   /* combine name tables */
} masq_command;

typedef struct masq_options {
    masq_command command;
    masq_config config;
    masq_format format;
    bool format_given;
    const char *output_path; /* NULL: stdout */
    bool background;         /* masq demo: include the built-in fleet day */
    int verbosity;           /* 0 quiet, 1 warnings (default), 2 info, 3 debug */
    bool help;               /* --help after a command: that command's usage */
    bool allow_empty;        /* --allow-empty: no event read is a result, not an error */
    masq_publish_config publish; /* --publish and its options; masq publish */
} masq_options;

/* Parse argv. MASQ_ERR_USAGE with the reason reported through the log. */
masq_status masq_options_parse(int argc, char **argv, masq_options *options);

/* The usage text (man-page style) for a command. */
void masq_usage_print(FILE *out, masq_command command);

#endif
