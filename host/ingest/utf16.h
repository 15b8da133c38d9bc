/* UTF-16 text (a byte-order mark: PowerShell 5's '>') decoded to UTF-8, in
 * pieces of any size. */
#ifndef MASQ_UTF16_H
#define MASQ_UTF16_H

#include <stdbool.h>
#include <stddef.h>

typedef struct masq_utf16 {
    bool big_endian;
    bool started;      /* the byte-order mark is behind */
    int have_byte;
    unsigned char byte;
    unsigned high;     /* a high surrogate waiting for its low half */
} masq_utf16;

/* Decode n bytes; out holds at least 2 * n + 8 bytes. Unpaired surrogates
 * become U+FFFD. A leading byte-order mark is dropped. */
size_t masq_utf16_decode(masq_utf16 *u, const unsigned char *in, size_t n, char *out);

#endif
