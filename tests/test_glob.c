/* The globs of folder rules and suppressions (host/util/glob.c): '*' inside
 * one folder name, '**' across them, '**\' also matching nothing. */
#include <stdbool.h>
#include <stdio.h>

#include "util/glob.h"

static int failures;

static void expect(const char *pattern, const char *text, bool expected)
{
    if (masq_glob_match(pattern, text) != expected) {
        printf("FAIL: '%s' %s '%s'\n", pattern, expected ? "should match" : "should not match", text);
        failures++;
    }
}

int main(void)
{
    expect("svchost.exe", "svchost.exe", true);
    expect("svchost.exe", "svchost.exe2", false);
    expect("svch*.exe", "svch0st.exe", true);
    expect("*", "", true);
    expect("lab-*", "lab-01", true);
    expect("lab-*", "ws-01", false);
    /* one folder name */
    expect("\\tools\\*\\", "\\tools\\portable\\", true);
    expect("\\tools\\*\\", "\\tools\\a\\b\\", false);
    expect("\\tools\\*\\", "\\tools\\", false);
    expect("\\program files\\windowsapps\\microsoft.windowsnotepad_*\\notepad\\",
           "\\program files\\windowsapps\\microsoft.windowsnotepad_11.2_x64__8wekyb3d8bbwe\\notepad\\", true);
    expect("/usr/*/", "/usr/local/bin/", false);
    /* any depth, the folder itself included */
    expect("\\tools\\**\\", "\\tools\\a\\b\\", true);
    expect("\\tools\\**\\", "\\tools\\", true);
    expect("\\tools\\**\\", "\\toolsx\\", false);
    expect("\\users\\**\\temp\\", "\\users\\bob\\appdata\\local\\temp\\", true);
    expect("\\users\\**\\temp\\", "\\users\\temp\\", true);
    expect("\\users\\**\\temp\\", "\\users\\bob\\tempx\\", false);
    expect("**", "\\a\\b\\c", true);
    if (failures)
        return 1;
    printf("glob: all cases pass\n");
    return 0;
}
