#include "send_result.h"

masq_send_result masq_send_result_of(masq_http_outcome outcome, const masq_http_response *response)
{
    if (outcome == MASQ_HTTP_ACKNOWLEDGED)
        return MASQ_SEND_ACKNOWLEDGED;
    if (outcome != MASQ_HTTP_REJECTED)
        return MASQ_SEND_UNDELIVERED;
    if (response->status == 413)
        return MASQ_SEND_TOO_LARGE;
    return response->status == 400 ? MASQ_SEND_BAD_BATCH : MASQ_SEND_REJECTED;
}
