/* Known answers for the Data Collector's SharedKey signature, and checks of
 * the publishing helpers that need no server: batch sizes, gzip, redaction,
 * the URL rule, the 413 split point, the header check, core dumps off.
 *
 * The expected signatures were computed independently with Python:
 *   base64.b64encode(hmac.new(base64.b64decode(key), ("POST\n%d\napplication/json\n"
 *       "x-ms-date:%s\n/api/logs" % (length, date)).encode(), hashlib.sha256).digest())
 * With --stdin, it reads "KEY<TAB>LENGTH<TAB>DATE" lines and prints one signature a line,
 * so run_publish_tests.py can compare many random cases with Python's hmac (the
 * keys travel on stdin, never in argv). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include <zlib.h>

#include "../check.h"
#include "publish/data_collector.h"
#include "publish/publish.h"
#include "publish/publish_batch.h"
#include "azure/azure_http.h"
#include "util/secrets.h"
#include "publish/spool.h"

/* No message beyond the condition itself. */
#define EXPECT(condition) CHECK(condition, "%s", "")

static const struct {
    const char *key, *date, *signature;
    size_t length;
} known[] = {
    {"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw==",
     "Mon, 04 Apr 2016 08:00:00 GMT", "kQfMluP3yBFQzfwH0Ye5adOjNq2FCEIWGh0n4uEtCrg=", 1024},
    {"c2VjcmV0LWtleQ==", "Fri, 28 Nov 2026 00:00:00 GMT",
     "wuFaRSTgaN+Kxx1DR4wF2N+WQUmchWBZV1FU0Uekznk=", 0},
    {"YWJjZA==", "Sun, 14 Sep 2026 23:59:59 GMT",
     "Bc+KNZaMnN5BGVNnq4TIyuWxAttRIqs++vW9yrtSfHE=", 123456789},
    {"eA==", "Tue, 29 Feb 2028 12:34:56 GMT", "C5B7vtls7UjmsCo/XVCD48Ub/YtyBKw23rU4zlJwCk0=", 17},
};

static int from_stdin(void)
{
    char line[4096];
    while (fgets(line, sizeof line, stdin) != NULL) {
        line[strcspn(line, "\r\n")] = '\0';
        char *key = strtok(line, "\t"), *length = strtok(NULL, "\t"), *date = strtok(NULL, "\t");
        char signature[64];
        if (key == NULL || length == NULL || date == NULL ||
            masq_publish_shared_key_signature(key, strtoull(length, NULL, 10), date, signature,
                                              sizeof signature) != 0)
            printf("error\n");
        else
            printf("%s\n", signature);
    }
    return 0;
}

static void test_known_answers(void)
{
    for (size_t i = 0; i < sizeof known / sizeof *known; i++) {
        char signature[64];
        EXPECT(masq_publish_shared_key_signature(known[i].key, known[i].length, known[i].date,
                                                 signature, sizeof signature) == 0);
        EXPECT(strcmp(signature, known[i].signature) == 0);
    }
    char signature[64];
    static const char *const bad[] = {"", "abc", "a=bc", "ab!d", "====", "YWJj\nZA=="};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        EXPECT(masq_publish_shared_key_signature(bad[i], 1, "x", signature, sizeof signature) != 0);
    EXPECT(masq_publish_shared_key_signature("YWJjZA==", 1, "x", signature, 44) != 0);
}

static void test_batches(void)
{
    enum { COUNT = 500 };
    masq_record_list records = {calloc(COUNT, sizeof(char *)), COUNT, 0};
    size_t total = 0;
    for (int i = 0; i < COUNT; i++) {
        size_t length = 20 + (size_t)(i * 37 % 300);
        records.items[i] = malloc(length + 1);
        snprintf(records.items[i], length + 1, "{\"n\":%d,\"pad\":\"%0*d\"}", i, (int)length - 20,
                 0);
        total += strlen(records.items[i]);
    }
    static const size_t limits[] = {400, 1000, 4096, 1000000};
    for (size_t l = 0; l < sizeof limits / sizeof *limits; l++) {
        masq_batch_list batches;
        EXPECT(masq_publish_batches(&records, limits[l], &batches) == MASQ_OK);
        size_t next = 0, bytes = 0;
        for (size_t b = 0; b < batches.count; b++) {
            const masq_batch *batch = &batches.items[b];
            EXPECT(batch->size <= limits[l] && batch->size == strlen(batch->body));
            EXPECT(batch->first == next && batch->count > 0);
            EXPECT(batch->body[0] == '[' && batch->body[batch->size - 1] == ']');
            /* Greedy: the next record would not have fitted. */
            if (b + 1 < batches.count)
                EXPECT(batch->size + 1 + strlen(records.items[batch->first + batch->count]) >
                       limits[l]);
            next += batch->count;
            bytes += batch->size - 2 - (batch->count - 1);
        }
        EXPECT(next == COUNT && bytes == total);
        if (l == 0) {
            /* gzip round trip of one body */
            unsigned char *packed;
            size_t packed_size;
            EXPECT(masq_publish_gzip(batches.items[0].body, batches.items[0].size, &packed,
                                     &packed_size) == MASQ_OK);
            char unpacked[4096];
            z_stream stream = {0};
            EXPECT(inflateInit2(&stream, 15 + 16) == Z_OK);
            stream.next_in = packed;
            stream.avail_in = (uInt)packed_size;
            stream.next_out = (Bytef *)unpacked;
            stream.avail_out = sizeof unpacked;
            EXPECT(inflate(&stream, Z_FINISH) == Z_STREAM_END);
            EXPECT(stream.total_out == batches.items[0].size &&
                   memcmp(unpacked, batches.items[0].body, stream.total_out) == 0);
            inflateEnd(&stream);
            free(packed);
        }
        masq_batch_list_free(&batches);
    }
    masq_batch_list batches;
    EXPECT(masq_publish_batches(&records, 100, &batches) ==
           MASQ_ERR_PUBLISH); /* a record > 100 B */
    masq_record_list_free(&records);
}

static void test_redaction_and_urls(void)
{
    char out[128];
    masq_secret_add("s3cr3t-value");
    masq_secret_add("abc"); /* too short to be a secret: ignored */
    masq_redact("bad secret s3cr3t-value\nin a message s3cr3t-value", out, sizeof out);
    EXPECT(strcmp(out, "bad secret [redacted] in a message [redacted]") == 0);
    masq_redact("s3cr3t-value", out, 8);
    EXPECT(strstr(out, "s3cr") == NULL);
    masq_secrets_clear();
    masq_redact("s3cr3t-value", out, sizeof out);
    EXPECT(strcmp(out, "s3cr3t-value") == 0);

    char why[160];
    EXPECT(masq_http_url_allowed("https://x.ingest.monitor.azure.com", false, why, sizeof why) ==
           0);
    EXPECT(masq_http_url_allowed("http://127.0.0.1:8080", false, why, sizeof why) == 0);
    EXPECT(masq_http_url_allowed("http://[::1]:8080/x", false, why, sizeof why) == 0);
    EXPECT(masq_http_url_allowed("http://localhost", false, why, sizeof why) == 0);
    EXPECT(masq_http_url_allowed("http://169.254.169.254", false, why, sizeof why) != 0);
    EXPECT(masq_http_url_allowed("http://169.254.169.254", true, why, sizeof why) == 0);
    EXPECT(masq_http_url_allowed("http://10.0.0.1", false, why, sizeof why) != 0);
    EXPECT(masq_http_url_allowed("http://127.0.0.1.example.com", false, why, sizeof why) != 0);
    EXPECT(masq_http_url_allowed("ftp://127.0.0.1", false, why, sizeof why) != 0);
    EXPECT(masq_http_url_allowed("not a url", false, why, sizeof why) != 0);
}

/* Split points are between top-level records only, whatever the strings and
 * nested values hold, and the halves are the original bytes. */
static void test_split_point(void)
{
    static const char body[] = "[{\"a\":\"x,]}\\\"\",\"b\":[1,2,{\"c\":\",\"}]},"
                               "{\"a\":2},{\"s\":\"[[,\"},{\"d\":{\"e\":[3,4]}}]";
    size_t left_end, right_start, left_records, right_records;
    EXPECT(masq_batch_split_point(body, strlen(body), &left_end, &right_start, &left_records,
                                  &right_records) == 0);
    EXPECT(left_records == 2 && right_records == 2);
    EXPECT(body[left_end] == ',' && right_start == left_end + 1);
    EXPECT(strncmp(body + right_start, "{\"s\":", 5) == 0);
    static const char one[] = "[{\"a\":\"1,2,3\",\"b\":[1,2]}]";
    EXPECT(masq_batch_split_point(one, strlen(one), &left_end, &right_start, &left_records,
                                  &right_records) != 0);
    static const char three[] = "[1,2,3]";
    EXPECT(masq_batch_split_point(three, strlen(three), &left_end, &right_start, &left_records,
                                  &right_records) == 0);
    EXPECT(left_records == 2 && right_records == 1 && left_end == 4);
    static const char broken[] = "[{\"a\":\"unterminated,1},{\"b\":2}]";
    EXPECT(masq_batch_split_point(broken, strlen(broken), &left_end, &right_start, &left_records,
                                  &right_records) != 0);
}

static void test_header_check(void)
{
    EXPECT(masq_http_header_clean("Log-Type: MasqueradingProcessNameResult") == 0);
    EXPECT(masq_http_header_clean("x-ms-date: Mon, 04 Apr 2016 08:00:00 GMT\t") == 0);
    EXPECT(masq_http_header_clean("Log-Type: X\r\nInjected: 1") != 0);
    EXPECT(masq_http_header_clean("Log-Type: X\nInjected: 1") != 0);
    EXPECT(masq_http_header_clean("Authorization: Bearer a\rb") != 0);
    EXPECT(masq_http_header_clean("x: \x7f") != 0);
}

/* Last: the process stays undumpable. */
static void test_core_dumps_off(void)
{
    masq_publish_protect_process();
    struct rlimit core;
    EXPECT(getrlimit(RLIMIT_CORE, &core) == 0 && core.rlim_cur == 0 && core.rlim_max == 0);
    EXPECT(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 0);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--stdin") == 0)
        return from_stdin();
    test_known_answers();
    test_batches();
    test_redaction_and_urls();
    test_split_point();
    test_header_check();
    test_core_dumps_off();
    return check_finish("publish_signature");
}
