/* Secrets kept out of every message (secrets.c). */
#ifndef MASQ_UTIL_SECRETS_H
#define MASQ_UTIL_SECRETS_H

#include <stddef.h>

/* Remember a secret value (a client secret, a key, a token) so that every
 * message built from server answers or curl errors can be scrubbed of it.
 * Values shorter than 4 bytes are ignored. */
void masq_secret_add(const char *value);
/* The same for a value that is renewed (a bearer token): when the slots are
 * full, the oldest renewed value is forgotten first, never a lasting one. */
void masq_secret_add_renewed(const char *value);
void masq_secrets_clear(void);

/* Copy text into out (always NUL-terminated), each known secret replaced by
 * "[redacted]" and control characters by spaces. */
void masq_redact(const char *text, char *out, size_t size);

#endif
