#!/usr/bin/env python3
"""The Sentinel content pack (sentinel/) against the rules it must meet.

- The analytics rule: well-formed YAML with the fields, types and limits that the
  Azure-Sentinel repository's template validation holds a scheduled rule to (a GUID id,
  the known severities, tactics and entity identifiers, durations of 5 minutes to 14 days,
  queryFrequency <= queryPeriod, at most 10 entity mappings of at most 3 identifiers, at
  most 20 custom details with keys of at most 20 characters, alert formats of at most 3
  placeholders, a query of at most 10,000 characters), and masq's own choices: severity
  from the record, one alert per finding, incidents grouped by host, Defense Evasion with
  T1036 / T1036.003 / T1036.005 chosen by masq's reasons, the allowlist watchlist.
- The workbook: Notebook/1.0 JSON with KQL items over the table, a fromTemplateId, and no
  resource of anyone's subscription in it.
- Every column the rule's and the workbook's KQL read from the table is in the table
  definition docs/sentinel.md deploys (its path is read from the doc's `az rest` command,
  and the doc's column list is held to that file); every column the rule's mappings and
  formats name is one its query returns.
- The watchlist CSVs are read by the built masq's --suppress, and the example suppresses.
- Broken copies (a field removed, a limit passed, a column that does not exist) fail.

usage: check_content_pack.py MASQ
"""
import copy
import json
import os
import re
import subprocess
import sys
import tempfile

try:
    import yaml
except ImportError:
    raise SystemExit("missing prerequisite: PyYAML (pyyaml in tools/requirements-test.txt) for the tests' Python; "
                     "run 'sh tools/setup.sh --tests'")

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
PACK = os.path.join(ROOT, "sentinel")
RULE = os.path.join(PACK, "AnalyticsRules", "MasqueradingProcessName.yaml")
WORKBOOK = os.path.join(PACK, "Workbooks", "MasqueradingProcessNames.json")
WATCHLISTS = os.path.join(PACK, "Watchlists")
TABLE_NAME = "MasqueradingProcessNameResult_CL"
ALIAS = "MasqAllowlist"

failures = []
checks = 0


def check(condition, what):
    global checks
    checks += 1
    if not condition:
        failures.append(what)
        print("FAIL: " + what, file=sys.stderr)


# ---- the table docs/sentinel.md deploys --------------------------------------------------
def deployed_table():
    """The columns of the table definition docs/sentinel.md deploys, by name: the file its
    `az rest --method put ... --body @FILE` command sends, held to the doc's column list."""
    with open(os.path.join(ROOT, "docs", "sentinel.md"), encoding="utf-8") as f:
        doc = f.read()
    blocks = re.findall(r"```sh\n(.*?)```", doc, re.S)
    bodies = [m for b in blocks if "tables/" + TABLE_NAME in b for m in re.findall(r"--body @(\S+)", b)]
    if len(bodies) != 1:
        raise SystemExit("docs/sentinel.md: expected one `az rest ... --body @FILE` for the table, found %s" % bodies)
    with open(os.path.join(ROOT, bodies[0]), encoding="utf-8") as f:
        schema = json.load(f)["properties"]["schema"]
    if schema["name"] != TABLE_NAME:
        raise SystemExit("%s defines %s, not %s" % (bodies[0], schema["name"], TABLE_NAME))
    columns = {c["name"]: c["type"] for c in schema["columns"]}
    # The doc's "What is published" table names every column of the file, and no other.
    section = doc.split("## What is published", 1)[1].split("\n## ", 1)[0]
    listed = set()
    for row in re.findall(r"^\|([^|\n]*)\|[^|\n]*\|[^\n]*\|$", section, re.M):
        listed.update(re.findall(r"`([A-Za-z_]\w*)`", row))
    check(listed | {"TimeGenerated"} == set(columns),
          "docs/sentinel.md lists columns %s, %s defines %s" % (
              sorted(listed - set(columns)), bodies[0], sorted(set(columns) - listed - {"TimeGenerated"})))
    return columns


# Columns every Log Analytics table has (Azure Monitor's standard columns).
STANDARD_COLUMNS = {"TimeGenerated", "Type", "TenantId", "_ResourceId", "_ItemId", "_TimeReceived",
                    "_SubscriptionId", "_IsBillable", "_BilledSize"}

# ---- reading KQL: the names it uses, the names it defines ----------------------------------
KQL_WORDS = set("""
where extend project summarize by and or not let join kind inner leftanti leftouter on mv mv-apply
mv-expand apply expand to typeof string long int real bool datetime dynamic timespan distinct order
asc desc top take limit count in has contains startswith endswith matches regex between true false
null ago now bin set_difference set_has_element split tostring toint tolong todouble todatetime
strcat strlen substring trim replace_regex extract iff iif case coalesce isnotnull isnull isempty
isnotempty array_length pack_array column_ifexists arg_max max min countif dcount make_set make_list
sum avg render timechart barchart piechart table with series sort d h m s union tolower toupper
any
""".split())


def strip_kql(query):
    """The query without comments, string literals and workbook parameters ({TimeRange})."""
    query = re.sub(r"\{[A-Za-z]\w*(:\w+)?\}", " 0 ", query)
    query = re.sub(r'@"[^"]*"|@\'[^\']*\'', ' "" ', query)
    query = re.sub(r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'', ' "" ', query)
    return re.sub(r"//[^\n]*", " ", query)


def kql_names(query):
    """(used, defined): the identifiers a query uses as columns, and those it defines itself
    (let names and parameters, extend/project/summarize/mv-apply/mv-expand outputs)."""
    text = strip_kql(query)
    defined = set(re.findall(r"\blet\s+([A-Za-z_]\w*)", text))
    for params in re.findall(r"=\s*\(([^)]*)\)\s*\{", text):
        defined.update(re.findall(r"([A-Za-z_]\w*)\s*:", params))
    # "Name =" (an assignment, not "==") anywhere outside a let: an output column.
    defined.update(re.findall(r"(?<![=!<>\w])([A-Za-z_]\w*)\s*=(?!=|~)", text))
    used = set()
    for match in re.finditer(r"(?<![\w.])([A-Za-z_][\w]*)(?![\w])", text):
        name, after = match.group(1), text[match.end():match.end() + 40].lstrip()
        if after.startswith("(") or name in KQL_WORDS or re.fullmatch(r"\d+\w*", name):
            continue  # a function call, a keyword, a literal such as 1d
        if text[:match.start()].rstrip().endswith("-"):
            continue  # the second word of mv-apply, mv-expand
        used.add(name)
    return used - defined - {TABLE_NAME}, defined


def final_projection(query):
    """The columns of the query's last `| project`: what the rule returns."""
    text = strip_kql(query)
    tail = text.rsplit("| project ", 1)
    if len(tail) != 2:
        return None
    return [c.strip() for c in tail[1].split(",") if c.strip()]


# ---- the rule -------------------------------------------------------------------------------
GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
SEVERITIES = {"Informational", "Low", "Medium", "High"}
TACTICS = {"InitialAccess", "Execution", "Persistence", "PrivilegeEscalation", "DefenseEvasion",
           "CredentialAccess", "Discovery", "LateralMovement", "Collection", "Exfiltration",
           "CommandAndControl", "Impact", "Reconnaissance", "ResourceDevelopment",
           "ImpairProcessControl", "InhibitResponseFunction"}
# The tactics of the techniques a masq rule may name (MITRE ATT&CK).
TECHNIQUE_TACTICS = {"T1036": {"DefenseEvasion"}}
# The identifiers each entity type takes, and those of which one set must be present.
ENTITY_IDENTIFIERS = {
    "Account": ({"Name", "FullName", "NTDomain", "DnsDomain", "UPNSuffix", "Sid", "AadTenantId", "AadUserId",
                 "PUID", "IsDomainJoined", "DisplayName", "ObjectGuid"},
                [{"FullName"}, {"Sid"}, {"Name"}, {"AadUserId"}, {"PUID"}, {"ObjectGuid"}]),
    "File": ({"Directory", "Name"}, [{"Name"}]),
    "FileHash": ({"Algorithm", "Value"}, [{"Algorithm", "Value"}]),
    "Host": ({"DnsDomain", "NTDomain", "HostName", "FullName", "NetBiosName", "AzureID", "OMSAgentID",
              "OSFamily", "OSVersion", "IsDomainJoined"},
             [{"FullName"}, {"HostName"}, {"NetBiosName"}, {"AzureID"}, {"OMSAgentID"}]),
    "IP": ({"Address"}, [{"Address"}]),
    "Process": ({"ProcessId", "CommandLine", "ElevationToken", "CreationTimeUtc"}, [{"CommandLine"}, {"ProcessId"}]),
}
ALERT_PROPERTIES = {"AlertLink", "ConfidenceLevel", "ConfidenceScore", "ExtendedLinks", "ProductComponentName",
                    "ProductName", "ProviderName", "RemediationSteps", "Techniques", "SubTechniques"}
REQUIRED = {"id": str, "name": str, "description": str, "severity": str, "requiredDataConnectors": list,
            "queryFrequency": str, "queryPeriod": str, "triggerOperator": str, "triggerThreshold": int,
            "tactics": list, "relevantTechniques": list, "query": str, "entityMappings": list,
            "version": str, "kind": str}
COLUMN_NAME = re.compile(r"^[a-zA-Z_]+\w*$")
DETAIL_KEY = re.compile(r"^[a-zA-Z]+\w*$")
PLACEHOLDER = re.compile(r"\{\{([^{}]*)\}\}")


def template_minutes(value):
    """A queryFrequency or queryPeriod as the template validation reads it: <n>m, <n>h, <n>d
    (or a .NET TimeSpan, d.hh:mm:ss), in minutes; None when it reads neither."""
    if not isinstance(value, str):
        return None
    m = re.fullmatch(r"(\d+)([mhd])", value)
    if m:
        return int(m.group(1)) * {"m": 1, "h": 60, "d": 1440}[m.group(2)]
    m = re.fullmatch(r"(?:(\d+)\.)?(\d\d?):(\d\d):(\d\d)", value)
    if m:
        return int(m.group(1) or 0) * 1440 + int(m.group(2)) * 60 + int(m.group(3)) + int(m.group(4)) / 60
    return None


def iso_minutes(value):
    """An ISO 8601 duration (P1D, PT5H, PT30M) in minutes, or None."""
    m = re.fullmatch(r"P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?", value or "")
    if not m or value in ("P", "PT") or value.endswith("T"):
        return None
    d, h, mi, s = (int(g or 0) for g in m.groups())
    return d * 1440 + h * 60 + mi + s / 60


def rule_problems(rule, table, masq_reasons):
    """Every way the rule breaks the template rules or masq's choices, as messages."""
    bad = []
    if not isinstance(rule, dict):
        return ["the rule is not a YAML mapping"]
    for field, kind in REQUIRED.items():
        if field not in rule:
            bad.append("the required field %r is missing" % field)
        elif not isinstance(rule[field], kind) or isinstance(rule[field], bool) and kind is int:
            bad.append("%r is a %s, not a %s" % (field, type(rule[field]).__name__, kind.__name__))
    if bad:
        return bad
    if not GUID.match(rule["id"]):
        bad.append("id %r is not a GUID" % rule["id"])
    if not 0 < len(rule["name"]) <= 50:
        bad.append("name must be 1 to 50 characters")
    if not 0 < len(rule["description"]) <= 5000:
        bad.append("description must be 1 to 5,000 characters")
    if rule["severity"] not in SEVERITIES:
        bad.append("severity %r is none of %s" % (rule["severity"], sorted(SEVERITIES)))
    if rule["kind"] not in ("Scheduled", "NRT"):
        bad.append("kind %r is neither Scheduled nor NRT" % rule["kind"])
    if not re.fullmatch(r"\d+\.\d+\.\d+", rule["version"]) or len(rule["version"]) > 20:
        bad.append("version %r is not like 1.0.0" % rule["version"])
    for connector in rule["requiredDataConnectors"]:
        if not isinstance(connector, dict) or not isinstance(connector.get("connectorId"), str):
            bad.append("a required data connector without a connectorId")
    frequency, period = template_minutes(rule["queryFrequency"]), template_minutes(rule["queryPeriod"])
    for field, minutes in (("queryFrequency", frequency), ("queryPeriod", period)):
        if minutes is None:
            bad.append("%s %r is not <n>m, <n>h or <n>d" % (field, rule[field]))
        elif not 5 <= minutes <= 14 * 1440:
            bad.append("%s %r is outside 5m to 14d" % (field, rule[field]))
    if frequency and period and frequency > period:
        bad.append("queryFrequency %s is longer than queryPeriod %s" % (rule["queryFrequency"], rule["queryPeriod"]))
    if rule["triggerOperator"] not in ("gt", "lt", "eq", "ne"):
        bad.append("triggerOperator %r is none of gt, lt, eq, ne" % rule["triggerOperator"])
    if not 0 <= rule["triggerThreshold"] <= 10000:
        bad.append("triggerThreshold is outside 0 to 10,000")
    tactics = set(rule["tactics"])
    if not tactics <= TACTICS:
        bad.append("unknown tactics %s" % sorted(tactics - TACTICS))
    for technique in rule["relevantTechniques"]:
        if not isinstance(technique, str) or not re.fullmatch(r"T\d{4}(\.\d{3})?", technique):
            bad.append("technique %r is not T#### or T####.###" % (technique,))
        elif not TECHNIQUE_TACTICS.get(technique[:5], set()) or not TECHNIQUE_TACTICS[technique[:5]] <= tactics:
            bad.append("technique %s without its tactic in tactics" % technique)
    query = rule["query"]
    if not 0 < len(query) <= 10000:
        bad.append("the query has %d characters, more than 10,000" % len(query))

    # What the query reads and returns.
    used, defined = kql_names(query)
    missing = sorted(used - set(table) - STANDARD_COLUMNS)
    if missing:
        bad.append("the query reads columns the table does not define: %s" % missing)
    returned = final_projection(query)
    if returned is None:
        bad.append("the query does not end with a project")
        returned = []
    for name in returned:
        if name not in table and name not in defined:
            bad.append("the query returns %s, which it neither reads nor defines" % name)
    returned = set(returned)

    mappings = rule["entityMappings"]
    if not 1 <= len(mappings) <= 10:
        bad.append("%d entity mappings; a rule takes 1 to 10" % len(mappings))
    for mapping in mappings:
        kind = mapping.get("entityType") if isinstance(mapping, dict) else None
        fields = mapping.get("fieldMappings") if isinstance(mapping, dict) else None
        if kind not in ENTITY_IDENTIFIERS or not isinstance(fields, list):
            bad.append("entity mapping %r: unknown type or no fieldMappings" % (mapping,))
            continue
        if not 1 <= len(fields) <= 3:
            bad.append("entity mapping %s has %d identifiers; at most 3" % (kind, len(fields)))
        valid, required = ENTITY_IDENTIFIERS[kind]
        names = [f.get("identifier") for f in fields]
        if set(names) - valid or len(set(names)) != len(names):
            bad.append("entity mapping %s: unknown or repeated identifiers %s" % (kind, names))
        if not any(r <= set(names) for r in required):
            bad.append("entity mapping %s lacks a required identifier" % kind)
        for f in fields:
            column = f.get("columnName", "")
            if not isinstance(column, str) or not COLUMN_NAME.match(column) or len(column) > 500:
                bad.append("entity mapping %s: column name %r is not a column name" % (kind, column))
            elif column not in returned:
                bad.append("entity mapping %s maps %s, which the query does not return" % (kind, column))

    details = rule.get("customDetails")
    if not isinstance(details, dict) or not details:
        bad.append("no customDetails")
        details = {}
    if len(details) > 20:
        bad.append("%d custom details; at most 20" % len(details))
    for key, column in details.items():
        if not isinstance(key, str) or not DETAIL_KEY.match(key) or len(key) > 20:
            bad.append("custom detail key %r: a letter, then letters, digits, _; at most 20" % (key,))
        if not isinstance(column, str) or not COLUMN_NAME.match(column) or len(column) > 500:
            bad.append("custom detail %s: %r is not a column name" % (key, column))
        elif column not in returned:
            bad.append("custom detail %s reads %s, which the query does not return" % (key, column))

    override = rule.get("alertDetailsOverride")
    if not isinstance(override, dict):
        bad.append("no alertDetailsOverride")
        override = {}
    for field, limit in (("alertDisplayNameFormat", 256), ("alertDescriptionFormat", 5000)):
        text = override.get(field)
        if not isinstance(text, str) or not 0 < len(text.strip()) <= limit:
            bad.append("%s must be 1 to %d characters" % (field, limit))
            continue
        placeholders = PLACEHOLDER.findall(text)
        if len(placeholders) > 3:
            bad.append("%s has %d placeholders; at most 3" % (field, len(placeholders)))
        for p in placeholders:
            if p not in returned:
                bad.append("%s names {{%s}}, which the query does not return" % (field, p))
    severity_column = override.get("alertSeverityColumnName")
    if severity_column not in returned:
        bad.append("alertSeverityColumnName %r is not a column the query returns" % (severity_column,))
    elif not re.search(r"\b%s\s*=\s*case\(Severity\b" % re.escape(severity_column), strip_kql(query)):
        bad.append("the severity column %s is not taken from masq's Severity" % severity_column)
    for prop in override.get("alertDynamicProperties") or []:
        if prop.get("alertProperty") not in ALERT_PROPERTIES or prop.get("value") not in returned:
            bad.append("alert dynamic property %r: unknown property or a column the query lacks" % (prop,))

    grouping = rule.get("eventGroupingSettings")
    if not isinstance(grouping, dict) or grouping.get("aggregationKind") not in ("SingleAlert", "AlertPerResult"):
        bad.append("eventGroupingSettings.aggregationKind must be SingleAlert or AlertPerResult")
    elif grouping["aggregationKind"] != "AlertPerResult":
        bad.append("one alert per finding needs aggregationKind AlertPerResult")

    incident = rule.get("incidentConfiguration")
    group = incident.get("groupingConfiguration") if isinstance(incident, dict) else None
    if not isinstance(group, dict) or not isinstance(incident.get("createIncident"), bool):
        bad.append("incidentConfiguration needs createIncident and groupingConfiguration")
    else:
        lookback = iso_minutes(group.get("lookbackDuration"))
        if lookback is None or not 5 <= lookback <= 7 * 1440:
            bad.append("lookbackDuration %r is not an ISO 8601 duration of 5 minutes to 7 days" % (
                group.get("lookbackDuration"),))
        if group.get("enabled") is not True or group.get("matchingMethod") != "Selected":
            bad.append("incidents are grouped only with enabled: true and matchingMethod: Selected")
        mapped = {m.get("entityType") for m in mappings if isinstance(m, dict)}
        if group.get("groupByEntities") != ["Host"] or "Host" not in mapped:
            bad.append("incidents must be grouped by the Host entity, which must be mapped")
        if not set(group.get("groupByCustomDetails") or []) <= set(details):
            bad.append("groupByCustomDetails names custom details the rule lacks")

    # masq's choices: the allowlist, the reasons behind the sub-techniques.
    if rule["tactics"] != ["DefenseEvasion"] or set(rule["relevantTechniques"]) != {"T1036", "T1036.003", "T1036.005"}:
        bad.append("tactics and techniques must be DefenseEvasion with T1036, T1036.003, T1036.005")
    if "_GetWatchlist('%s')" % ALIAS not in query:
        bad.append("the query does not filter with _GetWatchlist('%s')" % ALIAS)
    if "| where TimeGenerated > ago(%s)" % rule["queryPeriod"] not in query:
        bad.append("the query does not look back exactly its queryPeriod")
    reasons = set(re.findall(r'set_has_element\(ReasonList, "([^"]+)"\)', query))
    if not reasons or reasons - masq_reasons:
        bad.append("the query names reasons masq does not write: %s" % sorted(reasons - masq_reasons))
    for technique in set(re.findall(r'"(T\d{4}(?:\.\d{3})?)"', query)) - set(rule["relevantTechniques"]):
        bad.append("the query sets %s, which relevantTechniques lacks" % technique)
    if not re.search(r'"renamed"\), "T1036\.003"', query):
        bad.append("a renamed binary is not T1036.003")
    return bad


# ---- the workbook ---------------------------------------------------------------------------
def workbook_queries(workbook):
    """Every KQL text of the workbook: query items and parameter queries, nested groups too."""
    found = []

    def walk(items):
        for item in items or []:
            content = item.get("content", {}) if isinstance(item, dict) else {}
            if item.get("type") == 3:
                found.append(content.get("query"))
            for parameter in content.get("parameters", []) if item.get("type") == 9 else []:
                if "query" in parameter:
                    found.append(parameter["query"])
            if item.get("type") == 12:
                walk(content.get("items"))
    walk(workbook.get("items"))
    return found


def workbook_problems(workbook, table):
    bad = []
    if not isinstance(workbook, dict) or workbook.get("version") != "Notebook/1.0":
        return ["the workbook's version is not Notebook/1.0"]
    if not isinstance(workbook.get("items"), list) or not workbook["items"]:
        return ["the workbook has no items"]
    template = workbook.get("fromTemplateId")
    if not isinstance(template, str) or not template.startswith("sentinel-") or template == "sentinel-UserWorkbook":
        bad.append("fromTemplateId %r: a template needs its own sentinel-... id" % (template,))
    if re.search(r"subscriptions/[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-", json.dumps(workbook)):
        bad.append("the workbook names a resource of a subscription")
    queries = workbook_queries(workbook)
    if len(queries) < 4:
        bad.append("the workbook has %d queries; over time, by reason, by host and the imitated names need 4" %
                   len(queries))
    for query in queries:
        if not isinstance(query, str) or TABLE_NAME not in query:
            bad.append("a workbook query does not read %s: %r" % (TABLE_NAME, query))
            continue
        used, _ = kql_names(query)
        missing = sorted(used - set(table) - STANDARD_COLUMNS)
        if missing:
            bad.append("a workbook query reads columns the table does not define: %s" % missing)
    text = "\n".join(q for q in queries if isinstance(q, str))
    for what, pattern in (("findings over time", r"bin\(TimeGenerated"), ("by reason", r"by ReasonName"),
                          ("by host", r"by Host\b"), ("the top imitated names", r"by NormalProcess")):
        if not re.search(pattern, text):
            bad.append("the workbook does not show %s" % what)
    return bad


# ---- the run --------------------------------------------------------------------------------
def masq_reasons():
    """The reasons masq writes, from its own list (host/detect/reasons.c)."""
    with open(os.path.join(ROOT, "host", "detect", "reasons.c"), encoding="utf-8") as f:
        source = f.read()
    block = re.search(r"reason_names\[\]\s*=\s*\{(.*?)\};", source, re.S)
    return set(re.findall(r'"([a-z-]+)"', block.group(1))) if block else set()


def expect_caught(what, problems, needle):
    check(any(needle in p for p in problems), "a broken copy (%s) was not caught: %s" % (what, problems[:3]))


def main():
    masq = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else None
    if masq is None or not os.access(masq, os.X_OK):
        raise SystemExit("usage: check_content_pack.py MASQ (the built masq is needed)")
    table = deployed_table()
    reasons = masq_reasons()
    check(len(reasons) >= 10, "masq's reasons were not read from host/detect/reasons.c: %s" % sorted(reasons))
    for column in ("TargetProcessName", "TargetProcessFilename", "TargetProcessFileOriginalName", "DvcHostname"):
        check(table.get(column) == "string", "the deployed table lacks the ASIM column %s (string)" % column)

    with open(RULE, encoding="utf-8") as f:
        rule = yaml.safe_load(f)
    problems = rule_problems(rule, table, reasons)
    check(not problems, "the analytics rule: %s" % "; ".join(problems))
    used, _ = kql_names(rule["query"])
    check({"Severity", "Reason", "EvidenceComputers", "TargetProcessName", "PotentiallyMaliciousProcess"} <= used,
          "the column check does not see the query's columns: %s" % sorted(used))

    with open(WORKBOOK, encoding="utf-8") as f:
        workbook = json.load(f)
    problems = workbook_problems(workbook, table)
    check(not problems, "the workbook: %s" % "; ".join(problems))

    # Broken copies must fail.
    def broken(change):
        copied = copy.deepcopy(rule)
        change(copied)
        return rule_problems(copied, table, reasons)
    expect_caught("no query", broken(lambda r: r.pop("query")), "'query' is missing")
    expect_caught("no entityMappings", broken(lambda r: r.pop("entityMappings")), "'entityMappings' is missing")
    expect_caught("no version", broken(lambda r: r.pop("version")), "'version' is missing")
    expect_caught("id not a GUID", broken(lambda r: r.update(id="masq-rule-1")), "not a GUID")
    expect_caught("queryPeriod 15d", broken(lambda r: r.update(queryPeriod="15d")), "outside 5m to 14d")
    expect_caught("queryPeriod as PT1H", broken(lambda r: r.update(queryPeriod="PT1H")), "is not <n>m")
    expect_caught("queryFrequency over queryPeriod", broken(lambda r: r.update(queryFrequency="2h")),
                  "longer than queryPeriod")
    expect_caught("11 entity mappings", broken(lambda r: r["entityMappings"].extend(r["entityMappings"][:1] * 6)),
                  "11 entity mappings")
    expect_caught("4 identifiers", broken(lambda r: r["entityMappings"][1]["fieldMappings"].extend(
        [{"identifier": "NetBiosName", "columnName": "Host1"}, {"identifier": "HostName", "columnName": "Host1"},
         {"identifier": "DnsDomain", "columnName": "Host1"}])), "at most 3")
    expect_caught("21 custom details", broken(lambda r: r["customDetails"].update(
        {"Extra%d" % i: "Reason" for i in range(21 - len(r["customDetails"]))})), "at most 20")
    expect_caught("a custom detail key of 21 characters", broken(lambda r: r["customDetails"].update(
        {"A" * 21: "Reason"})), "at most 20")
    expect_caught("a column the table lacks", broken(lambda r: r.update(query=r["query"].replace(
        "EvidenceLastSeen < RuleUntil", "EvidenceLastSeenUtc < RuleUntil"))), "EvidenceLastSeenUtc")
    expect_caught("a mapped column the query does not return", broken(
        lambda r: r["entityMappings"][0]["fieldMappings"][0].update(columnName="FileNameOfIt")), "FileNameOfIt")
    expect_caught("four placeholders", broken(lambda r: r["alertDetailsOverride"].update(
        alertDisplayNameFormat="{{AlertTitle}} {{Reason}} {{Edit}} {{Severity}}")), "at most 3")
    expect_caught("one alert for all", broken(lambda r: r["eventGroupingSettings"].update(
        aggregationKind="SingleAlert")), "AlertPerResult")
    expect_caught("grouping by account", broken(lambda r: r["incidentConfiguration"]["groupingConfiguration"].update(
        groupByEntities=["Account"])), "grouped by the Host")
    expect_caught("a reason masq does not write", broken(lambda r: r.update(query=r["query"].replace(
        '"renamed"', '"renamed-binary"'))), "reasons masq does not write")
    expect_caught("a technique not listed", broken(lambda r: r.update(relevantTechniques=["T1036", "T1036.005"])),
                  "T1036.003")
    expect_caught("another watchlist", broken(lambda r: r.update(query=r["query"].replace(ALIAS, "Allow"))),
                  "_GetWatchlist")

    def broken_workbook(change):
        copied = copy.deepcopy(workbook)
        change(copied)
        return workbook_problems(copied, table)
    expect_caught("workbook version", broken_workbook(lambda w: w.update(version="Notebook/0.9")), "Notebook/1.0")
    expect_caught("workbook column", broken_workbook(lambda w: w["items"][2]["content"].update(
        query=w["items"][2]["content"]["query"] + "| where NoSuchColumn > 0")), "NoSuchColumn")
    expect_caught("workbook resource", broken_workbook(lambda w: w.update(fallbackResourceIds=[
        "/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/rg"])), "subscription")
    # A doc whose table lacks a column the rule reads is caught too.
    thinner = {k: v for k, v in table.items() if k != "EvidenceComputers"}
    expect_caught("a table without EvidenceComputers", rule_problems(rule, thinner, reasons), "EvidenceComputers")

    # The watchlists: masq's --suppress reads them; the example silences what it says.
    with open(os.path.join(WATCHLISTS, "README.md"), encoding="utf-8") as f:
        note = f.read()
    check("--watchlist-alias %s" % ALIAS in note and "%s.csv" % ALIAS in note,
          "sentinel/Watchlists/README.md does not upload %s.csv with the alias %s" % (ALIAS, ALIAS))
    work = tempfile.mkdtemp(prefix="masq-sentinel-")
    events = os.path.join(work, "events.jsonl")
    with open(events, "w") as f:
        for stamp, computer, image in (("10:00", "lab-1.contoso.local", "C:\\Users\\Public\\svch0st.exe"),
                                       ("10:01", "WKS-2.contoso.local", "C:\\Users\\Public\\lsasss.exe")):
            f.write(json.dumps({"TimeGenerated": "2026-06-01T%s:00Z" % stamp, "Computer": computer,
                                "EventID": 1, "Image": image}) + "\n")
    header = None
    for name in sorted(os.listdir(WATCHLISTS)):
        if not name.endswith(".csv"):
            continue
        path = os.path.join(WATCHLISTS, name)
        with open(path, encoding="utf-8") as f:
            first = f.readline().strip()
        header = header or first
        check(first == header and first.split(",")[:7] == ["PotentiallyMaliciousProcess", "NormalProcess", "Reason",
                                                           "Folder", "Computer", "SHA256", "Expires"],
              "%s: the header is not masq's suppression columns: %s" % (name, first))
        done = subprocess.run([masq, "scan", "--format", "json", "--suppress", path, events],
                              capture_output=True, text=True, timeout=60)
        check(done.returncode == 0, "masq --suppress %s: exit %d: %s" % (name, done.returncode, done.stderr[-300:]))
        if done.returncode == 0:
            summary = json.loads(done.stdout)
            left = sorted(a["PotentiallyMaliciousProcess"] for a in summary["anomalies"])
            want = ["lsasss.exe"] if "example" in name else ["lsasss.exe", "svch0st.exe"]
            check(left == want, "masq --suppress %s leaves %s, expected %s" % (name, left, want))
    check(header is not None, "no watchlist CSV in sentinel/Watchlists")
    bad_csv = os.path.join(work, "bad.csv")
    with open(bad_csv, "w") as f:
        f.write("Process Name,Why\nsvch0st.exe,lab\n")
    done = subprocess.run([masq, "scan", "--suppress", bad_csv, events], capture_output=True, text=True, timeout=60)
    check(done.returncode != 0 and "header" in done.stderr,
          "masq --suppress took a CSV with none of its columns (exit %d)" % done.returncode)

    print("%d checks, %d failed" % (checks, len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
