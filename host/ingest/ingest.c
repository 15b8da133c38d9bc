#include "ingest.h"

#include <stdbool.h>
#include <stdlib.h>

#include "blob_inputs.h"
#include "blob_list.h"
#include "input_list.h"
#include "parallel_read.h"
#include "read_input.h"

masq_status masq_ingest_paths(masq_ingest *ingest, const char *const *paths, size_t count)
{
    /* Container URLs (blob_list.h) are listed after the local paths are walked. */
    const char **local = calloc(count + 1, sizeof *local);
    size_t local_count = 0, url_count = 0;
    if (local == NULL)
        return MASQ_ERR_NOMEM;
    masq_status status = MASQ_OK;
    for (size_t i = 0; i < count && status == MASQ_OK; i++) {
        if (masq_blob_is_url(paths[i])) {
            status = masq_blob_url_check(paths[i]);
            url_count++;
        } else {
            local[local_count++] = paths[i];
        }
    }
    if (status == MASQ_OK)
        status = masq_input_paths_check(local, local_count);
    masq_path_list inputs = {0};
    masq_blob_listing blobs = {0};
    bool stdin_read = false;
    if (status == MASQ_OK)
        status = masq_input_paths_walk(ingest, local, local_count, &inputs, &stdin_read);
    masq_blob_options no_options = {.retries = -1};
    for (size_t i = 0; i < count && url_count > 0 && status == MASQ_OK; i++)
        if (masq_blob_is_url(paths[i]))
            status = masq_blob_list(&blobs, paths[i], ingest->blob ? ingest->blob : &no_options,
                                    ingest->since_ms, ingest->until_ms);
    masq_input_list items = {0};
    for (size_t i = 0; i < inputs.count && status == MASQ_OK; i++)
        status = masq_input_list_add(&items, inputs.items[i], ingest, &ingest->progress_total);
    for (size_t i = 0; i < blobs.count && status == MASQ_OK; i++)
        status = masq_blob_inputs_add(&items, &blobs.items[i], ingest, &ingest->progress_total);
    /* Name tables are small and their rows go straight into the table: one reader. */
    int threads = ingest->schema == MASQ_SCHEMA_NAMES ? 1 : ingest->threads;
    /* A reader of a blob waits for the network between its bytes: twice the
     * readers keep the CPUs busy (the result is the same at any count). */
    if (blobs.count > 0 && ingest->schema != MASQ_SCHEMA_NAMES)
        threads = threads < 1 ? 2 : 2 * threads;
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
    masq_blob_listing_free(&blobs);
    free(local);
    if (ingest->progress) {
        masq_progress done = {ingest->progress_total, ingest->progress_total, ingest->stats.events, true};
        ingest->progress(&done, ingest->progress_context);
    }
    return status;
}
