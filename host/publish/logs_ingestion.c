/* The Logs Ingestion API: POST {endpoint}/dataCollectionRules/{DCR immutable
 * id}/streams/{stream}?api-version=2023-01-01, a gzip JSON array body,
 * "Authorization: Bearer <token>"; 204 acknowledges (any 2xx counts). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "../util/log.h"
#include "logs_ingestion.h"
#include "publish_batch.h"
#include "../util/secrets.h"
#include "../azure/azure_token.h"

#define API_VERSION "2023-01-01"

char *masq_logs_ingestion_url(const masq_publish_target *target)
{
    CURL *curl = curl_easy_init();
    if (curl == NULL)
        return NULL;
    char *dcr = curl_easy_escape(curl, target->dcr_id, 0);
    char *stream = curl_easy_escape(curl, target->stream, 0);
    char *url = NULL;
    if (dcr != NULL && stream != NULL) {
        size_t base = strlen(target->endpoint);
        while (base > 0 && target->endpoint[base - 1] == '/')
            base--;
        size_t size = base + strlen(dcr) + strlen(stream) + 80;
        url = malloc(size);
        if (url != NULL)
            snprintf(url, size, "%.*s/dataCollectionRules/%s/streams/%s?api-version=" API_VERSION,
                     (int)base, target->endpoint, dcr, stream);
    }
    curl_free(dcr);
    curl_free(stream);
    curl_easy_cleanup(curl);
    return url;
}

typedef struct ingestion_send {
    masq_publish_session *session;
    const char *url;
    const unsigned char *body; /* gzip */
    size_t body_size;
    char request_id[40];
    masq_status token_status;
    bool force_token;
} ingestion_send;

static void new_request_id(char *out, size_t size)
{
    unsigned char bytes[16];
    if (RAND_bytes(bytes, sizeof bytes) != 1)
        memset(bytes, 0, sizeof bytes);
    bytes[6] = (unsigned char)((bytes[6] & 0x0f) | 0x40); /* a version 4 GUID */
    bytes[8] = (unsigned char)((bytes[8] & 0x3f) | 0x80);
    snprintf(out, size, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
             bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
             bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]);
}

static masq_status prepare_ingestion(void *context, masq_http_request *request,
                                     const masq_http_response *previous)
{
    ingestion_send *send = context;
    masq_publish_session *session = send->session;
    const masq_publish_config *config = session->config;
    (void)previous;
    send->token_status = masq_token_get(&session->http, &session->token,
                                        config->token_audience ? config->token_audience
                                                               : MASQ_PUBLISH_DEFAULT_AUDIENCE,
                                        config->managed_identity, send->force_token);
    send->force_token = false;
    if (send->token_status != MASQ_OK)
        return send->token_status;
    char *authorization = masq_token_authorization(&session->token);
    if (authorization == NULL)
        return MASQ_ERR_NOMEM;
    char id[80];
    /* The same id on every try of one batch: the service's logs can tie them together. */
    snprintf(id, sizeof id, "x-ms-client-request-id: %s", send->request_id);
    int failed = 0;
    struct curl_slist *headers = NULL;
    headers = masq_http_header_add(headers, authorization, &failed);
    headers = masq_http_header_add(headers, "Content-Type: application/json", &failed);
    headers = masq_http_header_add(headers, "Content-Encoding: gzip", &failed);
    headers = masq_http_header_add(headers, id, &failed);
    headers = masq_http_header_add(headers, "Expect:", &failed); /* no 100-continue round trip */
    masq_token_authorization_free(authorization);
    request->method = "POST";
    request->url = send->url;
    request->headers = headers;
    request->body = send->body;
    request->body_size = send->body_size;
    return failed ? MASQ_ERR_NOMEM : MASQ_OK;
}

masq_send_result masq_logs_ingestion_send(masq_publish_session *session,
                                          const masq_publish_target *target, const char *body,
                                          size_t body_size, char *message, size_t message_size)
{
    message[0] = '\0';
    char *url = masq_logs_ingestion_url(target);
    unsigned char *compressed = NULL;
    size_t compressed_size = 0;
    if (url == NULL ||
        masq_publish_gzip(body, body_size, &compressed, &compressed_size) != MASQ_OK) {
        free(url);
        snprintf(message, message_size, "out of memory");
        return MASQ_SEND_UNDELIVERED;
    }
    ingestion_send send = {session, url, compressed, compressed_size, "", MASQ_OK, false};
    new_request_id(send.request_id, sizeof send.request_id);
    masq_http_response response;
    masq_http_outcome outcome =
        masq_http_exchange(&session->http, prepare_ingestion, &send, 204, &response);
    if (outcome == MASQ_HTTP_REJECTED && response.status == 401) {
        /* The cached token expired or was revoked: one more exchange with a new one. */
        masq_http_response_free(&response);
        send.force_token = true;
        outcome = masq_http_exchange(&session->http, prepare_ingestion, &send, 204, &response);
    }
    masq_send_result result;
    if (outcome == MASQ_HTTP_ACKNOWLEDGED) {
        result = MASQ_SEND_ACKNOWLEDGED;
    } else if (outcome == MASQ_HTTP_LOCAL_ERROR) {
        result = send.token_status != MASQ_OK ? MASQ_SEND_NO_CREDENTIALS : MASQ_SEND_UNDELIVERED;
        snprintf(message, message_size, "%s",
                 send.token_status != MASQ_OK ? "no token" : "the request could not be built");
    } else {
        masq_http_describe(&response, message, message_size);
        result = masq_send_result_of(outcome, &response);
        if (response.curl_code == CURLE_OK && response.status == 403)
            masq_info("a 403 usually means the identity lacks the Monitoring Metrics Publisher "
                      "role on the DCR (it may take 30 minutes to apply)");
    }
    masq_http_response_free(&response);
    free(compressed);
    free(url);
    return result;
}
