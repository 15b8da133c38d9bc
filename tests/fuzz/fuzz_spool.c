/* The spool reader: any bytes as a batch file in a spool folder are opened
 * and read (masq_spool_open) or refused, never crash; what is read is a JSON
 * array body of at least one record, and the batch splitter cuts it in two
 * halves inside it. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_check.h"
#include "publish/publish_batch.h"
#include "publish/spool.h"
#include "util/log.h"

static void quiet(masq_log_level level, const char *message, void *context)
{
}

static masq_spool spool;
static char folder[64];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (folder[0] == '\0') {
        masq_log_set_sink(quiet, NULL, MASQ_LOG_ERROR);
        snprintf(folder, sizeof folder, "/tmp/masq-fuzz-spool-XXXXXX");
        FUZZ_CHECK(mkdtemp(folder) != NULL, "mkdtemp");
        FUZZ_CHECK(masq_spool_open_dir(folder, false, &spool) == MASQ_OK, "spool folder");
    }
    static const char name[] = "batch-fuzz.spool";
    int fd = openat(spool.fd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    FUZZ_CHECK(fd >= 0, "create");
    FUZZ_CHECK(size == 0 || write(fd, data, size) == (ssize_t)size, "write");
    close(fd);
    masq_spool_entry entry;
    if (masq_spool_open(&spool, name, &entry) == MASQ_SPOOL_OPENED) {
        FUZZ_CHECK(entry.body != NULL && entry.body_size >= 2 && entry.body_size < size &&
                       entry.body[0] == '[' && entry.body[entry.body_size - 1] == ']',
                   "the body read is not an array inside the file");
        FUZZ_CHECK(entry.records >= 1, "a batch of no records");
        size_t left_end, right_start, left_records, right_records;
        if (masq_batch_split_point(entry.body, entry.body_size, &left_end, &right_start,
                                   &left_records, &right_records) == 0)
            FUZZ_CHECK(left_end > 0 && left_end <= right_start && right_start < entry.body_size,
                       "split point outside the body");
        masq_spool_close(&entry);
    }
    unlinkat(spool.fd, name, 0);
    return 0;
}
