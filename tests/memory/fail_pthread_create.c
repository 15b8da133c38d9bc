/* Preloaded into masq by the resource tests: the first N pthread_create calls
 * fail with EAGAIN (N from MASQ_FAIL_THREADS), as when a process is out of
 * threads or address space. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

typedef int (*create_fn)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);

int pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*start)(void *),
                   void *argument)
{
    static atomic_int calls;
    const char *fail = getenv("MASQ_FAIL_THREADS");
    int n = fail ? atoi(fail) : 0;
    if (atomic_fetch_add(&calls, 1) < n)
        return EAGAIN;
    create_fn real = (create_fn)dlsym(RTLD_NEXT, "pthread_create");
    return real ? real(thread, attr, start, argument) : EAGAIN;
}
