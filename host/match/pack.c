#include "pack.h"

#include <stdlib.h>
#include <string.h>

#include "../names/unicode.h"
#include "../util/memory.h"

void masq_pack_init(masq_pack *pack)
{
    memset(pack, 0, sizeof *pack);
}

void masq_pack_free(masq_pack *pack)
{
    free(pack->symbols);
    free(pack->alphabet);
    for (uint32_t i = 0; i < pack->extension_count; i++)
        free(pack->extensions[i]);
    free(pack->extensions);
    free(pack->frequent.items);
    free(pack->infrequent.items);
    masq_pack_init(pack);
}

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    return x;
}

static masq_status symbol_of(masq_pack *pack, uint32_t code_point, uint32_t *symbol)
{
    if ((size_t)(pack->alphabet_size + 1) * 2 > pack->alphabet_slots) {
        size_t slots = pack->alphabet_slots ? pack->alphabet_slots * 2 : 256;
        masq_id_slot *table = calloc(slots, sizeof *table);
        if (table == NULL)
            return MASQ_ERR_NOMEM;
        for (size_t i = 0; i < pack->alphabet_slots; i++) {
            if (!pack->alphabet[i].used)
                continue;
            size_t s = mix64(pack->alphabet[i].key) & (slots - 1);
            while (table[s].used)
                s = (s + 1) & (slots - 1);
            table[s] = pack->alphabet[i];
        }
        free(pack->alphabet);
        pack->alphabet = table;
        pack->alphabet_slots = slots;
    }
    size_t s = mix64(code_point) & (pack->alphabet_slots - 1);
    while (pack->alphabet[s].used && pack->alphabet[s].key != code_point)
        s = (s + 1) & (pack->alphabet_slots - 1);
    if (!pack->alphabet[s].used) {
        pack->alphabet[s] = (masq_id_slot){code_point, pack->alphabet_size++, 1};
    }
    *symbol = pack->alphabet[s].id;
    return MASQ_OK;
}

/* Extensions are few (exe, com, dll, ...): a linear list is enough. */
static masq_status extension_of(masq_pack *pack, const char *text, size_t length, int32_t *id)
{
    for (uint32_t i = 0; i < pack->extension_count; i++) {
        if (strlen(pack->extensions[i]) == length && memcmp(pack->extensions[i], text, length) == 0) {
            *id = (int32_t)i;
            return MASQ_OK;
        }
    }
    size_t capacity = pack->extension_count;
    if (masq_grow((void **)&pack->extensions, &capacity, pack->extension_count + 1,
                  sizeof *pack->extensions) != 0)
        return MASQ_ERR_NOMEM;
    char *copy = masq_strndup(text, length);
    if (copy == NULL)
        return MASQ_ERR_NOMEM;
    pack->extensions[pack->extension_count] = copy;
    *id = (int32_t)pack->extension_count++;
    return MASQ_OK;
}

masq_status masq_pack_add(masq_pack *pack, masq_packed_set *set, const char *text, size_t length,
                          uint32_t name)
{
    long count = masq_unicode_decode(text, length, NULL);
    if (count < 0)
        return MASQ_ERR_INPUT;
    if ((uint64_t)count > UINT32_MAX / 2)
        return MASQ_ERR_INPUT;
    if (masq_grow((void **)&pack->symbols, &pack->symbol_capacity,
                  pack->symbol_count + (size_t)count, sizeof *pack->symbols) != 0)
        return MASQ_ERR_NOMEM;
    uint32_t *symbols = pack->symbols + pack->symbol_count;
    masq_unicode_decode(text, length, symbols);

    masq_packed_name packed = {pack->symbol_count, (uint32_t)count, (uint32_t)count,
                               MASQ_NO_EXTENSION, name};
    const char *dot = NULL;
    for (size_t i = 0; i < length; i++)
        if (text[i] == '.')
            dot = text + i;
    if (dot != NULL) {
        packed.stem_length = (uint32_t)masq_unicode_decode(text, (size_t)(dot - text), NULL);
        if (!pack->stems_always)
            MASQ_TRY(extension_of(pack, dot + 1, length - (size_t)(dot + 1 - text),
                                  &packed.extension));
    }
    if (pack->stems_always)
        packed.extension = 0; /* one group: every pair compares its stems */
    for (long i = 0; i < count; i++)
        MASQ_TRY(symbol_of(pack, symbols[i], &symbols[i]));
    pack->symbol_count += (size_t)count;
    if (packed.length > pack->max_length)
        pack->max_length = packed.length;
    if (MASQ_PUSH(*set, packed) != 0)
        return MASQ_ERR_NOMEM;
    return MASQ_OK;
}
