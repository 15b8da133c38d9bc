#include "json_fields.h"

#include <pthread.h>
#include <stdint.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define FIELD(id, name) [id] = {name, sizeof name - 1}
static const struct {
    const char *name;
    size_t length;
} field_names[MASQ_FIELD_COUNT] = {
    FIELD(MASQ_FIELD_EVENT_ID, "EventID"),
    FIELD(MASQ_FIELD_PROCESS, "Process"),
    FIELD(MASQ_FIELD_NEW_PROCESS_NAME, "NewProcessName"),
    FIELD(MASQ_FIELD_COMPUTER, "Computer"),
    FIELD(MASQ_FIELD_TIME_GENERATED, "TimeGenerated"),
    FIELD(MASQ_FIELD_EVENT_ORIGIN_ID, "EventOriginId"),
    FIELD(MASQ_FIELD_IMAGE, "Image"),
    FIELD(MASQ_FIELD_ORIGINAL_FILE_NAME, "OriginalFileName"),
    FIELD(MASQ_FIELD_UTC_TIME, "UtcTime"),
    FIELD(MASQ_FIELD_FILE_NAME, "FileName"),
    FIELD(MASQ_FIELD_FOLDER_PATH, "FolderPath"),
    FIELD(MASQ_FIELD_VERSION_ORIGINAL_FILE_NAME, "ProcessVersionInfoOriginalFileName"),
    FIELD(MASQ_FIELD_DEVICE_NAME, "DeviceName"),
    FIELD(MASQ_FIELD_TIMESTAMP, "Timestamp"),
    FIELD(MASQ_FIELD_ACTION_TYPE, "ActionType"),
    FIELD(MASQ_FIELD_ACCOUNT, "Account"),
    FIELD(MASQ_FIELD_SUBJECT_USER_NAME, "SubjectUserName"),
    FIELD(MASQ_FIELD_SUBJECT_DOMAIN_NAME, "SubjectDomainName"),
    FIELD(MASQ_FIELD_PARENT_PROCESS_NAME, "ParentProcessName"),
    FIELD(MASQ_FIELD_NEW_PROCESS_ID, "NewProcessId"),
    FIELD(MASQ_FIELD_USER, "User"),
    FIELD(MASQ_FIELD_PARENT_IMAGE, "ParentImage"),
    FIELD(MASQ_FIELD_PROCESS_ID, "ProcessId"),
    FIELD(MASQ_FIELD_PROCESS_GUID, "ProcessGuid"),
    FIELD(MASQ_FIELD_ACCOUNT_NAME, "AccountName"),
    FIELD(MASQ_FIELD_ACCOUNT_DOMAIN, "AccountDomain"),
    FIELD(MASQ_FIELD_INITIATING_PROCESS_FOLDER_PATH, "InitiatingProcessFolderPath"),
    FIELD(MASQ_FIELD_HASHES, "Hashes"),
    FIELD(MASQ_FIELD_SHA256, "SHA256"),
    FIELD(MASQ_FIELD_TARGET_PROCESS_NAME, "TargetProcessName"),
    FIELD(MASQ_FIELD_TARGET_PROCESS_FILENAME, "TargetProcessFilename"),
    FIELD(MASQ_FIELD_TARGET_PROCESS_FILE_ORIGINAL_NAME, "TargetProcessFileOriginalName"),
    FIELD(MASQ_FIELD_TARGET_PROCESS_ID, "TargetProcessId"),
    FIELD(MASQ_FIELD_TARGET_PROCESS_SHA256, "TargetProcessSHA256"),
    FIELD(MASQ_FIELD_TARGET_USERNAME, "TargetUsername"),
    FIELD(MASQ_FIELD_ACTOR_USERNAME, "ActorUsername"),
    FIELD(MASQ_FIELD_ACTING_PROCESS_NAME, "ActingProcessName"),
    FIELD(MASQ_FIELD_DVC_HOSTNAME, "DvcHostname"),
    FIELD(MASQ_FIELD_DVC, "Dvc"),
    FIELD(MASQ_FIELD_EVENT_START_TIME, "EventStartTime"),
    FIELD(MASQ_FIELD_EVENT_TYPE, "EventType"),
    FIELD(MASQ_FIELD_EVENT_PRODUCT, "EventProduct"),
    FIELD(MASQ_FIELD_ECS_TIMESTAMP, "@timestamp"),
    FIELD(MASQ_FIELD_ECS_PROCESS, "process"),
    FIELD(MASQ_FIELD_EVTX_EVENT, "Event"),
    FIELD(MASQ_FIELD_DOCUMENT, "document"),
    FIELD(MASQ_FIELD_DETAILS, "Details"),
};
#undef FIELD

/* The fields by the first byte of their names: a key is held only to the few
 * names that start like it (built once, before any reader starts). */
#define MAX_SAME_START 8
static signed char by_start[256][MAX_SAME_START + 1];
static pthread_once_t by_start_once = PTHREAD_ONCE_INIT;

static void build_by_start(void)
{
    memset(by_start, -1, sizeof by_start);
    for (int f = 0; f < MASQ_FIELD_COUNT; f++) {
        signed char *slot = by_start[(unsigned char)field_names[f].name[0]];
        int n = 0;
        while (slot[n] >= 0)
            n++;
        if (n < MAX_SAME_START)
            slot[n] = (signed char)f;
    }
}

static int field_of(const char *key, size_t length)
{
    if (length == 0)
        return -1;
    pthread_once(&by_start_once, build_by_start);
    /* Then the length and the last byte: most keys end here. */
    for (const signed char *f = by_start[(unsigned char)key[0]]; *f >= 0; f++)
        if (field_names[*f].length == length && field_names[*f].name[length - 1] == key[length - 1] &&
            memcmp(field_names[*f].name, key, length) == 0)
            return *f;
    return -1;
}

/* Bytes that end a plain run inside a string: the quote, the backslash, and
 * the control characters strict JSON forbids there. */
static const unsigned char string_special[256] = {
    [0 ... 0x1F] = 1, ['"'] = 1, ['\\'] = 1,
};

int masq_field_of(const char *key)
{
    return field_of(key, strlen(key));
}

const char *masq_field_name(masq_field field)
{
    return field_names[field].name;
}

bool masq_json_has_escaped_nul(const char *line, size_t length)
{
    const char *p = line, *end = line + length;
    while ((p = memchr(p, '\\', (size_t)(end - p))) != NULL) {
        if (end - p >= 6 && p[1] == 'u' && memcmp(p + 2, "0000", 4) == 0)
            return true;
        p += 2; /* the escaped character, whatever it is */
        if (p >= end)
            break;
    }
    return false;
}

typedef struct scanner {
    const char *p, *end;
    char *out; /* next free byte of scratch */
    int depth;
} scanner;

static void skip_space(scanner *s)
{
    while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
        s->p++;
}

static int hex_value(char h)
{
    return h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10
                                        : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
}

/* A string starting at '"'. With out, its decoded bytes are written there
 * and *length is their count; without, the string is only checked. */
static bool scan_string(scanner *s, char *out, size_t *length)
{
    s->p++; /* the quote */
    size_t n = 0;
    while (s->p < s->end) {
        const char *run = s->p;
#ifdef __SSE2__
        /* Sixteen bytes at a time: the first quote, backslash or control
         * character (x <= 0x1F unsigned: max(x, 0x1F) == 0x1F) ends the run. */
        const __m128i quote16 = _mm_set1_epi8('"'), backslash16 = _mm_set1_epi8('\\'),
                      control16 = _mm_set1_epi8(0x1F);
        while (s->end - s->p >= 16) {
            __m128i bytes = _mm_loadu_si128((const __m128i *)(const void *)s->p);
            __m128i special = _mm_or_si128(
                _mm_or_si128(_mm_cmpeq_epi8(bytes, quote16), _mm_cmpeq_epi8(bytes, backslash16)),
                _mm_cmpeq_epi8(_mm_max_epu8(bytes, control16), control16));
            unsigned mask = (unsigned)_mm_movemask_epi8(special);
            if (mask != 0) {
                s->p += __builtin_ctz(mask);
                break;
            }
            s->p += 16;
        }
#endif
        /* Eight bytes at a time while none is a quote, a backslash or a
         * control character (the classic has-zero-byte bit tricks). */
        while (s->end - s->p >= 8) {
            uint64_t word;
            memcpy(&word, s->p, 8);
            const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
            uint64_t quote = word ^ (ones * '"'), backslash = word ^ (ones * '\\');
            uint64_t special = ((quote - ones) & ~quote) | ((backslash - ones) & ~backslash) |
                               ((word - ones * 0x20) & ~word);
            if (special & highs)
                break;
            s->p += 8;
        }
        while (s->p < s->end && !string_special[(unsigned char)*s->p])
            s->p++;
        if (s->p > run) {
            if (out)
                memcpy(out + n, run, (size_t)(s->p - run));
            n += (size_t)(s->p - run);
            if (s->p == s->end)
                break;
        }
        unsigned char c = (unsigned char)*s->p;
        if (c == '"') {
            s->p++;
            *length = n;
            return true;
        }
        if (c < 0x20)
            return false; /* strict JSON: control characters must be escaped */
        if (s->end - s->p < 2)
            return false;
        char e = s->p[1];
        s->p += 2;
        char decoded;
        switch (e) {
        case '"': decoded = '"'; break;
        case '\\': decoded = '\\'; break;
        case '/': decoded = '/'; break;
        case 'b': decoded = '\b'; break;
        case 'f': decoded = '\f'; break;
        case 'n': decoded = '\n'; break;
        case 'r': decoded = '\r'; break;
        case 't': decoded = '\t'; break;
        case 'u': {
            if (s->end - s->p < 4)
                return false;
            int code = 0;
            for (int i = 0; i < 4; i++) {
                int h = hex_value(s->p[i]);
                if (h < 0)
                    return false;
                code = code * 16 + h;
            }
            s->p += 4;
            /* Surrogates and NUL (which would cut a C string): cJSON decides. */
            if (code == 0 || (code >= 0xD800 && code <= 0xDFFF))
                return false;
            char bytes[3];
            int count;
            if (code < 0x80) {
                bytes[0] = (char)code;
                count = 1;
            } else if (code < 0x800) {
                bytes[0] = (char)(0xC0 | (code >> 6));
                bytes[1] = (char)(0x80 | (code & 0x3F));
                count = 2;
            } else {
                bytes[0] = (char)(0xE0 | (code >> 12));
                bytes[1] = (char)(0x80 | ((code >> 6) & 0x3F));
                bytes[2] = (char)(0x80 | (code & 0x3F));
                count = 3;
            }
            for (int i = 0; i < count; i++, n++)
                if (out)
                    out[n] = bytes[i];
            continue;
        }
        default:
            return false;
        }
        if (out)
            out[n] = decoded;
        n++;
    }
    return false;
}

static bool scan_number(scanner *s)
{
    const char *p = s->p;
    if (p < s->end && *p == '-')
        p++;
    if (p == s->end)
        return false;
    if (*p == '0') {
        p++;
    } else if (*p >= '1' && *p <= '9') {
        while (p < s->end && *p >= '0' && *p <= '9')
            p++;
    } else {
        return false;
    }
    if (p < s->end && *p == '.') {
        p++;
        if (p == s->end || *p < '0' || *p > '9')
            return false;
        while (p < s->end && *p >= '0' && *p <= '9')
            p++;
    }
    if (p < s->end && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < s->end && (*p == '+' || *p == '-'))
            p++;
        if (p == s->end || *p < '0' || *p > '9')
            return false;
        while (p < s->end && *p >= '0' && *p <= '9')
            p++;
    }
    /* cJSON reads numbers with strtod into a 64-byte buffer: longer ones it may
     * read differently, so they go to it. */
    if (p - s->p > 60)
        return false;
    s->p = p;
    return true;
}

static bool scan_literal(scanner *s, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(s->end - s->p) < n || memcmp(s->p, word, n) != 0)
        return false;
    s->p += n;
    return true;
}

static bool scan_value(scanner *s);

static bool scan_container(scanner *s, char close)
{
    if (++s->depth > 64)
        return false;
    s->p++;
    skip_space(s);
    if (s->p < s->end && *s->p == close) {
        s->p++;
        s->depth--;
        return true;
    }
    for (;;) {
        if (close == '}') {
            size_t key_length;
            if (s->p == s->end || *s->p != '"' || !scan_string(s, NULL, &key_length))
                return false;
            skip_space(s);
            if (s->p == s->end || *s->p != ':')
                return false;
            s->p++;
            skip_space(s);
        }
        if (!scan_value(s))
            return false;
        skip_space(s);
        if (s->p == s->end)
            return false;
        if (*s->p == close) {
            s->p++;
            s->depth--;
            return true;
        }
        if (*s->p != ',')
            return false;
        s->p++;
        skip_space(s);
    }
}

static bool scan_value(scanner *s)
{
    if (s->p == s->end)
        return false;
    size_t length;
    switch (*s->p) {
    case '"':
        return scan_string(s, NULL, &length);
    case '{':
        return scan_container(s, '}');
    case '[':
        return scan_container(s, ']');
    case 't':
        return scan_literal(s, "true");
    case 'f':
        return scan_literal(s, "false");
    case 'n':
        return scan_literal(s, "null");
    default:
        return scan_number(s);
    }
}

/* Keep a value's raw text (a number's) as the field. */
static void keep_raw(scanner *s, masq_json_fields *fields, int field, masq_field_kind kind,
                     const char *start, size_t length)
{
    memcpy(s->out, start, length);
    s->out[length] = '\0';
    fields->kinds[field] = kind;
    fields->values[field] = s->out;
    s->out += length + 1;
}

bool masq_json_fields_scan(const char *line, size_t length, masq_json_fields *fields)
{
    memset(fields->kinds, 0, sizeof fields->kinds);
    scanner s = {line, line + length, fields->scratch, 0};
    skip_space(&s);
    if (s.p == s.end || *s.p != '{')
        return false;
    s.p++;
    s.depth = 1;
    skip_space(&s);
    if (s.p < s.end && *s.p == '}') {
        s.p++;
    } else {
        for (;;) {
            /* The key is read where it stands: an escape makes the decoded
             * key shorter than its text, and an escaped key ("Event\u0049D")
             * goes to cJSON, so that both paths read it alike. */
            size_t key_length, value_length;
            const char *key = s.p;
            if (s.p == s.end || *s.p != '"' || !scan_string(&s, NULL, &key_length))
                return false;
            if ((size_t)(s.p - key) - 2 != key_length)
                return false;
            int field = field_of(key + 1, key_length);
            skip_space(&s);
            if (s.p == s.end || *s.p != ':')
                return false;
            s.p++;
            skip_space(&s);
            if (s.p == s.end)
                return false;
            bool wanted = field >= 0 && fields->kinds[field] == MASQ_FIELD_ABSENT;
            const char *before = s.p;
            if (wanted && *s.p == '"') {
                if (!scan_string(&s, s.out, &value_length))
                    return false;
                s.out[value_length] = '\0';
                fields->kinds[field] = MASQ_FIELD_STRING;
                fields->values[field] = s.out;
                s.out += value_length + 1;
            } else {
                if (!scan_value(&s))
                    return false;
                if (wanted) {
                    char c = *before;
                    bool number = c == '-' || (c >= '0' && c <= '9');
                    keep_raw(&s, fields, field, number ? MASQ_FIELD_NUMBER : MASQ_FIELD_OTHER,
                             before, number ? (size_t)(s.p - before) : 0);
                }
            }
            skip_space(&s);
            if (s.p == s.end)
                return false;
            if (*s.p == '}') {
                s.p++;
                break;
            }
            if (*s.p != ',')
                return false;
            s.p++;
            skip_space(&s);
        }
    }
    skip_space(&s);
    return s.p == s.end;
}
