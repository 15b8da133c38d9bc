/* Tricks in one name that need no comparison: right-to-left override and
 * other bidi controls, invisible characters, trailing spaces or dots (Windows
 * drops them), and double extensions (invoice.pdf.exe). Looked for in the name
 * as it was logged (only lower-cased, which erases none of them). */
#ifndef MASQ_UNICODE_TRICKS_H
#define MASQ_UNICODE_TRICKS_H

#include <stddef.h>
#include <stdint.h>

#include "../util/status.h"
#include "reasons.h"

typedef struct masq_tricks {
    uint32_t reasons; /* MASQ_REASON_BIDI, _INVISIBLE, _TRAILING, _DOUBLE_EXTENSION */
    char *cleaned;    /* the name without bidi, invisible and trailing characters */
    char *displayed;  /* how a right-to-left override makes it look, or NULL */
} masq_tricks;

/* Find the tricks in a valid UTF-8 name. With no trick, reasons is 0 and no
 * string is allocated. */
masq_status masq_tricks_find(const char *name, size_t length, masq_tricks *tricks);
void masq_tricks_free(masq_tricks *tricks);

#endif
