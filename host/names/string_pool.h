/* One copy of each context string (paths, computers, original file names)
 * per name table: a fleet's computer names repeat across every process name,
 * so the sets hold pointers into the pool. Strings live until the pool goes. */
#ifndef MASQ_STRING_POOL_H
#define MASQ_STRING_POOL_H

#include <stddef.h>
#include <stdint.h>

typedef struct masq_string_pool {
    const char **slots; /* open addressing over the strings */
    uint32_t *hashes;
    size_t slot_count;
    size_t count;
    char **blocks; /* the strings, packed in large blocks */
    size_t block_count;
    size_t block_used; /* bytes used in the last block */
} masq_string_pool;

void masq_string_pool_init(masq_string_pool *pool);
void masq_string_pool_free(masq_string_pool *pool);

/* The pool's copy of text (hash: its masq_text_hash, as callers have it);
 * NULL when out of memory. */
const char *masq_string_pool_intern(masq_string_pool *pool, const char *text, uint32_t hash);

#endif
