#include "evtx_event.h"

#include <stdio.h>
#include <string.h>

#include "../names/name_table.h"

masq_evtx_kind masq_evtx_kind_of(const char *provider, const char *event_id)
{
    if (provider == NULL || event_id == NULL)
        return MASQ_EVTX_OTHER;
    if (strcmp(event_id, "4688") == 0 && strcmp(provider, "Microsoft-Windows-Security-Auditing") == 0)
        return MASQ_EVTX_SECURITY_4688;
    if (strcmp(event_id, "1") == 0 && strcmp(provider, "Microsoft-Windows-Sysmon") == 0)
        return MASQ_EVTX_SYSMON_1;
    return MASQ_EVTX_OTHER;
}

void masq_evtx_event_of(masq_evtx_kind kind, masq_evtx_data data, const void *record, masq_event *e)
{
    if (kind == MASQ_EVTX_SECURITY_4688) {
        /* SecurityEvent's Account, DOMAIN\user of the subject, is made by
         * ingest as for a row with SubjectUserName and SubjectDomainName. */
        *e = (masq_event){.new_process_name = data(record, "NewProcessName"),
                          .user = data(record, "SubjectUserName"),
                          .user_domain = data(record, "SubjectDomainName"),
                          .parent = data(record, "ParentProcessName"),
                          .process_id = data(record, "NewProcessId"),
                          .sensor = MASQ_SENSOR_SECURITY_EVENT};
    } else {
        *e = (masq_event){.new_process_name = data(record, "Image"),
                          .original_file_name = data(record, "OriginalFileName"),
                          .user = data(record, "User"),
                          .parent = data(record, "ParentImage"),
                          .process_id = data(record, "ProcessId"),
                          .hashes = data(record, "Hashes"),
                          .sensor = MASQ_SENSOR_SYSMON};
    }
}

const char *masq_evtx_origin(const char *record_id, char *out, size_t size)
{
    if (record_id == NULL)
        return NULL;
    snprintf(out, size, "evtx:%.20s", record_id);
    return out;
}
