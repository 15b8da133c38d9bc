/* Words the command line does not know: the nearest command or option, by
 * true Damerau-Levenshtein distance, as "did you mean". */
#include "unknown_words.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../match/dl_exact.h"
#include "../util/log.h"

/* The true Damerau-Levenshtein distance of two short ASCII words (names of
 * options and commands), or a large number past 63 characters. */
static long word_distance(const char *a, size_t la, const char *b)
{
    uint32_t x[64], y[64];
    size_t lb = strlen(b);
    if (la > 63 || lb > 63)
        return 1000;
    for (size_t i = 0; i < la; i++)
        x[i] = (unsigned char)a[i];
    for (size_t i = 0; i < lb; i++)
        y[i] = (unsigned char)b[i];
    long d = masq_dl_codepoints(x, la, y, lb, 64);
    return d < 0 ? 1000 : d;
}

/* A typo is near: at most 1 edit in short words, 2 from 5 letters, 3 from 9. */
static bool near_enough(long distance, size_t length)
{
    return distance <= (length >= 9 ? 3 : length >= 5 ? 2 : 1);
}

/* The option of this command nearest a mistyped name, or NULL when none is
 * near; the first in the table among equals. */
static const char *nearest_option(const char *stem, size_t length, masq_command command)
{
    const char *best = NULL;
    long best_distance = 0;
    for (size_t i = 0; i < masq_option_count; i++) {
        const masq_option_spec *o = &masq_option_table[i];
        if (!(o->commands & MASQ_IN(command)))
            continue;
        long d = word_distance(stem, length, o->long_name);
        if (near_enough(d, length) && (best == NULL || d < best_distance)) {
            best = o->long_name;
            best_distance = d;
        }
    }
    return best;
}

/* The command nearest a mistyped one, or NULL. */
static const char *nearest_command(const char *word)
{
    const char *best = NULL;
    long best_distance = 0;
    for (size_t i = 0; i < masq_command_count; i++) {
        long d = word_distance(word, strlen(word), masq_commands[i].name);
        if (masq_commands[i].listed && near_enough(d, strlen(word)) &&
            (best == NULL || d < best_distance)) {
            best = masq_commands[i].name;
            best_distance = d;
        }
    }
    return best;
}

masq_status masq_unknown_command(const char *word)
{
    const char *near = nearest_command(word);
    if (near)
        masq_error("unknown command '%s' (did you mean '%s'? try 'masq --help')", word, near);
    else
        masq_error("unknown command '%s' (try 'masq --help')", word);
    return MASQ_ERR_USAGE;
}

void masq_unknown_option(const char *word, const char *command, masq_command id,
                         const masq_option_spec *flag, int optopt)
{
    char help[64];
    snprintf(help, sizeof help, "try 'masq%s%s --help'", command ? " " : "", command ? command : "");
    const char *stem = word + 2;
    size_t length = strcspn(stem, "=");
    bool long_word = strncmp(word, "--", 2) == 0;
    if (flag != NULL && long_word && stem[length] == '=' &&
        strncmp(flag->long_name, stem, length) == 0) {
        masq_error("--%s takes no value, got '%s' (%s)", flag->long_name, word, help);
        return;
    }
    if (optopt > 0 && optopt < 256) {
        masq_error("unknown option '-%c' (%s)", optopt, help);
        return;
    }
    if (!long_word) {
        masq_error("unknown option '%s' (%s)", word, help);
        return;
    }
    char matches[512] = "";
    size_t count = 0;
    for (size_t i = 0; i < masq_option_count && length > 0; i++) {
        const char *name = masq_option_table[i].long_name;
        if (strncmp(name, stem, length) == 0) {
            size_t used = strlen(matches);
            snprintf(matches + used, sizeof matches - used, "%s--%s", count ? ", " : "", name);
            count++;
        }
    }
    const char *near = count > 1 ? NULL : nearest_option(stem, length, id);
    if (count > 1)
        masq_error("ambiguous option '%s': %s (%s)", word, matches, help);
    else if (near)
        masq_error("unknown option '%s' (did you mean --%s? %s)", word, near, help);
    else
        masq_error("unknown option '%s' (%s)", word, help);
}
