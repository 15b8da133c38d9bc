/* Secret values known to this process, scrubbed from every message built
 * from a server's answer or a transport error before it is logged. */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "secrets.h"

#define SECRET_SLOTS 16

/* Oldest first. A renewed secret (a bearer token, replaced each hour) is the
 * first to go when the slots are full, never a lasting one (a client secret,
 * a key, a SAS), which would otherwise be pushed out by a long run's tokens. */
static char *secrets[SECRET_SLOTS];
static bool renewed[SECRET_SLOTS];
/* Readers renew tokens while others redact their errors: one lock for all. */
static pthread_mutex_t secrets_lock = PTHREAD_MUTEX_INITIALIZER;

static void remember(const char *value, bool is_renewed)
{
    if (value == NULL || strlen(value) < 4)
        return;
    for (int i = 0; i < SECRET_SLOTS; i++)
        if (secrets[i] != NULL && strcmp(secrets[i], value) == 0)
            return;
    for (int i = 0; i < SECRET_SLOTS; i++) {
        if (secrets[i] == NULL) {
            secrets[i] = strdup(value);
            renewed[i] = is_renewed;
            return;
        }
    }
    int drop = 0;
    while (drop < SECRET_SLOTS - 1 && !renewed[drop])
        drop++;
    if (!renewed[drop])
        drop = 0; /* all lasting: the oldest */
    free(secrets[drop]);
    memmove(secrets + drop, secrets + drop + 1, (size_t)(SECRET_SLOTS - 1 - drop) * sizeof *secrets);
    memmove(renewed + drop, renewed + drop + 1, (size_t)(SECRET_SLOTS - 1 - drop) * sizeof *renewed);
    secrets[SECRET_SLOTS - 1] = strdup(value);
    renewed[SECRET_SLOTS - 1] = is_renewed;
}

void masq_secret_add(const char *value)
{
    pthread_mutex_lock(&secrets_lock);
    remember(value, false);
    pthread_mutex_unlock(&secrets_lock);
}

void masq_secret_add_renewed(const char *value)
{
    pthread_mutex_lock(&secrets_lock);
    remember(value, true);
    pthread_mutex_unlock(&secrets_lock);
}

void masq_secrets_clear(void)
{
    pthread_mutex_lock(&secrets_lock);
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
    pthread_mutex_unlock(&secrets_lock);
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
    pthread_mutex_lock(&secrets_lock);
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
    pthread_mutex_unlock(&secrets_lock);
}
