/* A small seeded generator (splitmix64): the same seed gives the same
 * sequence on every platform, which the demo and the tests rely on. */
#ifndef MASQ_RANDOM_H
#define MASQ_RANDOM_H

#include <stdint.h>

typedef struct masq_random {
    uint64_t state;
} masq_random;

static inline uint64_t masq_random_next(masq_random *random)
{
    uint64_t z = (random->state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Uniform in [0, bound), bound > 0. */
static inline uint32_t masq_random_below(masq_random *random, uint32_t bound)
{
    return (uint32_t)(((masq_random_next(random) >> 32) * (uint64_t)bound) >> 32);
}

#endif
