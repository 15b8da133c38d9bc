/* The XML of Blob Storage's answers as masq reads it (host/ingest/blob_xml.c):
 * elements found by name in a bounded buffer (never past its end, even when
 * cut), entities and character references decoded, Encoded="true" names
 * percent-decoded, a NUL refused. Each input sits in a buffer of its exact
 * size, so a read past the end is one a sanitizer sees. */
#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "ingest/blob_xml.h"

/* The text of tag in xml (a copy of exactly strlen(xml) bytes), decoded;
 * NULL when absent or refused. *encoded_out: it said Encoded="true". */
static char *text_of(const char *xml, const char *tag, bool *encoded_out)
{
    size_t n = strlen(xml);
    char *copy = malloc(n ? n : 1);
    memcpy(copy, xml, n);
    size_t length = 0;
    bool encoded = false;
    const char *text = masq_blob_xml_element(copy, copy + n, tag, &length, &encoded);
    char *decoded = text ? masq_blob_xml_text(text, length, encoded) : NULL;
    if (encoded_out)
        *encoded_out = encoded;
    free(copy);
    return decoded;
}

static bool text_is(const char *xml, const char *tag, const char *want)
{
    char *got = text_of(xml, tag, NULL);
    bool same = want == NULL ? got == NULL : got != NULL && strcmp(got, want) == 0;
    free(got);
    return same;
}

int main(void)
{
    CHECK(text_is("<Name>a.json</Name>", "Name", "a.json"), "a plain element");
    CHECK(text_is("<Blobs><Blob><Name>x</Name></Blob></Blobs>", "Blob", "<Name>x</Name>"),
          "<Blobs> is not <Blob>");
    CHECK(text_is("<NextMarker/>", "NextMarker", ""), "a self-closed element is empty");
    CHECK(text_is("<NextMarker></NextMarker>", "NextMarker", ""), "an empty element");
    CHECK(text_is("<Name>a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos;</Name>", "Name",
                  "a & b <c> \"d\" 'e'"),
          "the five entities");
    CHECK(text_is("<Name>&#252;&#x4E2D;&#x1F600;</Name>", "Name",
                  "\xC3\xBC\xE4\xB8\xAD\xF0\x9F\x98\x80"),
          "character references to UTF-8");
    CHECK(text_is("<Name>&#0;</Name>", "Name", NULL), "a NUL reference is refused");
    CHECK(text_is("<Name>&#x110000;</Name>", "Name", NULL), "past U+10FFFF is refused");
    CHECK(text_is("<Name>a & b &bogus; c</Name>", "Name", "a & b &bogus; c"),
          "a bare '&' and an unknown entity are kept as they are");
    bool encoded = false;
    char *name = text_of("<Name Encoded=\"true\">ctl%01name%20x.json</Name>", "Name", &encoded);
    CHECK(encoded && name && strcmp(name, "ctl\x01name x.json") == 0, "an Encoded name: %s",
          name ? name : "(none)");
    free(name);
    CHECK(text_is("<Name Encoded=\"true\">a%00b</Name>", "Name", NULL),
          "an Encoded NUL is refused");
    CHECK(text_is("<Name Encoded=\"true\">100%</Name>", "Name", "100%"),
          "a '%%' at the end stays");
    /* Cut answers: nothing found, nothing read past the end. */
    const char *cut[] = {"<Na", "<Name", "<Name>", "<Name>abc", "<Name>abc</Nam", "<Name attr",
                         "<", ""};
    for (size_t i = 0; i < sizeof cut / sizeof *cut; i++)
        CHECK(text_is(cut[i], "Name", NULL), "cut after %zu bytes: nothing", strlen(cut[i]));
    CHECK(text_is("<Code>AuthenticationFailed</Code><Message>Server failed\nRequestId:1</Message>",
                  "Message", "Server failed\nRequestId:1"),
          "an error body's message");
    return check_finish("blob_xml");
}
