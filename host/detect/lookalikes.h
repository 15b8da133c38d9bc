/* The matrix look-alikes, through the scan's matcher. */
#ifndef MASQ_LOOKALIKES_H
#define MASQ_LOOKALIKES_H

#include <stdbool.h>

#include "detector.h"

/* Frequent x infrequent names (stems: the default profile's comparison of
 * stems whatever the extensions). */
masq_status masq_detect_lookalikes(detector *d, bool stems);

/* Known names x every other name, stems against stems (the default profile). */
masq_status masq_detect_known_lookalikes(detector *d);

#endif
