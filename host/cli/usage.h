/* Usage texts, generated from the option table: 'masq --help' and 'masq COMMAND --help'. */
#ifndef MASQ_USAGE_H
#define MASQ_USAGE_H

#include <stdio.h>

#include "option_table.h"

/* The usage text (man-page style) for a command; MASQ_COMMAND_HELP: the general one. */
void masq_usage_print(FILE *out, masq_command command);

#endif
