/* What a failed exchange means for a batch of records (send_result.c). */
#ifndef MASQ_PUBLISH_SEND_RESULT_H
#define MASQ_PUBLISH_SEND_RESULT_H

#include "../azure/azure_http.h"

typedef enum masq_send_result {
    MASQ_SEND_ACKNOWLEDGED,
    MASQ_SEND_REJECTED,    /* the server refused it: retrying the same is pointless */
    MASQ_SEND_BAD_BATCH,   /* 400: this batch's data refused; others may pass */
    MASQ_SEND_TOO_LARGE,   /* 413: split it (records are independent) */
    MASQ_SEND_UNDELIVERED, /* not acknowledged after the retries */
    MASQ_SEND_NO_CREDENTIALS,
} masq_send_result;

/* What a failed exchange means for the batch: 413 too large, 400 bad data,
 * another refusal, or not delivered. */
masq_send_result masq_send_result_of(masq_http_outcome outcome, const masq_http_response *response);

#endif
