/* The legacy HTTP Data Collector API (retired 14 September 2026): one batch
 * with a SharedKey signature (data_collector.c). */
#ifndef MASQ_DATA_COLLECTOR_H
#define MASQ_DATA_COLLECTOR_H

#include <stdbool.h>
#include <stddef.h>

#include "send_result.h"
#include "publish_session.h"
#include "publish_target.h"

masq_send_result masq_data_collector_send(masq_publish_session *session,
                                          const masq_publish_target *target, const char *body,
                                          size_t body_size, char *message, size_t message_size);

/* Load the workspace key from MASQ_WORKSPACE_KEY or a file of mode 0600
 * (trailing white space dropped). check_only: verify, keep nothing. */
masq_status masq_data_collector_load_key(const char *key_file, bool check_only, char **key);

/* The request URL, allocated. */
char *masq_data_collector_url(const masq_publish_target *target);

/* The Data Collector's SharedKey signature: Base64(HMAC-SHA256(Base64Decode(key),
 * "POST\n<content_length>\napplication/json\nx-ms-date:<date>\n/api/logs")).
 * Returns 0, or -1 when the key is not Base64 or out is too small (>= 45 bytes). */
int masq_publish_shared_key_signature(const char *key_base64, size_t content_length,
                                      const char *date, char *out, size_t size);

#endif
