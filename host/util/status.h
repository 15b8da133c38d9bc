/* One status enum for the whole library, one message table, and the
 * propagation macro. The library returns a masq_status; only main.c exits. */
#ifndef MASQ_STATUS_H
#define MASQ_STATUS_H

typedef enum masq_status {
    MASQ_OK = 0,
    MASQ_ERR_USAGE,    /* bad options or arguments */
    MASQ_ERR_INPUT,    /* input missing, unreadable, or malformed under --strict */
    MASQ_ERR_OUTPUT,   /* results could not be written */
    MASQ_ERR_NOMEM,    /* out of memory */
    MASQ_ERR_DEVICE,   /* the requested compute backend is not available */
    MASQ_ERR_INTERNAL, /* a bug: an invariant did not hold */
    MASQ_ERR_PUBLISH,  /* results could not be published (they are kept on disk) */
    MASQ_STATUS_COUNT
} masq_status;

/* A short, stable English message for a status. Never NULL. */
const char *masq_status_message(masq_status status);

/* The documented process exit code for a status (see README.md). */
int masq_status_exit_code(masq_status status);

/* Evaluate an expression returning masq_status; return it from the caller on failure. */
#define MASQ_TRY(expr)                          \
    do {                                        \
        masq_status masq_try_status_ = (expr);  \
        if (masq_try_status_ != MASQ_OK)        \
            return masq_try_status_;            \
    } while (0)

#endif
