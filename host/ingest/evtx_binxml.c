#include "evtx_binxml.h"

#include <string.h>

#include "../names/name_table.h"
#include "evtx_template.h"
#include "evtx_value.h"

static const char *read_fragment(masq_evtx_templates *t, const unsigned char *chunk, uint32_t at,
                                 uint32_t length, const context *ctx, masq_evtx_record *r, int level);

/* A template instance (its token read, c after it): the template, compiled
 * once, then the fields out of its substitution values, and the fragments
 * nested in them. */
static const char *read_instance(masq_evtx_templates *t, cursor *c, const context *ctx,
                                 masq_evtx_record *r, int level)
{
    const unsigned char *chunk = c->chunk;
    skip(c, 1 + 4); /* unknown, template id */
    uint32_t definition = u32(c);
    if (c->failed)
        return "binary XML outside the record";
    if (definition == c->at) { /* defined here, first used by this record */
        if (!has(c, 24))
            return "template outside the record";
        uint32_t size = masq_evtx_u32(chunk + c->at + 20);
        skip(c, 24);
        skip(c, size);
        if (c->failed)
            return "template outside the record";
    }
    const char *why = NULL;
    const template_map *map = masq_evtx_template_for(t, chunk, definition, ctx, &why);
    if (map == NULL)
        return why;
    uint32_t count = u32(c);
    if (c->failed || count > MAX_SUBSTITUTIONS)
        return "substitutions outside the record";
    uint32_t descriptors = c->at;
    skip(c, 4 * count);
    if (c->failed)
        return "substitutions outside the record";
    uint32_t starts[MAX_SUBSTITUTIONS];
    uint32_t position = c->at;
    for (uint32_t i = 0; i < count; i++) {
        uint32_t size = (uint32_t)chunk[descriptors + 4 * i] | (uint32_t)chunk[descriptors + 4 * i + 1] << 8;
        if (size > c->end - position)
            return "substitution value outside the record";
        starts[i] = position;
        position += size;
    }
    for (int f = 0; f < MASQ_EVTX_FIELDS; f++) {
        const field_source *s = &map->fields[f];
        if (s->kind == SOURCE_LITERAL && s->literal != NULL &&
            !masq_evtx_put_text(r, (masq_evtx_field)f, s->literal, strlen(s->literal)))
            return "record text too long";
        if (s->kind != SOURCE_SUBSTITUTION || s->substitution >= count)
            continue;
        uint32_t i = s->substitution;
        uint32_t size = (uint32_t)chunk[descriptors + 4 * i] | (uint32_t)chunk[descriptors + 4 * i + 1] << 8;
        if (!masq_evtx_put_value(r, (masq_evtx_field)f, chunk[descriptors + 4 * i + 2], chunk + starts[i], size))
            return "record text too long";
    }
    for (size_t n = 0; n < map->nested_count; n++) {
        uint32_t i = map->nested[n].substitution;
        if (i >= count || chunk[descriptors + 4 * i + 2] != VALUE_BINXML)
            continue;
        uint32_t size = (uint32_t)chunk[descriptors + 4 * i] | (uint32_t)chunk[descriptors + 4 * i + 1] << 8;
        why = read_fragment(t, chunk, starts[i], size, &map->nested[n].at, r, level + 1);
        if (why != NULL)
            return why;
    }
    return NULL;
}

/* Binary XML: a template instance, or elements written out (whose values
 * are their own). */
static const char *read_fragment(masq_evtx_templates *t, const unsigned char *chunk, uint32_t at,
                                 uint32_t length, const context *ctx, masq_evtx_record *r, int level)
{
    if (level >= MAX_LEVELS)
        return "binary XML nested too deep";
    if (length > MASQ_EVTX_CHUNK_BYTES || at > MASQ_EVTX_CHUNK_BYTES - length)
        return "binary XML outside the chunk";
    cursor c = {chunk, at, at + length, false};
    if (has(&c, 4) && chunk[c.at] == TOKEN_FRAGMENT)
        skip(&c, 4);
    if (has(&c, 1) && chunk[c.at] == TOKEN_TEMPLATE) {
        skip(&c, 1);
        return read_instance(t, &c, ctx, r, level);
    }
    template_map plain;
    memset(&plain, 0, sizeof plain);
    const char *why = masq_evtx_compile_range(chunk, c.at, c.end, ctx, &plain);
    for (int f = 0; why == NULL && f < MASQ_EVTX_FIELDS; f++)
        if (plain.fields[f].kind == SOURCE_LITERAL && plain.fields[f].literal != NULL &&
            !masq_evtx_put_text(r, (masq_evtx_field)f, plain.fields[f].literal, strlen(plain.fields[f].literal)))
            why = "record text too long";
    masq_evtx_map_free(&plain);
    return why;
}

const char *masq_evtx_read_record(masq_evtx_templates *t, const unsigned char *chunk,
                                  uint32_t at, uint32_t length, masq_evtx_record *r)
{
    memset(r->fields, 0, sizeof r->fields);
    r->used = 0;
    r->time_ms = MASQ_TIME_NONE;
    context top = {0};
    return read_fragment(t, chunk, at, length, &top, r, 0);
}
