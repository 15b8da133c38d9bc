/* The fast field scanner against cJSON: on every line of the real data and
 * on seeded mutations of them (bytes flipped, inserted, deleted; escapes,
 * \u escapes, duplicate keys, nesting), a line the scanner accepts must be a
 * JSON object for cJSON too, with the same string fields and the same EventID
 * decisions. Lines the scanner passes on are cJSON's to judge. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ingest/json_fields.h"
#include "ingest/row.h"
#include "util/random.h"

static unsigned long accepted, passed_on;

static void compare(const char *line, size_t length)
{
    char *scratch = malloc(length + MASQ_FIELD_COUNT + 1);
    masq_json_fields fields = {.scratch = scratch};
    bool fast = masq_json_fields_scan(line, length, &fields);
    const char *end = NULL;
    cJSON *json = cJSON_ParseWithLengthOpts(line, length, &end, 0);
    if (json != NULL)
        while (end < line + length && (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r'))
            end++;
    bool object = json != NULL && cJSON_IsObject(json) && end == line + length;
    if (fast) {
        accepted++;
        CHECK(object, "scanner accepted what cJSON rejects: %.*s", (int)(length > 200 ? 200 : length), line);
        if (object) {
            masq_row a = {NULL, &fields, line, length}, b = {json, NULL, line, length};
            for (int f = 0; f < MASQ_FIELD_COUNT; f++) {
                const char *x = masq_row_string(&a, (masq_field)f),
                           *y = masq_row_string(&b, (masq_field)f);
                CHECK((x == NULL) == (y == NULL) && (x == NULL || strcmp(x, y) == 0),
                      "%s: scanner '%s', cJSON '%s' in %.*s", masq_field_name((masq_field)f),
                      x ? x : "(none)",
                      y ? y : "(none)", (int)(length > 200 ? 200 : length), line);
            }
            const char *ids[] = {"4688", "1", "4688.0"};
            for (size_t k = 0; k < 3; k++)
                CHECK(masq_row_event_id_is(&a, ids[k]) == masq_row_event_id_is(&b, ids[k]),
                      "EventID %s: scanner and cJSON disagree on %.*s", ids[k],
                      (int)(length > 200 ? 200 : length), line);
        }
    } else {
        passed_on++;
    }
    cJSON_Delete(json);
    free(scratch);
}

static void mutate(masq_random *r, char *line, size_t *length, size_t capacity)
{
    static const char *const inserts[] = {"\\\\", "\\\"", "\\u0041", "\\u00e9", "\\u4e2d", "\\ud83d\\ude00",
                                          "\\u0000", "\\n", "{\"a\":[1,{\"b\":null}]}", "\"EventID\":4688,",
                                          "\"Process\":\"x.exe\",", "1e5", "-0.5", "true", ",", ":", "\"",
                                          "\x01", "\xff", " ", "\"EventID\":\"1\",",
                                          "\"Meta\":{\"EventID\":1},"};
    unsigned kind = masq_random_below(r, 4);
    size_t at = *length ? masq_random_below(r, (uint32_t)*length) : 0;
    if (kind == 0 && *length > 0) {
        line[at] = (char)masq_random_below(r, 256);
        if (line[at] == '\0')
            line[at] = ' ';
    } else if (kind == 1 && *length > 0) {
        memmove(line + at, line + at + 1, *length - at - 1);
        (*length)--;
    } else {
        const char *text = inserts[masq_random_below(r, sizeof inserts / sizeof *inserts)];
        size_t n = strlen(text);
        if (*length + n < capacity) {
            memmove(line + at + n, line + at, *length - at);
            memcpy(line + at, text, n);
            *length += n;
        }
    }
}

/* The string scan goes 16, then 8 bytes at a time, then byte by byte: each
 * byte that may end a run (quote, backslash, control characters, and their
 * neighbours 0x20, 0x7F, 0x80, 0xFF that must not) at every offset of values
 * of every length across those steps, in a wanted and an unwanted field. */
static void compare_every_offset(void)
{
    static const char bytes[] = {'"', '\\', 0x01, 0x09, 0x1F, 0x20, 0x7F, (char)0x80, (char)0xFF, 'n'};
    char value[64], line[256];
    for (size_t length = 0; length <= 48; length++)
        for (size_t at = 0; at <= length; at++)
            for (size_t b = 0; b < sizeof bytes; b++)
                for (int wanted = 0; wanted < 2; wanted++) {
                    memset(value, 'a' + (int)(length % 26), length);
                    size_t n = length;
                    if (at < length)
                        value[at] = bytes[b];
                    int written = snprintf(line, sizeof line,
                                           "{\"EventID\":4688,\"%s\":\"%.*s\",\"Computer\":\"h\"}",
                                           wanted ? "Process" : "CommandLine", (int)n, value);
                    compare(line, (size_t)written);
                }
}

int main(int argc, char **argv)
{
    compare_every_offset();
    const char *folder = argc > 1 ? argv[1] : "tests/data/real";
    unsigned long mutations = argc > 2 ? strtoul(argv[2], NULL, 10) : 20;
    const char *files[] = {"securityevent_4688.jsonl", "sysmon_1.jsonl"};
    masq_random r = {20261128};
    static char line[1 << 16], copy[1 << 16];
    for (int f = 0; f < 2; f++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", folder, files[f]);
        FILE *file = fopen(path, "r");
        CHECK(file != NULL, "cannot open %s", path);
        while (file && fgets(line, sizeof line, file)) {
            size_t length = strcspn(line, "\n");
            compare(line, length);
            for (unsigned long m = 0; m < mutations; m++) {
                size_t n = length;
                memcpy(copy, line, length);
                unsigned edits = 1 + masq_random_below(&r, 3);
                for (unsigned e = 0; e < edits; e++)
                    mutate(&r, copy, &n, sizeof copy);
                compare(copy, n);
            }
        }
        if (file)
            fclose(file);
    }
    printf("scanner accepted %lu lines, passed %lu on to cJSON\n", accepted, passed_on);
    CHECK(accepted > 3000 && passed_on > 1000, "both paths must be exercised");
    return check_finish("test_json_fields");
}
