/* The de-duplication's tables by hour (ingest/dedup.c) against a plain
 * oracle: seeded rows, each a (key, time), over many hours (before 1970
 * too, where the hour is floored), read in an order that jumps between hours;
 * a row must be told "seen" exactly when the same key came before in its
 * hour (a key is made with its row's time, so in use a key is never seen at
 * two times; here some are, to hold the hours apart). The oracle sorts the
 * rows by (key, hour, position) and marks every one after the first of its
 * run. Eight seeds. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ingest/dedup.h"
#include "util/random.h"

#define ROWS 300000

typedef struct row {
    uint64_t key;
    int64_t time_ms;
    uint32_t position;
} row;

static int compare_rows(const void *x, const void *y)
{
    const row *a = x, *b = y;
    if (a->key != b->key)
        return a->key < b->key ? -1 : 1;
    int64_t hour_a = masq_dedup_hour_of(a->time_ms), hour_b = masq_dedup_hour_of(b->time_ms);
    if (hour_a != hour_b)
        return hour_a < hour_b ? -1 : 1;
    return a->position < b->position ? -1 : a->position > b->position;
}

static void check_seed(uint64_t seed)
{
    masq_random random = {seed};
    row *rows = malloc(ROWS * sizeof *rows), *sorted = malloc(ROWS * sizeof *rows);
    bool *expected = calloc(ROWS, sizeof *expected);
    CHECK(rows && sorted && expected, "out of memory");
    if (!rows || !sorted || !expected)
        return;
    for (uint32_t i = 0; i < ROWS; i++) {
        /* A copy of an earlier row now and then (an export's retry), else a
         * new row: its hour one of a few thousand, some before 1970. */
        if (i > 0 && masq_random_below(&random, 10) == 0) {
            rows[i] = rows[masq_random_below(&random, i)];
        } else {
            int64_t hour = (int64_t)masq_random_below(&random, 3000) - 600;
            rows[i].time_ms = hour * 3600000 + (int64_t)masq_random_below(&random, 3600000);
            rows[i].key = (masq_random_next(&random) | 1);
            if (masq_random_below(&random, 50) == 0 && i > 0) /* one key at another time */
                rows[i].key = rows[masq_random_below(&random, i)].key;
        }
        rows[i].position = i;
    }
    memcpy(sorted, rows, ROWS * sizeof *rows);
    qsort(sorted, ROWS, sizeof *sorted, compare_rows);
    for (uint32_t i = 1; i < ROWS; i++)
        if (sorted[i].key == sorted[i - 1].key &&
            masq_dedup_hour_of(sorted[i].time_ms) == masq_dedup_hour_of(sorted[i - 1].time_ms))
            expected[sorted[i].position] = true;

    masq_dedup dedup;
    masq_dedup_init(&dedup);
    uint32_t wrong = 0, seen_count = 0;
    for (uint32_t i = 0; i < ROWS; i++) {
        bool seen = false;
        CHECK(masq_dedup_check(&dedup, rows[i].key, rows[i].time_ms, &seen) == MASQ_OK, "check");
        wrong += seen != expected[i];
        seen_count += seen;
    }
    CHECK(wrong == 0, "seed %llu: %u of %u rows told wrongly", (unsigned long long)seed, wrong,
          ROWS);
    CHECK(seen_count > ROWS / 20, "only %u copies seen: the oracle's rows repeat too little",
          seen_count);
    CHECK(dedup.count > 2000, "only %zu hours", dedup.count);
    CHECK(masq_dedup_hour_of(-1) == -1 && masq_dedup_hour_of(-3600000) == -1 &&
              masq_dedup_hour_of(-3600001) == -2 && masq_dedup_hour_of(0) == 0 &&
              masq_dedup_hour_of(3599999) == 0 && masq_dedup_hour_of(3600000) == 1,
          "hours are floored");
    masq_dedup_free(&dedup);
    free(rows);
    free(sorted);
    free(expected);
}

int main(void)
{
    for (uint64_t seed = 4688; seed < 4688 + 8; seed++)
        check_seed(seed);
    return check_finish("dedup");
}
