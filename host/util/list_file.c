#include "list_file.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "log.h"

masq_status masq_list_file_read(const char *path, masq_list_entry each, void *context)
{
    FILE *file = fopen(path, "r");
    if (file == NULL) {
        masq_error("cannot read %s: %s", path, strerror(errno));
        return MASQ_ERR_INPUT;
    }
    char line[4096];
    unsigned number = 0;
    masq_status status = MASQ_OK;
    while (status == MASQ_OK && fgets(line, sizeof line, file)) {
        number++;
        size_t length = strcspn(line, "\r\n");
        if (line[length] == '\0' && !feof(file)) {
            masq_error("%s:%u: line longer than %zu bytes", path, number, sizeof line - 2);
            status = MASQ_ERR_INPUT;
            break;
        }
        line[length] = '\0';
        char *entry = line;
        if (number == 1 && memcmp(entry, "\xef\xbb\xbf", 3) == 0)
            entry += 3; /* a UTF-8 byte order mark, as spreadsheet exports write */
        if (entry[0] == '#' || entry[0] == '\0')
            continue;
        for (char *p = entry; *p; p++)
            if (*p >= 'A' && *p <= 'Z')
                *p = (char)(*p + ('a' - 'A'));
        status = each(entry, number, context);
    }
    fclose(file);
    return status;
}
