/* The plain similarity of two whole names. */
#ifndef MASQ_SIMILARITY_H
#define MASQ_SIMILARITY_H

#include <stdint.h>

/* The notebook's score over the true Damerau-Levenshtein distance of the
 * whole names; *distance (when not NULL) gets the distance. 0 for names too
 * long to compare here (1024 code points or more). */
float masq_whole_score(const char *x_text, const char *y_text, uint32_t *distance);

#endif
