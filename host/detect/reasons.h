/* Why an anomaly is one, and how much it matters. */
#ifndef MASQ_REASONS_H
#define MASQ_REASONS_H

#include <stddef.h>
#include <stdint.h>

typedef enum masq_reason {
    MASQ_REASON_LOOKALIKE = 1u << 0,        /* a near copy of a frequent or known name */
    MASQ_REASON_EXTENSION = 1u << 1,        /* the same name with another or no extension */
    MASQ_REASON_HOMOGLYPH = 1u << 2,        /* confusable characters (Unicode TR39 skeleton) */
    MASQ_REASON_BIDI = 1u << 3,             /* right-to-left override or other bidi controls */
    MASQ_REASON_INVISIBLE = 1u << 4,        /* zero-width or other invisible characters */
    MASQ_REASON_TRAILING = 1u << 5,         /* trailing spaces or dots */
    MASQ_REASON_DOUBLE_EXTENSION = 1u << 6, /* invoice.pdf.exe */
    MASQ_REASON_WRONG_FOLDER = 1u << 7,     /* a known or frequent name where it does not belong */
    MASQ_REASON_RENAMED = 1u << 8,          /* the PE original file name differs */
    MASQ_REASON_LOOKALIKE_FOLDER = 1u << 9, /* run from a folder made to look like the system's */
    MASQ_REASON_NEW_FOLDER = 1u << 10,      /* --baseline: a known name run from a folder its
                                               history never had */
} masq_reason;

typedef enum masq_severity {
    MASQ_SEVERITY_LOW = 1,
    MASQ_SEVERITY_MEDIUM = 2,
    MASQ_SEVERITY_HIGH = 3,
} masq_severity;

/* "look-alike,homoglyph": the reasons' names, comma-separated, into out. */
void masq_reasons_format(uint32_t reasons, char *out, size_t size);

const char *masq_severity_name(masq_severity severity);

/* The bit of a reason's name ("wrong-folder"), or 0 for none. */
uint32_t masq_reason_of(const char *name, size_t length);

#endif
