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
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '#' || line[0] == '\0')
            continue;
        for (char *p = line; *p; p++)
            if (*p >= 'A' && *p <= 'Z')
                *p = (char)(*p + ('a' - 'A'));
        status = each(line, number, context);
    }
    fclose(file);
    return status;
}
