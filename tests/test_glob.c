/* The globs of folder rules and suppressions (host/util/glob.c): '*' inside
 * one folder name, '**' across them, '**\' also matching nothing. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

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
    /* Stars against a name an attacker chose: pattern x text steps, never a
     * backtracking search (this took 20 s with one). */
    char name[200];
    memset(name, 'a', 120);
    strcpy(name + 120, ".exe");
    clock_t start = clock();
    expect("*a*a*a*a*a*b", name, false);
    expect("*a*a*a*a*a*.exe", name, true);
    double seconds = (double)(clock() - start) / CLOCKS_PER_SEC;
    if (seconds > 0.5) {
        printf("FAIL: two matches of many stars took %.2f s\n", seconds);
        failures++;
    }
    expect("a***b", "axxb", true);
    if (failures)
        return 1;
    printf("glob: all cases pass\n");
    return 0;
}
