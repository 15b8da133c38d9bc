/* One process-creation event as read from any source, before normalization. */
#ifndef MASQ_EVENT_H
#define MASQ_EVENT_H

#include <stdbool.h>

typedef struct masq_event {
    const char *process;          /* Process column; NULL when absent */
    const char *new_process_name; /* full path, case kept; NULL when absent */
    const char *computer;
    const char *time_generated;   /* ISO 8601 text; NULL when absent */
    const char *original_file_name; /* PE original file name (Sysmon, Defender); NULL when absent */
    const char *origin_id;        /* EventOriginId: the same for a row the export wrote twice */
    bool demo;                    /* synthetic (--demo) rather than the user's */
} masq_event;

#endif
