#include "ingest.h"

#include <stdbool.h>
#include <stdlib.h>

#include "input_list.h"
#include "parallel_read.h"
#include "read_input.h"

masq_status masq_ingest_paths(masq_ingest *ingest, const char *const *paths, size_t count)
{
    MASQ_TRY(masq_input_paths_check(paths, count));
    masq_path_list inputs = {0};
    bool stdin_read = false;
    masq_status status = masq_input_paths_walk(ingest, paths, count, &inputs, &stdin_read);
    masq_input_list items = {0};
    for (size_t i = 0; i < inputs.count && status == MASQ_OK; i++)
        status = masq_input_list_add(&items, inputs.items[i], ingest, &ingest->progress_total);
    /* Name tables are small and their rows go straight into the table: one reader. */
    int threads = ingest->schema == MASQ_SCHEMA_NAMES ? 1 : ingest->threads;
    if (threads > (int)items.count)
        threads = (int)items.count;
    if (status == MASQ_OK && threads > 1 && !stdin_read) {
        status = masq_read_parallel(ingest, items.items, items.count, threads);
    } else {
        for (size_t i = 0; i < items.count && status == MASQ_OK; i++)
            status = masq_ingest_input(ingest, &items.items[i]);
    }
    free(items.items);
    masq_path_list_free(&inputs);
    if (ingest->progress) {
        masq_progress done = {ingest->progress_total, ingest->progress_total, ingest->stats.events, true};
        ingest->progress(&done, ingest->progress_context);
    }
    return status;
}
