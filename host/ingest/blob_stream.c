#define _GNU_SOURCE /* pipe2, F_SETPIPE_SZ */
#include "blob_stream.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../util/log.h"

/* Past the part's end, the rest of its last line is asked for in steps. */
#define LOOKAHEAD_BYTES ((uint64_t)1 << 20)

struct masq_blob_stream {
    const masq_blob *blob;
    uint64_t start, end;
    int pipe_read, pipe_write;
    pthread_t thread;
    bool started;
    /* The thread's: */
    uint64_t position;  /* the next byte of the blob wanted */
    uint64_t asked_end; /* the current request asks for [position, asked_end) */
    uint64_t written;   /* bytes passed on to the reader */
    bool skipping;      /* before the part's first line (the rest of the part before's) */
    bool done;
    bool reader_gone;
    bool bad_answer;
    char range[80];
    char *signed_url;
    char error[1024];
};

static int write_all(masq_blob_stream *s, const char *data, size_t length)
{
    while (length > 0) {
        ssize_t put = write(s->pipe_write, data, length);
        if (put < 0) {
            if (errno == EINTR)
                continue;
            s->reader_gone = true; /* EPIPE: the reader stopped */
            return -1;
        }
        data += put;
        length -= (size_t)put;
        s->written += (uint64_t)put;
    }
    return 0;
}

/* The bytes of an answer, at s->position onwards: the part's lines only.
 * A line starts at 0 or after a '\n'; the part owns those that start in
 * [start, end), so it stops after the first '\n' at or past end - 1. */
static int on_bytes(void *context, long status, const char *data, size_t size)
{
    masq_blob_stream *s = context;
    if (status != 206 && !(status == 200 && s->position == 0)) {
        /* 200 to a Range from the middle: the server sent the whole blob. */
        snprintf(s->error, sizeof s->error, "HTTP %ld to a request with Range", status);
        s->bad_answer = true;
        return -1;
    }
    uint64_t limit = s->asked_end - s->position;
    if (size > limit)
        size = (size_t)limit; /* a 200 to the first request: more than asked */
    while (size > 0 && !s->done) {
        if (s->skipping) {
            const char *newline = memchr(data, '\n', size);
            size_t skip = newline ? (size_t)(newline - data) + 1 : size;
            s->position += skip;
            data += skip;
            size -= skip;
            if (newline != NULL) {
                s->skipping = false;
                if (s->position >= s->end)
                    s->done = true; /* the line before covers the whole part */
            }
            continue;
        }
        size_t take = size;
        if (s->end != UINT64_MAX) {
            uint64_t from = s->end - 1 > s->position ? s->end - 1 - s->position : 0;
            if (from < size) {
                const char *newline = memchr(data + from, '\n', size - (size_t)from);
                if (newline != NULL) {
                    take = (size_t)(newline - data) + 1;
                    s->done = true;
                }
            }
        }
        if (write_all(s, data, take) != 0)
            return -1;
        s->position += take;
        data += take;
        size -= take;
    }
    if (s->position >= s->blob->size)
        s->done = true;
    /* Stopped early only when the part ended before the answer: an answer
     * read to its end keeps its connection for the next blob. */
    return s->done && s->position < s->asked_end ? 1 : 0;
}

static masq_status prepare_get(void *context, masq_http_request *request,
                               const masq_http_response *previous)
{
    masq_blob_stream *s = context;
    if (previous != NULL && s->position < s->asked_end)
        masq_debug("%s: resuming at byte %llu", s->blob->url, (unsigned long long)s->position);
    request->method = "GET";
    request->url = s->signed_url;
    request->headers = masq_blob_headers(s->blob->source);
    snprintf(s->range, sizeof s->range, "Range: bytes=%llu-%llu",
             (unsigned long long)s->position, (unsigned long long)s->asked_end - 1);
    struct curl_slist *more = request->headers ? curl_slist_append(request->headers, s->range)
                                               : NULL;
    if (more == NULL)
        return MASQ_ERR_NOMEM;
    request->headers = more;
    masq_blob_show_request(s->blob->source, "GET", s->blob->url, s->range + 7);
    return MASQ_OK;
}

static void *stream_run(void *argument)
{
    masq_blob_stream *s = argument;
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL); /* EPIPE, not SIGPIPE, when the reader stops */
    const masq_blob *blob = s->blob;
    uint64_t stop = s->end == UINT64_MAX || s->end > blob->size ? blob->size : s->end;
    s->end = stop >= blob->size ? UINT64_MAX : stop;
    s->position = s->start > 0 ? s->start - 1 : 0;
    s->skipping = s->start > 0;
    s->done = s->position >= blob->size;
    masq_http_client *client = s->done ? NULL : masq_blob_client_take(blob->source);
    if (!s->done && client == NULL) {
        snprintf(s->error, sizeof s->error, "out of memory");
        s->done = true;
    } else if (!s->done) {
        uint64_t want = s->end == UINT64_MAX ? blob->size : s->end;
        while (!s->done) {
            s->asked_end = want > blob->size ? blob->size : want;
            masq_http_response response;
            masq_http_outcome outcome =
                masq_http_stream(client, prepare_get, s, on_bytes, s, &response);
            if (outcome != MASQ_HTTP_ACKNOWLEDGED) {
                if (!s->reader_gone && !s->bad_answer)
                    masq_blob_describe_failure(&response, s->error, sizeof s->error);
                masq_http_response_free(&response);
                break;
            }
            masq_http_response_free(&response);
            if (!s->done && s->position < s->asked_end) {
                snprintf(s->error, sizeof s->error,
                         "the answer ended at byte %llu of %llu asked for",
                         (unsigned long long)s->position, (unsigned long long)s->asked_end);
                break;
            }
            want = s->asked_end + LOOKAHEAD_BYTES; /* the part's last line goes on */
        }
        masq_blob_client_release(blob->source, client);
    }
    close(s->pipe_write);
    s->pipe_write = -1;
    return NULL;
}

static void stream_free(masq_blob_stream *s)
{
    if (s->pipe_read >= 0)
        close(s->pipe_read);
    if (s->pipe_write >= 0)
        close(s->pipe_write);
    free(s->signed_url);
    free(s);
}

masq_status masq_blob_stream_open(masq_blob_stream **out, const masq_blob *blob,
                                  uint64_t start, uint64_t end, char *path_out,
                                  size_t path_size, char *error, size_t error_size)
{
    *out = NULL;
    masq_blob_stream *s = calloc(1, sizeof *s);
    if (s == NULL)
        return MASQ_ERR_NOMEM;
    s->blob = blob;
    s->start = start;
    s->end = end;
    s->pipe_read = s->pipe_write = -1;
    s->signed_url = masq_blob_signed_url(blob->source, blob->url);
    if (s->signed_url == NULL) {
        stream_free(s);
        return MASQ_ERR_NOMEM;
    }
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
        snprintf(error, error_size, "%s", strerror(errno));
        stream_free(s);
        return MASQ_ERR_INPUT;
    }
    s->pipe_read = fds[0];
    s->pipe_write = fds[1];
    fcntl(fds[1], F_SETPIPE_SZ, 1 << 20);
    if (pthread_create(&s->thread, NULL, stream_run, s) != 0) {
        snprintf(error, error_size, "cannot start a thread");
        stream_free(s);
        return MASQ_ERR_INPUT;
    }
    s->started = true;
    snprintf(path_out, path_size, "/dev/fd/%d", fds[0]);
    *out = s;
    return MASQ_OK;
}

void masq_blob_stream_opened(masq_blob_stream *s)
{
    if (s != NULL && s->pipe_read >= 0) {
        close(s->pipe_read);
        s->pipe_read = -1;
    }
}

int masq_blob_stream_close(masq_blob_stream *s, bool abandon, uint64_t *bytes, char *error,
                           size_t size)
{
    if (s == NULL)
        return 0;
    masq_blob_stream_opened(s); /* a reader that stopped early: the writes fail, the thread ends */
    if (s->started)
        pthread_join(s->thread, NULL);
    if (bytes != NULL)
        *bytes = s->written;
    int failed = s->error[0] != '\0' && !(abandon && s->reader_gone);
    if (failed)
        snprintf(error, size, "%s", s->error);
    stream_free(s);
    return failed ? -1 : 0;
}

typedef struct head {
    unsigned char *bytes;
    size_t size, got;
} head;

static int on_head(void *context, long status, const char *data, size_t size)
{
    (void)status;
    head *h = context;
    size_t take = h->size - h->got < size ? h->size - h->got : size;
    memcpy(h->bytes + h->got, data, take);
    h->got += take;
    return h->got == h->size ? 1 : 0;
}

typedef struct head_request {
    const masq_blob *blob;
    char *signed_url;
    char range[80];
    head *h;
} head_request;

static masq_status prepare_head(void *context, masq_http_request *request,
                                const masq_http_response *previous)
{
    (void)previous;
    head_request *r = context;
    r->h->got = 0;
    request->method = "GET";
    request->url = r->signed_url;
    request->headers = masq_blob_headers(r->blob->source);
    struct curl_slist *more = request->headers ? curl_slist_append(request->headers, r->range)
                                               : NULL;
    if (more == NULL)
        return MASQ_ERR_NOMEM;
    request->headers = more;
    masq_blob_show_request(r->blob->source, "GET", r->blob->url, r->range + 7);
    return MASQ_OK;
}

long masq_blob_read_head(const masq_blob *blob, unsigned char *bytes, size_t size, char *error,
                         size_t error_size)
{
    if (size == 0 || blob->size == 0)
        return 0;
    if (size > blob->size)
        size = (size_t)blob->size;
    head h = {bytes, size, 0};
    head_request r = {blob, masq_blob_signed_url(blob->source, blob->url), "", &h};
    if (r.signed_url == NULL)
        return -1;
    snprintf(r.range, sizeof r.range, "Range: bytes=0-%zu", size - 1);
    masq_http_client *client = masq_blob_client_take(blob->source);
    long result = -1;
    if (client != NULL) {
        masq_http_response response;
        if (masq_http_stream(client, prepare_head, &r, on_head, &h, &response) ==
            MASQ_HTTP_ACKNOWLEDGED)
            result = (long)h.got;
        else
            masq_blob_describe_failure(&response, error, error_size);
        masq_http_response_free(&response);
        masq_blob_client_release(blob->source, client);
    }
    free(r.signed_url);
    return result;
}
