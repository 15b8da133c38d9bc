/* A minimal test harness: CHECK records a failure with file:line and goes on;
 * check_finish prints the closing "N passed, N failed" line and returns the
 * exit status. */
#ifndef MASQ_CHECK_H
#define MASQ_CHECK_H

#include <stdio.h>

static unsigned long check_passed, check_failed;

#define CHECK(condition, ...)                                                  \
    do {                                                                       \
        if (condition) {                                                       \
            check_passed++;                                                    \
        } else {                                                               \
            check_failed++;                                                    \
            if (check_failed <= 20) {                                          \
                fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #condition); \
                fprintf(stderr, __VA_ARGS__);                                  \
                fputc('\n', stderr);                                           \
            }                                                                  \
        }                                                                      \
    } while (0)

static inline int check_finish(const char *suite)
{
    printf("%s: %lu passed, %lu failed\n", suite, check_passed, check_failed);
    return check_failed == 0 && check_passed > 0 ? 0 : 1;
}

#endif
