#include "ingest_state.h"

#include <stdlib.h>
#include <string.h>

void masq_ingest_init(masq_ingest *ingest, masq_name_table *names, bool strict)
{
    memset(ingest, 0, sizeof *ingest);
    ingest->names = names;
    ingest->strict = strict;
    ingest->report_limit = 5;
    ingest->since_ms = MASQ_TIME_NONE;
    ingest->until_ms = MASQ_TIME_NONE;
    masq_dedup_init(&ingest->dedup);
}

void masq_ingest_free(masq_ingest *ingest)
{
    free(ingest->batch);
    ingest->batch = NULL;
    masq_dedup_free(&ingest->dedup);
    free(ingest->scratch);
    ingest->scratch = NULL;
    ingest->scratch_capacity = 0;
}
