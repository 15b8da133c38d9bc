/* How masq reads the Log Analytics export container over HTTPS: the
 * credentials and the retry policy, set by the command line. */
#ifndef MASQ_BLOB_OPTIONS_H
#define MASQ_BLOB_OPTIONS_H

#include <stdbool.h>
#include <stdio.h>

typedef struct masq_blob_options {
    const char *sas_file;  /* --sas-file: the SAS, in a 0600 file (NULL: $MASQ_STORAGE_SAS) */
    bool managed_identity; /* a storage token from IMDS, not AZURE_CLIENT_SECRET */
    bool dry_run;          /* show every request (secrets redacted) on dry_run_out */
    FILE *dry_run_out;     /* NULL: stderr */
    double timeout_seconds; /* per request (<= 0: 60) */
    int retries;            /* after the first try, on 429, 5xx, timeouts, cut bodies (< 0: 8) */
    double backoff_seconds; /* the first wait, doubled each time (<= 0: 0.5) */
} masq_blob_options;

#endif
