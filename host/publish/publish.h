/* Publishing: a scan's anomalies to Microsoft Sentinel (Azure Monitor Logs),
 * through the Logs Ingestion API or the legacy HTTP Data Collector API
 * (retired by Microsoft on 14 September 2026, kept for workspaces that still
 * take it), in batches under each API's size limit, with retries. Every
 * batch is in the spool folder before it is sent and leaves it only when
 * acknowledged; masq_publish_spool() sends what a failure or a crash left.
 * Secrets come only from the environment (and, for the workspace key, a
 * file of mode 0600); they never appear in messages, dry runs or spool files. */
#ifndef MASQ_PUBLISH_H
#define MASQ_PUBLISH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "../util/status.h"
#include "publish_config.h"
#include "send_result.h"
#include "publish_session.h"
#include "publish_target.h"

struct masq_result;

void masq_publish_config_defaults(masq_publish_config *config);

/* Check a configuration before any input is read: required options, every
 * URL (the endpoints, AZURE_AUTHORITY_HOST, the IMDS override: https, or
 * http to a loopback address only), ids that reach a URL or a header,
 * credentials present and, for a key file, the user's and of mode 0600, and
 * the spool folder (no symlink, the user's, not writable by others). Core
 * dumps are turned off first. MASQ_ERR_USAGE with the reason logged.
 * for_spool: checking `masq publish` (which needs the target too: a spool
 * file's own target is only compared with it). */
masq_status masq_publish_check(const masq_publish_config *config, bool for_spool);

/* Publish the result's anomalies (demo ones only with publish_demo).
 * MASQ_OK when every batch was acknowledged (or printed, in a dry run);
 * MASQ_ERR_PUBLISH when some were not: those are in the spool folder, and
 * the log says where and how to send them. */
masq_status masq_publish_result(const masq_publish_config *config,
                                const struct masq_result *result);

/* Send the batches waiting in the spool folder for the configured target
 * (files naming another target are left, and counted); an acknowledged
 * batch's file is removed at once, so it is never sent again.
 * MASQ_ERR_PUBLISH when some remain. */
masq_status masq_publish_spool(const masq_publish_config *config);

/* The spool folder a configuration uses, into out; -1 when there is none
 * (no --spool, no $XDG_STATE_HOME and no $HOME). */
int masq_publish_spool_dir(const masq_publish_config *config, char *out, size_t size);

/* A sending session over one HTTP client; the caller closes it. */
masq_status masq_publish_session_open(masq_publish_session *session,
                                      const masq_publish_config *config);
void masq_publish_session_close(masq_publish_session *session);

/* Send one batch (a JSON array of records, body_size bytes) to target, or in a
 * dry run print the request. message receives the reason of a failure. */
masq_send_result masq_publish_send(masq_publish_session *session, const masq_publish_target *target,
                                   const char *body, size_t body_size, size_t records,
                                   char *message, size_t message_size);

/* Core dumps off (PR_SET_DUMPABLE 0, RLIMIT_CORE 0) for the rest of the
 * process, before any secret is read: a memory image would hold them. */
void masq_publish_protect_process(void);

#endif
