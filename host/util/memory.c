#include "memory.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int masq_grow(void **items, size_t *capacity, size_t needed, size_t item_size)
{
    if (needed <= *capacity)
        return 0;
    size_t grown = *capacity < 8 ? 8 : *capacity;
    while (grown < needed) {
        if (grown > SIZE_MAX / 2)
            return -1;
        grown *= 2;
    }
    if (grown > SIZE_MAX / item_size)
        return -1;
    void *resized = realloc(*items, grown * item_size);
    if (resized == NULL)
        return -1;
    *items = resized;
    *capacity = grown;
    return 0;
}

char *masq_strndup(const char *text, size_t length)
{
    char *copy = malloc(length + 1);
    if (copy == NULL)
        return NULL;
    memcpy(copy, text, length);
    copy[length] = '\0';
    return copy;
}
