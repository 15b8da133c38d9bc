/* For the Spark tier check: reads one count per line on stdin and prints each
 * count's percent_rank as %.17g, in input order. */
#include <stdio.h>
#include <stdlib.h>

#include "tier/percent_rank.h"
#include "util/memory.h"

int main(void)
{
    struct {
        uint64_t *items;
        size_t count, capacity;
    } counts = {0};
    unsigned long long value;
    while (scanf("%llu", &value) == 1)
        if (MASQ_PUSH(counts, (uint64_t)value) != 0)
            return 2;
    double *ranks = malloc((counts.count ? counts.count : 1) * sizeof *ranks);
    if (ranks == NULL || masq_percent_rank(counts.items, counts.count, ranks) != MASQ_OK)
        return 2;
    for (size_t i = 0; i < counts.count; i++)
        printf("%.17g\n", ranks[i]);
    free(ranks);
    free(counts.items);
    return 0;
}
