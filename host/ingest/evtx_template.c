#include "evtx_template.h"

#include <stdlib.h>
#include <string.h>

static const char *const data_names[MASQ_EVTX_FIELDS] = {
    [MASQ_EVTX_NEW_PROCESS_NAME] = "NewProcessName",
    [MASQ_EVTX_NEW_PROCESS_ID] = "NewProcessId",
    [MASQ_EVTX_SUBJECT_USER_NAME] = "SubjectUserName",
    [MASQ_EVTX_SUBJECT_DOMAIN_NAME] = "SubjectDomainName",
    [MASQ_EVTX_PARENT_PROCESS_NAME] = "ParentProcessName",
    [MASQ_EVTX_IMAGE] = "Image",
    [MASQ_EVTX_ORIGINAL_FILE_NAME] = "OriginalFileName",
    [MASQ_EVTX_USER] = "User",
    [MASQ_EVTX_PARENT_IMAGE] = "ParentImage",
    [MASQ_EVTX_PROCESS_ID] = "ProcessId",
    [MASQ_EVTX_PROCESS_GUID] = "ProcessGuid",
    [MASQ_EVTX_HASHES] = "Hashes",
};

const char *masq_evtx_data_name(masq_evtx_field field)
{
    return field < MASQ_EVTX_FIELDS ? data_names[field] : NULL;
}

void masq_evtx_map_free(template_map *map)
{
    for (int f = 0; f < MASQ_EVTX_FIELDS; f++) {
        free(map->fields[f].literal);
        map->fields[f].literal = NULL;
    }
}

masq_evtx_templates *masq_evtx_templates_new(void)
{
    return calloc(1, sizeof(masq_evtx_templates));
}

void masq_evtx_templates_reset(masq_evtx_templates *t)
{
    for (size_t i = 0; i < t->count; i++) {
        masq_evtx_map_free(t->items[i]);
        free(t->items[i]);
    }
    t->count = 0;
}

void masq_evtx_templates_free(masq_evtx_templates *t)
{
    if (t == NULL)
        return;
    masq_evtx_templates_reset(t);
    free(t->items);
    free(t);
}

/* A name structure (next offset, hash, count, UTF-16 characters, NUL) at
 * offset of the chunk, as ASCII into out ("" for other characters). */
static bool name_at(const unsigned char *chunk, uint32_t offset, char *out, size_t size)
{
    if (offset > MASQ_EVTX_CHUNK_BYTES - 8)
        return false;
    uint32_t count = (uint32_t)chunk[offset + 6] | (uint32_t)chunk[offset + 7] << 8;
    if ((uint64_t)offset + 8 + 2 * (uint64_t)count > MASQ_EVTX_CHUNK_BYTES)
        return false;
    return masq_evtx_utf16_to_utf8(chunk + offset + 8, count, out, size) >= 0 || (out[0] = '\0', true);
}

/* A name reference: its offset, and the name itself when it follows inline. */
static void read_name(cursor *c, char *out, size_t size)
{
    uint32_t offset = u32(c);
    out[0] = '\0';
    if (c->failed)
        return;
    if (!name_at(c->chunk, offset, out, size)) {
        c->failed = true;
        return;
    }
    if (offset == c->at) { /* defined here: step over it */
        uint32_t count = (uint32_t)c->chunk[offset + 6] | (uint32_t)c->chunk[offset + 7] << 8;
        skip(c, 8 + 2 * count + 2);
    }
}


static element_kind element_of(const char *name)
{
    static const struct {
        const char *name;
        element_kind kind;
    } known[] = {{"System", ELEMENT_SYSTEM},         {"Provider", ELEMENT_PROVIDER},
                 {"EventID", ELEMENT_EVENT_ID},      {"TimeCreated", ELEMENT_TIME_CREATED},
                 {"Computer", ELEMENT_COMPUTER},     {"EventData", ELEMENT_EVENT_DATA},
                 {"EventRecordID", ELEMENT_RECORD_ID},
                 {"Data", ELEMENT_DATA}};
    for (size_t i = 0; i < sizeof known / sizeof *known; i++)
        if (strcmp(name, known[i].name) == 0)
            return known[i].kind;
    return ELEMENT_OTHER;
}

typedef struct walk {
    template_map *map;
    context at;
    bool in_start;   /* between an element's start and its CloseStart */
    enum { ATTRIBUTE_NONE, ATTRIBUTE_NAME, ATTRIBUTE_SYSTEM_TIME, ATTRIBUTE_OTHER } attribute;
} walk;

static element_kind parent_kind(const walk *w)
{
    return w->at.depth >= 2 ? w->at.kinds[w->at.depth - 2] : ELEMENT_OTHER;
}

static void set_field(walk *w, masq_evtx_field field, const field_source *source)
{
    field_source *f = &w->map->fields[field];
    if (f->kind != SOURCE_NONE) {
        free(source->literal);
        return;
    }
    *f = *source;
}

/* A value (literal text or a substitution) met in the template: which field
 * it fills, if any. Takes the literal. */
static void value_met(walk *w, field_source source)
{
    if (w->at.depth == 0) {
        free(source.literal);
        return;
    }
    element_kind kind = w->at.kinds[w->at.depth - 1];
    bool in_system = parent_kind(w) == ELEMENT_SYSTEM;
    if (w->in_start && w->attribute != ATTRIBUTE_NONE) {
        if (kind == ELEMENT_PROVIDER && in_system && w->attribute == ATTRIBUTE_NAME)
            set_field(w, MASQ_EVTX_PROVIDER, &source);
        else if (kind == ELEMENT_TIME_CREATED && in_system && w->attribute == ATTRIBUTE_SYSTEM_TIME)
            set_field(w, MASQ_EVTX_TIME, &source);
        else if (kind == ELEMENT_DATA && w->attribute == ATTRIBUTE_NAME &&
                 source.kind == SOURCE_LITERAL) {
            for (int f = MASQ_EVTX_NEW_PROCESS_NAME; f < MASQ_EVTX_FIELDS; f++)
                if (strcmp(source.literal, data_names[f]) == 0)
                    w->at.data_field[w->at.depth - 1] = f;
            free(source.literal);
        } else {
            free(source.literal);
        }
        return;
    }
    if (kind == ELEMENT_EVENT_ID && in_system)
        set_field(w, MASQ_EVTX_EVENT_ID, &source);
    else if (kind == ELEMENT_COMPUTER && in_system)
        set_field(w, MASQ_EVTX_COMPUTER, &source);
    else if (kind == ELEMENT_RECORD_ID && in_system)
        set_field(w, MASQ_EVTX_RECORD_ID, &source);
    else if (kind == ELEMENT_DATA && parent_kind(w) == ELEMENT_EVENT_DATA && w->at.data_field[w->at.depth - 1] >= 0)
        set_field(w, (masq_evtx_field)w->at.data_field[w->at.depth - 1], &source);
    else
        free(source.literal);
}

static char *literal_of(cursor *c, uint32_t units)
{
    if (!has(c, 2 * units))
        return NULL;
    size_t size = 3 * (size_t)units + 8;
    char *text = malloc(size);
    if (text != NULL && masq_evtx_utf16_to_utf8(c->chunk + c->at, units, text, size) < 0) {
        free(text);
        text = NULL;
    }
    c->at += 2 * units;
    return text;
}

const char *masq_evtx_compile_range(const unsigned char *chunk, uint32_t start, uint32_t end,
                                    const context *at, template_map *map)
{
    if (at->depth < 0 || at->depth > MAX_DEPTH)
        return "elements nested too deep";
    cursor c = {chunk, start, end, false};
    walk w = {.map = map, .at = *at};
    int base = at->depth;
    char name[256];
    while (!c.failed && c.at < c.end) {
        uint32_t token = u8(&c);
        switch (token & ~0x40u) {
        case TOKEN_EOF:
            return w.at.depth == base ? NULL : "binary XML ends inside an element";
        case TOKEN_FRAGMENT:
            skip(&c, 3);
            break;
        case TOKEN_OPEN_START:
            skip(&c, 2); /* dependency identifier */
            skip(&c, 4); /* data size */
            read_name(&c, name, sizeof name);
            if (w.at.depth >= MAX_DEPTH)
                return "elements nested too deep";
            w.at.kinds[w.at.depth] = element_of(name);
            w.at.data_field[w.at.depth] = -1;
            w.at.depth++;
            if (token & 0x40)
                skip(&c, 4); /* attribute list size */
            w.in_start = true;
            w.attribute = ATTRIBUTE_NONE;
            break;
        case TOKEN_CLOSE_START:
            w.in_start = false;
            w.attribute = ATTRIBUTE_NONE;
            break;
        case TOKEN_CLOSE_EMPTY:
        case TOKEN_END_ELEMENT:
            if (w.at.depth == base)
                return "an element closed twice";
            w.at.depth--;
            w.in_start = false;
            w.attribute = ATTRIBUTE_NONE;
            break;
        case TOKEN_ATTRIBUTE:
            read_name(&c, name, sizeof name);
            w.attribute = strcmp(name, "Name") == 0         ? ATTRIBUTE_NAME
                          : strcmp(name, "SystemTime") == 0 ? ATTRIBUTE_SYSTEM_TIME
                                                            : ATTRIBUTE_OTHER;
            break;
        case TOKEN_VALUE: {
            if (u8(&c) != VALUE_STRING)
                return "a template value that is not text";
            char *text = literal_of(&c, u16(&c));
            if (text == NULL)
                return c.failed ? "binary XML outside the chunk" : "out of memory";
            value_met(&w, (field_source){SOURCE_LITERAL, 0, text});
            break;
        }
        case TOKEN_CDATA: {
            char *text = literal_of(&c, u16(&c));
            if (text == NULL)
                return c.failed ? "binary XML outside the chunk" : "out of memory";
            value_met(&w, (field_source){SOURCE_LITERAL, 0, text});
            break;
        }
        case TOKEN_SUBSTITUTION:
        case TOKEN_OPTIONAL_SUBSTITUTION: {
            uint16_t id = (uint16_t)u16(&c);
            uint32_t type = u8(&c);
            if (type == VALUE_BINXML && !w.in_start) {
                if (map->nested_count < MAX_NESTED)
                    map->nested[map->nested_count++] = (nested_slot){id, w.at};
            } else {
                value_met(&w, (field_source){SOURCE_SUBSTITUTION, id, NULL});
            }
            break;
        }
        case TOKEN_CHAR_REF:
            skip(&c, 2);
            break;
        case TOKEN_ENTITY_REF:
        case TOKEN_PI_TARGET:
            read_name(&c, name, sizeof name);
            break;
        case TOKEN_PI_DATA:
            skip(&c, 2 * u16(&c));
            break;
        default:
            return "an unknown binary XML token in a template";
        }
    }
    return c.failed ? "binary XML outside the chunk" : NULL;
}

/* A template's definition at offset: its body into its map. */
static const char *compile(const unsigned char *chunk, uint32_t offset, const context *at,
                           template_map *map)
{
    memset(map, 0, sizeof *map);
    map->offset = offset;
    if (offset > MASQ_EVTX_CHUNK_BYTES - 24)
        return "template outside the chunk";
    uint32_t size = masq_evtx_u32(chunk + offset + 20);
    if (size > MASQ_EVTX_CHUNK_BYTES - offset - 24)
        return "template larger than the chunk";
    return masq_evtx_compile_range(chunk, offset + 24, offset + 24 + size, at, map);
}

static bool same_context(const context *a, const context *b)
{
    if (a->depth != b->depth)
        return false;
    for (int i = 0; i < a->depth; i++)
        if (a->kinds[i] != b->kinds[i] || a->data_field[i] != b->data_field[i])
            return false;
    return true;
}

const template_map *masq_evtx_template_for(masq_evtx_templates *t, const unsigned char *chunk,
                                           uint32_t offset, const context *at, const char **why)
{
    for (size_t i = 0; i < t->count; i++) {
        const template_map *map = t->items[i];
        if (map->offset == offset && same_context(&map->made_in, at)) {
            *why = map->failure;
            return map->failure == NULL ? map : NULL;
        }
    }
    if (t->count == t->capacity) {
        size_t capacity = t->capacity ? 2 * t->capacity : 16;
        template_map **items = realloc(t->items, capacity * sizeof *items);
        if (items == NULL) {
            *why = "out of memory";
            return NULL;
        }
        t->items = items;
        t->capacity = capacity;
    }
    template_map *map = malloc(sizeof *map);
    if (map == NULL) {
        *why = "out of memory";
        return NULL;
    }
    const char *failure = compile(chunk, offset, at, map);
    map->made_in = *at;
    map->failure = failure;
    if (failure != NULL)
        masq_evtx_map_free(map);
    t->items[t->count++] = map;
    *why = failure;
    return failure == NULL ? map : NULL;
}

