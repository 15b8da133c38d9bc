#include "html_plot.h"

#include <math.h>
#include <stdlib.h>

#include "../tier/percent_rank.h"
#include "html_escape.h"

/* The drawing's frame, in SVG user units (the page scales it). */
#define WIDTH 760.0
#define HEIGHT 300.0
#define LEFT 60.0
#define RIGHT 16.0
#define TOP 16.0
#define BOTTOM 44.0

typedef struct frame {
    double decades; /* log10 of the top of the y axis */
} frame;

static double x_of(double rank)
{
    return LEFT + rank * (WIDTH - LEFT - RIGHT);
}

/* Counts of 0 (known names interned without a sighting) sit on the axis with those of 1. */
static double y_of(const frame *f, uint64_t count)
{
    double level = count > 1 ? log10((double)count) / f->decades : 0.0;
    return HEIGHT - BOTTOM - level * (HEIGHT - TOP - BOTTOM);
}

static int ascending(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* percent_rank of a count among the sorted counts: (names with a smaller count) / (n - 1). */
static double rank_of(const uint64_t *sorted, size_t n, uint64_t count)
{
    size_t low = 0, high = n;
    while (low < high) {
        size_t middle = low + (high - low) / 2;
        if (sorted[middle] < count)
            low = middle + 1;
        else
            high = middle;
    }
    return n > 1 ? (double)low / (double)(n - 1) : 0.0;
}

static void axes(const frame *f, FILE *out)
{
    fprintf(out, "<g class=\"axis\">\n<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n",
            LEFT, HEIGHT - BOTTOM, WIDTH - RIGHT, HEIGHT - BOTTOM);
    fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", LEFT, TOP, LEFT,
            HEIGHT - BOTTOM);
    for (int d = 0; d <= (int)f->decades; d++) {
        uint64_t count = 1;
        for (int k = 0; k < d; k++)
            count *= 10;
        double y = y_of(f, count);
        fprintf(out, "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n",
                LEFT, y, WIDTH - RIGHT, y);
        fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%llu</text>\n", LEFT - 6,
                y + 4, (unsigned long long)count);
    }
    for (int tick = 0; tick <= 5; tick++) {
        double x = x_of(tick / 5.0);
        fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%.1f</text>\n", x,
                HEIGHT - BOTTOM + 16, tick / 5.0);
    }
    fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">percent_rank of the name's "
            "count</text>\n", x_of(0.5), HEIGHT - 8);
    fprintf(out, "<text x=\"14\" y=\"%.1f\" text-anchor=\"middle\" transform=\"rotate(-90 14 %.1f)\">"
            "events per name (log)</text>\n</g>\n",
            (TOP + HEIGHT - BOTTOM) / 2, (TOP + HEIGHT - BOTTOM) / 2);
}

static void threshold(double rank, const char *class_name, const char *label, FILE *out)
{
    if (rank < 0 || rank > 1)
        return;
    double x = x_of(rank);
    fprintf(out, "<line class=\"%s\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n",
            class_name, x, TOP, x, HEIGHT - BOTTOM);
    fprintf(out, "<text class=\"%s\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">%s</text>\n",
            class_name, rank > 0.5 ? x - 4 : x + 4, TOP + 12, rank > 0.5 ? "end" : "start", label);
}

/* The staircase: one step per distinct count, from its rank to the next's. */
static void staircase(const frame *f, const uint64_t *sorted, size_t n, FILE *out)
{
    fputs("<polyline class=\"names\" fill=\"none\" points=\"", out);
    double last_x = -1, last_y = -1;
    for (size_t i = 0; i < n;) {
        size_t next = i;
        while (next < n && sorted[next] == sorted[i])
            next++;
        double x0 = x_of(n > 1 ? (double)i / (double)(n - 1) : 0.0);
        double x1 = x_of(n > 1 ? (double)(next < n ? next : n - 1) / (double)(n - 1) : 1.0);
        double y = y_of(f, sorted[i]);
        /* Points closer than a tenth of a unit are drawn once (a fleet has many counts). */
        if (fabs(x0 - last_x) >= 0.1 || fabs(y - last_y) >= 0.1)
            fprintf(out, "%.1f,%.1f ", x0, y);
        fprintf(out, "%.1f,%.1f ", x1, y);
        last_x = x1, last_y = y;
        i = next;
    }
    fputs("\"/>\n", out);
}

typedef struct count_at {
    uint64_t count;
    size_t index;
} count_at;

static int by_count_then_index(const void *a, const void *b)
{
    const count_at *x = a, *y = b;
    if (x->count != y->count)
        return x->count < y->count ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* stack[i]: how many findings share finding i's count when i is the first of
 * them (its dot says so), else 0. */
static size_t *stacks_of(const masq_result *result)
{
    size_t m = result->anomaly_count;
    count_at *pairs = malloc((m ? m : 1) * sizeof *pairs);
    size_t *stack = calloc(m ? m : 1, sizeof *stack);
    if (pairs == NULL || stack == NULL) {
        free(pairs);
        free(stack);
        return NULL;
    }
    for (size_t i = 0; i < m; i++)
        pairs[i] = (count_at){masq_name_total(result->anomalies[i].suspicious), i};
    qsort(pairs, m, sizeof *pairs, by_count_then_index);
    for (size_t i = 0; i < m;) {
        size_t next = i;
        while (next < m && pairs[next].count == pairs[i].count)
            next++;
        stack[pairs[i].index] = next - i;
        i = next;
    }
    free(pairs);
    return stack;
}

static void findings(const frame *f, const masq_result *result, const uint64_t *sorted, size_t n,
                     const size_t *stack, FILE *out)
{
    fputs("<g class=\"findings\">\n", out);
    for (size_t i = 0; i < result->anomaly_count; i++) {
        const masq_anomaly *a = &result->anomalies[i];
        uint64_t count = masq_name_total(a->suspicious);
        fprintf(out, "<a href=\"#f%zu\"><circle class=\"%s\" cx=\"%.1f\" cy=\"%.1f\" r=\"5\">"
                "<title>#%zu ", i + 1, masq_severity_name(a->severity),
                x_of(rank_of(sorted, n, count)), y_of(f, count), i + 1);
        masq_html_escape(out, a->suspicious->text);
        fprintf(out, " (%llu), %s</title></circle></a>\n", (unsigned long long)count,
                masq_severity_name(a->severity));
        /* Findings of one count share a dot: the first says how many. */
        if (stack[i] > 1)
            fprintf(out, "<text class=\"stack\" x=\"%.1f\" y=\"%.1f\">&#215;%zu</text>\n",
                    x_of(rank_of(sorted, n, count)) + 8, y_of(f, count) - 6, stack[i]);
    }
    fputs("</g>\n", out);
}

masq_status masq_html_plot(const masq_result *result, FILE *out)
{
    size_t n = result->names.count;
    uint64_t *sorted = malloc((n ? n : 1) * sizeof *sorted);
    size_t *stack = stacks_of(result);
    if (sorted == NULL || stack == NULL) {
        free(sorted);
        free(stack);
        return MASQ_ERR_NOMEM;
    }
    uint64_t top = 1;
    for (size_t i = 0; i < n; i++) {
        sorted[i] = masq_name_total(&result->names.names[i]);
        if (sorted[i] > top)
            top = sorted[i];
    }
    qsort(sorted, n, sizeof *sorted, ascending);
    frame f = {ceil(log10((double)top)) > 0 ? ceil(log10((double)top)) : 1.0};
    fprintf(out, "<svg viewBox=\"0 0 %.0f %.0f\" role=\"img\" "
            "aria-labelledby=\"plot-title\">\n<title id=\"plot-title\">Events per name against "
            "percent_rank, %zu names, %zu findings marked</title>\n",
            WIDTH, HEIGHT, n, result->anomaly_count);
    axes(&f, out);
    char label[96];
    snprintf(label, sizeof label, "infrequent &lt; %.2f", result->config.infrequent_threshold);
    threshold(result->config.infrequent_threshold, "infrequent", label, out);
    snprintf(label, sizeof label, "frequent &#8805; %.2f", result->config.frequent_threshold);
    threshold(result->config.frequent_threshold, "frequent", label, out);
    staircase(&f, sorted, n, out);
    findings(&f, result, sorted, n, stack, out);
    fputs("</svg>\n", out);
    free(sorted);
    free(stack);
    return MASQ_OK;
}
