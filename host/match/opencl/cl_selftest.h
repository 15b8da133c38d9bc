/* The device's known-answer self-test, as hashcat keeps one: a small pack of
 * names that exercises both kernel widths, the host path for long names,
 * transpositions, extensions and non-ASCII, and the hits it must give at
 * MASQ_CL_SELFTEST_THRESHOLD, stored here (tests/test_matcher.c holds them
 * to the CPU path and the oracle). */
#ifndef MASQ_CL_SELFTEST_H
#define MASQ_CL_SELFTEST_H

#include <stdbool.h>

#include "../hits.h"
#include "../pack.h"

#define MASQ_CL_SELFTEST_THRESHOLD 0.70

/* Fill an initialized pack with the self-test's names. */
masq_status masq_cl_selftest_pack(masq_pack *pack);

/* Do these hits (sorted by frequent, infrequent) equal the stored answers? */
bool masq_cl_selftest_passes(const masq_hits *hits);

#endif
