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
    const char *user;             /* the account that started it (DOMAIN\\user), or NULL */
    const char *user_domain;      /* a domain to put before `user` when it has none, or NULL */
    const char *parent;           /* the parent process's path, or NULL */
    const char *process_id;       /* the new process's id (NewProcessId, ProcessId), or NULL */
    const char *hashes;           /* Sysmon's "SHA1=...,SHA256=..." or a bare SHA-256 (Defender), or NULL */
    unsigned sensor;              /* MASQ_SENSOR_* (names/name_table.h): which log it is */
    bool demo;                    /* synthetic (--demo) rather than the user's */
} masq_event;

#endif
