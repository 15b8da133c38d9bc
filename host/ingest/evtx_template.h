/* EVTX templates: the binary XML of a template definition walked once into a
 * field map (which substitution, or which literal, holds each field masq
 * reads, and where binary XML nested in a substitution goes), kept per chunk;
 * the checked cursor every binary XML read goes through. */
#ifndef MASQ_EVTX_TEMPLATE_H
#define MASQ_EVTX_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "evtx_record.h"
#include "evtx_value.h"

/* Binary XML tokens ([MS-EVEN6] 3.1.4.7; 0x40 on the first ones: "more"
 * follows, attributes for an element). */
enum {
    TOKEN_EOF = 0x00,
    TOKEN_OPEN_START = 0x01,
    TOKEN_CLOSE_START = 0x02,
    TOKEN_CLOSE_EMPTY = 0x03,
    TOKEN_END_ELEMENT = 0x04,
    TOKEN_VALUE = 0x05,
    TOKEN_ATTRIBUTE = 0x06,
    TOKEN_CDATA = 0x07,
    TOKEN_CHAR_REF = 0x08,
    TOKEN_ENTITY_REF = 0x09,
    TOKEN_PI_TARGET = 0x0a,
    TOKEN_PI_DATA = 0x0b,
    TOKEN_TEMPLATE = 0x0c,
    TOKEN_SUBSTITUTION = 0x0d,
    TOKEN_OPTIONAL_SUBSTITUTION = 0x0e,
    TOKEN_FRAGMENT = 0x0f,
};

/* The Data names of the EventData fields, in masq_evtx_field order from
 * MASQ_EVTX_NEW_PROCESS_NAME ("NewProcessName", ...). */
const char *masq_evtx_data_name(masq_evtx_field field);

/* Where a template puts a field: a substitution, or text of its own. */
typedef struct field_source {
    enum { SOURCE_NONE, SOURCE_SUBSTITUTION, SOURCE_LITERAL } kind;
    uint16_t substitution;
    char *literal;
} field_source;

/* The elements the walk tells apart. */
typedef enum element_kind {
    ELEMENT_OTHER,
    ELEMENT_SYSTEM,
    ELEMENT_PROVIDER,
    ELEMENT_EVENT_ID,
    ELEMENT_TIME_CREATED,
    ELEMENT_COMPUTER,
    ELEMENT_RECORD_ID,
    ELEMENT_EVENT_DATA,
    ELEMENT_DATA,
} element_kind;

#define MAX_DEPTH 32
#define MAX_NESTED 4
#define MAX_LEVELS 4
#define MAX_SUBSTITUTIONS 1024

/* Where the walk is: the open elements, and a Data element's field (by its
 * Name; -1: none). */
typedef struct context {
    int depth;
    element_kind kinds[MAX_DEPTH];
    int data_field[MAX_DEPTH];
} context;

/* A substitution of binary XML (Sysmon's and Security's EventData come so):
 * a fragment of its own, read where the template puts it. */
typedef struct nested_slot {
    uint16_t substitution;
    context at;
} nested_slot;

typedef struct template_map {
    uint32_t offset; /* of its definition in the chunk */
    context made_in; /* where it was compiled: a map holds for that context only */
    const char *failure; /* why it cannot be read (kept: not compiled again), or NULL */
    field_source fields[MASQ_EVTX_FIELDS];
    nested_slot nested[MAX_NESTED];
    size_t nested_count;
} template_map;

/* Each map allocated on its own: a map stays where it is while records
 * nested in its values compile more. */
struct masq_evtx_templates {
    template_map **items;
    size_t count;
    size_t capacity;
};

typedef struct masq_evtx_templates masq_evtx_templates;

masq_evtx_templates *masq_evtx_templates_new(void);
void masq_evtx_templates_free(masq_evtx_templates *templates);
/* A new chunk: its templates are other ones. */
void masq_evtx_templates_reset(masq_evtx_templates *templates);
void masq_evtx_map_free(template_map *map);

/* Little-endian reads at a checked position. */
typedef struct cursor {
    const unsigned char *chunk;
    uint32_t at;
    uint32_t end; /* exclusive, <= MASQ_EVTX_CHUNK_BYTES */
    bool failed;
} cursor;

static inline bool has(cursor *c, uint32_t n)
{
    if (c->failed || n > c->end || c->at > c->end - n) {
        c->failed = true;
        return false;
    }
    return true;
}

static inline uint32_t u8(cursor *c)
{
    return has(c, 1) ? c->chunk[c->at++] : 0;
}

static inline uint32_t u16(cursor *c)
{
    if (!has(c, 2))
        return 0;
    uint32_t v = (uint32_t)c->chunk[c->at] | (uint32_t)c->chunk[c->at + 1] << 8;
    c->at += 2;
    return v;
}

static inline uint32_t u32(cursor *c)
{
    if (!has(c, 4))
        return 0;
    uint32_t v = masq_evtx_u32(c->chunk + c->at);
    c->at += 4;
    return v;
}

static inline void skip(cursor *c, uint32_t n)
{
    if (has(c, n))
        c->at += n;
}

/* Walk binary XML, bytes [start, end) of the chunk, from the context `at`,
 * into a field map (literals owned by it). NULL, or why it cannot be read. */
const char *masq_evtx_compile_range(const unsigned char *chunk, uint32_t start, uint32_t end,
                                    const context *at, template_map *map);

/* The map of the template defined at offset of the chunk, compiled on first
 * use; NULL with why. */
const template_map *masq_evtx_template_for(masq_evtx_templates *t, const unsigned char *chunk,
                                           uint32_t offset, const context *at, const char **why);

#endif
