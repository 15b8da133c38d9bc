/* masq_bench_matrix: times masq's CPU matrix (pack excluded, match and verify
 * included) on two name lists, one lower-cased name per line. Prints one JSON
 * object; bench/matrix_bench.py runs it beside the peers.
 *   masq_bench_matrix --frequent F --infrequent I [--threads N] [--runs R]
 *                     [--threshold T] [--hits FILE] [--backend cpu|opencl] [--device D]
 *                     [--device-layout offsets|rows] [--warmup 0|1]
 * --device-layout sets MASQ_DEVICE_LAYOUT (how names lie in the device's
 * symbol buffer); without it, the device's default. --warmup 0 leaves out the
 * untimed first call (for one run of a matrix too large to run twice). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "match/match.h"
#include "match/pack.h"

typedef struct lines {
    char **items;
    size_t count;
} lines;

static int read_lines(const char *path, lines *out)
{
    FILE *file = fopen(path, "r");
    if (file == NULL)
        return -1;
    size_t capacity = 1024;
    out->items = malloc(capacity * sizeof *out->items);
    out->count = 0;
    char *line = NULL;
    size_t size = 0;
    ssize_t length;
    while ((length = getline(&line, &size, file)) > 0) {
        while (length > 0 && (line[length - 1] == '\n' || line[length - 1] == '\r'))
            line[--length] = '\0';
        if (out->count == capacity)
            out->items = realloc(out->items, (capacity *= 2) * sizeof *out->items);
        out->items[out->count++] = strdup(line);
    }
    free(line);
    fclose(file);
    return 0;
}

static int compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    const char *frequent_path = NULL, *infrequent_path = NULL, *hits_path = NULL;
    int threads = 0, runs = 5, warmup = 1;
    double threshold = 0.85;
    masq_match_backend backend = MASQ_MATCH_CPU;
    const char *device = NULL;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--frequent") == 0)
            frequent_path = argv[i + 1];
        else if (strcmp(argv[i], "--infrequent") == 0)
            infrequent_path = argv[i + 1];
        else if (strcmp(argv[i], "--threads") == 0)
            threads = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--runs") == 0)
            runs = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--threshold") == 0)
            threshold = atof(argv[i + 1]);
        else if (strcmp(argv[i], "--hits") == 0)
            hits_path = argv[i + 1];
        else if (strcmp(argv[i], "--backend") == 0)
            backend = strcmp(argv[i + 1], "opencl") == 0 ? MASQ_MATCH_OPENCL : MASQ_MATCH_CPU;
        else if (strcmp(argv[i], "--device") == 0)
            device = argv[i + 1];
        else if (strcmp(argv[i], "--warmup") == 0)
            warmup = atoi(argv[i + 1]) != 0;
        else if (strcmp(argv[i], "--device-layout") == 0)
            setenv("MASQ_DEVICE_LAYOUT", argv[i + 1], 1);
    }
    const char *layout = getenv("MASQ_DEVICE_LAYOUT");
    lines frequent, infrequent;
    if (frequent_path == NULL || infrequent_path == NULL || runs < 1 ||
        read_lines(frequent_path, &frequent) != 0 || read_lines(infrequent_path, &infrequent) != 0) {
        fprintf(stderr, "usage: masq_bench_matrix --frequent F --infrequent I [--threads N] "
                        "[--runs R] [--threshold T] [--hits FILE] [--backend cpu|opencl] [--device D] "
                        "[--device-layout offsets|rows] [--warmup 0|1]\n");
        return 1;
    }
    masq_pack pack;
    masq_pack_init(&pack);
    for (size_t i = 0; i < frequent.count; i++)
        if (masq_pack_add(&pack, &pack.frequent, frequent.items[i], strlen(frequent.items[i]),
                          (uint32_t)i) != MASQ_OK)
            return 1;
    for (size_t i = 0; i < infrequent.count; i++)
        if (masq_pack_add(&pack, &pack.infrequent, infrequent.items[i],
                          strlen(infrequent.items[i]), (uint32_t)i) != MASQ_OK)
            return 1;

    /* The DP cells the whole matrix would take: (sum of frequent lengths) x
     * (sum of infrequent lengths), in code points. Reported as "equivalent cell
     * updates" per second, the unit GPU string kernels are quoted in. */
    double frequent_cells = 0, infrequent_cells = 0;
    for (size_t i = 0; i < pack.frequent.count; i++)
        frequent_cells += pack.frequent.items[i].length;
    for (size_t i = 0; i < pack.infrequent.count; i++)
        infrequent_cells += pack.infrequent.items[i].length;

    masq_match_options options = {threshold, threads, backend, device, {0}};
    masq_match_stats stats = {0};
    masq_hits hits = {0};
    double *seconds = malloc((size_t)runs * sizeof *seconds);
    for (int run = warmup ? -1 : 0; run < runs; run++) { /* run -1 warms up */
        masq_hits_free(&hits);
        struct timespec start, end;
        clock_gettime(CLOCK_MONOTONIC, &start);
        if (masq_match(&pack, &options, &hits, &stats) != MASQ_OK)
            return 2;
        clock_gettime(CLOCK_MONOTONIC, &end);
        if (run >= 0)
            seconds[run] = (double)(end.tv_sec - start.tv_sec) + (double)(end.tv_nsec - start.tv_nsec) * 1e-9;
    }
    if (hits_path != NULL) {
        FILE *out = fopen(hits_path, "w");
        if (out == NULL)
            return 1;
        for (size_t h = 0; h < hits.count; h++)
            fprintf(out, "%s\t%s\t%u\t%.9g\n", frequent.items[hits.items[h].frequent],
                    infrequent.items[hits.items[h].infrequent], hits.items[h].distance,
                    (double)hits.items[h].score);
        fclose(out);
    }
    printf("{\"frequent\":%zu,\"infrequent\":%zu,\"pairs\":%llu,\"hits\":%zu,\"runs\":%d,\"seconds\":[",
           frequent.count, infrequent.count, (unsigned long long)stats.pairs, hits.count, runs);
    for (int run = 0; run < runs; run++)
        printf("%s%.6f", run ? "," : "", seconds[run]);
    qsort(seconds, (size_t)runs, sizeof *seconds, compare_double);
    double median = runs % 2 ? seconds[runs / 2] : (seconds[runs / 2 - 1] + seconds[runs / 2]) / 2;
    printf("],\"seconds_median\":%.6f,\"pairs_per_s\":%.6g,\"threads\":%d,\"pairs_scored\":%llu,"
           "\"pairs_verified\":%llu,\"backend\":\"%s\",\"device\":\"%s\",\"launches\":%llu,"
           "\"cells\":%.6g,\"cell_updates_per_s\":%.6g,\"device_layout\":\"%s\"}\n",
           median, (double)stats.pairs / median, stats.threads,
           (unsigned long long)stats.candidates, (unsigned long long)stats.verified, stats.backend,
           stats.device, (unsigned long long)stats.launches, frequent_cells * infrequent_cells,
           frequent_cells * infrequent_cells / median,
           backend == MASQ_MATCH_CPU ? "-" : layout && layout[0] ? layout : "default");
    return 0;
}
