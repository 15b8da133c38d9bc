#include "demo.h"

#include <stdio.h>
#include <string.h>

#include "../names/name_table.h"
#include "../util/random.h"
#include "../util/time_iso.h"

/* The notebook's getListGoodProcs(), in its order ("wininit" twice). */
static const char *const notebook_good[] = {
    "svchost",  "csrss",       "smss",        "services",   "winlogon",      "wininit",
    "lsass",    "spoolsv",     "conhost",     "powershell", "init",          "bash",
    "avahi-daemon", "gnome-session", "getty", "acpid",      "dbus-daemon",   "dbus-launch",
    "networkmanager", "explorer", "more.com", "mode.com",   "nbtstat",       "netstat",
    "cscript",  "cnscript",    "tracert",     "tracerpt",   "systeminfo",    "system_info",
    "aitagent", "adtagent",    "wininit",     "wininst",    "userinit",      "userinst",
    "dnscmd",   "dfscmd",      "nslookup",    "nblookup",
};

/* The background fleet: common processes, roughly in order of how often a
 * Windows fleet starts them, with their usual folders. */
static const struct {
    const char *folder;
    const char *name;
} background_common[] = {
    {"C:\\Windows\\System32\\", "svchost.exe"},
    {"C:\\Windows\\System32\\", "conhost.exe"},
    {"C:\\Windows\\System32\\", "RuntimeBroker.exe"},
    {"C:\\Program Files\\Google\\Chrome\\Application\\", "chrome.exe"},
    {"C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\", "msedge.exe"},
    {"C:\\Windows\\System32\\", "backgroundTaskHost.exe"},
    {"C:\\Windows\\System32\\", "taskhostw.exe"},
    {"C:\\Windows\\System32\\", "cmd.exe"},
    {"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\", "powershell.exe"},
    {"C:\\Windows\\System32\\", "rundll32.exe"},
    {"C:\\Windows\\System32\\", "dllhost.exe"},
    {"C:\\Windows\\System32\\", "SearchProtocolHost.exe"},
    {"C:\\Windows\\System32\\", "SearchFilterHost.exe"},
    {"C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24090.11-0\\", "MsMpEng.exe"},
    {"C:\\Windows\\System32\\wbem\\", "WmiPrvSE.exe"},
    {"C:\\Program Files\\Microsoft Office\\root\\Office16\\", "OUTLOOK.EXE"},
    {"C:\\Program Files\\Microsoft Office\\root\\Office16\\", "WINWORD.EXE"},
    {"C:\\Program Files\\Microsoft Office\\root\\Office16\\", "EXCEL.EXE"},
    {"C:\\Windows\\", "explorer.exe"},
    {"C:\\Windows\\System32\\", "sihost.exe"},
    {"C:\\Windows\\System32\\", "ctfmon.exe"},
    {"C:\\Windows\\System32\\", "smartscreen.exe"},
    {"C:\\Windows\\System32\\", "SecurityHealthService.exe"},
    {"C:\\Windows\\System32\\", "wermgr.exe"},
    {"C:\\Windows\\System32\\", "WerFault.exe"},
    {"C:\\Windows\\System32\\", "consent.exe"},
    {"C:\\Windows\\System32\\", "gpupdate.exe"},
    {"C:\\Windows\\System32\\", "whoami.exe"},
    {"C:\\Windows\\System32\\", "ipconfig.exe"},
    {"C:\\Windows\\System32\\", "net.exe"},
    {"C:\\Windows\\System32\\", "net1.exe"},
    {"C:\\Windows\\System32\\", "reg.exe"},
    {"C:\\Windows\\System32\\", "sc.exe"},
    {"C:\\Windows\\System32\\", "schtasks.exe"},
    {"C:\\Windows\\System32\\", "tasklist.exe"},
    {"C:\\Windows\\System32\\", "find.exe"},
    {"C:\\Windows\\System32\\", "findstr.exe"},
    {"C:\\Windows\\System32\\", "where.exe"},
    {"C:\\Windows\\System32\\", "msiexec.exe"},
    {"C:\\Windows\\System32\\", "mmc.exe"},
    {"C:\\Windows\\System32\\", "notepad.exe"},
    {"C:\\Windows\\System32\\", "mspaint.exe"},
    {"C:\\Windows\\System32\\", "calc.exe"},
    {"C:\\Windows\\System32\\", "taskmgr.exe"},
    {"C:\\Windows\\System32\\", "services.exe"},
    {"C:\\Windows\\System32\\", "lsass.exe"},
    {"C:\\Windows\\System32\\", "winlogon.exe"},
    {"C:\\Windows\\System32\\", "spoolsv.exe"},
    {"C:\\Windows\\System32\\", "userinit.exe"},
    {"C:\\Windows\\System32\\", "csrss.exe"},
    {"C:\\Windows\\System32\\", "wininit.exe"},
    {"C:\\Windows\\System32\\", "smss.exe"},
    {"C:\\Windows\\System32\\", "fontdrvhost.exe"},
    {"C:\\Windows\\System32\\", "dwm.exe"},
    {"C:\\Windows\\System32\\", "LogonUI.exe"},
    {"C:\\Windows\\System32\\", "audiodg.exe"},
    {"C:\\Windows\\System32\\", "SgrmBroker.exe"},
    {"C:\\Windows\\System32\\", "MoUsoCoreWorker.exe"},
    {"C:\\Windows\\System32\\", "usoclient.exe"},
    {"C:\\Windows\\WinSxS\\amd64_microsoft-windows-servicingstack_31bf3856ad364e35_10.0.19041.1940_none_7dd80d767cb5c7b0\\", "TiWorker.exe"},
    {"C:\\Windows\\servicing\\", "TrustedInstaller.exe"},
    {"C:\\Windows\\System32\\", "wuauclt.exe"},
    {"C:\\Windows\\System32\\", "CompatTelRunner.exe"},
    {"C:\\Windows\\System32\\", "DeviceCensus.exe"},
    {"C:\\Windows\\System32\\", "sppsvc.exe"},
    {"C:\\Windows\\System32\\", "SppExtComObj.Exe"},
    {"C:\\Windows\\System32\\", "vssvc.exe"},
    {"C:\\Windows\\System32\\wbem\\", "unsecapp.exe"},
    {"C:\\Windows\\System32\\", "dashost.exe"},
    {"C:\\Windows\\System32\\", "msdtc.exe"},
    {"C:\\Windows\\System32\\", "nslookup.exe"},
    {"C:\\Windows\\System32\\", "netstat.exe"},
    {"C:\\Windows\\System32\\", "tracert.exe"},
    {"C:\\Windows\\System32\\", "systeminfo.exe"},
    {"C:\\Windows\\System32\\", "cscript.exe"},
    {"C:\\Windows\\System32\\", "wscript.exe"},
    {"C:\\Windows\\System32\\", "certutil.exe"},
    {"C:\\Windows\\System32\\", "bitsadmin.exe"},
    {"C:\\Windows\\System32\\", "mshta.exe"},
    {"C:\\Windows\\System32\\", "regsvr32.exe"},
    {"C:\\Windows\\System32\\", "hostname.exe"},
    {"C:\\Windows\\System32\\", "arp.exe"},
    {"C:\\Windows\\System32\\", "ping.exe"},
    {"C:\\Windows\\System32\\", "PING.EXE"},
    {"C:\\Windows\\System32\\", "robocopy.exe"},
    {"C:\\Windows\\System32\\", "xcopy.exe"},
    {"C:\\Windows\\System32\\", "timeout.exe"},
    {"C:\\Windows\\System32\\", "choice.exe"},
    {"C:\\Windows\\System32\\", "wevtutil.exe"},
    {"C:\\Windows\\System32\\", "auditpol.exe"},
    {"C:\\Windows\\System32\\", "klist.exe"},
    {"C:\\Windows\\System32\\", "dsregcmd.exe"},
    {"C:\\Windows\\System32\\", "Defrag.exe"},
    {"C:\\Windows\\System32\\", "cleanmgr.exe"},
    {"C:\\Windows\\System32\\", "SystemSettingsBroker.exe"},
    {"C:\\Windows\\ImmersiveControlPanel\\", "SystemSettings.exe"},
    {"C:\\Windows\\System32\\", "ApplicationFrameHost.exe"},
    {"C:\\Windows\\SystemApps\\Microsoft.Windows.StartMenuExperienceHost_cw5n1h2txyewy\\", "StartMenuExperienceHost.exe"},
    {"C:\\Windows\\SystemApps\\MicrosoftWindows.Client.CBS_cw5n1h2txyewy\\", "SearchHost.exe"},
    {"C:\\Windows\\SystemApps\\ShellExperienceHost_cw5n1h2txyewy\\", "ShellExperienceHost.exe"},
    {"C:\\Windows\\System32\\", "TextInputHost.exe"},
    {"C:\\Program Files\\Microsoft OneDrive\\", "OneDrive.exe"},
    {"C:\\Program Files\\Microsoft OneDrive\\", "FileCoAuth.exe"},
    {"C:\\Users\\Public\\AppData\\Local\\Microsoft\\Teams\\current\\", "Teams.exe"},
    {"C:\\Program Files\\WindowsApps\\MSTeams_8wekyb3d8bbwe\\", "ms-teams.exe"},
    {"C:\\Program Files\\Zoom\\bin\\", "Zoom.exe"},
    {"C:\\Program Files\\Mozilla Firefox\\", "firefox.exe"},
    {"C:\\Program Files\\Adobe\\Acrobat DC\\Acrobat\\", "Acrobat.exe"},
    {"C:\\Program Files (x86)\\Adobe\\Acrobat Reader DC\\Reader\\", "AcroRd32.exe"},
    {"C:\\Program Files\\7-Zip\\", "7z.exe"},
    {"C:\\Program Files\\7-Zip\\", "7zG.exe"},
    {"C:\\Program Files\\Notepad++\\", "notepad++.exe"},
    {"C:\\Program Files\\Git\\cmd\\", "git.exe"},
    {"C:\\Program Files\\Microsoft VS Code\\", "Code.exe"},
    {"C:\\Program Files\\Python311\\", "python.exe"},
    {"C:\\Program Files\\nodejs\\", "node.exe"},
    {"C:\\Program Files\\Java\\jre-1.8\\bin\\", "java.exe"},
    {"C:\\Program Files\\Java\\jre-1.8\\bin\\", "javaw.exe"},
    {"C:\\Program Files\\VMware\\VMware Tools\\", "vmtoolsd.exe"},
    {"C:\\Program Files\\Microsoft Monitoring Agent\\Agent\\", "MonitoringHost.exe"},
    {"C:\\Program Files\\Microsoft Monitoring Agent\\Agent\\", "HealthService.exe"},
    {"C:\\Program Files\\AzureConnectedMachineAgent\\", "himds.exe"},
    {"C:\\Program Files\\Windows Defender Advanced Threat Protection\\", "MsSense.exe"},
    {"C:\\Program Files\\Windows Defender Advanced Threat Protection\\", "SenseIR.exe"},
    {"C:\\Program Files\\Windows Defender Advanced Threat Protection\\", "SenseCncProxy.exe"},
    {"C:\\Program Files\\Windows Defender\\", "MpCmdRun.exe"},
    {"C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.23110.3-0\\", "NisSrv.exe"},
    {"C:\\Program Files\\Microsoft Update Health Tools\\", "uhssvc.exe"},
    {"C:\\Program Files (x86)\\Google\\Update\\", "GoogleUpdate.exe"},
    {"C:\\Program Files (x86)\\Microsoft\\EdgeUpdate\\", "MicrosoftEdgeUpdate.exe"},
    {"C:\\Program Files\\Common Files\\microsoft shared\\ClickToRun\\", "OfficeClickToRun.exe"},
    {"C:\\Program Files\\Common Files\\microsoft shared\\ClickToRun\\", "OfficeC2RClient.exe"},
    {"C:\\Windows\\System32\\", "SearchIndexer.exe"},
    {"C:\\Windows\\System32\\", "lsaiso.exe"},
    {"C:\\Windows\\System32\\", "WUDFHost.exe"},
    {"C:\\Windows\\System32\\", "igfxEM.exe"},
    {"C:\\Windows\\System32\\", "RtkAudUService64.exe"},
    {"C:\\Windows\\System32\\", "wlanext.exe"},
    {"C:\\Windows\\System32\\", "PresentationFontCache.exe"},
    {"C:\\Windows\\System32\\", "VSSVC.exe"},
    {"C:\\Windows\\System32\\", "winver.exe"},
    {"C:\\Windows\\System32\\", "control.exe"},
    {"C:\\Windows\\System32\\", "perfmon.exe"},
    {"C:\\Windows\\System32\\", "eventvwr.exe"},
    {"C:\\Windows\\System32\\", "mstsc.exe"},
    {"C:\\Windows\\System32\\", "quser.exe"},
    {"C:\\Windows\\System32\\", "nltest.exe"},
};

static const char *const tail_vendors[] = {"adobe", "zoom", "slack", "citrix", "vmware", "dell",
                                           "hp", "lenovo", "nvidia", "intel", "logitech",
                                           "cisco", "fortinet", "crowdstrike", "splunk", "okta"};
static const char *const tail_kinds[] = {"setup", "installer", "update", "updater", "patch",
                                         "helper", "agent", "launcher", "uninstall", "repair"};

#define DEMO_DAY_MS 1717372800000LL /* 2024-06-03T00:00:00Z: a fixed day keeps runs reproducible */
#define DAY_MS 86400000LL
#define HOSTS 48

typedef struct emitter {
    masq_random random;
    masq_demo_sink sink;
    void *context;
} emitter;

static masq_status emit(emitter *e, const char *folder, const char *name, const char *computer)
{
    char path[512], when[32];
    snprintf(path, sizeof path, "%s%s", folder, name);
    masq_time_format(DEMO_DAY_MS + (int64_t)(masq_random_next(&e->random) % DAY_MS), when,
                     sizeof when);
    masq_event event = {.sensor = MASQ_SENSOR_SECURITY_EVENT,
                        .process = name, .new_process_name = path, .computer = computer,
                        .time_generated = when, .demo = true};
    return e->sink(&event, e->context);
}

static void host_name(emitter *e, char *out, size_t size)
{
    snprintf(out, size, "WKS-%03u.contoso.local", masq_random_below(&e->random, HOSTS) + 1);
}

static masq_status emit_background(emitter *e)
{
    char host[64];
    size_t common = sizeof background_common / sizeof *background_common;
    for (size_t rank = 0; rank < common; rank++) {
        /* Zipf-like: the i-th most common process starts ~6000 / (i+1) times a day. */
        uint32_t count = (uint32_t)(6000.0 / (double)(rank + 1)) + 2 + masq_random_below(&e->random, 5);
        for (uint32_t n = 0; n < count; n++) {
            host_name(e, host, sizeof host);
            MASQ_TRY(emit(e, background_common[rank].folder, background_common[rank].name, host));
        }
    }
    /* The long tail: installers, updaters and temp names seen once to three times. */
    for (uint32_t t = 0; t < 320; t++) {
        char name[96];
        uint32_t style = masq_random_below(&e->random, 3);
        if (style == 0)
            snprintf(name, sizeof name, "%s_%s_%u.%u.%u.exe",
                     tail_vendors[masq_random_below(&e->random, 16)],
                     tail_kinds[masq_random_below(&e->random, 10)],
                     masq_random_below(&e->random, 30), masq_random_below(&e->random, 10),
                     masq_random_below(&e->random, 5000));
        else if (style == 1)
            snprintf(name, sizeof name, "tmp%04x%04x.exe", masq_random_below(&e->random, 65536),
                     masq_random_below(&e->random, 65536));
        else
            snprintf(name, sizeof name, "{%08x-%04x}.tmp.exe",
                     (unsigned)(masq_random_next(&e->random) & 0xffffffffu),
                     masq_random_below(&e->random, 65536));
        const char *folder = style == 2 ? "C:\\Windows\\Temp\\" : "C:\\Users\\alice\\Downloads\\";
        uint32_t count = 1 + masq_random_below(&e->random, 3);
        for (uint32_t n = 0; n < count; n++) {
            host_name(e, host, sizeof host);
            MASQ_TRY(emit(e, folder, name, host));
        }
    }
    return MASQ_OK;
}

static void with_extension(const char *name, char *out, size_t size)
{
    snprintf(out, size, "%s%s", name, strchr(name, '.') ? "" : ".exe");
}

/* getSyntheticEvents("normal") and ("malicious") of the notebook. */
static masq_status emit_notebook(emitter *e)
{
    size_t good = sizeof notebook_good / sizeof *notebook_good;
    char name[128];
    for (size_t i = 0; i < good; i++) {
        with_extension(notebook_good[i], name, sizeof name);
        for (int n = 0; n < 20; n++)
            MASQ_TRY(emit(e, "C:\\Windows\\System32\\", name, NULL));
    }
    for (size_t i = 0; i < good; i++) {
        /* One random lower-case letter anywhere but the first and last
         * character, before ".exe" is added, as the notebook does. */
        char variant[96];
        size_t length = strlen(notebook_good[i]);
        memcpy(variant, notebook_good[i], length + 1);
        uint32_t position = 1 + masq_random_below(&e->random, (uint32_t)(length - 2));
        variant[position] = (char)('a' + masq_random_below(&e->random, 26));
        with_extension(variant, name, sizeof name);
        MASQ_TRY(emit(e, "C:\\Windows\\Temp\\", name, NULL));
    }
    MASQ_TRY(emit(e, "C:\\Windows\\Temp\\", "scvhost.exe", NULL));
    MASQ_TRY(emit(e, "C:\\Windows\\Temp\\", "svch0st.exe", NULL));
    return MASQ_OK;
}

masq_status masq_demo_generate(uint64_t seed, bool background, masq_demo_sink sink, void *context)
{
    emitter e = {{seed}, sink, context};
    if (background)
        MASQ_TRY(emit_background(&e));
    return emit_notebook(&e);
}
