#include "allowlist.h"

#include <stdlib.h>
#include <string.h>

#include "../util/log.h"
#include "../util/list_file.h"
#include "../util/memory.h"

static const char *const builtin[][2] = {
    {"taskhost.exe", "taskhostw.exe"}, {"taskhost.exe", "taskhostex.exe"},
    {"tracert.exe", "tracerpt.exe"},   {"netstat.exe", "nbtstat.exe"},
    {"more.com", "mode.com"},          {"dnscmd.exe", "dfscmd.exe"},
    {"wscript.exe", "cscript.exe"},    {"net.exe", "net1.exe"},
    {"regedit.exe", "regedt32.exe"},   {"services.exe", "service.exe"},
    {"wininit.exe", "wininst.exe"},    {"userinit.exe", "userinst.exe"},
    {"aitagent.exe", "adtagent.exe"},  {"nslookup.exe", "nblookup.exe"},
    {"systeminfo.exe", "system_info.exe"}, {"cscript.exe", "cnscript.exe"},
    {"sihost.exe", "svchost.exe"},     {"dllhost.exe", "dllhst3g.exe"},
    {"msiexec.exe", "msiexe.exe"},     {"wermgr.exe", "wermgr.exe"},
    {"conhost.exe", "comhost.exe"},    {"mmc.exe", "mmc32.exe"},
    {"chrome.exe", "chrome_proxy.exe"}, {"python.exe", "pythonw.exe"},
    {"java.exe", "javaw.exe"},         {"7z.exe", "7zg.exe"},
    {"powershell.exe", "powershell_ise.exe"}, {"procdump.exe", "procdump64.exe"},
    {"vssvc.exe", "vssadmin.exe"},     {"usocoreworker.exe", "mousocoreworker.exe"},
    {"usoclient.exe", "usocoreworker.exe"},
};

static masq_status add(masq_allowlist *list, const char *a, const char *b)
{
    char *x = strdup(a), *y = strdup(b);
    if (x == NULL || y == NULL ||
        masq_grow((void **)&list->pairs, &list->capacity, 2 * (list->count + 1), sizeof(char *)) != 0) {
        free(x);
        free(y);
        return MASQ_ERR_NOMEM;
    }
    list->pairs[2 * list->count] = x;
    list->pairs[2 * list->count + 1] = y;
    list->count++;
    return MASQ_OK;
}

masq_status masq_allowlist_init(masq_allowlist *list)
{
    memset(list, 0, sizeof *list);
    for (size_t i = 0; i < sizeof builtin / sizeof *builtin; i++)
        MASQ_TRY(add(list, builtin[i][0], builtin[i][1]));
    return MASQ_OK;
}

typedef struct load_context {
    masq_allowlist *list;
    const char *path;
} load_context;

static masq_status add_line(char *line, unsigned number, void *context)
{
    load_context *c = context;
    char *tab = strchr(line, '\t');
    if (tab == NULL || tab == line || tab[1] == '\0') {
        masq_error("%s:%u: expected 'name<TAB>name'", c->path, number);
        return MASQ_ERR_INPUT;
    }
    *tab = '\0';
    return add(c->list, line, tab + 1);
}

masq_status masq_allowlist_load(masq_allowlist *list, const char *path)
{
    load_context context = {list, path};
    return masq_list_file_read(path, add_line, &context);
}

void masq_allowlist_free(masq_allowlist *list)
{
    for (size_t i = 0; i < 2 * list->count; i++)
        free(list->pairs[i]);
    free(list->pairs);
    memset(list, 0, sizeof *list);
}

bool masq_allowlist_has(const masq_allowlist *list, const char *a, const char *b)
{
    for (size_t i = 0; i < list->count; i++) {
        const char *x = list->pairs[2 * i], *y = list->pairs[2 * i + 1];
        if ((strcmp(x, a) == 0 && strcmp(y, b) == 0) || (strcmp(x, b) == 0 && strcmp(y, a) == 0))
            return true;
    }
    return false;
}
