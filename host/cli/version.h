/* masq --version: the version, the commit, and what masq was built against. */
#ifndef MASQ_CLI_VERSION_H
#define MASQ_CLI_VERSION_H

#include <stdio.h>

/* Writes the version lines to out; returns the exit code (0). */
int masq_version_print(FILE *out);

#endif
