/* Allocation helpers and a growable array. Allocation failure is reported as
 * MASQ_ERR_NOMEM by the callers; these helpers never abort. */
#ifndef MASQ_MEMORY_H
#define MASQ_MEMORY_H

#include <stddef.h>

/* Grow *items (element size item_size) so that it holds at least needed
 * elements; *capacity is updated. Returns 0 on success, -1 on overflow or
 * out of memory (the old array is kept). */
int masq_grow(void **items, size_t *capacity, size_t needed, size_t item_size);

/* strdup that also takes a length (the copy is NUL-terminated). */
char *masq_strndup(const char *text, size_t length);

/* Append one element to a growable array {items, count, capacity}. Evaluates
 * to 0 on success, -1 when out of memory. */
#define MASQ_PUSH(array, value)                                                      \
    (masq_grow((void **)&(array).items, &(array).capacity, (array).count + 1,         \
               sizeof *(array).items) != 0                                             \
         ? -1                                                                          \
         : ((array).items[(array).count++] = (value), 0))

#endif
