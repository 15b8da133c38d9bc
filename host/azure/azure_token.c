/* Bearer tokens from Microsoft Entra: the OAuth2 client-credentials grant
 * with the Azure SDKs' environment variables, or a managed identity through
 * the instance metadata service (IMDS). Tokens are cached until 5 minutes
 * before they expire and registered as secrets, so no message shows them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "../util/log.h"
#include "azure_token.h"
#include "azure_http.h"
#include "../util/secrets.h"

#define DEFAULT_AUTHORITY "https://login.microsoftonline.com"
#define DEFAULT_IMDS "http://169.254.169.254"
#define IMDS_PATH "/metadata/identity/oauth2/token"
#define IMDS_API_VERSION "2018-02-01"
#define EARLY_RENEWAL_SECONDS 300.0

static const char *env(const char *name)
{
    const char *value = getenv(name);
    return value != NULL && value[0] != '\0' ? value : NULL;
}

masq_status masq_token_check_environment(bool managed_identity)
{
    if (managed_identity)
        return MASQ_OK;
    static const char *const needed[] = {"AZURE_TENANT_ID", "AZURE_CLIENT_ID",
                                         "AZURE_CLIENT_SECRET"};
    for (size_t i = 0; i < sizeof needed / sizeof *needed; i++) {
        if (env(needed[i]) == NULL) {
            masq_error("--publish logs-ingestion needs %s in the environment (or "
                       "--managed-identity)",
                       needed[i]);
            return MASQ_ERR_USAGE;
        }
    }
    return MASQ_OK;
}

masq_status masq_token_check_endpoints(bool managed_identity)
{
    /* Checked before any input is read: a token request carries the client
     * secret, and its answer is a credential. */
    const char *name =
        managed_identity ? "AZURE_POD_IDENTITY_AUTHORITY_HOST" : "AZURE_AUTHORITY_HOST";
    const char *url = env(name);
    if (url == NULL)
        return MASQ_OK; /* the built-in https address, or IMDS */
    char why[160];
    if (masq_http_url_allowed(url, managed_identity, why, sizeof why) != 0) {
        masq_error("%s=%s: %s", name, url, why);
        return MASQ_ERR_USAGE;
    }
    return MASQ_OK;
}

/* A bearer token goes into a header: only the characters of RFC 6750's
 * b64token (and none that could end the line). */
static int token_characters_ok(const char *token)
{
    for (const char *p = token; *p; p++) {
        char c = *p;
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              strchr("-._~+/=", c) != NULL))
            return 0;
    }
    return 1;
}

typedef struct token_request {
    char *url;
    char *form; /* client credentials: holds the secret; wiped after use */
    bool imds;
} token_request;

static masq_status prepare_token(void *context, masq_http_request *request,
                                 const masq_http_response *previous)
{
    (void)previous;
    const token_request *token = context;
    request->url = token->url;
    if (token->imds) {
        request->method = "GET";
        request->link_local = true;
        request->headers = curl_slist_append(NULL, "Metadata: true");
    } else {
        request->method = "POST";
        request->body = token->form;
        request->body_size = strlen(token->form);
        request->headers =
            curl_slist_append(NULL, "Content-Type: application/x-www-form-urlencoded");
    }
    if (request->headers == NULL)
        return MASQ_ERR_NOMEM;
    struct curl_slist *more = curl_slist_append(request->headers, "Accept: application/json");
    if (more == NULL)
        return MASQ_ERR_NOMEM;
    request->headers = more;
    return MASQ_OK;
}

static char *escape(CURL *curl, const char *text)
{
    return curl_easy_escape(curl, text, 0);
}

/* Without a trailing slash. */
static char *base_url(const char *url)
{
    char *copy = strdup(url);
    if (copy != NULL)
        for (size_t n = strlen(copy); n > 0 && copy[n - 1] == '/'; n--)
            copy[n - 1] = '\0';
    return copy;
}

static masq_status build_request(CURL *curl, const char *audience, bool managed_identity,
                                 token_request *request)
{
    memset(request, 0, sizeof *request);
    request->imds = managed_identity;
    char *resource = escape(curl, audience);
    if (resource == NULL)
        return MASQ_ERR_NOMEM;
    masq_status status = MASQ_ERR_NOMEM;
    if (managed_identity) {
        /* The Azure SDKs' override of the IMDS address (tests use loopback). */
        const char *host = env("AZURE_POD_IDENTITY_AUTHORITY_HOST");
        char *base = base_url(host ? host : DEFAULT_IMDS);
        const char *client_id = env("AZURE_CLIENT_ID"); /* a user-assigned identity */
        char *id = client_id ? escape(curl, client_id) : NULL;
        size_t size = (base ? strlen(base) : 0) + strlen(resource) + (id ? strlen(id) : 0) + 128;
        request->url = base ? malloc(size) : NULL;
        if (request->url != NULL) {
            snprintf(request->url, size, "%s%s?api-version=%s&resource=%s%s%s", base, IMDS_PATH,
                     IMDS_API_VERSION, resource, id ? "&client_id=" : "", id ? id : "");
            status = MASQ_OK;
        }
        free(base);
        curl_free(id);
    } else {
        const char *host = env("AZURE_AUTHORITY_HOST");
        char *base = base_url(host ? host : DEFAULT_AUTHORITY);
        char *tenant = escape(curl, env("AZURE_TENANT_ID"));
        char *client = escape(curl, env("AZURE_CLIENT_ID"));
        char *secret = escape(curl, env("AZURE_CLIENT_SECRET"));
        /* The SDKs' scope: audience + "//.default" (the double slash is theirs). */
        size_t scope_size = strlen(audience) + 16;
        char *scope_text = malloc(scope_size);
        char *scope = NULL;
        if (scope_text != NULL) {
            snprintf(scope_text, scope_size, "%s//.default", audience);
            scope = escape(curl, scope_text);
        }
        if (base && tenant && client && secret && scope) {
            size_t url_size = strlen(base) + strlen(tenant) + 32;
            size_t form_size = strlen(client) + strlen(secret) + strlen(scope) + 96;
            request->url = malloc(url_size);
            request->form = malloc(form_size);
            if (request->url && request->form) {
                snprintf(request->url, url_size, "%s/%s/oauth2/v2.0/token", base, tenant);
                snprintf(request->form, form_size,
                         "grant_type=client_credentials&client_id=%s&client_secret=%s&scope=%s",
                         client, secret, scope);
                status = MASQ_OK;
            }
            /* The escaped form of the secret is a secret too. */
            masq_secret_add(secret);
        }
        if (secret != NULL)
            memset(secret, 0, strlen(secret));
        free(base);
        free(scope_text);
        curl_free(tenant);
        curl_free(client);
        curl_free(secret);
        curl_free(scope);
    }
    curl_free(resource);
    return status;
}

static void free_request(token_request *request)
{
    if (request->form != NULL)
        memset(request->form, 0, strlen(request->form));
    free(request->form);
    free(request->url);
}

char *masq_token_authorization(const masq_token *token)
{
    static const char prefix[] = "Authorization: Bearer ";
    size_t size = sizeof prefix + strlen(token->access_token);
    char *header = malloc(size);
    if (header != NULL)
        snprintf(header, size, "%s%s", prefix, token->access_token);
    return header;
}

void masq_token_authorization_free(char *authorization)
{
    if (authorization != NULL)
        memset(authorization, 0, strlen(authorization));
    free(authorization);
}

void masq_token_free(masq_token *token)
{
    if (token->access_token != NULL)
        memset(token->access_token, 0, strlen(token->access_token));
    free(token->access_token);
    token->access_token = NULL;
    token->expires_at = 0;
}

/* expires_in is a number (Entra) or a string (IMDS). */
static double seconds_field(const cJSON *item)
{
    if (cJSON_IsNumber(item))
        return item->valuedouble;
    if (cJSON_IsString(item))
        return strtod(item->valuestring, NULL);
    return 0;
}

bool masq_token_due(const masq_token *token)
{
    return token->access_token == NULL ||
           masq_clock_now() >= token->expires_at - EARLY_RENEWAL_SECONDS;
}

masq_status masq_token_get(masq_http_client *client, masq_token *token, const char *audience,
                           bool managed_identity, bool force)
{
    double now = masq_clock_now();
    if (!force && !masq_token_due(token))
        return MASQ_OK;
    masq_token_free(token);
    if (!managed_identity)
        masq_secret_add(env("AZURE_CLIENT_SECRET"));
    if (masq_token_check_environment(managed_identity) != MASQ_OK)
        return MASQ_ERR_PUBLISH;
    token_request request;
    masq_status status = build_request(client->curl, audience, managed_identity, &request);
    if (status != MASQ_OK) {
        free_request(&request);
        return status;
    }
    masq_http_response response;
    masq_http_outcome outcome = masq_http_exchange(client, prepare_token, &request, 200, &response);
    const char *source =
        managed_identity ? "the managed identity endpoint (IMDS)" : "Microsoft Entra";
    status = MASQ_ERR_PUBLISH;
    if (outcome == MASQ_HTTP_ACKNOWLEDGED) {
        cJSON *root = cJSON_Parse(response.body ? response.body : "");
        const cJSON *access = cJSON_GetObjectItemCaseSensitive(root, "access_token");
        if (cJSON_IsString(access) && access->valuestring[0] != '\0' &&
            !token_characters_ok(access->valuestring)) {
            masq_secret_add_renewed(access->valuestring);
            masq_error("the token from %s holds characters a header may not carry; not used",
                       source);
        } else if (cJSON_IsString(access) && access->valuestring[0] != '\0') {
            token->access_token = strdup(access->valuestring);
            masq_secret_add_renewed(access->valuestring);
            double lifetime = seconds_field(cJSON_GetObjectItemCaseSensitive(root, "expires_in"));
            token->expires_at = now + (lifetime > 0 ? lifetime : 3600);
            status = token->access_token ? MASQ_OK : MASQ_ERR_NOMEM;
        } else {
            masq_error("no access_token in the answer of %s", source);
        }
        cJSON_Delete(root);
    } else if (outcome != MASQ_HTTP_LOCAL_ERROR) {
        char what[600];
        masq_http_describe(&response, what, sizeof what);
        masq_error("cannot get a token from %s: %s", source, what);
    }
    /* Scrub the response: it held the token. */
    if (response.body != NULL)
        memset(response.body, 0, response.body_size);
    masq_http_response_free(&response);
    free_request(&request);
    return status;
}
