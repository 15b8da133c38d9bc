/* The two clocks (clock.c): monotonic seconds for waits and expiries, the
 * wall clock for what is written down. */
#ifndef MASQ_UTIL_CLOCK_H
#define MASQ_UTIL_CLOCK_H

#include <stdint.h>

/* Monotonic seconds, and the wall clock in ms since the epoch. */
double masq_clock_now(void);
int64_t masq_clock_wall_ms(void);

#endif
