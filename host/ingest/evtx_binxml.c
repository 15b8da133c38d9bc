#include "evtx_binxml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../names/name_table.h"

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

/* Value types of substitutions. */
enum {
    VALUE_NULL = 0x00,
    VALUE_STRING = 0x01,
    VALUE_ANSI = 0x02,
    VALUE_INT8 = 0x03,
    VALUE_UINT8 = 0x04,
    VALUE_INT16 = 0x05,
    VALUE_UINT16 = 0x06,
    VALUE_INT32 = 0x07,
    VALUE_UINT32 = 0x08,
    VALUE_INT64 = 0x09,
    VALUE_UINT64 = 0x0a,
    VALUE_BOOL = 0x0d,
    VALUE_GUID = 0x0f,
    VALUE_FILETIME = 0x11,
    VALUE_HEX32 = 0x14,
    VALUE_HEX64 = 0x15,
    VALUE_BINXML = 0x21,
};

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
    field_source fields[MASQ_EVTX_FIELDS];
    nested_slot nested[MAX_NESTED];
    size_t nested_count;
} template_map;

struct masq_evtx_templates {
    template_map *items;
    size_t count;
    size_t capacity;
};

static void map_free(template_map *map)
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
    for (size_t i = 0; i < t->count; i++)
        map_free(&t->items[i]);
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

/* Little-endian reads at a checked position. */
typedef struct cursor {
    const unsigned char *chunk;
    uint32_t at;
    uint32_t end; /* exclusive, <= MASQ_EVTX_CHUNK_BYTES */
    bool failed;
} cursor;

static bool has(cursor *c, uint32_t n)
{
    if (c->failed || n > c->end || c->at > c->end - n) {
        c->failed = true;
        return false;
    }
    return true;
}

static uint32_t u8(cursor *c)
{
    return has(c, 1) ? c->chunk[c->at++] : 0;
}

static uint32_t u16(cursor *c)
{
    if (!has(c, 2))
        return 0;
    uint32_t v = (uint32_t)c->chunk[c->at] | (uint32_t)c->chunk[c->at + 1] << 8;
    c->at += 2;
    return v;
}

static uint32_t u32_at(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t u64_at(const unsigned char *p)
{
    return (uint64_t)u32_at(p) | (uint64_t)u32_at(p + 4) << 32;
}

static uint32_t u32(cursor *c)
{
    if (!has(c, 4))
        return 0;
    uint32_t v = u32_at(c->chunk + c->at);
    c->at += 4;
    return v;
}

static void skip(cursor *c, uint32_t n)
{
    if (has(c, n))
        c->at += n;
}

/* UTF-16LE code units into UTF-8 (unpaired surrogates as U+FFFD); trailing
 * NULs dropped. Returns the bytes written, or -1 when out is too small. */
static long utf16_to_utf8(const unsigned char *in, size_t units, char *out, size_t size)
{
    while (units > 0 && in[2 * units - 2] == 0 && in[2 * units - 1] == 0)
        units--;
    size_t n = 0;
    for (size_t i = 0; i < units; i++) {
        uint32_t cp = (uint32_t)in[2 * i] | (uint32_t)in[2 * i + 1] << 8;
        if (cp >= 0xD800 && cp < 0xDC00 && i + 1 < units) {
            uint32_t low = (uint32_t)in[2 * i + 2] | (uint32_t)in[2 * i + 3] << 8;
            if (low >= 0xDC00 && low < 0xE000) {
                cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                i++;
            } else {
                cp = 0xFFFD;
            }
        } else if (cp >= 0xD800 && cp < 0xE000) {
            cp = 0xFFFD;
        }
        if (n + 4 >= size)
            return -1;
        if (cp < 0x80) {
            out[n++] = (char)cp;
        } else if (cp < 0x800) {
            out[n++] = (char)(0xC0 | cp >> 6);
            out[n++] = (char)(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out[n++] = (char)(0xE0 | cp >> 12);
            out[n++] = (char)(0x80 | ((cp >> 6) & 0x3F));
            out[n++] = (char)(0x80 | (cp & 0x3F));
        } else {
            out[n++] = (char)(0xF0 | cp >> 18);
            out[n++] = (char)(0x80 | ((cp >> 12) & 0x3F));
            out[n++] = (char)(0x80 | ((cp >> 6) & 0x3F));
            out[n++] = (char)(0x80 | (cp & 0x3F));
        }
    }
    out[n] = '\0';
    return (long)n;
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
    return utf16_to_utf8(chunk + offset + 8, count, out, size) >= 0 || (out[0] = '\0', true);
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
    if (text != NULL && utf16_to_utf8(c->chunk + c->at, units, text, size) < 0) {
        free(text);
        text = NULL;
    }
    c->at += 2 * units;
    return text;
}

/* Walk binary XML, bytes [start, end) of the chunk, from the context `at`,
 * into a field map. */
static const char *compile_range(const unsigned char *chunk, uint32_t start, uint32_t end,
                                 const context *at, template_map *map)
{
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
            if (w.at.depth == MAX_DEPTH)
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
    uint32_t size = u32_at(chunk + offset + 20);
    if (size > MASQ_EVTX_CHUNK_BYTES - offset - 24)
        return "template larger than the chunk";
    return compile_range(chunk, offset + 24, offset + 24 + size, at, map);
}

static const template_map *template_for(masq_evtx_templates *t, const unsigned char *chunk,
                                        uint32_t offset, const context *at, const char **why)
{
    for (size_t i = 0; i < t->count; i++)
        if (t->items[i].offset == offset)
            return &t->items[i];
    if (t->count == t->capacity) {
        size_t capacity = t->capacity ? 2 * t->capacity : 16;
        template_map *items = realloc(t->items, capacity * sizeof *items);
        if (items == NULL) {
            *why = "out of memory";
            return NULL;
        }
        t->items = items;
        t->capacity = capacity;
    }
    template_map *map = &t->items[t->count];
    *why = compile(chunk, offset, at, map);
    if (*why != NULL) {
        map_free(map);
        return NULL;
    }
    t->count++;
    return map;
}

/* Text into the record's buffer; false when it is full. */
static bool put(masq_evtx_record *r, masq_evtx_field field, const char *text, size_t length)
{
    if (r->fields[field] != NULL)
        return true; /* the first value of a field is the one read */
    if (r->used + length + 1 > sizeof r->text)
        return false;
    memcpy(r->text + r->used, text, length);
    r->text[r->used + length] = '\0';
    r->fields[field] = r->text + r->used;
    r->used += length + 1;
    return true;
}

#define FILETIME_UNIX_EPOCH 116444736000000000ull

/* A substitution value as text (the time also as milliseconds). */
static bool put_value(masq_evtx_record *r, masq_evtx_field field, uint32_t type,
                      const unsigned char *v, uint32_t size)
{
    char text[96];
    int n = -1;
    switch (type) {
    case VALUE_NULL:
        return true;
    case VALUE_STRING: {
        if (r->fields[field] != NULL)
            return true;
        if (r->used >= sizeof r->text)
            return false;
        long written = utf16_to_utf8(v, size / 2, r->text + r->used, sizeof r->text - r->used);
        if (written < 0)
            return false;
        r->fields[field] = r->text + r->used;
        r->used += (size_t)written + 1;
        return true;
    }
    case VALUE_ANSI: { /* a code page's bytes: read as Latin-1, so always UTF-8 */
        if (r->fields[field] != NULL)
            return true;
        size_t length = strnlen((const char *)v, size);
        if (r->used + 2 * length + 1 > sizeof r->text)
            return false;
        char *out = r->text + r->used;
        size_t written = 0;
        for (size_t i = 0; i < length; i++) {
            if (v[i] < 0x80) {
                out[written++] = (char)v[i];
            } else {
                out[written++] = (char)(0xC0 | v[i] >> 6);
                out[written++] = (char)(0x80 | (v[i] & 0x3F));
            }
        }
        out[written] = '\0';
        r->fields[field] = out;
        r->used += written + 1;
        return true;
    }
    case VALUE_UINT8:
        n = size >= 1 ? snprintf(text, sizeof text, "%u", v[0]) : -1;
        break;
    case VALUE_INT8:
        n = size >= 1 ? snprintf(text, sizeof text, "%d", (int8_t)v[0]) : -1;
        break;
    case VALUE_UINT16:
        n = size >= 2 ? snprintf(text, sizeof text, "%u", v[0] | v[1] << 8) : -1;
        break;
    case VALUE_INT16:
        n = size >= 2 ? snprintf(text, sizeof text, "%d", (int16_t)(v[0] | v[1] << 8)) : -1;
        break;
    case VALUE_UINT32:
        n = size >= 4 ? snprintf(text, sizeof text, "%u", u32_at(v)) : -1;
        break;
    case VALUE_INT32:
        n = size >= 4 ? snprintf(text, sizeof text, "%d", (int32_t)u32_at(v)) : -1;
        break;
    case VALUE_BOOL:
        n = size >= 4 ? snprintf(text, sizeof text, "%s", u32_at(v) ? "true" : "false") : -1;
        break;
    case VALUE_UINT64:
        n = size >= 8 ? snprintf(text, sizeof text, "%llu", (unsigned long long)u64_at(v)) : -1;
        break;
    case VALUE_INT64:
        n = size >= 8 ? snprintf(text, sizeof text, "%lld", (long long)u64_at(v)) : -1;
        break;
    case VALUE_HEX32:
        n = size >= 4 ? snprintf(text, sizeof text, "0x%08x", u32_at(v)) : -1;
        break;
    case VALUE_HEX64:
        n = size >= 8 ? snprintf(text, sizeof text, "0x%016llx", (unsigned long long)u64_at(v)) : -1;
        break;
    case VALUE_GUID:
        n = size >= 16 ? snprintf(text, sizeof text, "{%08X-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X}",
                                  u32_at(v), v[4] | v[5] << 8, v[6] | v[7] << 8, v[8], v[9], v[10],
                                  v[11], v[12], v[13], v[14], v[15])
                       : -1;
        break;
    case VALUE_FILETIME:
        if (size < 8)
            return false;
        if (field == MASQ_EVTX_TIME) {
            uint64_t ticks = u64_at(v);
            r->time_ms = ticks >= FILETIME_UNIX_EPOCH ? (int64_t)((ticks - FILETIME_UNIX_EPOCH) / 10000)
                                                      : -(int64_t)((FILETIME_UNIX_EPOCH - ticks + 9999) / 10000);
        }
        return true;
    default:
        return true; /* a type masq does not read: the field stays absent */
    }
    return n >= 0 && put(r, field, text, (size_t)n);
}

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
        uint32_t size = u32_at(chunk + c->at + 20);
        skip(c, 24);
        skip(c, size);
        if (c->failed)
            return "template outside the record";
    }
    const char *why = NULL;
    const template_map *map = template_for(t, chunk, definition, ctx, &why);
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
            !put(r, (masq_evtx_field)f, s->literal, strlen(s->literal)))
            return "record text too long";
        if (s->kind != SOURCE_SUBSTITUTION || s->substitution >= count)
            continue;
        uint32_t i = s->substitution;
        uint32_t size = (uint32_t)chunk[descriptors + 4 * i] | (uint32_t)chunk[descriptors + 4 * i + 1] << 8;
        if (!put_value(r, (masq_evtx_field)f, chunk[descriptors + 4 * i + 2], chunk + starts[i], size))
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
    const char *why = compile_range(chunk, c.at, c.end, ctx, &plain);
    for (int f = 0; why == NULL && f < MASQ_EVTX_FIELDS; f++)
        if (plain.fields[f].kind == SOURCE_LITERAL && plain.fields[f].literal != NULL &&
            !put(r, (masq_evtx_field)f, plain.fields[f].literal, strlen(plain.fields[f].literal)))
            why = "record text too long";
    map_free(&plain);
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
