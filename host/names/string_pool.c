#include "string_pool.h"

#include <stdlib.h>
#include <string.h>

#define BLOCK_BYTES ((size_t)1 << 16)

void masq_string_pool_init(masq_string_pool *pool)
{
    memset(pool, 0, sizeof *pool);
}

void masq_string_pool_free(masq_string_pool *pool)
{
    for (size_t b = 0; b < pool->block_count; b++)
        free(pool->blocks[b]);
    free(pool->blocks);
    free(pool->slots);
    free(pool->hashes);
    masq_string_pool_init(pool);
}

static int rehash(masq_string_pool *pool)
{
    size_t slot_count = pool->slot_count ? pool->slot_count * 2 : 1024;
    const char **slots = calloc(slot_count, sizeof *slots);
    uint32_t *hashes = calloc(slot_count, sizeof *hashes);
    if (slots == NULL || hashes == NULL) {
        free(slots);
        free(hashes);
        return -1;
    }
    for (size_t i = 0; i < pool->slot_count; i++) {
        if (pool->slots[i] == NULL)
            continue;
        size_t s = pool->hashes[i] & (slot_count - 1);
        while (slots[s])
            s = (s + 1) & (slot_count - 1);
        slots[s] = pool->slots[i];
        hashes[s] = pool->hashes[i];
    }
    free(pool->slots);
    free(pool->hashes);
    pool->slots = slots;
    pool->hashes = hashes;
    pool->slot_count = slot_count;
    return 0;
}

static char *store(masq_string_pool *pool, const char *text, size_t length)
{
    size_t need = length + 1;
    if (need > BLOCK_BYTES / 4) { /* a long string gets a block of its own */
        char **blocks = realloc(pool->blocks, (pool->block_count + 1) * sizeof *blocks);
        char *copy = malloc(need);
        if (blocks == NULL || copy == NULL) {
            free(copy);
            if (blocks)
                pool->blocks = blocks;
            return NULL;
        }
        pool->blocks = blocks;
        /* Keep the current block last, so later strings still fill it. */
        if (pool->block_count > 0) {
            pool->blocks[pool->block_count] = pool->blocks[pool->block_count - 1];
            pool->blocks[pool->block_count - 1] = copy;
        } else {
            pool->blocks[0] = copy;
            pool->block_used = BLOCK_BYTES;
        }
        pool->block_count++;
        memcpy(copy, text, need);
        return copy;
    }
    if (pool->block_count == 0 || pool->block_used + need > BLOCK_BYTES) {
        char **blocks = realloc(pool->blocks, (pool->block_count + 1) * sizeof *blocks);
        char *block = malloc(BLOCK_BYTES);
        if (blocks == NULL || block == NULL) {
            free(block);
            if (blocks)
                pool->blocks = blocks;
            return NULL;
        }
        pool->blocks = blocks;
        pool->blocks[pool->block_count++] = block;
        pool->block_used = 0;
    }
    char *copy = pool->blocks[pool->block_count - 1] + pool->block_used;
    memcpy(copy, text, need);
    pool->block_used += need;
    return copy;
}

const char *masq_string_pool_intern(masq_string_pool *pool, const char *text, uint32_t hash)
{
    if ((pool->count + 1) * 2 > pool->slot_count && rehash(pool) != 0)
        return NULL;
    size_t s = hash & (pool->slot_count - 1);
    while (pool->slots[s]) {
        if (pool->hashes[s] == hash && strcmp(pool->slots[s], text) == 0)
            return pool->slots[s];
        s = (s + 1) & (pool->slot_count - 1);
    }
    char *copy = store(pool, text, strlen(text));
    if (copy == NULL)
        return NULL;
    pool->slots[s] = copy;
    pool->hashes[s] = hash;
    pool->count++;
    return copy;
}
