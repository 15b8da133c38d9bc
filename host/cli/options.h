/* The command line: masq scan | demo | merge | devices | publish | help, and their
 * options (option_table.c holds them). */
#ifndef MASQ_OPTIONS_H
#define MASQ_OPTIONS_H

#include <stdbool.h>

#include "../masq.h"
#include "../publish/publish.h"
#include "option_table.h"

typedef struct masq_options {
    masq_command command;
    masq_config config;
    masq_format format;
    bool format_given;
    const char *output_path; /* NULL: stdout */
    bool background;         /* masq demo: include the built-in fleet day */
    int verbosity;           /* 0 quiet, 1 warnings (default), 2 info, 3 debug */
    bool help;               /* --help after a command: that command's usage */
    masq_command help_about; /* masq help COMMAND: the command whose usage to print */
    bool allow_empty;        /* --allow-empty: no event read is a result, not an error */
    int color;               /* --color: 0 auto, 1 always, 2 never */
    masq_publish_config publish; /* --publish and its options; masq publish */
    int retain_days;         /* masq baseline prune --retain-days (90) */
    bool weights;            /* masq baseline show --weights */
    bool last_given;         /* --last: --since is then now minus it */
    bool since_given;
} masq_options;

/* Parse argv. MASQ_ERR_USAGE with the reason reported through the log. */
masq_status masq_options_parse(int argc, char **argv, masq_options *options);

#endif
