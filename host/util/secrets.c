/* Secret values known to this process, scrubbed from every message built
 * from a server's answer or a transport error before it is logged. */
#include <stdlib.h>
#include <string.h>

#include "secrets.h"

#define SECRET_SLOTS 8

static char *secrets[SECRET_SLOTS];

void masq_secret_add(const char *value)
{
    if (value == NULL || strlen(value) < 4)
        return;
    for (int i = 0; i < SECRET_SLOTS; i++)
        if (secrets[i] != NULL && strcmp(secrets[i], value) == 0)
            return;
    for (int i = 0; i < SECRET_SLOTS; i++) {
        if (secrets[i] == NULL) {
            secrets[i] = strdup(value);
            return;
        }
    }
    /* Full: drop the oldest (a token long replaced). */
    free(secrets[0]);
    memmove(secrets, secrets + 1, (SECRET_SLOTS - 1) * sizeof *secrets);
    secrets[SECRET_SLOTS - 1] = strdup(value);
}

void masq_secrets_clear(void)
{
    for (int i = 0; i < SECRET_SLOTS; i++) {
        if (secrets[i] != NULL) {
            /* Not a guarantee against the optimizer, but no copy lingers in the heap. */
            volatile char *p = secrets[i];
            while (*p)
                *p++ = 0;
            free(secrets[i]);
            secrets[i] = NULL;
        }
    }
}

static const char *secret_at(const char *text)
{
    for (int i = 0; i < SECRET_SLOTS; i++)
        if (secrets[i] != NULL && strncmp(text, secrets[i], strlen(secrets[i])) == 0)
            return secrets[i];
    return NULL;
}

void masq_redact(const char *text, char *out, size_t size)
{
    static const char mark[] = "[redacted]";
    size_t used = 0;
    if (size == 0)
        return;
    for (const char *p = text ? text : ""; *p && used + 1 < size;) {
        const char *secret = secret_at(p);
        if (secret != NULL) {
            for (const char *m = mark; *m && used + 1 < size; m++)
                out[used++] = *m;
            p += strlen(secret);
            continue;
        }
        unsigned char c = (unsigned char)*p++;
        out[used++] = c < 0x20 || c == 0x7f ? ' ' : (char)c;
    }
    out[used] = '\0';
}
