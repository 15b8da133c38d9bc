#include "blob_xml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *masq_blob_xml_element(const char *from, const char *end, const char *tag,
                                  size_t *length, bool *encoded)
{
    size_t tag_length = strlen(tag);
    for (const char *p = from; p + tag_length + 2 <= end; p++) {
        p = memchr(p, '<', (size_t)(end - p));
        if (p == NULL || p + tag_length + 2 > end)
            return NULL;
        if (memcmp(p + 1, tag, tag_length) != 0 || (p[1 + tag_length] != '>' &&
                                                    p[1 + tag_length] != ' ' &&
                                                    p[1 + tag_length] != '/'))
            continue;
        const char *close = memchr(p, '>', (size_t)(end - p));
        if (close == NULL)
            return NULL;
        if (encoded != NULL) {
            const char *attr = p + 1 + tag_length;
            *encoded = false;
            for (const char *a = attr; a + 14 <= close; a++)
                if (memcmp(a, "Encoded=\"true\"", 14) == 0)
                    *encoded = true;
        }
        if (close[-1] == '/') { /* <tag/> */
            *length = 0;
            return close + 1;
        }
        const char *text = close + 1;
        char closing[64];
        snprintf(closing, sizeof closing, "</%s>", tag);
        size_t closing_length = strlen(closing);
        for (const char *q = text; q + closing_length <= end; q++) {
            q = memchr(q, '<', (size_t)(end - q));
            if (q == NULL || q + closing_length > end)
                return NULL;
            if (memcmp(q, closing, closing_length) == 0) {
                *length = (size_t)(q - text);
                return text;
            }
        }
        return NULL;
    }
    return NULL;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static size_t put_utf8(char *out, unsigned long code)
{
    if (code < 0x80) {
        out[0] = (char)code;
        return 1;
    }
    if (code < 0x800) {
        out[0] = (char)(0xC0 | (code >> 6));
        out[1] = (char)(0x80 | (code & 0x3F));
        return 2;
    }
    if (code < 0x10000) {
        out[0] = (char)(0xE0 | (code >> 12));
        out[1] = (char)(0x80 | ((code >> 6) & 0x3F));
        out[2] = (char)(0x80 | (code & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (code >> 18));
    out[1] = (char)(0x80 | ((code >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((code >> 6) & 0x3F));
    out[3] = (char)(0x80 | (code & 0x3F));
    return 4;
}

char *masq_blob_xml_text(const char *text, size_t length, bool encoded)
{
    char *out = malloc(length + 1);
    if (out == NULL)
        return NULL;
    size_t n = 0;
    for (size_t i = 0; i < length;) {
        if (text[i] != '&') {
            out[n++] = text[i++];
            continue;
        }
        const char *semi = memchr(text + i, ';', length - i);
        size_t entity = semi ? (size_t)(semi - (text + i)) + 1 : 0;
        static const struct {
            const char *name;
            char value;
        } named[] = {{"&amp;", '&'},   {"&lt;", '<'},    {"&gt;", '>'},
                     {"&quot;", '"'}, {"&apos;", '\''}};
        bool done = false;
        for (size_t k = 0; k < 5 && !done; k++)
            if (entity == strlen(named[k].name) && memcmp(text + i, named[k].name, entity) == 0) {
                out[n++] = named[k].value;
                done = true;
            }
        if (!done && entity > 3 && text[i + 1] == '#') {
            unsigned long code = text[i + 2] == 'x' ? strtoul(text + i + 3, NULL, 16)
                                                    : strtoul(text + i + 2, NULL, 10);
            if (code == 0 || code > 0x10FFFF) {
                free(out);
                return NULL;
            }
            n += put_utf8(out + n, code); /* a reference is never shorter than its bytes */
            done = true;
        }
        if (done) {
            i += entity;
        } else {
            out[n++] = text[i++];
        }
    }
    out[n] = '\0';
    if (encoded) {
        size_t m = 0;
        for (size_t i = 0; i < n; i++) {
            if (out[i] == '%' && i + 2 < n + 1 && hex_value(out[i + 1]) >= 0 &&
                hex_value(out[i + 2]) >= 0) {
                out[m++] = (char)(hex_value(out[i + 1]) * 16 + hex_value(out[i + 2]));
                i += 2;
            } else {
                out[m++] = out[i];
            }
        }
        out[m] = '\0';
        if (m != strlen(out)) {
            free(out);
            return NULL;
        }
    }
    return out;
}
