/* The Logs Ingestion API: one batch to a DCR stream (logs_ingestion.c). */
#ifndef MASQ_LOGS_INGESTION_H
#define MASQ_LOGS_INGESTION_H

#include <stddef.h>

#include "send_result.h"
#include "publish_session.h"
#include "publish_target.h"

masq_send_result masq_logs_ingestion_send(masq_publish_session *session,
                                          const masq_publish_target *target, const char *body,
                                          size_t body_size, char *message, size_t message_size);
/* The request URL, allocated. */
char *masq_logs_ingestion_url(const masq_publish_target *target);

#endif
