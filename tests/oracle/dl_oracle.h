/* The oracles: plain textbook dynamic programming, written for clarity, not
 * speed. Tests hold every fast path to these. */
#ifndef MASQ_DL_ORACLE_H
#define MASQ_DL_ORACLE_H

#include <stddef.h>
#include <stdint.h>

/* True (unrestricted) Damerau-Levenshtein distance, Lowrance-Wagner, over code
 * points: insertions, deletions, substitutions and adjacent transpositions,
 * with edits allowed between transposed characters ('ca' -> 'abc' is 2).
 * Returns -1 when out of memory. */
long masq_oracle_damerau_levenshtein(const uint32_t *a, size_t a_length, const uint32_t *b,
                                     size_t b_length);

/* Optimal string alignment distance (restricted Damerau-Levenshtein: no
 * substring edited twice; 'ca' -> 'abc' is 3). Returns -1 when out of memory. */
long masq_oracle_osa(const uint32_t *a, size_t a_length, const uint32_t *b, size_t b_length);

#endif
