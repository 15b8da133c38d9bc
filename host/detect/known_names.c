#include "known_names.h"

#include <stdlib.h>
#include <string.h>

#include "../util/log.h"
#include "../util/list_file.h"
#include "../util/memory.h"

#define SYS "\\windows\\system32\\;\\windows\\syswow64\\;\\windows\\winsxs\\"
#define WIN "\\windows\\"

/* name, folders (';'-separated), other original file names (';'-separated).
 * Drawn from MITRE CAR-2021-04-001, Sigma's system file location rule and
 * Elastic's System32 masquerading rules. */
static const struct {
    const char *name, *folders, *originals;
} builtin[] = {
    {"svchost.exe", SYS, ""},
    {"lsass.exe", SYS, ""},
    {"csrss.exe", SYS, ""},
    {"smss.exe", SYS, ""},
    {"wininit.exe", SYS, ""},
    {"winlogon.exe", SYS, ""},
    {"services.exe", SYS, ""},
    {"spoolsv.exe", SYS, ""},
    {"lsm.exe", SYS, ""},
    {"lsaiso.exe", SYS, ""},
    {"dwm.exe", SYS, ""},
    {"taskhost.exe", SYS, ""},
    {"taskhostw.exe", SYS, ""},
    {"taskeng.exe", SYS, ""},
    {"conhost.exe", SYS, ""},
    {"dllhost.exe", SYS, ""},
    {"rundll32.exe", SYS, ""},
    {"regsvr32.exe", SYS, ""},
    {"cmd.exe", SYS, "cmd.exe"},
    {"powershell.exe", "\\windows\\system32\\windowspowershell\\v1.0\\;\\windows\\syswow64\\windowspowershell\\v1.0\\", ""},
    {"wmiprvse.exe", "\\windows\\system32\\wbem\\;\\windows\\syswow64\\wbem\\", ""},
    {"wscript.exe", SYS, ""},
    {"cscript.exe", SYS, ""},
    {"mshta.exe", SYS, ""},
    {"msiexec.exe", SYS, ""},
    {"certutil.exe", SYS, ""},
    {"bitsadmin.exe", SYS, ""},
    {"schtasks.exe", SYS, "sctasks.exe"},
    {"sc.exe", SYS, ""},
    {"net.exe", SYS, ""},
    {"net1.exe", SYS, ""},
    {"netsh.exe", SYS, ""},
    {"reg.exe", SYS, ""},
    {"regedit.exe", WIN ";" SYS, ""},
    {"explorer.exe", WIN ";" SYS, ""},
    {"userinit.exe", SYS, ""},
    {"logonui.exe", SYS, ""},
    {"fontdrvhost.exe", SYS, ""},
    {"sihost.exe", SYS, ""},
    {"ctfmon.exe", SYS, ""},
    {"searchindexer.exe", SYS, ""},
    {"searchprotocolhost.exe", SYS, ""},
    {"searchfilterhost.exe", SYS, ""},
    {"wuauclt.exe", SYS, ""},
    {"werfault.exe", SYS, ""},
    {"wermgr.exe", SYS, ""},
    {"taskmgr.exe", SYS, ""},
    {"mmc.exe", SYS, ""},
    {"notepad.exe", WIN ";" SYS, ""},
    {"calc.exe", SYS, ""},
    {"cmstp.exe", SYS, ""},
    {"control.exe", SYS, ""},
    {"eventvwr.exe", SYS, ""},
    {"mstsc.exe", SYS, ""},
    {"nltest.exe", SYS, "nltestrk.exe"},
    {"whoami.exe", SYS, ""},
    {"ipconfig.exe", SYS, ""},
    {"tasklist.exe", SYS, ""},
    {"systeminfo.exe", SYS, "sysinfo.exe"},
    {"gpresult.exe", SYS, "gprslt.exe"},
    {"gpupdate.exe", SYS, ""},
    {"nslookup.exe", SYS, ""},
    {"ping.exe", SYS, ""},
    {"tracert.exe", SYS, ""},
    {"bcdedit.exe", SYS, ""},
    {"vssadmin.exe", SYS, ""},
    {"wevtutil.exe", SYS, ""},
    {"wbadmin.exe", SYS, ""},
    {"esentutl.exe", SYS, ""},
    {"forfiles.exe", SYS, ""},
    {"atbroker.exe", SYS, ""},
    {"hh.exe", WIN ";" SYS, ""},
    {"wmic.exe", "\\windows\\system32\\wbem\\;\\windows\\syswow64\\wbem\\", ""},
    {"winrm.cmd", SYS, ""},
    {"wsmprovhost.exe", SYS, ""},
    {"dsregcmd.exe", SYS, ""},
    {"consent.exe", SYS, ""},
    {"audiodg.exe", SYS, ""},
    {"runtimebroker.exe", SYS, ""},
    {"backgroundtaskhost.exe", SYS, ""},
    {"smartscreen.exe", SYS, ""},
    {"securityhealthservice.exe", SYS, ""},
    {"usoclient.exe", SYS, ""},
    {"wlrmdr.exe", SYS, "wlrmndr.exe"},
    {"tstheme.exe", SYS, "tsthemes.exe"},
    {"sshd", "/usr/sbin/", ""},
    {"systemd", "/usr/lib/systemd/;/lib/systemd/", ""},
    {"cron", "/usr/sbin/", ""},
    {"sudo", "/usr/bin/", ""},
    {"bash", "/usr/bin/;/bin/", ""},
    {"kworker", "", ""},
};

static masq_status split_list(const char *text, char ***items, size_t *count)
{
    *items = NULL;
    *count = 0;
    size_t capacity = 0;
    while (text && *text) {
        size_t n = strcspn(text, ";");
        if (n > 0) {
            char *item = masq_strndup(text, n);
            if (item == NULL)
                return MASQ_ERR_NOMEM;
            for (char *p = item; *p; p++)
                if (*p >= 'A' && *p <= 'Z')
                    *p = (char)(*p + 32);
            if (masq_grow((void **)items, &capacity, *count + 1, sizeof **items) != 0) {
                free(item);
                return MASQ_ERR_NOMEM;
            }
            (*items)[(*count)++] = item;
        }
        text += n;
        if (*text == ';')
            text++;
    }
    return MASQ_OK;
}

static masq_status add(masq_known_names *known, const char *name, const char *folders,
                       const char *originals)
{
    masq_known_name entry = {0};
    entry.name = strdup(name);
    if (entry.name == NULL || MASQ_PUSH(*known, entry) != 0) {
        free(entry.name);
        return MASQ_ERR_NOMEM;
    }
    masq_known_name *e = &known->items[known->count - 1];
    MASQ_TRY(split_list(folders, &e->folders, &e->folder_count));
    return split_list(originals, &e->originals, &e->original_count);
}

masq_status masq_known_names_init(masq_known_names *known)
{
    memset(known, 0, sizeof *known);
    for (size_t i = 0; i < sizeof builtin / sizeof *builtin; i++)
        MASQ_TRY(add(known, builtin[i].name, builtin[i].folders, builtin[i].originals));
    return MASQ_OK;
}

typedef struct load_context {
    masq_known_names *known;
    const char *path;
} load_context;

static masq_status add_line(char *line, unsigned number, void *context)
{
    load_context *c = context;
    char *tab = strchr(line, '\t');
    if (tab)
        *tab = '\0';
    if (line[0] == '\0' || strchr(line, '\\') || strchr(line, '/')) {
        masq_error("%s:%u: expected 'name<TAB>folder;folder'", c->path, number);
        return MASQ_ERR_INPUT;
    }
    return add(c->known, line, tab ? tab + 1 : "", "");
}

masq_status masq_known_names_load(masq_known_names *known, const char *path)
{
    load_context context = {known, path};
    return masq_list_file_read(path, add_line, &context);
}

void masq_known_names_free(masq_known_names *known)
{
    for (size_t i = 0; i < known->count; i++) {
        masq_known_name *e = &known->items[i];
        for (size_t f = 0; f < e->folder_count; f++)
            free(e->folders[f]);
        for (size_t o = 0; o < e->original_count; o++)
            free(e->originals[o]);
        free(e->folders);
        free(e->originals);
        free(e->name);
    }
    free(known->items);
    memset(known, 0, sizeof *known);
}

const masq_known_name *masq_known_names_find(const masq_known_names *known, const char *name)
{
    /* Later entries (from --known) win over built-in ones. */
    for (size_t i = known->count; i > 0; i--)
        if (strcmp(known->items[i - 1].name, name) == 0)
            return &known->items[i - 1];
    return NULL;
}
