/* The whole-blob gzip reader (libdeflate) against zlib's stream, on files that
 * differ in the ways export blobs and damaged copies of them do: one member of
 * many lines (past the stream's 1 MiB chunks), several members, an empty one,
 * a truncated file, a flipped byte, trailing bytes after the last member, a
 * '\r\n' file without a last '\n'. Each is read both ways: the same lines, the
 * same ending (end or read error), the same byte count. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "check.h"
#include "ingest/line_reader.h"

typedef struct reading {
    char *text;
    size_t size, lines;
    int ending;
    uint64_t bytes;
} reading;

static reading read_file(const char *path, int whole)
{
    reading r = {0};
    char error[256];
    masq_line_reader *reader;
    masq_status status = whole ? masq_line_reader_open(&reader, path, error, sizeof error)
                               : masq_line_reader_open_streamed(&reader, path, error, sizeof error);
    CHECK(status == MASQ_OK, "cannot open %s: %s", path, error);
    if (status != MASQ_OK)
        return r;
    size_t capacity = 0;
    for (;;) {
        const char *line;
        size_t length;
        masq_line_result result = masq_line_reader_next(reader, &line, &length);
        if (result != MASQ_LINE_OK) {
            r.ending = (int)result;
            break;
        }
        if (r.size + length + 1 > capacity) {
            capacity = (r.size + length + 1) * 2;
            r.text = realloc(r.text, capacity);
        }
        memcpy(r.text + r.size, line, length);
        r.text[r.size + length] = '\n';
        r.size += length + 1;
        r.lines++;
    }
    r.bytes = masq_line_reader_bytes(reader);
    masq_line_reader_close(reader);
    return r;
}

static void compare(const char *what, const char *path, size_t want_lines)
{
    reading a = read_file(path, 1), b = read_file(path, 0);
    CHECK(a.lines == b.lines && a.size == b.size && (a.size == 0 || memcmp(a.text, b.text, a.size) == 0),
          "%s: whole-blob %zu lines, streamed %zu", what, a.lines, b.lines);
    CHECK(a.ending == b.ending, "%s: whole-blob ending %d, streamed %d", what, a.ending, b.ending);
    CHECK(a.bytes == b.bytes, "%s: whole-blob %llu bytes, streamed %llu", what,
          (unsigned long long)a.bytes, (unsigned long long)b.bytes);
    if (want_lines != (size_t)-1)
        CHECK(a.lines == want_lines, "%s: %zu lines, %zu written", what, a.lines, want_lines);
    printf("%-28s %7zu lines, ending %d, %llu bytes\n", what, a.lines, a.ending,
           (unsigned long long)a.bytes);
    free(a.text);
    free(b.text);
}

static unsigned char *member(const char *text, size_t size, size_t *packed_size)
{
    uLong room = compressBound((uLong)size) + 64;
    unsigned char *out = malloc(room);
    z_stream z = {0};
    CHECK(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK, "deflateInit2");
    z.next_in = (Bytef *)text;
    z.avail_in = (uInt)size;
    z.next_out = out;
    z.avail_out = (uInt)room;
    CHECK(deflate(&z, Z_FINISH) == Z_STREAM_END, "deflate");
    *packed_size = room - z.avail_out;
    deflateEnd(&z);
    return out;
}

static void write_parts(const char *path, const unsigned char *const *parts, const size_t *sizes,
                        int count)
{
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL, "cannot write %s", path);
    for (int i = 0; f && i < count; i++)
        fwrite(parts[i], 1, sizes[i], f);
    if (f)
        fclose(f);
}

int main(void)
{
    char folder[] = "/tmp/masq-gzip-whole-XXXXXX", path[128];
    CHECK(mkdtemp(folder) != NULL, "mkdtemp");
    snprintf(path, sizeof path, "%s/blob.json.gz", folder);
    /* Export-like lines, 40000 of them (about 6 MB). */
    size_t lines = 40000, size = 0;
    char *text = malloc(lines * 200);
    for (size_t i = 0; i < lines; i++)
        size += (size_t)sprintf(text + size,
                                "{\"TimeGenerated\":\"2024-06-03T02:10:00.%07zuZ\",\"EventID\":4688,"
                                "\"Computer\":\"WKS-%05zu\",\"Process\":\"svch%zust.exe\"}\n",
                                i, i % 977, i % 13);
    size_t a_size, b_size, empty_size;
    unsigned char *a = member(text, size, &a_size);
    size_t half = size / 2;
    while (text[half - 1] != '\n')
        half++;
    unsigned char *b1 = member(text, half, &b_size);
    size_t b2_size;
    unsigned char *b2 = member(text + half, size - half, &b2_size);
    unsigned char *empty = member("", 0, &empty_size);

    write_parts(path, (const unsigned char *const[]){a}, (size_t[]){a_size}, 1);
    compare("one member", path, lines);
    write_parts(path, (const unsigned char *const[]){b1, empty, b2}, (size_t[]){b_size, empty_size, b2_size}, 3);
    compare("three members, one empty", path, lines);
    write_parts(path, (const unsigned char *const[]){empty}, (size_t[]){empty_size}, 1);
    compare("an empty member", path, 0);
    write_parts(path, (const unsigned char *const[]){a}, (size_t[]){a_size - 7}, 1);
    compare("truncated", path, (size_t)-1);
    write_parts(path, (const unsigned char *const[]){a}, (size_t[]){a_size / 2}, 1);
    compare("cut in half", path, (size_t)-1);
    a[a_size / 3] ^= 0x10;
    write_parts(path, (const unsigned char *const[]){a}, (size_t[]){a_size}, 1);
    compare("a flipped byte", path, (size_t)-1);
    a[a_size / 3] ^= 0x10;
    write_parts(path, (const unsigned char *const[]){a, (const unsigned char *)"garbage\n"},
                (size_t[]){a_size, 8}, 2);
    compare("trailing bytes", path, (size_t)-1);
    write_parts(path, (const unsigned char *const[]){a, (const unsigned char *)"\x1f\x8b\x08"},
                (size_t[]){a_size, 3}, 2);
    compare("a cut second header", path, (size_t)-1);
    size_t crlf_size;
    static const char crlf_text[] = "a\r\nb\r\n\r\nlast";
    unsigned char *crlf = member(crlf_text, sizeof crlf_text - 1, &crlf_size);
    write_parts(path, (const unsigned char *const[]){crlf}, (size_t[]){crlf_size}, 1);
    compare("CRLF, no last newline", path, 4);

    unlink(path);
    rmdir(folder);
    free(text);
    free(a);
    free(b1);
    free(b2);
    free(empty);
    free(crlf);
    return check_finish("test_gzip_whole");
}
