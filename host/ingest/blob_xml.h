/* The little XML that Blob Storage answers with (blob_xml.c): List Blobs'
 * EnumerationResults and the error bodies. Elements are found by name, their
 * text decoded; nothing else of XML is needed. */
#ifndef MASQ_BLOB_XML_H
#define MASQ_BLOB_XML_H

#include <stdbool.h>
#include <stddef.h>

/* The text of the first <tag>...</tag> (or <tag attr...>, or <tag/>) in
 * [from, end): its start, and its length in *length; NULL when there is
 * none. encoded (may be NULL): the element says Encoded="true". */
const char *masq_blob_xml_element(const char *from, const char *end, const char *tag,
                                  size_t *length, bool *encoded);

/* XML text to bytes: the five entities and character references; encoded:
 * percent-decoded after (the service's Encoded="true" names). malloc'd;
 * NULL when out of memory or when the text decodes to a NUL. */
char *masq_blob_xml_text(const char *text, size_t length, bool encoded);

#endif
