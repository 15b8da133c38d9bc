#include "pivot.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/time_iso.h"

/* A growing string; `failed` once memory ran out (then text is NULL). */
typedef struct text_buffer {
    char *text;
    size_t length, capacity;
    int failed;
} text_buffer;

static void append(text_buffer *b, const char *text, size_t n)
{
    if (b->failed)
        return;
    if (b->length + n + 1 > b->capacity) {
        size_t capacity = b->capacity ? b->capacity : 256;
        while (capacity < b->length + n + 1)
            capacity *= 2;
        char *grown = realloc(b->text, capacity);
        if (grown == NULL) {
            free(b->text);
            b->text = NULL;
            b->failed = 1;
            return;
        }
        b->text = grown;
        b->capacity = capacity;
    }
    memcpy(b->text + b->length, text, n);
    b->length += n;
    b->text[b->length] = '\0';
}

static void add(text_buffer *b, const char *text)
{
    append(b, text, strlen(text));
}

/* A KQL string literal: quotes and backslashes escaped, and the line breaks
 * and tabs a literal may not hold raw. */
static void add_literal(text_buffer *b, const char *value)
{
    add(b, "\"");
    for (const char *p = value; *p; p++) {
        switch (*p) {
        case '"':
            add(b, "\\\"");
            break;
        case '\\':
            add(b, "\\\\");
            break;
        case '\n':
            add(b, "\\n");
            break;
        case '\r':
            add(b, "\\r");
            break;
        case '\t':
            add(b, "\\t");
            break;
        default:
            append(b, p, 1);
        }
    }
    add(b, "\"");
}

/* One table's columns for what a pivot filters on. */
typedef struct sensor_table {
    unsigned bit;
    const char *head;     /* the table and its process-creation rows */
    const char *name;     /* the file-name column (or expression) */
    const char *path;     /* the full path */
    const char *original; /* the PE original file name */
    const char *computer;
    const char *time;
} sensor_table;

static const sensor_table tables[] = {
    {MASQ_SENSOR_SECURITY_EVENT, "SecurityEvent\n| where EventID == 4688",
     "tostring(split(NewProcessName, @\"\\\")[-1])", "NewProcessName", NULL, "Computer",
     "TimeGenerated"},
    {MASQ_SENSOR_SYSMON,
     "Event\n| where Source == \"Microsoft-Windows-Sysmon\" and EventID == 1\n"
     "| extend Image = extract(@'<Data Name=\"Image\">([^<]*)<', 1, EventData),\n"
     "    OriginalFileName = extract(@'<Data Name=\"OriginalFileName\">([^<]*)<', 1, EventData)",
     "tostring(split(Image, @\"\\\")[-1])", "Image", "OriginalFileName", "Computer",
     "TimeGenerated"},
    {MASQ_SENSOR_DEFENDER, "DeviceProcessEvents\n| where ActionType == \"ProcessCreated\"",
     "FileName", "FolderPath", "ProcessVersionInfoOriginalFileName", "DeviceName", "Timestamp"},
};

static void add_query(text_buffer *b, const sensor_table *t, const masq_anomaly *a)
{
    const masq_evidence *e = a->evidence;
    add(b, t->head);
    add(b, "\n| where ");
    add(b, t->name);
    add(b, " =~ ");
    add_literal(b, a->suspicious->text);
    if (a->folder_count > 0) { /* the wrong folders: the path ends in folder + name */
        add(b, "\n| where ");
        for (uint32_t f = 0; f < a->folder_count; f++) {
            add(b, f ? " or " : "");
            add(b, t->path);
            add(b, " endswith ");
            size_t n = strlen(a->folders[f]) + a->suspicious->length + 1;
            char *tail = malloc(n);
            if (tail == NULL) {
                b->failed = 1;
                return;
            }
            snprintf(tail, n, "%s%s", a->folders[f], a->suspicious->text);
            add_literal(b, tail);
            free(tail);
        }
    }
    if (a->claimed_original != NULL && t->original != NULL) {
        add(b, "\n| where ");
        add(b, t->original);
        add(b, " =~ ");
        add_literal(b, a->claimed_original);
    }
    if (e->computers.count > 0 && e->computers.more == 0) { /* every host is known */
        add(b, "\n| where ");
        add(b, t->computer);
        add(b, " in~ (");
        uint32_t order[MASQ_CONTEXT_LIMIT];
        masq_text_set_order(&e->computers, order);
        for (uint32_t c = 0; c < e->computers.count; c++) {
            add(b, c ? ", " : "");
            add_literal(b, e->computers.entries[order[c]].text);
        }
        add(b, ")");
    }
    if (e->first_seen_ms != MASQ_TIME_NONE) {
        char first[40], last[40];
        masq_time_format(e->first_seen_ms, first, sizeof first);
        masq_time_format(e->last_seen_ms, last, sizeof last);
        add(b, "\n| where ");
        add(b, t->time);
        add(b, " between (datetime(");
        add(b, first);
        add(b, ") .. datetime(");
        add(b, last);
        add(b, "))");
    }
}

char *masq_pivot_kql(const masq_anomaly *a)
{
    text_buffer b = {0};
    unsigned sensors = a->evidence ? a->evidence->sensors : 0;
    if (sensors == 0)
        sensors = MASQ_SENSOR_SECURITY_EVENT; /* name tables from before sensors were kept */
    unsigned count = 0;
    for (size_t t = 0; t < sizeof tables / sizeof *tables; t++)
        count += (sensors & tables[t].bit) != 0;
    if (count > 1)
        add(&b, "union\n");
    unsigned written = 0;
    for (size_t t = 0; t < sizeof tables / sizeof *tables; t++) {
        if (!(sensors & tables[t].bit))
            continue;
        if (count > 1)
            add(&b, written ? ",\n(" : "(");
        add_query(&b, &tables[t], a);
        if (count > 1)
            add(&b, ")");
        written++;
    }
    add(&b, "\n");
    return b.failed ? NULL : b.text;
}
