/* Packing: names become arrays of dense symbol ids (one per code point), with
 * their stem length and extension id, ready for the matchers. Symbols are
 * numbered per run, so the match tables stay small. */
#ifndef MASQ_PACK_H
#define MASQ_PACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/status.h"

#define MASQ_NO_EXTENSION (-1)

typedef struct masq_packed_name {
    size_t offset;        /* first symbol in masq_pack.symbols */
    uint32_t length;      /* code points of the whole name */
    uint32_t stem_length; /* code points before the last '.' (= length without one) */
    int32_t extension;    /* id of the text after the last '.', or MASQ_NO_EXTENSION */
    uint32_t name;        /* the caller's index for this name */
} masq_packed_name;

typedef struct masq_packed_set {
    masq_packed_name *items;
    size_t count;
    size_t capacity;
} masq_packed_set;

typedef struct masq_id_slot {
    uint64_t key;
    uint32_t id;
    uint32_t used;
} masq_id_slot;

typedef struct masq_pack {
    uint32_t *symbols;
    size_t symbol_count;
    size_t symbol_capacity;
    masq_id_slot *alphabet; /* code point -> symbol id */
    size_t alphabet_slots;
    uint32_t alphabet_size;
    char **extensions; /* extension id -> its UTF-8 text */
    uint32_t extension_count;
    uint32_t max_length;
    bool stems_always; /* the default profile's rule: compare stems whatever the extensions */
    masq_packed_set frequent;
    masq_packed_set infrequent;
} masq_pack;

void masq_pack_init(masq_pack *pack);
void masq_pack_free(masq_pack *pack);

/* Add one name (valid UTF-8) to a set of the pack. Returns MASQ_ERR_INPUT for
 * invalid UTF-8. */
masq_status masq_pack_add(masq_pack *pack, masq_packed_set *set, const char *text, size_t length,
                          uint32_t name);

static inline const uint32_t *masq_pack_symbols(const masq_pack *pack, const masq_packed_name *name)
{
    return pack->symbols + name->offset;
}

#endif
