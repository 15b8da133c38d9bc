/* masq's public face: configure a scan, run it, write its results. The
 * library never exits and never writes to stdout except through
 * masq_result_write; diagnostics go through the log sink (util/log.h). */
#ifndef MASQ_H
#define MASQ_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "result.h"
#include "util/status.h"

/* The defaults of the command line. */
void masq_config_defaults(masq_config *config);

/* Run the pipeline: ingest, count and tier, pack, match, verify. */
masq_status masq_scan(const masq_config *config, masq_result *result);

/* Write the result in a format; MASQ_ERR_OUTPUT when writing fails. */
masq_status masq_result_write(masq_result *result, masq_format format, FILE *out);

/* Lines ("masq: ..."): which --suppress rules took out how many findings,
 * and how many findings triage (--min-severity, --reason, --host, --top) left
 * out; nothing when neither did. */
void masq_result_write_suppressed(const masq_result *result, FILE *out);

/* Write the demo events as JSON lines (SecurityEvent rows). */
masq_status masq_demo_write(uint64_t seed, bool background, FILE *out);

/* masq baseline ACTION FILE: "show" (days, names, size; with weights, each
 * name's weighted count, rank and tier as of the newest day, as JSON lines),
 * "prune" (keep the newest day's last retain_days) or "export" (the merged
 * history as a name table), to out. */
masq_status masq_baseline_run(const char *action, const masq_config *config, int retain_days,
                              bool weights, FILE *out);

/* masq merge: combine name tables (and event files) into one table. */
masq_status masq_merge_tables(const char *const *paths, size_t count, FILE *out);

/* The shard (0..count-1) a suspicious name belongs to; stable across runs. */
uint32_t masq_shard_of(const char *name, uint32_t count);

/* List OpenCL platforms and devices (masq devices). */
masq_status masq_devices_print(FILE *out);

#endif
