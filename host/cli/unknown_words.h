/* Words the command line does not know, told with what was likely meant. */
#ifndef MASQ_UNKNOWN_WORDS_H
#define MASQ_UNKNOWN_WORDS_H

#include "../util/status.h"
#include "option_table.h"

/* "unknown command 'scna' (did you mean 'scan'? ...)"; MASQ_ERR_USAGE. */
masq_status masq_unknown_command(const char *word);

/* Why getopt did not know the option `word` of `command` (NULL: none typed):
 * a flag given a value (getopt names that flag in optopt; flag is its row),
 * an unknown short option (optopt), an abbreviation of several, or no such
 * option, with the nearest of the command's. */
void masq_unknown_option(const char *word, const char *command, masq_command id,
                         const masq_option_spec *flag, int optopt);

#endif
