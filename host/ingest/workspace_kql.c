#include "workspace_kql.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/time_iso.h"
#include "../util/version.h"

/* Each sensor's rows projected to the same raw columns, as masq's readers of
 * exports take them (schema.c): nothing is lower-cased, split or joined here,
 * because Kusto's tolower is not ICU's lower for every code point and the
 * notebook profile must stay exact. The user is sent as its parts (the
 * account, or the subject's name with its domain) and joined by masq. */
static const char security_event[] =
    "SecurityEvent\n"
    "| where TimeGenerated >= masq_since and TimeGenerated < masq_until and EventID == 4688\n"
    "| project Sensor = \"SecurityEvent\", Time = TimeGenerated, Process, NewProcessName, Computer,\n"
    "    User = iff(isnotempty(Account), Account, SubjectUserName),\n"
    "    UserDomain = iff(isnotempty(Account), \"\", SubjectDomainName),\n"
    "    ParentProcessName, OriginalFileName = \"\", Hashes = \"\"";

/* Sysmon keeps its fields in the Event table's EventData XML. */
static const char sysmon[] =
    "Event\n"
    "| where TimeGenerated >= masq_since and TimeGenerated < masq_until\n"
    "    and Source == \"Microsoft-Windows-Sysmon\" and EventID == 1\n"
    "| extend masq_data = parse_xml(EventData).DataItem.EventData.Data\n"
    "| mv-apply masq_data on (summarize masq_bag = make_bag(bag_pack(tostring(masq_data[\"@Name\"]),\n"
    "    tostring(masq_data[\"#text\"]))))\n"
    "| project Sensor = \"Sysmon\", Time = TimeGenerated, Process = \"\",\n"
    "    NewProcessName = tostring(masq_bag.Image), Computer, User = tostring(masq_bag.User),\n"
    "    UserDomain = \"\", ParentProcessName = tostring(masq_bag.ParentImage),\n"
    "    OriginalFileName = tostring(masq_bag.OriginalFileName), Hashes = tostring(masq_bag.Hashes)";

static const char defender[] =
    "DeviceProcessEvents\n"
    "| where Timestamp >= masq_since and Timestamp < masq_until and ActionType == \"ProcessCreated\"\n"
    "| project Sensor = \"DeviceProcessEvents\", Time = Timestamp, Process = FileName,\n"
    "    NewProcessName = FolderPath, Computer = DeviceName, User = AccountName,\n"
    "    UserDomain = AccountDomain, ParentProcessName = InitiatingProcessFolderPath,\n"
    "    OriginalFileName = ProcessVersionInfoOriginalFileName, Hashes = SHA256";

static const char summarize[] =
    "| summarize Count = count(), FirstSeen = min(Time), LastSeen = max(Time)\n"
    "    by " MASQ_KQL_COLUMNS "\n";

char *masq_workspace_kql(bool securityevent_only, int64_t since_ms, int64_t until_ms, uint64_t take)
{
    char since[32], until[32];
    masq_time_format(since_ms, since, sizeof since);
    masq_time_format(until_ms, until, sizeof until);
    size_t size = sizeof security_event + sizeof sysmon + sizeof defender + sizeof summarize + 512;
    char *text = malloc(size);
    if (text == NULL)
        return NULL;
    int n;
    if (securityevent_only)
        n = snprintf(text, size,
                     "// masq %s: process starts as name-table rows (profile notebook)\n"
                     "let masq_since = datetime(%s);\n"
                     "let masq_until = datetime(%s);\n"
                     "%s\n%s| take %llu\n",
                     MASQ_VERSION, since, until, security_event, summarize,
                     (unsigned long long)take);
    else
        /* isfuzzy: a workspace without Sysmon or Defender answers for the rest. */
        n = snprintf(text, size,
                     "// masq %s: process starts as name-table rows (profile default)\n"
                     "let masq_since = datetime(%s);\n"
                     "let masq_until = datetime(%s);\n"
                     "union isfuzzy=true\n(%s),\n(%s),\n(%s)\n%s| take %llu\n",
                     MASQ_VERSION, since, until, security_event, sysmon, defender, summarize,
                     (unsigned long long)take);
    if (n < 0 || (size_t)n >= size) {
        free(text);
        return NULL;
    }
    return text;
}
